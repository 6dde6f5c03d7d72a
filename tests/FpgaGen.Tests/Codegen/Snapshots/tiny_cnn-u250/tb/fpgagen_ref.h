/*
 * FpgaGen C-simulation references: the semantics of every kernel group written as plain loops, one output at a time,
 * independent of the kernels' tiling and streaming. The generated testbenches run a kernel and its reference on the
 * same data and compare the outputs (and that nothing outside them was written).
 */
#ifndef FPGAGEN_REF_H
#define FPGAGEN_REF_H

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <vector>

namespace fg {

/* The arguments of one step, as the launch plan gives them (see the kernel catalog). */
struct Args {
    int batch = 1, groups = 1, m_out = 1, n_in = 1, ih = 1, iw = 1, oh = 1, ow = 1, kh = 1, kw = 1, stride = 1, pad_h = 0, pad_w = 0, dil = 1, run = 0;
    int x_off = 0, x_b = 0, x_g = 0, x_c = 0, x_y = 0, x_x = 0;
    int w_off = 0, w_b = 0, w_g = 0, w_o = 0, w_i = 0, w_t = 0, w_tm = 0, w_tn = 0;
    int y_off = 0, y_b = 0, y_g = 0, y_c = 0, y_y = 0, y_x = 0;
    int b_off = -1, act = 0, norm = 0, q_off = 0, f_off = 0, ln_off = 0, narrow = 0;
    int d0 = 1, d1 = 1, d2 = 1, op = 0;
    int a_off = 0, a_b = 0, a_0 = 0, a_1 = 0, a_2 = 0, s_off = 0, s_b = 0, s_0 = 0, s_1 = 0, s_2 = 0, y_0 = 0, y_1 = 0, y_2 = 0, y_whole = 0;
    int chans = 1, pad = 0, mode = 0, adaptive = 0, hwc = 0;
    int nrows = 1, len = 1, g_off = 0;
};

/* Output stage shared by all MAC engines (the same arithmetic as the epilogue template). */
inline DTYPE ref_epilogue(const Args& a, ACC_T acc, int gm, float mean, float rstd, const BIAS_T* bq, const float* fq, const int* iq)
{
    const float act_hi = fq[a.f_off], sw = fq[a.f_off + 1], out_inv = fq[a.f_off + 3];
    if (a.norm) {
        float v = sw * ((float)acc - mean * fq[a.ln_off + 2 * gm]) * rstd + fq[a.ln_off + 2 * gm + 1];
        if (a.act != FG_ACT_NONE) v = v > 0.0f ? v : 0.0f;
        if (a.act == FG_ACT_RELU6) v = v < 6.0f ? v : 6.0f;
        return fg_from_float(v * out_inv);
    }
#if FG_FIXED
    const int mult = iq[a.q_off], shift = iq[a.q_off + 1];
    FG_I64 t = (FG_I64)acc + (a.b_off >= 0 ? (FG_I64)bq[a.b_off + gm] : (FG_I64)0);
    if (a.act != FG_ACT_NONE && t < 0) t = 0;
    if (a.act == FG_ACT_RELU6 && t > (FG_I64)act_hi) t = (FG_I64)act_hi;
    if (shift < 0) /* a quantized model's own scales: per-output pair after [lo, hi] (WeightsLayout) */
        return fg_requant_even(t, iq[a.q_off + 4 + 2 * gm], iq[a.q_off + 5 + 2 * gm], iq[a.q_off + 2], iq[a.q_off + 3]);
    return fg_requant(t, mult, shift);
#else
    (void)iq;
    float v = (float)acc + (a.b_off >= 0 ? (float)bq[a.b_off + gm] : 0.0f);
    if (a.act != FG_ACT_NONE && v < 0.0f) v = 0.0f;
    if (a.act == FG_ACT_RELU6 && v > act_hi) v = act_hi;
    return (DTYPE)v;
#endif
}

/* Where weight (m, ci, tap) of batch b and group g lives: strides, or per engine tile (w_tn > 0: per output-channel tile
   w_o, per input-channel tile and tap a block of w_t elements holding the tile's lanes' weights, w_tn channels each). */
inline long ref_weight(const Args& a, int b, int g, int m, int ci, int tap)
{
    const long base = a.w_off + (long)b * a.w_b + (long)g * a.w_g;
    if (a.w_tn > 0)
        return base + (long)(m / a.w_tm) * a.w_o + ((long)(ci / a.w_tn) * a.kh * a.kw + tap) * a.w_t + (m % a.w_tm) * a.w_tn + ci % a.w_tn;
    return base + (long)m * a.w_o + (long)ci * a.w_i + (long)tap * a.w_t;
}

/* Convolution / matrix product: every output reduces input channel x tap, with zero padding. */
inline void ref_mac(const Args& a, const DTYPE* x, const DTYPE* w, const BIAS_T* bq, const float* fq, const float* fr, const int* iq, DTYPE* y)
{
    const int red = a.n_in * a.kh * a.kw;
    std::vector<float> row(red);
    for (int b = 0; b < a.batch; b++)
    for (int g = 0; g < a.groups; g++)
    for (int oy = 0; oy < a.oh; oy++)
    for (int ox = 0; ox < a.ow; ox++) {
        auto input = [&](int ci, int ky, int kx) -> DTYPE {
            const int yy = oy * a.stride - a.pad_h + ky * a.dil, xx = ox * a.stride - a.pad_w + kx * a.dil;
            if (yy < 0 || yy >= a.ih || xx < 0 || xx >= a.iw) return (DTYPE)0;
            return x[a.x_off + b * a.x_b + g * a.x_g + ci * a.x_c + yy * a.x_y + xx * a.x_x];
        };
        float mean = 0.0f, rstd = 1.0f;
        if (a.norm) {
            /* LayerNorm statistics of the row the engine reduces (padding zeros included, as the engine sees them). */
            double s = 0, q = 0;
            for (int ci = 0, k = 0; ci < a.n_in; ci++)
                for (int t = 0; t < a.kh * a.kw; t++, k++) { row[k] = (float)input(ci, t / a.kw, t % a.kw); s += row[k]; }
            mean = (float)(s / red);
            for (int k = 0; k < red; k++) q += ((double)row[k] - mean) * ((double)row[k] - mean);
            rstd = 1.0f / std::sqrt((float)(q / red) + fr[a.f_off + 2]);
        }
        for (int m = 0; m < a.m_out; m++) {
            ACC_T acc = 0;
            for (int ci = 0; ci < a.n_in; ci++)
                for (int ky = 0; ky < a.kh; ky++)
                    for (int kx = 0; kx < a.kw; kx++)
                        acc += (ACC_T)input(ci, ky, kx) * (ACC_T)w[ref_weight(a, b, g, m, ci, ky * a.kw + kx)];
            y[a.y_off + b * a.y_b + g * a.y_g + m * a.y_c + oy * a.y_y + ox * a.y_x] =
                ref_epilogue(a, acc, g * a.m_out + m, mean, rstd, bq, fq, iq);
        }
    }
}

inline void ref_map(const Args& a, const DTYPE* src, const DTYPE* s, const float* fr, const float* fq, DTYPE* y)
{
    for (int b = 0; b < a.batch; b++)
    for (int i0 = 0; i0 < a.d0; i0++)
    for (int i1 = 0; i1 < a.d1; i1++)
    for (int k = 0; k < a.d2; k++) {
        const float v = fg_to_float(src[a.a_off + b * a.a_b + i0 * a.a_0 + i1 * a.a_1 + k * a.a_2], fr[a.f_off]);
        float r = v;
        switch (a.op) {
        case FG_MAP_RELU: r = v > 0.0f ? v : 0.0f; break;
        case FG_MAP_RELU6: r = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v); break;
        case FG_MAP_GELU: r = 0.5f * v * (1.0f + std::erf(v / std::sqrt(2.0f))); break;
        case FG_MAP_SIGMOID: r = 1.0f / (1.0f + std::exp(-v)); break;
        case FG_MAP_ADD: r = v + fg_to_float(s[a.s_off + b * a.s_b + i0 * a.s_0 + i1 * a.s_1 + k * a.s_2], fr[a.f_off + 1]); break;
        case FG_MAP_ADDRELU: r = v + fg_to_float(s[a.s_off + b * a.s_b + i0 * a.s_0 + i1 * a.s_1 + k * a.s_2], fr[a.f_off + 1]); r = r > 0.0f ? r : 0.0f; break;
        default: break;
        }
        DTYPE out = fg_from_float(r * fq[a.f_off + 2]);
#if FG_FIXED && defined(VU_REQUANT)
        if (a.op == FG_MAP_REQUANTIZE) out = fg_quantize_linear(r, fq[a.f_off + 3], fq[a.f_off + 4], fq[a.f_off + 5]);
#endif
        y[a.y_off + b * a.y_b + i0 * a.y_0 + i1 * a.y_1 + k * a.y_2] = out;
    }
}

/* Element (b, c, pixel p) of an h x w map: C x H x W, or H x W x C when a.hwc. */
inline int ref_map_at(const Args& a, int b, int c, int p, int pixels)
{
    return a.hwc ? (b * pixels + p) * a.chans + c : (b * a.chans + c) * pixels + p;
}

/* PyTorch pooling: max with -inf padding; average over the window clipped to the padded input; adaptive windows.
   mode FG_POOL_LRN: local response normalization across the kh channels c - kh/2 ... c + (kh-1)/2 (alpha 1e-4, beta 0.75, k 1). */
inline void ref_pool(const Args& a, const DTYPE* x, const float* fr, const float* fq, DTYPE* y)
{
    if (a.mode == FG_POOL_LRN) {
        const int pixels = a.ih * a.iw;
        for (int b = 0; b < a.batch; b++)
        for (int c = 0; c < a.chans; c++)
        for (int p = 0; p < pixels; p++) {
            float sum = 0.0f;
            for (int cc = c - a.kh / 2; cc <= c + (a.kh - 1) / 2; cc++)
                if (cc >= 0 && cc < a.chans) {
                    const float v = fg_to_float(x[a.x_off + ref_map_at(a, b, cc, p, pixels)], fr[a.f_off]);
                    sum += v * v;
                }
            const float v = fg_to_float(x[a.x_off + ref_map_at(a, b, c, p, pixels)], fr[a.f_off]);
            const float r = v / std::pow(1.0f + 1.0e-4f / (float)a.kh * sum, 0.75f);
            y[a.y_off + ref_map_at(a, b, c, p, pixels)] = fg_from_float(r * fq[a.f_off + 2]);
        }
        return;
    }
    for (int b = 0; b < a.batch; b++)
    for (int c = 0; c < a.chans; c++)
    for (int oy = 0; oy < a.oh; oy++)
    for (int ox = 0; ox < a.ow; ox++) {
        int y0, y1, x0, x1;
        float count;
        if (a.adaptive) {
            y0 = oy * a.ih / a.oh; y1 = ((oy + 1) * a.ih + a.oh - 1) / a.oh;
            x0 = ox * a.iw / a.ow; x1 = ((ox + 1) * a.iw + a.ow - 1) / a.ow;
            count = (float)((y1 - y0) * (x1 - x0));
        } else {
            y0 = oy * a.stride - a.pad; x0 = ox * a.stride - a.pad;
            y1 = y0 + a.kh < a.ih + a.pad ? y0 + a.kh : a.ih + a.pad;
            x1 = x0 + a.kw < a.iw + a.pad ? x0 + a.kw : a.iw + a.pad;
            count = (float)((y1 - y0) * (x1 - x0));
            if (y0 < 0) y0 = 0;
            if (x0 < 0) x0 = 0;
            if (y1 > a.ih) y1 = a.ih;
            if (x1 > a.iw) x1 = a.iw;
        }
        float acc = a.mode == FG_POOL_MAX ? -3.0e38f : 0.0f;
        for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++) {
                const float v = fg_to_float(x[a.x_off + ref_map_at(a, b, c, yy * a.iw + xx, a.ih * a.iw)], fr[a.f_off]);
                acc = a.mode == FG_POOL_MAX ? (v > acc ? v : acc) : acc + v;
            }
        const float r = a.mode == FG_POOL_MAX ? acc : acc / count;
        y[a.y_off + ref_map_at(a, b, c, oy * a.ow + ox, a.oh * a.ow)] = fg_from_float(r * fq[a.f_off + 2]);
    }
}

/* Softmax (FG_ROW_SOFTMAX) or LayerNorm with gamma and beta (FG_ROW_LAYERNORM) over rows. */
inline void ref_row(const Args& a, const DTYPE* x, const float* fr, const float* fq, DTYPE* y)
{
    std::vector<double> v(a.len);
    for (int r = 0; r < a.nrows; r++) {
        for (int k = 0; k < a.len; k++) v[k] = fg_to_float(x[a.x_off + r * a.len + k], fr[a.f_off]);
        if (a.op == FG_ROW_SOFTMAX) {
            double mx = v[0], sum = 0;
            for (int k = 1; k < a.len; k++) mx = v[k] > mx ? v[k] : mx;
            for (int k = 0; k < a.len; k++) sum += std::exp(v[k] - mx);
            for (int k = 0; k < a.len; k++)
                y[a.y_off + r * a.len + k] = fg_from_float((float)(std::exp(v[k] - mx) / sum) * fq[a.f_off + 2]);
        } else {
            double mean = 0, var = 0;
            for (int k = 0; k < a.len; k++) mean += v[k];
            mean /= a.len;
            for (int k = 0; k < a.len; k++) var += (v[k] - mean) * (v[k] - mean);
            const double rstd = 1.0 / std::sqrt(var / a.len + fq[a.f_off + 3]);
            for (int k = 0; k < a.len; k++) {
                const double n = (v[k] - mean) * rstd * fq[a.g_off + k] + fq[a.g_off + a.len + k];
                y[a.y_off + r * a.len + k] = fg_from_float((float)n * fq[a.f_off + 2]);
            }
        }
    }
}

/* Deterministic test data (a 32-bit LCG), so a failing case reproduces anywhere. */
struct Lcg {
    uint32_t s;
    explicit Lcg(uint32_t seed) : s(seed) {}
    float next() { s = s * 1664525u + 1013904223u; return (float)(s >> 8) / 16777216.0f; }
    float uniform(float lo, float hi) { return lo + (hi - lo) * next(); }
};

/*
 * Compares a kernel's output array with the reference's (fixed point may differ by one step of rounding). Both start
 * filled with the sentinel; a case whose reference output is constant (nothing written, or everything saturated)
 * could not detect a wrong kernel, so it fails too.
 */
inline int compare(const char* what, const DTYPE* got, const DTYPE* want, size_t n, double tolerance)
{
    size_t bad = 0, varied = 0;
    double worst = 0;
    for (size_t i = 1; i < n; i++) varied += (double)want[i] != (double)want[0];
    if (n > 1 && varied == 0) {
        std::printf("FAIL %s: the reference output is constant (%g), so this case tests nothing\n", what, (double)want[0]);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        const double g = (double)got[i], w = (double)want[i];
        const double d = std::fabs(g - w), allowed = tolerance * (1.0 + (FG_FIXED ? 0.0 : std::fabs(w)));
        if (d > worst) worst = d;
        if (d > allowed) {
            if (bad < 5) std::printf("  %s: element %zu is %g, reference %g\n", what, i, g, w);
            bad++;
        }
    }
    std::printf("%s %s: %zu outputs, largest difference %g\n", bad ? "FAIL" : "PASS", what, n, worst);
    return bad ? 1 : 0;
}

} // namespace fg

#endif
