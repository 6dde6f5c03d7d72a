/* FpgaGen data types for the HLS kernels and testbenches: TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1 */
#ifndef FPGAGEN_TYPES_H
#define FPGAGEN_TYPES_H
#include "fpgagen_hls.h"
#include "fpgagen_config.h"

typedef int8_t DTYPE; /* int8 */
typedef int32_t ACC_T; /* int32 accumulator */
typedef int32_t BIAS_T; /* int32 */
typedef int64_t FG_I64;
#define FG_FIXED 1
typedef struct { DTYPE v[BEAT]; } fg_beat;
#define QMIN (-128)
#define QMAX 127
#define FG_ACT_NONE 0
#define FG_ACT_RELU 1
#define FG_ACT_RELU6 2
#define FG_MAP_COPY 0
#define FG_MAP_RELU 1
#define FG_MAP_RELU6 2
#define FG_MAP_GELU 3
#define FG_MAP_SIGMOID 4
#define FG_MAP_ADD 5
#define FG_MAP_REQUANTIZE 6
#define FG_MAP_ADDRELU 7
#define FG_POOL_MAX 0
#define FG_POOL_AVG 1
#define FG_POOL_LRN 2
#define FG_ROW_SOFTMAX 0
#define FG_ROW_LAYERNORM 1

/* Wide external-memory access: beat b (BEAT consecutive elements from b * BEAT) in one request. Vitis HLS widens
   an unrolled copy of consecutive, aligned addresses into one beat of the port (max_widen_bitwidth=512; UG1399,
   "Automatic Port Widening"). */
FG_INLINE fg_beat fg_beat_get(const DTYPE* p, int b)
{
    fg_beat r;
    for (int j = 0; j < BEAT; j++) {
#pragma HLS UNROLL
        r.v[j] = p[b * BEAT + j];
    }
    return r;
}

FG_INLINE void fg_beat_put(DTYPE* p, int b, const fg_beat& val)
{
    for (int j = 0; j < BEAT; j++) {
#pragma HLS UNROLL
        p[b * BEAT + j] = val.v[j];
    }
}
/* Lanes lo..hi of beat b: one beat with byte enables (the AXI write strobes), the other lanes untouched. */
FG_INLINE void fg_beat_put_part(DTYPE* p, int b, const fg_beat& val, int lo, int hi)
{
    for (int j = 0; j < BEAT; j++) {
#pragma HLS UNROLL
        if (j >= lo && j <= hi) p[b * BEAT + j] = val.v[j];
    }
}
#define GMB(p, b) fg_beat_get(p, b)
#define GMB_PUT_PART(p, b, val, lo, hi) fg_beat_put_part(p, b, val, lo, hi)
#define GMB_PUT(p, b, val) fg_beat_put(p, b, val)

/* Conversions between stored values and real numbers (same text in OpenCL and C++). Fixed point is symmetric:
   real = q * scale; results round half up and saturate. Floating-point designs pass scale 1. */
FG_INLINE float fg_to_float(DTYPE q, float scale) { return (float)q * scale; }

FG_INLINE DTYPE fg_from_float(float v)
{
#if FG_FIXED
    float r = FG_FLOOR(v + 0.5f);
    return (DTYPE)FG_MIN(FG_MAX(r, (float)QMIN), (float)QMAX);
#else
    return (DTYPE)v;
#endif
}

#if FG_FIXED && defined(VU_REQUANT)
/* A quantized model's requantization as ONNX's QuantizeLinear computes it on the dequantized value v (zero-centred):
   v / scale in float32, round half to even (rint in the default rounding mode), saturate to the tensor's own range
   [lo, hi] = [qmin - zp, qmax - zp]. */
FG_INLINE DTYPE fg_quantize_linear(float v, float scale, float lo, float hi)
{
    return (DTYPE)FG_MIN(FG_MAX(FG_RINT(v / scale), lo), hi);
}
#endif

#if FG_FIXED && PAIRS
/* Two columns on one multiplier (PAIRS; Xilinx WP486, two INT8 MACs per DSP48E2): the shared operand a times the
   27-bit word w1 * 2^18 + w0 is a*w1 * 2^18 + a*w0. With int8 operands a*w0 lies in [-16256, 16384], inside the
   signed range of the low 18 bits, so the low product is those bits sign-extended and the high one what remains,
   shifted down: both exact. A step at the datapath's full width (narrow = 0) multiplies by one weight, w0 on phase 0,
   w1 on phase 1. */
FG_INLINE FG_I64 fg_pair_product(FG_I64 a, FG_I64 w0, FG_I64 w1, int narrow, int ph)
{
    return FG_PAIR_MUL(a, narrow ? w1 * 262144 + w0 : (ph ? w1 : w0));
}
FG_INLINE FG_I64 fg_pair_low(FG_I64 p) { return ((p & 0x3FFFF) ^ 0x20000) - 0x20000; }
FG_INLINE FG_I64 fg_pair_high(FG_I64 p, FG_I64 low) { return (p - low) >> 18; }
#endif

#if FG_FIXED
/* Integer requantization of an accumulator: round(t * mult / 2^shift), saturated to the data type. */
FG_INLINE DTYPE fg_requant(FG_I64 t, int mult, int shift)
{
    FG_I64 r = t * (FG_I64)mult;
    if (shift > 0) r = (r + ((FG_I64)1 << (shift - 1))) >> shift;
    return (DTYPE)FG_MIN(FG_MAX(r, (FG_I64)QMIN), (FG_I64)QMAX);
}

/* Requantization with a quantized model's own scales (shift < 0 in the step's parameters, see WeightsLayout): the
   values are stored zero-centred (q - zero point), round(t * mult / 2^shift) rounds half to even as ONNX's
   QuantizeLinear does, and saturates to the output tensor's own range [lo, hi] = [qmin - zp, qmax - zp]. mult is a
   31-bit fixed-point multiplier (TFLite's QuantizeMultiplier), shift >= 1. */
FG_INLINE DTYPE fg_requant_even(FG_I64 t, int mult, int shift, int lo, int hi)
{
    const FG_I64 r = t * (FG_I64)mult;
    FG_I64 q = r >> shift;                       /* floor */
    const FG_I64 rem = r - (q << shift), halfway = (FG_I64)1 << (shift - 1);
    if (rem > halfway || (rem == halfway && (q & 1))) q += 1;
    return (DTYPE)FG_MIN(FG_MAX(q, (FG_I64)lo), (FG_I64)hi);
}
#endif

#endif
