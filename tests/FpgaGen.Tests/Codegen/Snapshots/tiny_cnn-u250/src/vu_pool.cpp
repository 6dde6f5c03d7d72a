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
    int x_off,
    int f_off,
    hls::stream<vu_vec>& vp_x)
{
    /* vu_pool reader: vu neighbouring outputs of one row at a time; for each window position it sends the vu inputs
       (FG_NEG_BIG for max / 0 for average where the window leaves the map), then the vu divisors. Windows follow
       PyTorch: regular (kernel, stride, padding; the average counts the window clipped to the padded map) or adaptive
       (floor(i*H/OH) to ceil((i+1)*H/OH); kh x kw is then the largest window). mode FG_POOL_LRN, local response
       normalization: the window is the kh channels c - kh/2 ... c + (kh-1)/2 at the same pixel (0 outside the map,
       kw = 1), and the vu values of channel c itself follow instead of divisors. */
    const float sx = fr[f_off];
    const int chunks = (ow + vu - 1) / vu;
    for (int b = 0; b < batch; b++)
    for (int c = 0; c < chans; c++)
    for (int oy = 0; oy < oh; oy++)
    for (int oc = 0; oc < chunks; oc++) {
        const int ys = adaptive ? oy * ih / oh : oy * stride - pad;
        const int ye = adaptive ? ((oy + 1) * ih + oh - 1) / oh : FG_MIN(ys + kh, ih + pad);
        for (int wy = 0; wy < kh; wy++)
        for (int wx = 0; wx < kw; wx++) {
#pragma HLS PIPELINE II=1
            vu_vec v;
            for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
                const int ox = oc * vu + l;
                const int xs = adaptive ? ox * iw / ow : ox * stride - pad;
                const int xe = adaptive ? ((ox + 1) * iw + ow - 1) / ow : FG_MIN(xs + kw, iw + pad);
                const int cc = mode == FG_POOL_LRN ? c - kh / 2 + wy : c;
                const int yy = mode == FG_POOL_LRN ? oy : ys + wy, xx = mode == FG_POOL_LRN ? ox : xs + wx;
                const bool ok = ox < ow && (mode == FG_POOL_LRN ? cc >= 0 && cc < chans
                                                      : yy < ye && xx < xe && yy >= 0 && yy < ih && xx >= 0 && xx < iw);
                v.v[l] = ok ? fg_to_float(x[x_off + ((b * chans + cc) * ih + yy) * iw + xx], sx) : (mode == FG_POOL_MAX ? FG_NEG_BIG : 0.0f);
            }
            CH_WRITE(vp_x, v);
        }
        vu_vec dv;
        for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
            const int ox = oc * vu + l;
            const int xs = adaptive ? ox * iw / ow : ox * stride - pad;
            const int xe = adaptive ? ((ox + 1) * iw + ow - 1) / ow : FG_MIN(xs + kw, iw + pad);
            if (mode == FG_POOL_LRN) dv.v[l] = ox < ow ? fg_to_float(x[x_off + ((b * chans + c) * ih + oy) * iw + ox], sx) : 0.0f;
            else dv.v[l] = mode == FG_POOL_MAX ? 1.0f : (float)((ye - ys) * (xe - xs));
        }
        CH_WRITE(vp_x, dv);
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
    hls::stream<vu_vec>& vp_x,
    hls::stream<vu_vec>& vp_o)
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
        for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
            accs[l] = mode == FG_POOL_MAX ? FG_NEG_BIG : 0.0f;
        }
        for (int t = 0; t < kh * kw; t++) {
#pragma HLS PIPELINE II=1
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
    int y_off,
    int f_off,
    hls::stream<vu_vec>& vp_o)
{
    /* vu_pool writer. */
    const float out_inv = fq[f_off + 2];
    const int chunks = (ow + vu - 1) / vu;
    for (int b = 0; b < batch; b++)
    for (int c = 0; c < chans; c++)
    for (int oy = 0; oy < oh; oy++)
    for (int oc = 0; oc < chunks; oc++) {
#pragma HLS PIPELINE II=1
        const vu_vec ov = CH_READ(vp_o);
        for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
            const int ox = oc * vu + l;
            if (ox < ow) y[y_off + ((b * chans + c) * oh + oy) * ow + ox] = fg_from_float(ov.v[l] * out_inv);
        }
    }
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
    vu_pool_read(x, fr, batch, chans, ih, iw, oh, ow, kh, kw, stride, pad, mode, adaptive, x_off, f_off, vp_x);
    vu_pool_compute(batch, chans, oh, ow, kh, kw, mode, vp_x, vp_o);
    vu_pool_write(fq, y, batch, chans, oh, ow, y_off, f_off, vp_o);
}
