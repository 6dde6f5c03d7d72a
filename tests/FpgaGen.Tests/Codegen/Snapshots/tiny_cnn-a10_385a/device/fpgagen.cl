/*
 * FpgaGen accelerator kernels, Intel FPGA SDK for OpenCL form.
 * TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1
 * Single work-item kernels (max_global_work_dim(0)): per engine a reader, a compute kernel and a writer connected by
 * cl_intel_channels channels, so memory access and arithmetic overlap. The host starts the kernels of one step
 * together, each on its own command queue. None is autorun: every stage takes its step's loop bounds and offsets as
 * arguments (an autorun kernel has none, and would need a control channel fed by another kernel instead).
 */
#pragma OPENCL EXTENSION cl_intel_channels : enable

/* Configuration: the hardware plan's macros (design.json "plan"). */
#define Tm 16 /* parameter */
#define Tn 4 /* parameter */
#define Tr 7 /* parameter */
#define Tc 7 /* parameter */
#define vu 8 /* parameter */
#define BEAT 64 /* elements of the data type in one 512-bit external-memory beat (one request) */
#define KMAX 3 /* largest kernel */
#define SMAX 1 /* largest stride */
#define DMAX 1 /* largest dilation */
#define ITH 9 /* (Tr - 1) * SMAX + (KMAX - 1) * DMAX + 1 */
#define ITW 9 /* (Tc - 1) * SMAX + (KMAX - 1) * DMAX + 1 */
#define VU_BEATS 1 /* ceil(vu / BEAT): beats one vector spans */
#define VU_WIN 2 /* VU_BEATS + 1: beats a run reader keeps (a vector may straddle one more) */
#define PKH 8 /* input rows of the tallest pooling window (channels of an LRN window) */
#define PROWB 2 /* ceil(widest pooled row / BEAT) + 1: beats one input row spans */

#define FG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define FG_MAX(a, b) ((a) > (b) ? (a) : (b))
#define FG_FLOOR(v) floor(v)
#define FG_EXP(v) exp(v)
#define FG_ERF(v) erf(v)
#define FG_SQRT(v) sqrt(v)
/* Stands for -infinity in max pooling and softmax; finite, so no inf arithmetic is needed on any device. */
#define FG_NEG_BIG (-3.0e38f)
/* aoc inlines every function, and its OpenCL C 1.0 has no static functions (OpenCL C 1.2 added them): plain definitions. */
#define FG_INLINE

typedef char DTYPE; /* int8 */
typedef int ACC_T; /* int32 accumulator */
typedef int BIAS_T; /* int32 */
typedef long FG_I64;
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
#define FG_POOL_MAX 0
#define FG_POOL_AVG 1
#define FG_POOL_LRN 2
#define FG_ROW_SOFTMAX 0
#define FG_ROW_LAYERNORM 1
/* Lanes lo..hi of beat b: one store with byte enables (aoc coalesces the unrolled consecutive stores into one wide
   store unit; the lanes outside are not written, so a run's neighbours are kept). */
FG_INLINE void fg_beat_put_part(__global DTYPE* p, int b, fg_beat val, int lo, int hi)
{
    #pragma unroll
    for (int j = 0; j < BEAT; j++)
        if (j >= lo && j <= hi) p[b * BEAT + j] = val.v[j];
}
/* Wide external-memory access: beat b (elements b * BEAT ... b * BEAT + BEAT - 1) of a buffer in one request
   (aoc builds a 512-bit burst-coalesced load/store unit for an aligned struct access). */
#define GMB(p, b) (((__global const fg_beat*)(p))[b])
#define GMB_PUT(p, b, val) (((__global fg_beat*)(p))[b] = (val))
#define GMB_PUT_PART(p, b, val, lo, hi) fg_beat_put_part(p, b, val, lo, hi)

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

#define CH_READ(c) read_channel_intel(c)
#define CH_WRITE(c, v) write_channel_intel(c, v)

/* ---- conv_tiled: tiled convolution engine (Zhang et al., FPGA 2015), Tm x Tn MACs, Tr x Tc output tiles ---- */
typedef struct { DTYPE v[4]; } ct_vec; /* 32 bits */
typedef struct { ACC_T v[16]; } ct_ovec; /* 512 bits */
channel ct_vec ct_w __attribute__((depth(64)));
channel ct_vec ct_x __attribute__((depth(64)));
channel ct_ovec ct_o __attribute__((depth(64)));

__attribute__((max_global_work_dim(0)))
__kernel void conv_tiled_read(
    __global const DTYPE* restrict x,
    __global const DTYPE* restrict w,
    int batch,
    int groups,
    int m_out,
    int n_in,
    int ih,
    int iw,
    int oh,
    int ow,
    int kh,
    int kw,
    int stride,
    int pad_h,
    int pad_w,
    int dil,
    int x_off,
    int x_b,
    int x_g,
    int x_c,
    int x_y,
    int x_x,
    int w_off,
    int w_b,
    int w_g,
    int w_o,
    int w_i)
{
    __local DTYPE ibuf[324];
    /* Reader (Zhang et al., FPGA 2015 loop order: row tile, column tile, output-channel tile, input-channel tile).
       For each step it loads the input tile into ibuf (input channels innermost: one bank per MAC column), sends the
       Tm x taps weight vectors, then the input vectors tap by tap and pixel by pixel, the order the engine consumes. */
    const int tiles_r = (oh + Tr - 1) / Tr, tiles_c = (ow + Tc - 1) / Tc;
    const int mt_n = (m_out + Tm - 1) / Tm, nt_n = (n_in + Tn - 1) / Tn, taps = kh * kw;
    (void)tiles_r; (void)tiles_c; (void)mt_n; (void)nt_n; (void)taps; /* not every stage needs every bound */
    for (int b = 0; b < batch; b++)
    for (int g = 0; g < groups; g++)
    for (int tr = 0; tr < tiles_r; tr++)
    for (int tc = 0; tc < tiles_c; tc++) {
        const int th = FG_MIN(Tr, oh - tr * Tr), tw = FG_MIN(Tc, ow - tc * Tc);
        const int in_h = (th - 1) * stride + (kh - 1) * dil + 1, in_w = (tw - 1) * stride + (kw - 1) * dil + 1;
        const int y0 = tr * Tr * stride - pad_h, x0 = tc * Tc * stride - pad_w;
        for (int mt = 0; mt < mt_n; mt++)
        for (int nt = 0; nt < nt_n; nt++) {
            for (int iy = 0; iy < in_h; iy++)
            for (int ix = 0; ix < in_w; ix++) {
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    const int ci = nt * Tn + n, yy = y0 + iy, xx = x0 + ix;
                    const bool ok = ci < n_in && yy >= 0 && yy < ih && xx >= 0 && xx < iw;
                    ibuf[(iy * ITW + ix) * Tn + n] = ok ? x[x_off + b * x_b + g * x_g + ci * x_c + yy * x_y + xx * x_x] : (DTYPE)0;
                }
            }
            for (int m = 0; m < Tm; m++)
            for (int kk = 0; kk < taps; kk++) {
                ct_vec wv;
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    const int mo = mt * Tm + m, ci = nt * Tn + n;
                    wv.v[n] = (mo < m_out && ci < n_in) ? w[w_off + b * w_b + g * w_g + mo * w_o + ci * w_i + kk] : (DTYPE)0;
                }
                CH_WRITE(ct_w, wv);
            }
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            for (int r = 0; r < th; r++)
            for (int c = 0; c < tw; c++) {
                const int base = ((r * stride + ky * dil) * ITW + c * stride + kx * dil) * Tn;
                ct_vec xv;
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    xv.v[n] = ibuf[base + n];
                }
                CH_WRITE(ct_x, xv);
            }
        }
    }
}

__attribute__((max_global_work_dim(0)))
__kernel void conv_tiled_compute(
    int batch,
    int groups,
    int m_out,
    int n_in,
    int ih,
    int iw,
    int oh,
    int ow,
    int kh,
    int kw,
    int stride,
    int pad_h,
    int pad_w,
    int dil)
{
    __local DTYPE wbuf[576];
    __local ACC_T acc[784];
    /* Engine: Tm x Tn multiply-accumulates per cycle. The weight tile of a step goes to wbuf (one bank per MAC); each
       input vector then feeds all Tm output lanes. Accumulators live in acc across the input-channel tiles; taps are
       the outer loops, so consecutive updates of one accumulator are th*tw cycles apart (no adder stall). */
    const int tiles_r = (oh + Tr - 1) / Tr, tiles_c = (ow + Tc - 1) / Tc;
    const int mt_n = (m_out + Tm - 1) / Tm, nt_n = (n_in + Tn - 1) / Tn, taps = kh * kw;
    (void)tiles_r; (void)tiles_c; (void)mt_n; (void)nt_n; (void)taps; /* not every stage needs every bound */
    for (int b = 0; b < batch; b++)
    for (int g = 0; g < groups; g++)
    for (int tr = 0; tr < tiles_r; tr++)
    for (int tc = 0; tc < tiles_c; tc++) {
        const int th = FG_MIN(Tr, oh - tr * Tr), tw = FG_MIN(Tc, ow - tc * Tc);
        for (int mt = 0; mt < mt_n; mt++) {
            for (int nt = 0; nt < nt_n; nt++) {
                for (int m = 0; m < Tm; m++)
                for (int kk = 0; kk < taps; kk++) {
                    ct_vec wv = CH_READ(ct_w);
#pragma unroll
                    for (int n = 0; n < Tn; n++) {
                        wbuf[(kk * Tm + m) * Tn + n] = wv.v[n];
                    }
                }
                for (int kk = 0; kk < taps; kk++)
                for (int p = 0; p < th * tw; p++) {
                    ct_vec xv = CH_READ(ct_x);
                    const int pix = (p / tw) * Tc + p % tw;
#pragma unroll
                    for (int m = 0; m < Tm; m++) {
                        ACC_T sum = 0;
#pragma unroll
                        for (int n = 0; n < Tn; n++) {
                            sum += (ACC_T)wbuf[(kk * Tm + m) * Tn + n] * (ACC_T)xv.v[n];
                        }
                        const ACC_T prev = (nt == 0 && kk == 0) ? (ACC_T)0 : acc[pix * Tm + m];
                        acc[pix * Tm + m] = prev + sum;
                    }
                }
            }
            for (int p = 0; p < th * tw; p++) {
                const int pix = (p / tw) * Tc + p % tw;
                ct_ovec ov;
#pragma unroll
                for (int m = 0; m < Tm; m++) {
                    ov.v[m] = acc[pix * Tm + m];
                }
                CH_WRITE(ct_o, ov);
            }
        }
    }
}

__attribute__((max_global_work_dim(0)))
__kernel void conv_tiled_write(
    __global const BIAS_T* restrict bq,
    __global const float* restrict fq,
    __global const int* restrict iq,
    __global DTYPE* restrict y,
    int batch,
    int groups,
    int m_out,
    int n_in,
    int ih,
    int iw,
    int oh,
    int ow,
    int kh,
    int kw,
    int stride,
    int pad_h,
    int pad_w,
    int dil,
    int y_off,
    int y_b,
    int y_g,
    int y_c,
    int y_y,
    int y_x,
    int b_off,
    int act,
    int norm,
    int q_off,
    int f_off,
    int ln_off)
{
    /* Writer: bias, fused ReLU and requantization (common epilogue), then the store, Tm channels per output pixel. */
    const int tiles_r = (oh + Tr - 1) / Tr, tiles_c = (ow + Tc - 1) / Tc;
    const int mt_n = (m_out + Tm - 1) / Tm, nt_n = (n_in + Tn - 1) / Tn, taps = kh * kw;
    (void)tiles_r; (void)tiles_c; (void)mt_n; (void)nt_n; (void)taps; /* not every stage needs every bound */
    const int mult = iq[q_off], shift = iq[q_off + 1];
    const float act_hi = fq[f_off], sw = fq[f_off + 1], out_inv = fq[f_off + 3];
    (void)mult; (void)shift; (void)act_hi; (void)sw; (void)out_inv; /* unused by floating-point designs */
    const float mean = 0.0f, rstd = 1.0f;
    for (int b = 0; b < batch; b++)
    for (int g = 0; g < groups; g++)
    for (int tr = 0; tr < tiles_r; tr++)
    for (int tc = 0; tc < tiles_c; tc++) {
        const int th = FG_MIN(Tr, oh - tr * Tr), tw = FG_MIN(Tc, ow - tc * Tc);
        for (int mt = 0; mt < mt_n; mt++)
        for (int p = 0; p < th * tw; p++) {
            const ct_ovec ov = CH_READ(ct_o);
            const int oy = tr * Tr + p / tw, ox = tc * Tc + p % tw;
            for (int m = 0; m < Tm; m++) {
                const int mo = mt * Tm + m, gm = g * m_out + mo;
                if (mo >= m_out) continue;
                const ACC_T accv = ov.v[m];
                const BIAS_T biasv = b_off >= 0 ? bq[b_off + gm] : (BIAS_T)0;
                const float lnw = norm ? fq[ln_off + 2 * gm] : 0.0f, lnb = norm ? fq[ln_off + 2 * gm + 1] : 0.0f;
                (void)lnw; (void)lnb;
                DTYPE outv;
                if (norm) {
                    /* Fused LayerNorm: y = sw * (acc - mean * sum_k W'[n][k]) / sigma + b' (see ln_linear); the blob holds the
                       pair (sum_k W'[n][k], b'[n]) per output. */
                    float v = sw * ((float)accv - mean * lnw) * rstd + lnb;
                    if (act != FG_ACT_NONE) v = FG_MAX(v, 0.0f);
                    if (act == FG_ACT_RELU6) v = FG_MIN(v, 6.0f);
                    outv = fg_from_float(v * out_inv);
                } else {
#if FG_FIXED
                    FG_I64 t = (FG_I64)accv + (FG_I64)biasv;
                    if (act != FG_ACT_NONE) t = FG_MAX(t, (FG_I64)0);
                    if (act == FG_ACT_RELU6) t = FG_MIN(t, (FG_I64)act_hi);
                    outv = fg_requant(t, mult, shift);
#else
                    float v = (float)accv + (float)biasv;
                    if (act != FG_ACT_NONE) v = FG_MAX(v, 0.0f);
                    if (act == FG_ACT_RELU6) v = FG_MIN(v, act_hi);
                    outv = (DTYPE)v;
#endif
                }
                y[y_off + b * y_b + g * y_g + mo * y_c + oy * y_y + ox * y_x] = outv;
            }
        }
    }
}

/* ---- vu_map: vector unit, vu lanes (element-wise functions, adds and strided copies) ---- */
typedef struct { float v[8]; } vu_vec; /* 256 bits */
channel vu_vec vm_a __attribute__((depth(64)));
channel vu_vec vm_s __attribute__((depth(64)));
channel vu_vec vm_o __attribute__((depth(64)));

__attribute__((max_global_work_dim(0)))
__kernel void vu_map_read(
    __global const DTYPE* restrict a,
    __global const DTYPE* restrict s,
    __global const float* restrict fr,
    int batch,
    int d0,
    int d1,
    int d2,
    int op,
    int a_off,
    int a_b,
    int a_0,
    int a_1,
    int a_2,
    int s_off,
    int s_b,
    int s_0,
    int s_1,
    int s_2,
    int f_off)
{
    /* vu_map reader: vu elements per cycle along the innermost index, converted to real numbers with the operands'
       scales (a learned tensor such as the position embedding can be an operand, with batch stride 0). A row of
       consecutive elements (stride 1: every dense tensor, which the lowering makes one row) is read in aligned beats
       through a window of VU_WIN beats, the alignment funnel of a burst reader: the first beat before the loop, then
       each vector takes the beats it newly reaches, VU_BEATS requests per port at most (one when vu <= BEAT).
       A strided row (a copy out of a slice) reads one element per lane. */
    const float sa = fr[f_off], ss = fr[f_off + 1];
    const int chunks = (d2 + vu - 1) / vu, binary = op == FG_MAP_ADD;
    for (int b = 0; b < batch; b++)
    for (int i0 = 0; i0 < d0; i0++)
    for (int i1 = 0; i1 < d1; i1++) {
        const int abase = a_off + b * a_b + i0 * a_0 + i1 * a_1, sbase = s_off + b * s_b + i0 * s_0 + i1 * s_1;
        const bool arun = a_2 == 1, srun = binary && s_2 == 1;
        fg_beat aw[VU_WIN], sw[VU_WIN];
        int ahave = abase / BEAT, shave = sbase / BEAT; /* the newest beat in each window */
        if (arun && chunks > 0) aw[VU_WIN - 1] = GMB(a, ahave);
        if (srun && chunks > 0) sw[VU_WIN - 1] = GMB(s, shave);
        for (int kc = 0; kc < chunks; kc++) {
            const int k0 = kc * vu, last = FG_MIN(k0 + vu, d2) - 1;
#pragma unroll
            for (int j = 0; j < VU_BEATS; j++) {
                if (arun && ahave < (abase + last) / BEAT) {
                    for (int w = 0; w < VU_WIN - 1; w++) aw[w] = aw[w + 1];
                    aw[VU_WIN - 1] = GMB(a, ++ahave);
                }
                if (srun && shave < (sbase + last) / BEAT) {
                    for (int w = 0; w < VU_WIN - 1; w++) sw[w] = sw[w + 1];
                    sw[VU_WIN - 1] = GMB(s, ++shave);
                }
            }
            vu_vec av, sv;
#pragma unroll
            for (int l = 0; l < vu; l++) {
                const int k = k0 + l, ea = abase + k, es = sbase + k;
                const bool ok = k < d2;
                const DTYPE qa = !ok ? (DTYPE)0 : arun ? aw[VU_WIN - 1 - (ahave - ea / BEAT)].v[ea % BEAT] : a[abase + k * a_2];
                const DTYPE qs = !ok || !binary ? (DTYPE)0 : srun ? sw[VU_WIN - 1 - (shave - es / BEAT)].v[es % BEAT] : s[sbase + k * s_2];
                av.v[l] = fg_to_float(qa, sa);
                sv.v[l] = fg_to_float(qs, ss);
            }
            CH_WRITE(vm_a, av);
            if (binary) CH_WRITE(vm_s, sv);
        }
    }
}

__attribute__((max_global_work_dim(0)))
__kernel void vu_map_compute(
    int batch,
    int d0,
    int d1,
    int d2,
    int op)
{
    /* vu_map datapath: one element-wise function per lane (op: an FG_MAP_* code). */
    const int chunks = (d2 + vu - 1) / vu, binary = op == FG_MAP_ADD;
    for (int b = 0; b < batch; b++)
    for (int i0 = 0; i0 < d0; i0++)
    for (int i1 = 0; i1 < d1; i1++)
    for (int kc = 0; kc < chunks; kc++) {
        const vu_vec av = CH_READ(vm_a);
        vu_vec sv;
        if (binary) sv = CH_READ(vm_s);
        vu_vec ov;
#pragma unroll
        for (int l = 0; l < vu; l++) {
            const float v = av.v[l];
            float r = v;
            if (op == FG_MAP_RELU) r = FG_MAX(v, 0.0f);
            else if (op == FG_MAP_RELU6) r = FG_MIN(FG_MAX(v, 0.0f), 6.0f);
            else if (op == FG_MAP_GELU) r = 0.5f * v * (1.0f + FG_ERF(v * 0.70710678118654752f));
            else if (op == FG_MAP_SIGMOID) r = 1.0f / (1.0f + FG_EXP(-v));
            else if (op == FG_MAP_ADD) r = v + sv.v[l];
            ov.v[l] = r;
        }
        CH_WRITE(vm_o, ov);
    }
}

__attribute__((max_global_work_dim(0)))
__kernel void vu_map_write(
    __global const float* restrict fq,
    __global DTYPE* restrict y,
    int batch,
    int d0,
    int d1,
    int d2,
    int y_off,
    int y_b,
    int y_0,
    int y_1,
    int y_2,
    int y_whole,
    int f_off)
{
    /* vu_map writer: back to the data type with the output scale. When the output is one run that starts on a beat
       and may be written up to its last whole beat (y_whole, see MapStep.WholeBeats), it stores whole beats: a vector
       of vu >= BEAT lanes is VU_BEATS beats, smaller vectors fill one beat in turn. Otherwise one element per lane,
       never past the run. */
    const float out_inv = fq[f_off + 2];
    const int chunks = (d2 + vu - 1) / vu;
    for (int b = 0; b < batch; b++)
    for (int i0 = 0; i0 < d0; i0++)
    for (int i1 = 0; i1 < d1; i1++) {
        const int ybase = y_off + b * y_b + i0 * y_0 + i1 * y_1;
        fg_beat ob[VU_BEATS];
        for (int kc = 0; kc < chunks; kc++) {
            const vu_vec ov = CH_READ(vm_o);
            const int k0 = kc * vu;
            if (y_whole) {
#pragma unroll
                for (int l = 0; l < vu; l++) {
                    ob[l / BEAT].v[(k0 + l) % BEAT] = fg_from_float(ov.v[l] * out_inv);
                }
                /* a beat is complete when the vector ends on a beat boundary, or at the run's last vector */
#pragma unroll
                for (int j = 0; j < VU_BEATS; j++) {
                    if (k0 + j * BEAT < d2 && ((k0 + vu) % BEAT == 0 || kc == chunks - 1)) GMB_PUT(y, (ybase + k0) / BEAT + j, ob[j]);
                }
            } else {
#pragma unroll
                for (int l = 0; l < vu; l++) {
                    const int k = k0 + l;
                    if (k < d2) y[ybase + k * y_2] = fg_from_float(ov.v[l] * out_inv);
                }
            }
        }
    }
}

/* ---- vu_pool: vector unit, vu lanes (max and average pooling) ---- */
channel vu_vec vp_x __attribute__((depth(64)));
channel vu_vec vp_o __attribute__((depth(64)));

__attribute__((max_global_work_dim(0)))
__kernel void vu_pool_read(
    __global const DTYPE* restrict x,
    __global const float* restrict fr,
    int batch,
    int chans,
    int ih,
    int iw,
    int oh,
    int ow,
    int kh,
    int kw,
    int stride,
    int pad,
    int mode,
    int adaptive,
    int x_off,
    int f_off)
{
    __local DTYPE lbuf[2048];
    /* vu_pool reader: vu neighbouring outputs of one row at a time; for each window position it sends the vu inputs
       (FG_NEG_BIG for max / 0 for average where the window leaves the map), then the vu divisors. Windows follow
       PyTorch: regular (kernel, stride, padding; the average counts the window clipped to the padded map) or adaptive
       (floor(i*H/OH) to ceil((i+1)*H/OH); kh x kw is then the largest window). mode FG_POOL_LRN, local response
       normalization: the window is the kh channels c - kh/2 ... c + (kh-1)/2 at the same pixel (0 outside the map,
       kw = 1), and the vu values of channel c itself follow instead of divisors.
       Double buffered: lbuf holds the kh input rows of one output row as the beats they lie in (one bank per beat
       lane). Iteration j of the outer loop loads the rows of output row j into one copy, one beat per cycle, while it
       sends the windows of output row j - 1 from the other: max(load, send) cycles per output row. */
    const float sx = fr[f_off];
    const int chunks = (ow + vu - 1) / vu, lrn = mode == FG_POOL_LRN, taps = kh * kw;
    const int rowbeats = (iw + BEAT - 1) / BEAT + 1, fill = kh * rowbeats, send = chunks * (taps + 1);
    const int jobs = batch * chans * oh;
    int lb = 0, lc = 0, ly = 0; /* the output row being loaded */
    int b = 0, c = 0, oy = 0;   /* the output row being sent */
    for (int j = 0; j <= jobs; j++) {
        const int fillc = j & 1, sendc = 1 - fillc;
        const int lys = adaptive ? ly * ih / oh : ly * stride - pad;
        const int ys = adaptive ? oy * ih / oh : oy * stride - pad;
        const int ye = adaptive ? ((oy + 1) * ih + oh - 1) / oh : FG_MIN(ys + kh, ih + pad);
        const int trips = FG_MAX(j < jobs ? fill : 0, j > 0 ? send : 0);
        int r = 0, k = 0;           /* load: row, beat */
        int oc = 0, wy = 0, wx = 0; /* send: output vector, window row and column (wy == kh: the divisors) */
        for (int t = 0; t < trips; t++) {
            if (j < jobs && t < fill) {
                const int cc = lrn ? lc - kh / 2 + r : lc, yy = lrn ? ly : lys + r;
                const int row0 = x_off + ((lb * chans + cc) * ih + yy) * iw;
                if (cc >= 0 && cc < chans && yy >= 0 && yy < ih && k <= (row0 + iw - 1) / BEAT - row0 / BEAT) {
                    const fg_beat v = GMB(x, row0 / BEAT + k);
#pragma unroll
                    for (int q = 0; q < BEAT; q++) {
                        lbuf[((fillc * PKH + r) * PROWB + k) * BEAT + q] = v.v[q];
                    }
                }
                if (++k == rowbeats) { k = 0; r++; }
            }
            if (j > 0 && t < send) {
                vu_vec v;
#pragma unroll
                for (int l = 0; l < vu; l++) {
                    const int ox = oc * vu + l;
                    const int xs = adaptive ? ox * iw / ow : ox * stride - pad;
                    const int xe = adaptive ? ((ox + 1) * iw + ow - 1) / ow : FG_MIN(xs + kw, iw + pad);
                    const int wr = wy < kh ? wy : kh / 2; /* the divisors' row: LRN's own channel */
                    const int cc = lrn ? c - kh / 2 + wr : c;
                    const int yy = lrn ? oy : ys + wr, xx = lrn || wy == kh ? ox : xs + wx;
                    const int e = (x_off + ((b * chans + cc) * ih + yy) * iw) % BEAT + xx;
                    const bool ok = ox < ow && (lrn ? cc >= 0 && cc < chans
                                                    : yy < ye && xx < xe && yy >= 0 && yy < ih && xx >= 0 && xx < iw);
                    const float in = ok ? fg_to_float(lbuf[((sendc * PKH + wr) * PROWB + e / BEAT) * BEAT + e % BEAT], sx) : 0.0f;
                    if (wy < kh) v.v[l] = ok ? in : (mode == FG_POOL_MAX ? FG_NEG_BIG : 0.0f);
                    else if (lrn) v.v[l] = ox < ow ? in : 0.0f;
                    else v.v[l] = mode == FG_POOL_MAX ? 1.0f : (float)((ye - ys) * (xe - xs));
                }
                CH_WRITE(vp_x, v);
                if (wy == kh) { wy = 0; oc++; }
                else if (++wx == kw) { wx = 0; wy++; }
            }
        }
        if (j < jobs && ++ly == oh) { ly = 0; if (++lc == chans) { lc = 0; lb++; } }
        if (j > 0 && ++oy == oh) { oy = 0; if (++c == chans) { c = 0; b++; } }
    }
}

__attribute__((max_global_work_dim(0)))
__kernel void vu_pool_compute(
    int batch,
    int chans,
    int oh,
    int ow,
    int kh,
    int kw,
    int mode)
{
    /* vu_pool datapath: max or sum over the window per lane, then the divide. mode FG_POOL_LRN (local response normalization,
       PyTorch's LocalResponseNorm with alpha 1e-4, beta 0.75, k 1): sum of squares over the channel window, then
       a_c / (k + alpha/kh * sum)^0.75, the power as sqrt(d) * sqrt(sqrt(d)). */
    const float lrn_alpha = 1.0e-4f / (float)kh;
    const int chunks = (ow + vu - 1) / vu;
    for (int b = 0; b < batch; b++)
    for (int c = 0; c < chans; c++)
    for (int oy = 0; oy < oh; oy++)
    for (int oc = 0; oc < chunks; oc++) {
        float accs[vu];
#pragma unroll
        for (int l = 0; l < vu; l++) {
            accs[l] = mode == FG_POOL_MAX ? FG_NEG_BIG : 0.0f;
        }
        for (int t = 0; t < kh * kw; t++) {
            const vu_vec v = CH_READ(vp_x);
#pragma unroll
            for (int l = 0; l < vu; l++) {
                accs[l] = mode == FG_POOL_MAX ? FG_MAX(accs[l], v.v[l]) : accs[l] + (mode == FG_POOL_LRN ? v.v[l] * v.v[l] : v.v[l]);
            }
        }
        const vu_vec dv = CH_READ(vp_x);
        vu_vec ov;
#pragma unroll
        for (int l = 0; l < vu; l++) {
            if (mode == FG_POOL_LRN) {
                const float root = FG_SQRT(1.0f + lrn_alpha * accs[l]);
                ov.v[l] = dv.v[l] / (root * FG_SQRT(root));
            } else {
                ov.v[l] = accs[l] / dv.v[l];
            }
        }
        CH_WRITE(vp_o, ov);
    }
}

__attribute__((max_global_work_dim(0)))
__kernel void vu_pool_write(
    __global const float* restrict fq,
    __global DTYPE* restrict y,
    int batch,
    int chans,
    int oh,
    int ow,
    int y_off,
    int f_off)
{
    /* vu_pool writer: the output map is dense and starts on a beat (an arena tensor), so the rows' elements form one
       run: they are gathered into a ring of VU_WIN beats and every beat is stored whole once complete, VU_BEATS
       stores per vector at most; the last, partial beat goes to the tensor's padding. */
    const float out_inv = fq[f_off + 2];
    const int chunks = (ow + vu - 1) / vu;
    fg_beat ob[VU_WIN];
    int e = 0, stored = 0; /* elements received, beats stored */
    for (int b = 0; b < batch; b++)
    for (int c = 0; c < chans; c++)
    for (int oy = 0; oy < oh; oy++)
    for (int oc = 0; oc < chunks; oc++) {
        const vu_vec ov = CH_READ(vp_o);
        const int n = FG_MIN(vu, ow - oc * vu);
#pragma unroll
        for (int l = 0; l < vu; l++) {
            if (l < n) ob[((e + l) / BEAT) % VU_WIN].v[(e + l) % BEAT] = fg_from_float(ov.v[l] * out_inv);
        }
        e += n;
#pragma unroll
        for (int q = 0; q < VU_BEATS; q++) {
            if (stored < e / BEAT) {
                GMB_PUT(y, y_off / BEAT + stored, ob[stored % VU_WIN]);
                stored++;
            }
        }
    }
    if (stored * BEAT < e) GMB_PUT(y, y_off / BEAT + stored, ob[stored % VU_WIN]);
}
