/* vu_map_top: the kernel of group vu_map (TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1). */
#ifndef FPGAGEN_VU_MAP_H
#define FPGAGEN_VU_MAP_H
#include "fpgagen_types.h"

extern "C" void vu_map_top(
    const DTYPE* a,
    const DTYPE* s,
    const float* fr,
    const float* fq,
    DTYPE* y,
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
    int f_off,
    int y_off,
    int y_b,
    int y_0,
    int y_1,
    int y_2,
    int y_whole);

#endif
