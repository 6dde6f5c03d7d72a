/* FpgaGen data types for the HLS kernels and testbenches: TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1 */
#ifndef FPGAGEN_TYPES_H
#define FPGAGEN_TYPES_H
#include "fpgagen_hls.h"
#include "fpgagen_config.h"

#if defined(FG_PRECISION_FP32)
typedef float DTYPE;
typedef float ACC_T;
typedef float BIAS_T;
#define FG_FIXED 0
#elif defined(FG_PRECISION_FP16)
typedef half DTYPE;
/* Half-precision operands, float accumulation: long reductions in half lose too much. */
typedef float ACC_T;
typedef float BIAS_T;
#define FG_FIXED 0
#elif defined(FG_PRECISION_INT16)
typedef int16_t DTYPE;
/* 16-bit products summed over thousands of terms overflow 32 bits; DSP48 accumulators are 48 bits wide anyway. */
typedef int64_t ACC_T;
typedef int32_t BIAS_T;
#define FG_FIXED 1
#define QMIN (-32768)
#define QMAX 32767
#else
typedef int8_t DTYPE;
typedef int32_t ACC_T;
typedef int32_t BIAS_T;
#define FG_FIXED 1
#define QMIN (-128)
#define QMAX 127
#endif

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

#if FG_FIXED
/* Integer requantization of an accumulator: round(t * mult / 2^shift), saturated to the data type. */
FG_INLINE DTYPE fg_requant(FG_I64 t, int mult, int shift)
{
    FG_I64 r = t * (FG_I64)mult;
    if (shift > 0) r = (r + ((FG_I64)1 << (shift - 1))) >> shift;
    return (DTYPE)FG_MIN(FG_MAX(r, (FG_I64)QMIN), (FG_I64)QMAX);
}
#endif

#endif
