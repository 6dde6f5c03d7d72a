/*
 * C-simulation testbench of vu_pool_top (TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1).
 * Build with Vitis HLS (make csim) or any C++17 compiler: g++ -std=c++17 -Isrc tb/tb_vu_pool.cpp src/vu_pool.cpp
 */
#include <cstdio>
#include <vector>
#include "vu_pool.h"
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
/* Case 0: step maxpool1 (max, 16384 operations). */
static int case_0()
{
    fg::Args a;
    a.adaptive = 0;
    a.batch = 1;
    a.chans = 16;
    a.f_off = 0;
    a.hwc = 0;
    a.ih = 32;
    a.iw = 32;
    a.kh = 2;
    a.kw = 2;
    a.mode = 0;
    a.oh = 16;
    a.ow = 16;
    a.pad = 0;
    a.stride = 2;
    a.x_off = 0;
    a.y_off = 0;
    fg::Lcg rng(1234u);
    std::vector<DTYPE> x(16384);
    fill(x, rng, -8.0f, 8.0f, true);
    std::vector<DTYPE> y(4096);
    std::vector<float> fq(4);
    fill(fq, rng, 0.5f, 1.5f, false);
    fq[0] = 0.1f;
    fq[1] = 0.1f;
    fq[2] = 16.0f;
    fq[3] = 1e-3f;
    for (auto& e : y) e = (DTYPE)3;
    std::vector<DTYPE> y_ref(y);
    vu_pool_top(x.data(), fq.data(), fq.data(), y.data(), a.batch, a.chans, a.ih, a.iw, a.oh, a.ow, a.kh, a.kw, a.stride, a.pad, a.mode, a.adaptive, a.hwc, a.x_off, a.f_off, a.y_off);
    fg::ref_pool(a, x.data(), fq.data(), fq.data(), y_ref.data());
    return fg::compare("maxpool1", y.data(), y_ref.data(), 4096, 1.0);
}

/* Case 1: step global_avgpool1 (avg, 2048 operations). */
static int case_1()
{
    fg::Args a;
    a.adaptive = 0;
    a.batch = 1;
    a.chans = 32;
    a.f_off = 0;
    a.hwc = 0;
    a.ih = 8;
    a.iw = 8;
    a.kh = 8;
    a.kw = 8;
    a.mode = 1;
    a.oh = 1;
    a.ow = 1;
    a.pad = 0;
    a.stride = 8;
    a.x_off = 0;
    a.y_off = 0;
    fg::Lcg rng(1235u);
    std::vector<DTYPE> x(2048);
    fill(x, rng, -8.0f, 8.0f, true);
    std::vector<DTYPE> y(64);
    std::vector<float> fq(4);
    fill(fq, rng, 0.5f, 1.5f, false);
    fq[0] = 0.1f;
    fq[1] = 0.1f;
    fq[2] = 16.0f;
    fq[3] = 1e-3f;
    for (auto& e : y) e = (DTYPE)3;
    std::vector<DTYPE> y_ref(y);
    vu_pool_top(x.data(), fq.data(), fq.data(), y.data(), a.batch, a.chans, a.ih, a.iw, a.oh, a.ow, a.kh, a.kw, a.stride, a.pad, a.mode, a.adaptive, a.hwc, a.x_off, a.f_off, a.y_off);
    fg::ref_pool(a, x.data(), fq.data(), fq.data(), y_ref.data());
    return fg::compare("global_avgpool1", y.data(), y_ref.data(), 32, 1.0);
}

int main()
{
    int failures = 0;
    failures += case_0();
    failures += case_1();
    std::printf("vu_pool_top: %d of 2 cases failed\n", failures);
    return failures == 0 ? 0 : 1;
}
