/* vu_pool_top: the kernel of group vu_pool (TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1). */
#ifndef FPGAGEN_VU_POOL_H
#define FPGAGEN_VU_POOL_H
#include "fpgagen_types.h"

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
    int y_off);

#endif
