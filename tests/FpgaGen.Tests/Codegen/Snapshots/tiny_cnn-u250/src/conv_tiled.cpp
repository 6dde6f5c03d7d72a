/* conv_tiled: tiled convolution engine (Zhang et al., FPGA 2015), Tm x Tn MACs, Tr x Tc output tiles. */
#include "fpgagen_types.h"

typedef struct { DTYPE v[64]; } ct_wvec; /* 512 bits */
typedef struct { DTYPE v[4]; } ct_vec; /* 32 bits */
typedef struct { ACC_T v[16]; } ct_ovec; /* 512 bits */
#include "conv_tiled.h"

static void conv_tiled_read(
    const DTYPE* x,
    const DTYPE* w,
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
    int w_tn,
    hls::stream<ct_wvec>& ct_w,
    hls::stream<ct_vec>& ct_x)
{
    static DTYPE ibuf[648];
#pragma HLS ARRAY_PARTITION variable=ibuf type=cyclic factor=4 dim=1
    static DTYPE twin[1024];
#pragma HLS ARRAY_PARTITION variable=twin type=complete dim=1
    static int toff[8];
#pragma HLS ARRAY_PARTITION variable=toff type=complete dim=1
    static DTYPE wtw[1];
#pragma HLS ARRAY_PARTITION variable=wtw type=complete dim=1
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
#pragma HLS PIPELINE II=1
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
                    for (int j = 0; j < BEAT; j++) {
#pragma HLS UNROLL
                        twin[(((tb & 1) * Tn + n) * 2 + h) * BEAT + j] = v.v[j];
                    }
                }
            }
            if (tb > 0 && ti < BEAT && ws * BEAT + ti < in_w) {
                const int wh = (tb - 1) & 1, ix = ws * BEAT + ti, yy = y0 + wy, xx = x0 + ix;
                const bool ok = yy >= 0 && yy < ih && xx >= 0 && xx < iw;
                for (int n = 0; n < Tn; n++) {
#pragma HLS UNROLL
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
                for (int n = 0; n < Tn; n++) {
#pragma HLS UNROLL
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
                for (int j = 0; j < BEAT; j++) {
#pragma HLS UNROLL
                    wv.v[j] = v.v[j];
                }
                CH_WRITE(ct_w, wv);
                wq++;
            }
        } else if (wcol && ld && wm < Tm && wcr < Tn * rbm) {
            const int n = wcr / rbm, b = wcr % rbm, ci = nt * Tn + n, rs = w_off + lb * w_b + lg * w_g + mt * Tm + ci * w_i;
            if (ci < n_in && rs / BEAT + b <= (rs + FG_MIN(Tm, m_out - mt * Tm) - 1) / BEAT) {
                const fg_beat v = GMB(w, rs / BEAT + b);
                for (int j = 0; j < BEAT; j++) {
#pragma HLS UNROLL
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
                for (int n = 0; n < Tn; n++) {
#pragma HLS UNROLL
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
            for (int n = 0; n < Tn; n++) {
#pragma HLS UNROLL
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

static void conv_tiled_compute(
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
    int w_tn,
    hls::stream<ct_wvec>& ct_w,
    hls::stream<ct_vec>& ct_x,
    hls::stream<ct_ovec>& ct_o)
{
    static DTYPE wbuf[1152];
#pragma HLS ARRAY_PARTITION variable=wbuf type=cyclic factor=64 dim=1
    static ACC_T acc[784];
#pragma HLS ARRAY_PARTITION variable=acc type=cyclic factor=16 dim=1
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
    while (k <= ntiles) {
#pragma HLS PIPELINE II=1 style=frp
#pragma HLS DEPENDENCE variable=acc type=inter direction=RAW dependent=true distance=2
        const int wc = k & 1, uc = 1 - wc, ld = k < ntiles, st = k > 0;
        if (ld && it < weights_n) {
            const ct_wvec wv = CH_READ(ct_w);
            if (wtile) {
                /* Beat wq of the tap's block: element j to bank wq * BEAT + j (lane, channel). */
                for (int j = 0; j < BEAT; j++) {
#pragma HLS UNROLL
                    if (wq * BEAT + j < Tm * Tn) wbuf[(wc * KMAX * KMAX + wk) * Tm * Tn + wq * BEAT + j] = wv.v[j];
                }
                if (++wq == WBPT) { wq = 0; wk++; }
            } else {
                for (int n = 0; n < Tn; n++) {
#pragma HLS UNROLL
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
            for (int q = 0; q < Tm / 2; q++) {
#pragma HLS UNROLL
                ACC_T s0 = 0, s1 = 0;
                for (int n = 0; n < Tn; n++) {
#pragma HLS UNROLL
                    const int wi = ((uc * KMAX * KMAX + kk) * Tm + 2 * q) * Tn + n;
                    const FG_I64 pr = fg_pair_product(xv.v[n], wbuf[wi], wbuf[wi + Tn], 1, 0), lo = fg_pair_low(pr);
                    s0 += (ACC_T)lo;
                    s1 += (ACC_T)fg_pair_high(pr, lo);
                }
                for (int e = 0; e < 2; e++) {
#pragma HLS UNROLL
                    const int m = 2 * q + e;
                    const ACC_T prev = (snt == 0 && kk == 0) ? (ACC_T)0 : acc[pix * Tm + m];
                    acc[pix * Tm + m] = prev + (e ? s1 : s0);
                }
            }
#else
            for (int m = 0; m < Tm; m++) {
#pragma HLS UNROLL
                ACC_T sum = 0;
                for (int n = 0; n < Tn; n++) {
#pragma HLS UNROLL
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
            for (int m = 0; m < Tm; m++) {
#pragma HLS UNROLL
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

static void conv_tiled_write(
    const BIAS_T* bq,
    const float* fq,
    const int* iq,
    DTYPE* y,
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
    int ln_off,
    hls::stream<ct_ovec>& ct_o)
{
    static DTYPE obuf[2048];
#pragma HLS ARRAY_PARTITION variable=obuf type=complete dim=1
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
#pragma HLS PIPELINE II=1
                tbias[m] = m < cnt_m ? bq[b_off + gm0 + m] : (BIAS_T)0;
            }
            for (int m = 0; m < (shift < 0 ? 2 * Tm : 0); m++) {
#pragma HLS PIPELINE II=1
                const int v = m < 2 * cnt_m ? iq[q_off + 4 + 2 * gm0 + m] : (m & 1);
                if (m & 1) tshift[m >> 1] = v;
                else tmult[m >> 1] = v;
            }
            for (int m = 0; m < (norm ? 2 * Tm : 0); m++) {
#pragma HLS PIPELINE II=1
                const float v = m < 2 * cnt_m ? fq[ln_off + 2 * gm0 + m] : 0.0f;
                if (m & 1) tlnb[m >> 1] = v;
                else tlnw[m >> 1] = v;
            }
            const int turn = y_x == 1, iters = turn ? (blocks + 1) * CTW : th * tw * Tm;
            int ti = 0, tb = 0, ly = 0, ls = 0, wy = 0, ws = 0; /* step in segment, segment, receive/store row and segment */
            for (int it = 0; it < iters; it++) {
#pragma HLS PIPELINE II=1
                const int px = turn ? ls * BEAT + ti : ls;
                if (turn ? tb < blocks && ti < BEAT && px < tw : ti == 0) {
                    const ct_ovec ov = CH_READ(ct_o);
                    for (int m = 0; m < Tm; m++) {
#pragma HLS UNROLL
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
                        for (int j = 0; j < BEAT; j++) {
#pragma HLS UNROLL
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

/* The kernel v++ links (conv_tiled_top): one call runs one step of the network on this group. */
extern "C" void conv_tiled_top(
    const DTYPE* x,
    const DTYPE* w,
    const BIAS_T* bq,
    const float* fq,
    const int* iq,
    DTYPE* y,
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
    int w_tn,
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
#pragma HLS INTERFACE m_axi port=x offset=slave bundle=gmem0 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=w offset=slave bundle=gmem1 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=bq offset=slave bundle=gmem3 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=fq offset=slave bundle=gmem3 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=iq offset=slave bundle=gmem3 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=y offset=slave bundle=gmem2 max_widen_bitwidth=512
#pragma HLS INTERFACE s_axilite port=batch bundle=control
#pragma HLS INTERFACE s_axilite port=groups bundle=control
#pragma HLS INTERFACE s_axilite port=m_out bundle=control
#pragma HLS INTERFACE s_axilite port=n_in bundle=control
#pragma HLS INTERFACE s_axilite port=ih bundle=control
#pragma HLS INTERFACE s_axilite port=iw bundle=control
#pragma HLS INTERFACE s_axilite port=oh bundle=control
#pragma HLS INTERFACE s_axilite port=ow bundle=control
#pragma HLS INTERFACE s_axilite port=kh bundle=control
#pragma HLS INTERFACE s_axilite port=kw bundle=control
#pragma HLS INTERFACE s_axilite port=stride bundle=control
#pragma HLS INTERFACE s_axilite port=pad_h bundle=control
#pragma HLS INTERFACE s_axilite port=pad_w bundle=control
#pragma HLS INTERFACE s_axilite port=dil bundle=control
#pragma HLS INTERFACE s_axilite port=run bundle=control
#pragma HLS INTERFACE s_axilite port=x_off bundle=control
#pragma HLS INTERFACE s_axilite port=x_b bundle=control
#pragma HLS INTERFACE s_axilite port=x_g bundle=control
#pragma HLS INTERFACE s_axilite port=x_c bundle=control
#pragma HLS INTERFACE s_axilite port=x_y bundle=control
#pragma HLS INTERFACE s_axilite port=x_x bundle=control
#pragma HLS INTERFACE s_axilite port=w_off bundle=control
#pragma HLS INTERFACE s_axilite port=w_b bundle=control
#pragma HLS INTERFACE s_axilite port=w_g bundle=control
#pragma HLS INTERFACE s_axilite port=w_o bundle=control
#pragma HLS INTERFACE s_axilite port=w_i bundle=control
#pragma HLS INTERFACE s_axilite port=w_t bundle=control
#pragma HLS INTERFACE s_axilite port=w_tn bundle=control
#pragma HLS INTERFACE s_axilite port=y_off bundle=control
#pragma HLS INTERFACE s_axilite port=y_b bundle=control
#pragma HLS INTERFACE s_axilite port=y_g bundle=control
#pragma HLS INTERFACE s_axilite port=y_c bundle=control
#pragma HLS INTERFACE s_axilite port=y_y bundle=control
#pragma HLS INTERFACE s_axilite port=y_x bundle=control
#pragma HLS INTERFACE s_axilite port=b_off bundle=control
#pragma HLS INTERFACE s_axilite port=act bundle=control
#pragma HLS INTERFACE s_axilite port=norm bundle=control
#pragma HLS INTERFACE s_axilite port=q_off bundle=control
#pragma HLS INTERFACE s_axilite port=f_off bundle=control
#pragma HLS INTERFACE s_axilite port=ln_off bundle=control
#pragma HLS INTERFACE s_axilite port=x bundle=control
#pragma HLS INTERFACE s_axilite port=w bundle=control
#pragma HLS INTERFACE s_axilite port=bq bundle=control
#pragma HLS INTERFACE s_axilite port=fq bundle=control
#pragma HLS INTERFACE s_axilite port=iq bundle=control
#pragma HLS INTERFACE s_axilite port=y bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
#pragma HLS DATAFLOW
    hls::stream<ct_wvec> ct_w("ct_w");
#pragma HLS STREAM variable=ct_w depth=64
    hls::stream<ct_vec> ct_x("ct_x");
#pragma HLS STREAM variable=ct_x depth=64
    hls::stream<ct_ovec> ct_o("ct_o");
#pragma HLS STREAM variable=ct_o depth=64
    conv_tiled_read(x, w, batch, groups, m_out, n_in, ih, iw, oh, ow, kh, kw, stride, pad_h, pad_w, dil, run, x_off, x_b, x_g, x_c, x_y, x_x, w_off, w_b, w_g, w_o, w_i, w_t, w_tn, ct_w, ct_x);
    conv_tiled_compute(batch, groups, m_out, n_in, ih, iw, oh, ow, kh, kw, stride, pad_h, pad_w, dil, run, w_tn, ct_w, ct_x, ct_o);
    conv_tiled_write(bq, fq, iq, y, batch, groups, m_out, n_in, ih, iw, oh, ow, kh, kw, stride, pad_h, pad_w, dil, run, y_off, y_b, y_g, y_c, y_y, y_x, b_off, act, norm, q_off, f_off, ln_off, ct_o);
}
