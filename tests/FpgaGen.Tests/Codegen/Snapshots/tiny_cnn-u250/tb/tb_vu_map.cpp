/*
 * C-simulation testbench of vu_map_top (TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1).
 * Build with Vitis HLS (make csim) or any C++17 compiler: g++ -std=c++17 -Isrc tb/tb_vu_map.cpp src/vu_map.cpp
 */
#include <cstdio>
#include <vector>
#include "vu_map.h"
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
/* Case 0: step add1 (Add, 8192 operations). */
static int case_0()
{
    fg::Args a_;
    a_.a_0 = 0;
    a_.a_1 = 0;
    a_.a_2 = 1;
    a_.a_b = 8192;
    a_.a_off = 0;
    a_.batch = 1;
    a_.d0 = 1;
    a_.d1 = 1;
    a_.d2 = 8192;
    a_.f_off = 0;
    a_.op = 5;
    a_.s_0 = 0;
    a_.s_1 = 0;
    a_.s_2 = 1;
    a_.s_b = 8192;
    a_.s_off = 0;
    a_.y_0 = 0;
    a_.y_1 = 0;
    a_.y_2 = 1;
    a_.y_b = 8192;
    a_.y_off = 0;
    a_.y_whole = 1;
    fg::Lcg rng(1234u);
    std::vector<DTYPE> a(8192);
    fill(a, rng, -8.0f, 8.0f, true);
    std::vector<DTYPE> s(8192);
    fill(s, rng, -8.0f, 8.0f, true);
    std::vector<DTYPE> y(8192);
    std::vector<float> fq(4);
    fill(fq, rng, 0.5f, 1.5f, false);
    fq[0] = 0.1f;
    fq[1] = 0.1f;
    fq[2] = 16.0f;
    fq[3] = 1e-3f;
    for (auto& e : y) e = (DTYPE)3;
    std::vector<DTYPE> y_ref(y);
    vu_map_top(a.data(), s.data(), fq.data(), fq.data(), y.data(), a_.batch, a_.d0, a_.d1, a_.d2, a_.op, a_.a_off, a_.a_b, a_.a_0, a_.a_1, a_.a_2, a_.s_off, a_.s_b, a_.s_0, a_.s_1, a_.s_2, a_.f_off, a_.y_off, a_.y_b, a_.y_0, a_.y_1, a_.y_2, a_.y_whole);
    fg::ref_map(a_, a.data(), s.data(), fq.data(), fq.data(), y_ref.data());
    return fg::compare("add1", y.data(), y_ref.data(), 8192, 1.0);
}

int main()
{
    int failures = 0;
    failures += case_0();
    std::printf("vu_map_top: %d of 1 cases failed\n", failures);
    return failures == 0 ? 0 : 1;
}
