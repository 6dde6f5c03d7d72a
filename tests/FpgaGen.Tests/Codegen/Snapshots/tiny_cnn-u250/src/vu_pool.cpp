/* vu_pool: vector unit, vu lanes (max and average pooling). */
#include "fpgagen_types.h"

typedef struct { float v[8]; } vu_vec; /* 256 bits */
#include "vu_pool.h"

static void vu_pool_read(
    const DTYPE* x,
    const float* fr,
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
    int f_off,
    hls::stream<vu_vec>& vp_x)
{
    static DTYPE lbuf[2048];
#pragma HLS ARRAY_PARTITION variable=lbuf type=cyclic factor=64 dim=1
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
#pragma HLS PIPELINE II=1
            if (j < jobs && t < fill) {
                const int cc = hwc ? 0 : lrn ? lc - kh / 2 + r : lc, yy = lrn ? ly : lys + r;
                const int row0 = x_off + (hwc ? (lb * ih + yy) * rowlen : ((lb * chans + cc) * ih + yy) * iw);
                if (cc >= 0 && cc < chans && yy >= 0 && yy < ih && k <= (row0 + rowlen - 1) / BEAT - row0 / BEAT) {
                    const fg_beat v = GMB(x, row0 / BEAT + k);
                    for (int q = 0; q < BEAT; q++) {
#pragma HLS UNROLL
                        lbuf[((fillc * PKH + r) * PROWB + k) * BEAT + q] = v.v[q];
                    }
                }
                if (++k == rowbeats) { k = 0; r++; }
            }
            if (j > 0 && t < send) {
                vu_vec v;
                for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
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

static void vu_pool_compute(
    int batch,
    int chans,
    int oh,
    int ow,
    int kh,
    int kw,
    int mode,
    int hwc,
    hls::stream<vu_vec>& vp_x,
    hls::stream<vu_vec>& vp_o)
{
    /* vu_pool datapath: max or sum over the window per lane, then the divide. mode FG_POOL_LRN (local response normalization,
       PyTorch's LocalResponseNorm with alpha 1e-4, beta 0.75, k 1): sum of squares over the channel window, then
       a_c / (k + alpha/kh * sum)^0.75, the power as sqrt(d) * sqrt(sqrt(d)). */
    const float lrn_alpha = 1.0e-4f / (float)kh;
    /* one vector per vu outputs of a channel's row (C x H x W) or vu channels of a pixel (H x W x C, hwc) */
    const int vectors = hwc ? batch * oh * ow * ((chans + vu - 1) / vu) : batch * chans * oh * ((ow + vu - 1) / vu);
    for (int vi = 0; vi < vectors; vi++) {
        float accs[vu];
        for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
            accs[l] = mode == FG_POOL_MAX ? FG_NEG_BIG : 0.0f;
        }
        for (int t = 0; t < kh * kw; t++) {
#pragma HLS PIPELINE II=1 style=frp
            const vu_vec v = CH_READ(vp_x);
            for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
                accs[l] = mode == FG_POOL_MAX ? FG_MAX(accs[l], v.v[l]) : accs[l] + (mode == FG_POOL_LRN ? v.v[l] * v.v[l] : v.v[l]);
            }
        }
        const vu_vec dv = CH_READ(vp_x);
        vu_vec ov;
        for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
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

static void vu_pool_write(
    const float* fq,
    DTYPE* y,
    int batch,
    int chans,
    int oh,
    int ow,
    int hwc,
    int y_off,
    int f_off,
    hls::stream<vu_vec>& vp_o)
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
#pragma HLS PIPELINE II=1
        if (q == 0) {
            const vu_vec ov = CH_READ(vp_o);
            const int n = FG_MIN(vu, width - oc * vu);
            for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
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

/* The kernel v++ links (vu_pool_top): one call runs one step of the network on this group. */
extern "C" void vu_pool_top(
    const DTYPE* x,
    const float* fr,
    const float* fq,
    DTYPE* y,
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
    int f_off,
    int y_off)
{
#pragma HLS INTERFACE m_axi port=x offset=slave bundle=gmem0 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=fr offset=slave bundle=gmem3 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=fq offset=slave bundle=gmem3 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=y offset=slave bundle=gmem2 max_widen_bitwidth=512
#pragma HLS INTERFACE s_axilite port=batch bundle=control
#pragma HLS INTERFACE s_axilite port=chans bundle=control
#pragma HLS INTERFACE s_axilite port=ih bundle=control
#pragma HLS INTERFACE s_axilite port=iw bundle=control
#pragma HLS INTERFACE s_axilite port=oh bundle=control
#pragma HLS INTERFACE s_axilite port=ow bundle=control
#pragma HLS INTERFACE s_axilite port=kh bundle=control
#pragma HLS INTERFACE s_axilite port=kw bundle=control
#pragma HLS INTERFACE s_axilite port=stride bundle=control
#pragma HLS INTERFACE s_axilite port=pad bundle=control
#pragma HLS INTERFACE s_axilite port=mode bundle=control
#pragma HLS INTERFACE s_axilite port=adaptive bundle=control
#pragma HLS INTERFACE s_axilite port=hwc bundle=control
#pragma HLS INTERFACE s_axilite port=x_off bundle=control
#pragma HLS INTERFACE s_axilite port=f_off bundle=control
#pragma HLS INTERFACE s_axilite port=y_off bundle=control
#pragma HLS INTERFACE s_axilite port=x bundle=control
#pragma HLS INTERFACE s_axilite port=fr bundle=control
#pragma HLS INTERFACE s_axilite port=fq bundle=control
#pragma HLS INTERFACE s_axilite port=y bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
#pragma HLS DATAFLOW
    hls::stream<vu_vec> vp_x("vp_x");
#pragma HLS STREAM variable=vp_x depth=64
    hls::stream<vu_vec> vp_o("vp_o");
#pragma HLS STREAM variable=vp_o depth=64
    vu_pool_read(x, fr, batch, chans, ih, iw, oh, ow, kh, kw, stride, pad, mode, adaptive, hwc, x_off, f_off, vp_x);
    vu_pool_compute(batch, chans, oh, ow, kh, kw, mode, hwc, vp_x, vp_o);
    vu_pool_write(fq, y, batch, chans, oh, ow, hwc, y_off, f_off, vp_o);
}
