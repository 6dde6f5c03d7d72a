/*
 * C-simulation testbench of conv_tiled_top (TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1).
 * Build with Vitis HLS (make csim) or any C++17 compiler: g++ -std=c++17 -Isrc tb/tb_conv_tiled.cpp src/conv_tiled.cpp
 */
#include <cstdio>
#include <vector>
#include "conv_tiled.h"
#include "fpgagen_ref.h"

/* Fills an array with deterministic values in [lo, hi] (whole numbers for fixed point). */
template <typename T>
static void fill(std::vector<T>& v, fg::Lcg& rng, float lo, float hi, bool whole)
{
    for (auto& e : v) {
        const float r = rng.uniform(lo, hi);
        e = (T)(whole ? (float)(int)r : r);
    }
}
/* Case 0: step conv1 (conv---narrow-Relu-bias, 442368 operations). */
static int case_0()
{
    fg::Args a;
    a.act = 1;
    a.b_off = 0;
    a.batch = 1;
    a.dil = 1;
    a.f_off = 0;
    a.groups = 1;
    a.ih = 32;
    a.iw = 32;
    a.kh = 3;
    a.kw = 3;
    a.ln_off = 4;
    a.m_out = 16;
    a.n_in = 3;
    a.narrow = 1;
    a.norm = 0;
    a.oh = 32;
    a.ow = 32;
    a.pad_h = 1;
    a.pad_w = 1;
    a.q_off = 0;
    a.run = 0;
    a.stride = 1;
    a.w_b = 0;
    a.w_g = 576;
    a.w_i = 0;
    a.w_o = 576;
    a.w_off = 0;
    a.w_t = 64;
    a.w_tm = 16;
    a.w_tn = 4;
    a.x_b = 3072;
    a.x_c = 1024;
    a.x_g = 3072;
    a.x_off = 0;
    a.x_x = 1;
    a.x_y = 32;
    a.y_b = 16384;
    a.y_c = 1024;
    a.y_g = 16384;
    a.y_off = 0;
    a.y_x = 1;
    a.y_y = 32;
    fg::Lcg rng(1234u);
    std::vector<DTYPE> x(3072);
    fill(x, rng, -8.0f, 8.0f, true);
    std::vector<DTYPE> w(576);
    fill(w, rng, -8.0f, 8.0f, true);
    std::vector<BIAS_T> bq(16);
    fill(bq, rng, -100.0f, 100.0f, true);
    std::vector<float> fq(36);
    fill(fq, rng, -1.0f, 1.0f, false);
    std::vector<int> iq(2);
    std::vector<DTYPE> y(16384);
    fq[0] = 55.0f;
    fq[1] = 0.02f;
    fq[2] = 0.5f;
    fq[3] = 1.0f;
    iq[0] = 17736;
    iq[1] = 16;
    for (auto& e : y) e = (DTYPE)3;
    std::vector<DTYPE> y_ref(y);
    conv_tiled_top(x.data(), w.data(), bq.data(), fq.data(), iq.data(), y.data(), a.batch, a.groups, a.m_out, a.n_in, a.ih, a.iw, a.oh, a.ow, a.kh, a.kw, a.stride, a.pad_h, a.pad_w, a.dil, a.run, a.x_off, a.x_b, a.x_g, a.x_c, a.x_y, a.x_x, a.w_off, a.w_b, a.w_g, a.w_o, a.w_i, a.w_t, a.w_tn, a.y_off, a.y_b, a.y_g, a.y_c, a.y_y, a.y_x, a.b_off, a.act, a.norm, a.q_off, a.f_off, a.ln_off);
    fg::ref_mac(a, x.data(), w.data(), bq.data(), fq.data(), fq.data(), iq.data(), y_ref.data());
    return fg::compare("conv1", y.data(), y_ref.data(), 16384, 1.0);
}

/* Case 1: step fc (linear---narrow-None-bias, 320 operations). */
static int case_1()
{
    fg::Args a;
    a.act = 0;
    a.b_off = 0;
    a.batch = 1;
    a.dil = 1;
    a.f_off = 0;
    a.groups = 1;
    a.ih = 1;
    a.iw = 1;
    a.kh = 1;
    a.kw = 1;
    a.ln_off = 4;
    a.m_out = 10;
    a.n_in = 32;
    a.narrow = 1;
    a.norm = 0;
    a.oh = 1;
    a.ow = 1;
    a.pad_h = 0;
    a.pad_w = 0;
    a.q_off = 0;
    a.run = 0;
    a.stride = 1;
    a.w_b = 0;
    a.w_g = 512;
    a.w_i = 0;
    a.w_o = 512;
    a.w_off = 0;
    a.w_t = 64;
    a.w_tm = 16;
    a.w_tn = 4;
    a.x_b = 32;
    a.x_c = 1;
    a.x_g = 0;
    a.x_off = 0;
    a.x_x = 32;
    a.x_y = 0;
    a.y_b = 10;
    a.y_c = 1;
    a.y_g = 0;
    a.y_off = 0;
    a.y_x = 10;
    a.y_y = 0;
    fg::Lcg rng(1235u);
    std::vector<DTYPE> x(64);
    fill(x, rng, -8.0f, 8.0f, true);
    std::vector<DTYPE> w(512);
    fill(w, rng, -8.0f, 8.0f, true);
    std::vector<BIAS_T> bq(10);
    fill(bq, rng, -100.0f, 100.0f, true);
    std::vector<float> fq(24);
    fill(fq, rng, -1.0f, 1.0f, false);
    std::vector<int> iq(2);
    std::vector<DTYPE> y(64);
    fq[0] = 60.0f;
    fq[1] = 0.02f;
    fq[2] = 0.5f;
    fq[3] = 1.0f;
    iq[0] = 32583;
    iq[1] = 17;
    for (auto& e : y) e = (DTYPE)3;
    std::vector<DTYPE> y_ref(y);
    conv_tiled_top(x.data(), w.data(), bq.data(), fq.data(), iq.data(), y.data(), a.batch, a.groups, a.m_out, a.n_in, a.ih, a.iw, a.oh, a.ow, a.kh, a.kw, a.stride, a.pad_h, a.pad_w, a.dil, a.run, a.x_off, a.x_b, a.x_g, a.x_c, a.x_y, a.x_x, a.w_off, a.w_b, a.w_g, a.w_o, a.w_i, a.w_t, a.w_tn, a.y_off, a.y_b, a.y_g, a.y_c, a.y_y, a.y_x, a.b_off, a.act, a.norm, a.q_off, a.f_off, a.ln_off);
    fg::ref_mac(a, x.data(), w.data(), bq.data(), fq.data(), fq.data(), iq.data(), y_ref.data());
    return fg::compare("fc", y.data(), y_ref.data(), 10, 1.0);
}

int main()
{
    int failures = 0;
    failures += case_0();
    failures += case_1();
    std::printf("conv_tiled_top: %d of 2 cases failed\n", failures);
    return failures == 0 ? 0 : 1;
}
