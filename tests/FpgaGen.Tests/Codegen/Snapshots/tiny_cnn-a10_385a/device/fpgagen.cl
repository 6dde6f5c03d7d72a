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
#define ACCLAT 2 /* iterations before an accumulator may be updated again (the adder_s latency) */
#define FACCLAT 5 /* ACCLAT of a float sum (row reductions, LayerNorm statistics) */
#define KMAX 3 /* largest kernel */
#define SMAX 1 /* largest stride */
#define DMAX 1 /* largest dilation */
#define ITH 9 /* (Tr - 1) * SMAX + (KMAX - 1) * DMAX + 1 */
#define ITW 9 /* (Tc - 1) * SMAX + (KMAX - 1) * DMAX + 1 */
#define WVB 2 /* (Tn + BEAT - 1) / BEAT + 1: beats a tap_s run of Tn weights covers at most */
#define WBPT 1 /* (Tm * Tn + BEAT - 1) / BEAT: beats of a tap_s block of weights stored per tile */
#define CTW 64 /* max(2 * Tm, BEAT): the writer_s corner-turn iterations per segment of BEAT pixels */
#define WCOL 0 /* 1: some step_s weights are runs of consecutive outputs (P.V_s V), read through the corner turn wtw */
#define GATHER_X 0 /* 1: a step reads its input one element a lane (no contiguous channel run) */
#define GATHER_W 0 /* 1: a step reads its weights one element a lane (neither rows nor columns) */
#define MSLOTS 1 /* beats of a run of Tm outputs whose runs start on beats */
#define WMBEATS 2 /* beats an unaligned run of Tm outputs covers at most */
#define PAIRS 0 /* lanes 2q and 2q+1 share one multiplier (WP486): 0 no, 1 every step int8, 2 int8 steps (narrow) pack two products, the others take two iterations a row */
#define VU_BEATS 1 /* ceil(vu / BEAT): beats one vector spans */
#define VU_WIN 2 /* VU_BEATS + 1: beats a run reader keeps (a vector may straddle one more) */
#define PKH 8 /* input rows of the tallest pooling window (channels of an LRN window) */
#define PROWB 2 /* ceil(widest pooled row / BEAT) + 1: beats one input row spans */
#define ADAPTIVE_POOL 0 /* 1: a pooling step has adaptive windows */

#define FG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define FG_MAX(a, b) ((a) > (b) ? (a) : (b))
#define FG_FLOOR(v) floor(v)
#define FG_RINT(v) rint(v)
#define FG_EXP(v) exp(v)
#define FG_ERF(v) erf(v)
#define FG_SQRT(v) sqrt(v)
#define FG_PAIR_MUL(a, w) ((long)(a) * (long)(w))
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
#define FG_MAP_REQUANTIZE 6
#define FG_MAP_ADDRELU 7
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

#define CH_READ(c) read_channel_intel(c)
#define CH_WRITE(c, v) write_channel_intel(c, v)

/* ---- conv_tiled: tiled convolution engine (Zhang et al., FPGA 2015), Tm x Tn MACs, Tr x Tc output tiles ---- */
typedef struct { DTYPE v[64]; } ct_wvec; /* 512 bits */
typedef struct { DTYPE v[4]; } ct_vec; /* 32 bits */
typedef struct { ACC_T v[16]; } ct_ovec; /* 512 bits */
channel ct_wvec ct_w __attribute__((depth(64)));
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
    int run,
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
    int w_i,
    int w_t,
    int w_tn)
{
    __local DTYPE ibuf[648];
    DTYPE twin[1024];
    int toff[8];
    DTYPE wtw[1];
    /* Reader (Zhang et al., FPGA 2015 loop order: row tile, column tile, output-channel tile, input-channel tile).
       Double buffered: tile k (over all output tiles and channel tiles of the step) loads its input into one copy of
       ibuf (input channels innermost, Tn banks) and sends its Tm x taps weight vectors, while tile k - 1's input
       vectors go from the other copy, tap by tap and pixel by pixel, the order the engine consumes: max(load, weights, stream) iterations per tile, at most
       one request per port each. NCHW rows (x_x == 1) come through a corner turn: per row and segment of BEAT pixels the
       Tn channels' runs are read as the one or two aligned beats each covers (one request per iteration) into one half
       of the register window twin, while the previous segment goes from the other half to ibuf as BEAT pixel vectors;
       ctp = max(2 min(Tn, n_in), min(BEAT, in_w)) iterations per segment (the lanes' reads or the pixels written,
       whichever is more: a first layer's 3 channels and a tile row narrower than a beat take fewer). Channel-contiguous rows (a product's, x_c == 1) are read as the
       beats each pixel's Tn channels cover, one an iteration (a beat the previous iteration read is not read again); anything else one load per lane (compiled only when a step needs it: GATHER_X, GATHER_W). Static
       weights are stored per tile (w_tn > 0: per tap a block of the Tm x Tn weights, lane by lane, in WBPT whole beats;
       the tile's taps one after another), so a tile's weights are one burst, a beat an iteration, taps * WBPT in all.
       An activation operand's tap takes the beats its run of Tn covers, one an iteration. */
    const int tiles_r = (oh + Tr - 1) / Tr, tiles_c = (ow + Tc - 1) / Tc;
    const int mt_n = (m_out + Tm - 1) / Tm, nt_n = (n_in + Tn - 1) / Tn, taps = kh * kw;
    (void)tiles_r; (void)tiles_c; (void)mt_n; (void)nt_n; (void)taps; /* not every stage needs every bound */
    /* One loop over every tile of the step (counters instead of nested loops: no pipeline drain between tiles, and
       the next output tile's first load overlaps the last stream of the one before). */
    const int turn = x_x == 1, dense = !turn && x_c == 1, wtile = w_tn > 0, wrun = w_i == 1;
    /* Weights whose outputs are consecutive (P.V's right operand V, a token's features in a row): a tile's weights
       are Tn runs of Tm outputs, one per input channel. They turn the corner through the register window wtw: the
       runs' beats in, one an iteration (Tn x rbm), then the Tm vectors out, one an iteration. */
    const int wcol = WCOL && !wrun && w_o == 1 && taps == 1;
    const int rbm = w_off % BEAT == 0 && w_b % BEAT == 0 && w_g % BEAT == 0 && w_i % BEAT == 0 ? MSLOTS : WMBEATS;
    int wcr = 0; /* column weights: the run's beat being read */
    const int tiles = mt_n * nt_n, ntiles = batch * groups * tiles_r * tiles_c * tiles;
    int lb = 0, lg = 0, ltr = 0, ltc = 0, mt = 0, nt = 0; /* the tile loaded (k); k - 1 streams */
    int th = FG_MIN(Tr, oh), tw = FG_MIN(Tc, ow), sth = 0, stw = 0;
    int in_h = (th - 1) * stride + (kh - 1) * dil + 1, in_w = (tw - 1) * stride + (kw - 1) * dil + 1;
    int y0 = -pad_h, x0 = -pad_w, xbase = x_off, segs = (in_w + BEAT - 1) / BEAT;
    int ctp = FG_MAX(2 * FG_MIN(Tn, n_in), FG_MIN(BEAT, in_w));
    int load_n = turn ? (in_h * segs + 1) * ctp : 0;
    int k = 0, it = 0; /* tile, iteration in it: a tile ends when its load, its weights and the previous tile's stream are done */
    int ti = 0, tb = 0, ly = 0, ls = 0, wy = 0, ws = 0; /* load: step in segment, segment, load/write row and segment */
    int wm = 0, wk = 0, wsl = 0, xsl = 0, wq = 0;        /* weights: output lane, tap, beat, tiled beat; dense input: beat */
    fg_beat xb[WVB], wb[WVB], xc; /* xc: the input beat read last (at xq) */
    int xq = -1;
    int ky = 0, kx = 0, r = 0, c = 0;                    /* stream: tap, pixel */
    while (k <= ntiles) {
        const int lc = k & 1, sc = 1 - lc, ld = k < ntiles, st = k > 0;
        if (ld && it < load_n && turn) {
            if (tb < in_h * segs && ti < 2 * Tn) {
                const int n = ti >> 1, h = ti & 1, ci = nt * Tn + n, yy = y0 + ly, xs = x0 + ls * BEAT;
                const int lo = FG_MAX(0, xs), hi = FG_MIN(FG_MIN(iw, xs + BEAT), x0 + in_w) - 1;
                const int rs = xbase + ci * x_c + yy * x_y;
                const bool any = ci < n_in && yy >= 0 && yy < ih && lo <= hi;
                const int q = any ? (rs + lo) / BEAT : 0;
                if (h == 0) toff[(tb & 1) * Tn + n] = rs + xs - q * BEAT;
                if (any && q + h <= (rs + hi) / BEAT) {
                    const fg_beat v = GMB(x, q + h);
#pragma unroll
                    for (int j = 0; j < BEAT; j++) {
                        twin[(((tb & 1) * Tn + n) * 2 + h) * BEAT + j] = v.v[j];
                    }
                }
            }
            if (tb > 0 && ti < BEAT && ws * BEAT + ti < in_w) {
                const int wh = (tb - 1) & 1, ix = ws * BEAT + ti, yy = y0 + wy, xx = x0 + ix;
                const bool ok = yy >= 0 && yy < ih && xx >= 0 && xx < iw;
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    const int lane = toff[wh * Tn + n] + ti;
                    ibuf[((lc * ITH + wy) * ITW + ix) * Tn + n] = ok && nt * Tn + n < n_in ? twin[(wh * Tn + n) * 2 * BEAT + lane] : (DTYPE)0;
                }
            }
            if (++ti == ctp) {
                ti = 0;
                tb++;
                wy = ly;
                ws = ls;
                if (++ls == segs) { ls = 0; ly++; }
            }
        } else if (ld && !turn && ly < in_h) {
            const int yy = y0 + ly, xx = x0 + ls, c0 = nt * Tn;
            const bool ok = yy >= 0 && yy < ih && xx >= 0 && xx < iw;
            const int base = xbase + c0 * x_c + yy * x_y + xx * x_x;
            const int first = base / BEAT, last = (base + FG_MIN(Tn, n_in - c0) - 1) / BEAT;
            if (dense && ok) {
                /* A one-pixel tile's channel tiles (a linear layer) share beats: each beat is read once a pass. */
                if (first + xsl != xq) {
                    xc = GMB(x, first + xsl);
                    xq = first + xsl;
                }
                xb[xsl] = xc;
            }
            if (++xsl == (dense && ok ? last - first + 1 : 1)) {
                xsl = 0;
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    const int ci = c0 + n, e = base + n;
                    ibuf[((lc * ITH + ly) * ITW + ls) * Tn + n] = !(ok && ci < n_in) ? (DTYPE)0 : !GATHER_X || dense ? xb[e / BEAT - first].v[e % BEAT]
                        : x[xbase + ci * x_c + yy * x_y + xx * x_x];
                }
                if (++ls == in_w) { ls = 0; ly++; }
            }
        }
        if (wtile) {
            if (ld && wq < taps * WBPT) {
                const fg_beat v = GMB(w, (w_off + lb * w_b + lg * w_g + mt * w_o + nt * taps * w_t) / BEAT + wq);
                ct_wvec wv;
#pragma unroll
                for (int j = 0; j < BEAT; j++) {
                    wv.v[j] = v.v[j];
                }
                CH_WRITE(ct_w, wv);
                wq++;
            }
        } else if (wcol && ld && wm < Tm && wcr < Tn * rbm) {
            const int n = wcr / rbm, b = wcr % rbm, ci = nt * Tn + n, rs = w_off + lb * w_b + lg * w_g + mt * Tm + ci * w_i;
            if (ci < n_in && rs / BEAT + b <= (rs + FG_MIN(Tm, m_out - mt * Tm) - 1) / BEAT) {
                const fg_beat v = GMB(w, rs / BEAT + b);
#pragma unroll
                for (int j = 0; j < BEAT; j++) {
                    wtw[(n * WMBEATS + b) * BEAT + j] = v.v[j];
                }
            }
            wcr++;
        } else if (ld && wm < Tm) {
            /* Weights stored channels innermost (w_i == 1): the tap's Tn channels are one run of at most WVB beats,
               one beat an iteration; else (OIHW) one load per lane. */
            const int mo = mt * Tm + wm, c0 = nt * Tn;
            const int wbase = w_off + lb * w_b + lg * w_g + mo * w_o + c0 * w_i + wk * w_t;
            const int first = wbase / BEAT, last = (wbase + FG_MIN(Tn, n_in - c0) - 1) / BEAT;
            if (wrun && mo < m_out) wb[wsl] = GMB(w, first + wsl);
            if (++wsl == (wrun && mo < m_out ? last - first + 1 : 1)) {
                wsl = 0;
                ct_wvec wv;
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    const int ci = c0 + n, e = wbase + n, rs = w_off + lb * w_b + lg * w_g + mt * Tm + ci * w_i;
                    wv.v[n] = !(mo < m_out && ci < n_in) ? (DTYPE)0 : wrun ? wb[e / BEAT - first].v[e % BEAT]
                        : (wcol | !GATHER_W) ? wtw[(n * WMBEATS + (rs + wm) / BEAT - rs / BEAT) * BEAT + (rs + wm) % BEAT]
                        : w[w_off + lb * w_b + lg * w_g + mo * w_o + ci * w_i + wk * w_t];
                }
                CH_WRITE(ct_w, wv);
                if (++wk == taps) { wk = 0; wm++; }
            }
        }
        if (st && it < taps * sth * stw) {
            const int base = ((sc * ITH + r * stride + ky * dil) * ITW + c * stride + kx * dil) * Tn;
            ct_vec xv;
#pragma unroll
            for (int n = 0; n < Tn; n++) {
                xv.v[n] = ibuf[base + n];
            }
            CH_WRITE(ct_x, xv);
            if (++c == stw) {
                c = 0;
                if (++r == sth) {
                    r = 0;
                    if (++kx == kw) { kx = 0; ky++; }
                }
            }
        }
        it++;
        if ((!ld || ((turn ? it >= load_n : ly >= in_h) && (wtile ? wq >= taps * WBPT : wm >= Tm))) && (!st || it >= taps * sth * stw)) {
            it = ti = tb = ly = ls = wy = ws = wm = wk = wsl = xsl = wq = wcr = ky = kx = r = c = 0;
            sth = th;
            stw = tw;
            if (++nt == nt_n) {
                nt = 0;
                if (++mt == mt_n) {
                    mt = 0;
                    if (++ltc == tiles_c) {
                        ltc = 0;
                        if (++ltr == tiles_r) {
                            ltr = 0;
                            if (++lg == groups) { lg = 0; lb++; }
                        }
                    }
                }
            }
            th = FG_MIN(Tr, oh - ltr * Tr);
            tw = FG_MIN(Tc, ow - ltc * Tc);
            in_h = (th - 1) * stride + (kh - 1) * dil + 1;
            in_w = (tw - 1) * stride + (kw - 1) * dil + 1;
            y0 = ltr * Tr * stride - pad_h;
            x0 = ltc * Tc * stride - pad_w;
            xbase = x_off + lb * x_b + lg * x_g;
            segs = (in_w + BEAT - 1) / BEAT;
            ctp = FG_MAX(2 * FG_MIN(Tn, n_in), FG_MIN(BEAT, in_w));
            load_n = turn ? (in_h * segs + 1) * ctp : 0;
            k++;
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
    int dil,
    int run,
    int w_tn)
{
    __local DTYPE wbuf[1152];
    __local ACC_T acc[784];
    /* Engine: Tm x Tn multiply-accumulates per cycle. Double buffered like the reader: while tile k's weights go to
       one copy of wbuf (one bank per MAC), tile k - 1's input vectors feed all Tm output lanes from the other:
       max(weights, stream) iterations. Weights stored per tile come a beat an iteration (taps * WBPT), element j of
       beat q to bank q * BEAT + j (bank p holds lane p / Tn, channel p % Tn); others a lane's Tn weights an iteration
       (Tm * taps). Accumulators live in acc across the input-channel tiles; taps are the outer
       loops, so consecutive updates of one accumulator are th*tw iterations apart. */
    const int tiles_r = (oh + Tr - 1) / Tr, tiles_c = (ow + Tc - 1) / Tc;
    const int mt_n = (m_out + Tm - 1) / Tm, nt_n = (n_in + Tn - 1) / Tn, taps = kh * kw;
    (void)tiles_r; (void)tiles_c; (void)mt_n; (void)nt_n; (void)taps; /* not every stage needs every bound */
    /* One loop over every tile of the step (counters instead of nested loops); after the last input-channel tile of
       an output-channel tile, th*tw more iterations drain its accumulators to the writer. */
    const int wtile = w_tn > 0, ntiles = batch * groups * tiles_r * tiles_c * mt_n * nt_n, weights_n = wtile ? taps * WBPT : Tm * taps;
    int ltr = 0, ltc = 0, lmt = 0, lnt = 0;  /* the tile whose weights load (k) */
    int th = FG_MIN(Tr, oh), tw = FG_MIN(Tc, ow), sth = 0, stw = 0, snt = 0; /* its size; the streamed tile's (k - 1) */
    int k = 0, it = 0, iters = weights_n, work = weights_n;
    int wm = 0, wk = 0, wq = 0, kk = 0, r = 0, c = 0, pp = 0;
#pragma ivdep safelen(2) array(acc)
    while (k <= ntiles) {
        const int wc = k & 1, uc = 1 - wc, ld = k < ntiles, st = k > 0;
        if (ld && it < weights_n) {
            const ct_wvec wv = CH_READ(ct_w);
            if (wtile) {
                /* Beat wq of the tap's block: element j to bank wq * BEAT + j (lane, channel). */
#pragma unroll
                for (int j = 0; j < BEAT; j++) {
                    if (wq * BEAT + j < Tm * Tn) wbuf[(wc * KMAX * KMAX + wk) * Tm * Tn + wq * BEAT + j] = wv.v[j];
                }
                if (++wq == WBPT) { wq = 0; wk++; }
            } else {
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    wbuf[((wc * KMAX * KMAX + wk) * Tm + wm) * Tn + n] = wv.v[n];
                }
                if (++wk == taps) { wk = 0; wm++; }
            }
        }
        if (st && it < taps * FG_MAX(sth * stw, ACCLAT) && pp < sth * stw) {
            const ct_vec xv = CH_READ(ct_x);
            const int pix = r * Tc + c;
#if PAIRS
            /* Output lanes 2q and 2q+1 share multiplier q: two int8 products of one input value (fg_pair_product). */
#pragma unroll
            for (int q = 0; q < Tm / 2; q++) {
                ACC_T s0 = 0, s1 = 0;
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    const int wi = ((uc * KMAX * KMAX + kk) * Tm + 2 * q) * Tn + n;
                    const FG_I64 pr = fg_pair_product(xv.v[n], wbuf[wi], wbuf[wi + Tn], 1, 0), lo = fg_pair_low(pr);
                    s0 += (ACC_T)lo;
                    s1 += (ACC_T)fg_pair_high(pr, lo);
                }
#pragma unroll
                for (int e = 0; e < 2; e++) {
                    const int m = 2 * q + e;
                    const ACC_T prev = (snt == 0 && kk == 0) ? (ACC_T)0 : acc[pix * Tm + m];
                    acc[pix * Tm + m] = prev + (e ? s1 : s0);
                }
            }
#else
#pragma unroll
            for (int m = 0; m < Tm; m++) {
                ACC_T sum = 0;
#pragma unroll
                for (int n = 0; n < Tn; n++) {
                    sum += (ACC_T)wbuf[((uc * KMAX * KMAX + kk) * Tm + m) * Tn + n] * (ACC_T)xv.v[n];
                }
                const ACC_T prev = (snt == 0 && kk == 0) ? (ACC_T)0 : acc[pix * Tm + m];
                acc[pix * Tm + m] = prev + sum;
            }
#endif
            if (++c == stw) { c = 0; r++; }
        }
        /* A tap's pixels update distinct accumulators; fewer than the adder latency ACCLAT get idle iterations
           (pp >= th * tw) rather than a stall, so the dependence the loop declares holds. */
        if (st && it < taps * FG_MAX(sth * stw, ACCLAT) && ++pp == FG_MAX(sth * stw, ACCLAT)) { pp = 0; r = 0; kk++; }
        if (it >= work) {
            /* drain: the finished output-channel tile's pixel (r, c) */
            ct_ovec ov;
#pragma unroll
            for (int m = 0; m < Tm; m++) {
                ov.v[m] = acc[(r * Tc + c) * Tm + m];
            }
            CH_WRITE(ct_o, ov);
            if (++c == stw) { c = 0; r++; }
        }
        if (++it == iters) {
            it = wm = wk = wq = kk = r = c = pp = 0;
            sth = th;
            stw = tw;
            snt = lnt;
            if (++lnt == nt_n) {
                lnt = 0;
                if (++lmt == mt_n) {
                    lmt = 0;
                    if (++ltc == tiles_c) {
                        ltc = 0;
                        if (++ltr == tiles_r) ltr = 0;
                    }
                }
            }
            th = FG_MIN(Tr, oh - ltr * Tr);
            tw = FG_MIN(Tc, ow - ltc * Tc);
            k++;
            work = FG_MAX(k < ntiles ? weights_n : 0, taps * FG_MAX(sth * stw, ACCLAT));
            iters = work + (snt == nt_n - 1 ? sth * stw : 0);
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
    int run,
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
    DTYPE obuf[2048];
    /* Writer: bias, fused ReLU and requantization (common epilogue) for all Tm channels of an output pixel at once, the
       tile's biases loaded once per output-channel tile. NCHW outputs (y_x == 1) go through a corner turn: per tile row
       and segment of BEAT pixels the pixel vectors fill one half of the register block obuf while the previous segment
       is stored from the other half, each channel's run of pixels as the one or two beats it covers (byte enables at
       its ends), one request per iteration: CTW = max(BEAT, 2 Tm) iterations per segment. Other layouts store one lane per iteration, Tm per pixel. */
    const int tiles_r = (oh + Tr - 1) / Tr, tiles_c = (ow + Tc - 1) / Tc;
    const int mt_n = (m_out + Tm - 1) / Tm, nt_n = (n_in + Tn - 1) / Tn, taps = kh * kw;
    (void)tiles_r; (void)tiles_c; (void)mt_n; (void)nt_n; (void)taps; /* not every stage needs every bound */
    const int mult = iq[q_off], shift = iq[q_off + 1];
    const float act_hi = fq[f_off], sw = fq[f_off + 1], out_inv = fq[f_off + 3];
    /* shift < 0: a quantized model's step; [lo, hi] then per-output (mult, shift) pairs follow (mac_epilogue). */
    const int qlo = shift < 0 ? iq[q_off + 2] : 0, qhi = shift < 0 ? iq[q_off + 3] : 0;
    (void)qlo; (void)qhi;
    (void)mult; (void)shift; (void)act_hi; (void)sw; (void)out_inv; /* unused by floating-point designs */
    const float mean = 0.0f, rstd = 1.0f;
    for (int b = 0; b < batch; b++)
    for (int g = 0; g < groups; g++)
    for (int tr = 0; tr < tiles_r; tr++)
    for (int tc = 0; tc < tiles_c; tc++) {
        const int th = FG_MIN(Tr, oh - tr * Tr), tw = FG_MIN(Tc, ow - tc * Tc);
        const int segs = (tw + BEAT - 1) / BEAT, blocks = th * segs;
        for (int mt = 0; mt < mt_n; mt++) {
            const int gm0 = g * m_out + mt * Tm, cnt_m = FG_MIN(Tm, m_out - mt * Tm);
            BIAS_T tbias[Tm];
            int tmult[Tm], tshift[Tm];
            float tlnw[Tm], tlnb[Tm];
            for (int m = 0; m < (b_off >= 0 ? Tm : 0); m++) {
                tbias[m] = m < cnt_m ? bq[b_off + gm0 + m] : (BIAS_T)0;
            }
            for (int m = 0; m < (shift < 0 ? 2 * Tm : 0); m++) {
                const int v = m < 2 * cnt_m ? iq[q_off + 4 + 2 * gm0 + m] : (m & 1);
                if (m & 1) tshift[m >> 1] = v;
                else tmult[m >> 1] = v;
            }
            for (int m = 0; m < (norm ? 2 * Tm : 0); m++) {
                const float v = m < 2 * cnt_m ? fq[ln_off + 2 * gm0 + m] : 0.0f;
                if (m & 1) tlnb[m >> 1] = v;
                else tlnw[m >> 1] = v;
            }
            const int turn = y_x == 1, iters = turn ? (blocks + 1) * CTW : th * tw * Tm;
            int ti = 0, tb = 0, ly = 0, ls = 0, wy = 0, ws = 0; /* step in segment, segment, receive/store row and segment */
            for (int it = 0; it < iters; it++) {
                const int px = turn ? ls * BEAT + ti : ls;
                if (turn ? tb < blocks && ti < BEAT && px < tw : ti == 0) {
                    const ct_ovec ov = CH_READ(ct_o);
#pragma unroll
                    for (int m = 0; m < Tm; m++) {
                        const ACC_T accv = ov.v[m];
                        const BIAS_T biasv = b_off >= 0 ? tbias[m] : (BIAS_T)0;
                        const float lnw = norm ? tlnw[m] : 0.0f, lnb = norm ? tlnb[m] : 0.0f;
                        (void)lnw; (void)lnb;
                        const int lmult = shift < 0 ? tmult[m] : 0, lshift = shift < 0 ? tshift[m] : 0;
                        (void)lmult; (void)lshift;
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
                    outv = shift < 0 ? fg_requant_even(t, lmult, lshift, qlo, qhi) : fg_requant(t, mult, shift);
#else
                    float v = (float)accv + (float)biasv;
                    if (act != FG_ACT_NONE) v = FG_MAX(v, 0.0f);
                    if (act == FG_ACT_RELU6) v = FG_MIN(v, act_hi);
                    outv = (DTYPE)v;
#endif
                }
                        obuf[((turn ? tb & 1 : 0) * Tm + m) * BEAT + (turn ? ti : 0)] = outv;
                    }
                }
                if (!turn && ti < cnt_m)
                    y[y_off + b * y_b + g * y_g + (mt * Tm + ti) * y_c + (tr * Tr + ly) * y_y + (tc * Tc + ls) * y_x] = obuf[ti * BEAT];
                if (turn && tb > 0 && ti < 2 * Tm) {
                    const int m = ti >> 1, h = ti & 1, sb = (tb - 1) & 1, cnt = FG_MIN(BEAT, tw - ws * BEAT);
                    const int base = y_off + b * y_b + g * y_g + (mt * Tm + m) * y_c + (tr * Tr + wy) * y_y + tc * Tc + ws * BEAT;
                    const int first = base / BEAT, last = (base + cnt - 1) / BEAT;
                    if (m < cnt_m && first + h <= last) {
                        fg_beat v;
#pragma unroll
                        for (int j = 0; j < BEAT; j++) {
                            const int p = (first + h) * BEAT + j - base;
                            v.v[j] = p >= 0 && p < cnt ? obuf[(sb * Tm + m) * BEAT + p] : (DTYPE)0;
                        }
                        GMB_PUT_PART(y, first + h, v, h == 0 ? base % BEAT : 0, first + h == last ? (base + cnt - 1) % BEAT : BEAT - 1);
                    }
                }
                if (!turn) {
                    if (++ti == Tm) {
                        ti = 0;
                        if (++ls == tw) { ls = 0; ly++; }
                    }
                } else if (++ti == CTW) {
                    ti = 0;
                    tb++;
                    wy = ly;
                    ws = ls;
                    if (++ls == segs) { ls = 0; ly++; }
                }
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
       each vector takes the beats it newly reaches, one an iteration per port: VU_BEATS iterations a vector (one when
       vu <= BEAT), the vector sent at its last.
       A strided row (a copy out of a slice) reads one element per lane. */
    const float sa = fr[f_off], ss = fr[f_off + 1];
    const int chunks = (d2 + vu - 1) / vu, binary = op == FG_MAP_ADD || op == FG_MAP_ADDRELU;
    for (int b = 0; b < batch; b++)
    for (int i0 = 0; i0 < d0; i0++)
    for (int i1 = 0; i1 < d1; i1++) {
        const int abase = a_off + b * a_b + i0 * a_0 + i1 * a_1, sbase = s_off + b * s_b + i0 * s_0 + i1 * s_1;
        const bool arun = a_2 == 1, srun = binary && s_2 == 1;
        fg_beat aw[VU_WIN], sw[VU_WIN];
        int ahave = abase / BEAT, shave = sbase / BEAT; /* the newest beat in each window */
        if (arun && chunks > 0) aw[VU_WIN - 1] = GMB(a, ahave);
        if (srun && chunks > 0) sw[VU_WIN - 1] = GMB(s, shave);
        const int per = arun || srun ? VU_BEATS : 1;
        int kc = 0, j = 0; /* the vector, its iteration */
        for (int it = 0; it < chunks * per; it++) {
            const int k0 = kc * vu, last = FG_MIN(k0 + vu, d2) - 1;
            if (arun && ahave < (abase + last) / BEAT) {
                for (int w = 0; w < VU_WIN - 1; w++) aw[w] = aw[w + 1];
                aw[VU_WIN - 1] = GMB(a, ++ahave);
            }
            if (srun && shave < (sbase + last) / BEAT) {
                for (int w = 0; w < VU_WIN - 1; w++) sw[w] = sw[w + 1];
                sw[VU_WIN - 1] = GMB(s, ++shave);
            }
            if (++j < per) continue;
            j = 0;
            kc++;
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
    const int chunks = (d2 + vu - 1) / vu, binary = op == FG_MAP_ADD || op == FG_MAP_ADDRELU;
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
            else if (op == FG_MAP_ADDRELU) r = FG_MAX(v + sv.v[l], 0.0f);
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
    int op,
    int y_off,
    int y_b,
    int y_0,
    int y_1,
    int y_2,
    int y_whole,
    int f_off)
{
    /* vu_map writer: back to the data type with the output scale (VU_OUT), one beat request an iteration. When the
       output is one run that starts on a beat and may be written up to its last whole beat (y_whole, see
       MapStep.WholeBeats), it stores whole beats: a vector of vu >= BEAT lanes takes VU_BEATS iterations (the first receives it), smaller
       vectors fill one beat in turn. Any other run of consecutive elements (y_2 == 1: several rows, or a run that
       starts inside a beat, such as the tokens after a class token) stores the beats each vector covers, with byte
       enables, so never past the run. A strided output stores one element per lane. */
    const float out_inv = fq[f_off + 2];
#if FG_FIXED && defined(VU_REQUANT)
    /* A quantized model's requantization (FG_MAP_REQUANTIZE) converts as ONNX's QuantizeLinear (fg_quantize_linear)
       with the output scale and stored range [lo, hi], floats 3 to 5 of its parameters. */
    const int rq = op == FG_MAP_REQUANTIZE;
    const float rq_s = rq ? fq[f_off + 3] : 1.0f, rq_lo = rq ? fq[f_off + 4] : 0.0f, rq_hi = rq ? fq[f_off + 5] : 0.0f;
#define VU_OUT(v) (rq ? fg_quantize_linear(v, rq_s, rq_lo, rq_hi) : fg_from_float((v) * out_inv))
#else
#define VU_OUT(v) fg_from_float((v) * out_inv)
#endif
    const int chunks = (d2 + vu - 1) / vu, run = y_2 == 1;
    for (int b = 0; b < batch; b++)
    for (int i0 = 0; i0 < d0; i0++)
    for (int i1 = 0; i1 < d1; i1++) {
        const int ybase = y_off + b * y_b + i0 * y_0 + i1 * y_1;
        fg_beat ob[VU_WIN];
        vu_vec ov;
        int kc = 0, j = 0; /* the vector, its beat */
        while (kc < chunks) {
            const int k0 = kc * vu, cnt = FG_MIN(vu, d2 - k0), e0 = ybase + k0;
            const int first = e0 / BEAT, last = (e0 + cnt - 1) / BEAT;
            const int beats = y_whole ? VU_BEATS : run ? last - first + 1 : 1;
            if (j == 0) {
                ov = CH_READ(vm_o);
                if (y_whole || run) {
#pragma unroll
                    for (int l = 0; l < vu; l++) {
                        if (y_whole) ob[l / BEAT].v[(k0 + l) % BEAT] = VU_OUT(ov.v[l]);
                        else if (l < cnt) ob[(e0 + l) / BEAT - first].v[(e0 + l) % BEAT] = VU_OUT(ov.v[l]);
                    }
                }
            }
            if (y_whole) {
                /* a beat is complete when the vector ends on a beat boundary, or at the run's last vector */
                if (k0 + j * BEAT < d2 && ((k0 + vu) % BEAT == 0 || kc == chunks - 1)) GMB_PUT(y, (ybase + k0) / BEAT + j, ob[j]);
            } else if (run) {
                GMB_PUT_PART(y, first + j, ob[j], j == 0 ? e0 % BEAT : 0, first + j == last ? (e0 + cnt - 1) % BEAT : BEAT - 1);
            } else {
#pragma unroll
                for (int l = 0; l < vu; l++) {
                    const int k = k0 + l;
                    if (k < d2) y[ybase + k * y_2] = VU_OUT(ov.v[l]);
                }
            }
            if (++j == beats) { j = 0; kc++; }
        }
    }
#undef VU_OUT
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
    int hwc,
    int x_off,
    int f_off)
{
    __local DTYPE lbuf[2048];
    /* vu_pool reader: vu neighbouring outputs at a time; for each window position it sends the vu inputs (FG_NEG_BIG
       for max / 0 for average where the window leaves the map), then the vu divisors. Windows follow PyTorch: regular
       (kernel, stride, padding; the average counts the window clipped to the padded map) or adaptive (floor(i*H/OH)
       to ceil((i+1)*H/OH); kh x kw is then the largest window). mode FG_POOL_LRN, local response normalization: the
       window is the kh channels c - kh/2 ... c + (kh-1)/2 at the same pixel (0 outside the map, kw = 1), and the vu
       values of channel c itself follow instead of divisors.
       C x H x W maps (hwc == 0): the lanes are vu neighbouring outputs of one channel's row, a job is one output row of
       one channel and its rows are the kh input rows (LRN: the kh channels' rows). H x W x C maps (hwc == 1): the lanes
       are vu consecutive channels of one output pixel, a job is one output row of all channels and its rows are the
       kh input rows of iw x chans elements (LRN: the one input row; its window lies in a pixel's channels).
       Double buffered: lbuf holds a job's rows as the beats they lie in (one bank per beat lane). Iteration j of the
       outer loop loads the rows of job j into one copy, one beat per cycle, while it sends the windows of job j - 1
       from the other: max(load, send) cycles per job. */
    const float sx = fr[f_off];
    const int cch = (chans + vu - 1) / vu, chunks = hwc ? ow * cch : (ow + vu - 1) / vu, lrn = mode == FG_POOL_LRN, taps = kh * kw;
    const int rowlen = hwc ? iw * chans : iw, nrows = hwc && lrn ? 1 : kh;
    const int rowbeats = (rowlen + BEAT - 1) / BEAT + 1, fill = nrows * rowbeats, send = chunks * (taps + 1);
    const int jobs = hwc ? batch * oh : batch * chans * oh;
    int lb = 0, lc = 0, ly = 0; /* the output row being loaded */
    int b = 0, c = 0, oy = 0;   /* the output row being sent */
    for (int j = 0; j <= jobs; j++) {
        const int fillc = j & 1, sendc = 1 - fillc;
        const int lys = ADAPTIVE_POOL && adaptive ? ly * ih / oh : ly * stride - pad;
        const int ys = ADAPTIVE_POOL && adaptive ? oy * ih / oh : oy * stride - pad;
        const int ye = ADAPTIVE_POOL && adaptive ? ((oy + 1) * ih + oh - 1) / oh : FG_MIN(ys + kh, ih + pad);
        const int trips = FG_MAX(j < jobs ? fill : 0, j > 0 ? send : 0);
        int r = 0, k = 0;           /* load: row, beat */
        int oc = 0, wy = 0, wx = 0; /* send: output vector, window row and column (wy == kh: the divisors) */
        for (int t = 0; t < trips; t++) {
            if (j < jobs && t < fill) {
                const int cc = hwc ? 0 : lrn ? lc - kh / 2 + r : lc, yy = lrn ? ly : lys + r;
                const int row0 = x_off + (hwc ? (lb * ih + yy) * rowlen : ((lb * chans + cc) * ih + yy) * iw);
                if (cc >= 0 && cc < chans && yy >= 0 && yy < ih && k <= (row0 + rowlen - 1) / BEAT - row0 / BEAT) {
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
                    const int ox = hwc ? oc / cch : oc * vu + l, ch = hwc ? oc % cch * vu + l : c;
                    const int xs = ADAPTIVE_POOL && adaptive ? ox * iw / ow : ox * stride - pad;
                    const int xe = ADAPTIVE_POOL && adaptive ? ((ox + 1) * iw + ow - 1) / ow : FG_MIN(xs + kw, iw + pad);
                    const int wr = wy < kh ? wy : kh / 2; /* the divisors' row: LRN's own channel */
                    const int cc = lrn ? ch - kh / 2 + wr : ch, lr = hwc && lrn ? 0 : wr; /* lbuf row */
                    const int yy = lrn ? oy : ys + wr, xx = lrn || wy == kh ? ox : xs + wx;
                    const int e = hwc ? (x_off + (b * ih + yy) * rowlen) % BEAT + xx * chans + cc
                                      : (x_off + ((b * chans + cc) * ih + yy) * iw) % BEAT + xx;
                    const bool ok = ox < ow && ch < chans && (lrn ? cc >= 0 && cc < chans
                                                    : yy < ye && xx < xe && yy >= 0 && yy < ih && xx >= 0 && xx < iw);
                    const float in = ok ? fg_to_float(lbuf[((sendc * PKH + lr) * PROWB + e / BEAT) * BEAT + e % BEAT], sx) : 0.0f;
                    if (wy < kh) v.v[l] = ok ? in : (mode == FG_POOL_MAX ? FG_NEG_BIG : 0.0f);
                    else if (lrn) v.v[l] = ox < ow && ch < chans ? in : 0.0f;
                    else v.v[l] = mode == FG_POOL_MAX ? 1.0f : (float)((ye - ys) * (xe - xs));
                }
                CH_WRITE(vp_x, v);
                if (wy == kh) { wy = 0; oc++; }
                else if (++wx == kw) { wx = 0; wy++; }
            }
        }
        if (j < jobs && ++ly == oh) { ly = 0; if (hwc || ++lc == chans) { lc = 0; lb++; } }
        if (j > 0 && ++oy == oh) { oy = 0; if (hwc || ++c == chans) { c = 0; b++; } }
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
    int mode,
    int hwc)
{
    /* vu_pool datapath: max or sum over the window per lane, then the divide. mode FG_POOL_LRN (local response normalization,
       PyTorch's LocalResponseNorm with alpha 1e-4, beta 0.75, k 1): sum of squares over the channel window, then
       a_c / (k + alpha/kh * sum)^0.75, the power as sqrt(d) * sqrt(sqrt(d)). */
    const float lrn_alpha = 1.0e-4f / (float)kh;
    /* one vector per vu outputs of a channel's row (C x H x W) or vu channels of a pixel (H x W x C, hwc) */
    const int vectors = hwc ? batch * oh * ow * ((chans + vu - 1) / vu) : batch * chans * oh * ((ow + vu - 1) / vu);
    for (int vi = 0; vi < vectors; vi++) {
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
    int hwc,
    int y_off,
    int f_off)
{
    /* vu_pool writer: the output map is dense and starts on a beat (an arena tensor), so the rows' elements form one
       run: they are gathered into a ring of VU_WIN beats and every beat is stored whole once complete, one store an
       iteration: VU_BEATS iterations a vector (the first receives it; a vector completes at most VU_BEATS beats); the
       last, partial beat goes to the tensor's padding. */
    const float out_inv = fq[f_off + 2];
    /* a vector is vu outputs of a channel's row (C x H x W) or vu channels of a pixel (H x W x C, hwc): both in storage order */
    const int cch = (chans + vu - 1) / vu, chunks = hwc ? cch : (ow + vu - 1) / vu;
    const int vectors = hwc ? batch * oh * ow * cch : batch * chans * oh * chunks, width = hwc ? chans : ow;
    fg_beat ob[VU_WIN];
    int e = 0, stored = 0; /* elements received, beats stored */
    int oc = 0, q = 0; /* the vector's chunk of its output row, its iteration */
    for (int it = 0; it < vectors * VU_BEATS; it++) {
        if (q == 0) {
            const vu_vec ov = CH_READ(vp_o);
            const int n = FG_MIN(vu, width - oc * vu);
#pragma unroll
            for (int l = 0; l < vu; l++) {
                if (l < n) ob[((e + l) / BEAT) % VU_WIN].v[(e + l) % BEAT] = fg_from_float(ov.v[l] * out_inv);
            }
            e += n;
            if (++oc == chunks) oc = 0;
        }
        if (stored < e / BEAT) {
            GMB_PUT(y, y_off / BEAT + stored, ob[stored % VU_WIN]);
            stored++;
        }
        if (++q == VU_BEATS) q = 0;
    }
    if (stored * BEAT < e) GMB_PUT(y, y_off / BEAT + stored, ob[stored % VU_WIN]);
}
