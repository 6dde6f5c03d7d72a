// conv.cl — direct (im2col-free) 2-D convolution for FpgaGen's OpenCL back end.
//
//   out[n][o][y][x] = bias[o] + Σ_c Σ_ky Σ_kx in[n][c][y·SY − PY + ky·DY][x·SX − PX + kx·DX] · w[o][c][ky][kx]
//
// Layouts are ONNX's: input NCHW, weights OIHW, output NCHW; zero padding outside the image.
// The layer shape is compiled in (-D C_IN H_IN W_IN C_OUT H_OUT W_OUT KH KW SY SX PY PX DY DX
// OGROUPS) so the window loops have constant trip counts. Tile parameters:
//   WGX, WGY  work-group shape over output x (dim 0) and y (dim 1)
//   XPT       output columns per work-item, strided by WGX (neighbouring work-items, neighbouring x)
//   OPT       output channels per work-item (each input value is reused OPT times from a register)
//   LMEM      1: stage a CT-channel input tile (with halo) and its weights in local memory
//   CT        input channels per local tile (LMEM = 1 only)
// Grid: dim 0 = ceil(W_OUT / (WGX·XPT))·WGX, dim 1 = ceil(H_OUT / WGY)·WGY, dim 2 = N·OGROUPS where
// OGROUPS = ceil(C_OUT / OPT). Work-items past the output edge compute on clamped indices and
// store nothing, so every work-item reaches the barriers.

#ifndef WGX
#define WGX 8
#endif
#ifndef WGY
#define WGY 8
#endif
#ifndef XPT
#define XPT 1
#endif
#ifndef OPT
#define OPT 1
#endif
#ifndef LMEM
#define LMEM 0
#endif
#ifndef CT
#define CT 1
#endif

#if !defined(C_IN) || !defined(H_IN) || !defined(W_IN) || !defined(C_OUT) || !defined(H_OUT) || !defined(W_OUT) || \
    !defined(KH) || !defined(KW) || !defined(SY) || !defined(SX) || !defined(PY) || !defined(PX) || !defined(DY) || !defined(DX) || !defined(OGROUPS)
#error "conv.cl needs the layer shape as -D defines"
#endif

#define WGS (WGX * WGY)
#define TH ((WGY - 1) * SY + (KH - 1) * DY + 1)          // input rows a work-group's outputs touch
#define TW ((WGX * XPT - 1) * SX + (KW - 1) * DX + 1)    // input columns

__kernel __attribute__((reqd_work_group_size(WGX, WGY, 1)))
void conv(__global const float* restrict in, __global const float* restrict wts,
          __global const float* restrict bias, __global float* restrict out)
{
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int xb = get_group_id(0) * (WGX * XPT);
    const int y = get_group_id(1) * WGY + ty;
    const int n = get_group_id(2) / OGROUPS;
    const int o0 = (get_group_id(2) % OGROUPS) * OPT;

    float acc[OPT][XPT];
#pragma unroll
    for (int q = 0; q < OPT; q++)
#pragma unroll
        for (int p = 0; p < XPT; p++) acc[q][p] = 0.0f;

    __global const float* img = in + n * (C_IN * H_IN * W_IN);

#if LMEM
    __local float tile[CT * TH * TW];
    __local float wl[OPT * CT * KH * KW];
    const int lid = ty * WGX + tx;
    const int iy0 = get_group_id(1) * WGY * SY - PY;
    const int ix0 = xb * SX - PX;
    for (int c0 = 0; c0 < C_IN; c0 += CT) {
        for (int idx = lid; idx < CT * TH * TW; idx += WGS) {
            const int cc = idx / (TH * TW), r = (idx / TW) % TH, col = idx % TW;
            const int c = c0 + cc, iy = iy0 + r, ix = ix0 + col;
            tile[idx] = (c < C_IN && iy >= 0 && iy < H_IN && ix >= 0 && ix < W_IN) ? img[(c * H_IN + iy) * W_IN + ix] : 0.0f;
        }
        for (int idx = lid; idx < OPT * CT * KH * KW; idx += WGS) {
            const int q = idx / (CT * KH * KW), rem = idx % (CT * KH * KW);
            const int c = c0 + rem / (KH * KW);
            const int o = min(o0 + q, C_OUT - 1);
            wl[idx] = c < C_IN ? wts[(o * C_IN + c) * (KH * KW) + rem % (KH * KW)] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int cc = 0; cc < CT; cc++) {
#pragma unroll
            for (int ky = 0; ky < KH; ky++) {
#pragma unroll
                for (int kx = 0; kx < KW; kx++) {
                    float w[OPT];
#pragma unroll
                    for (int q = 0; q < OPT; q++) w[q] = wl[((q * CT + cc) * KH + ky) * KW + kx];
#pragma unroll
                    for (int p = 0; p < XPT; p++) {
                        const float v = tile[(cc * TH + ty * SY + ky * DY) * TW + (tx + p * WGX) * SX + kx * DX];
#pragma unroll
                        for (int q = 0; q < OPT; q++) acc[q][p] = mad(v, w[q], acc[q][p]);
                    }
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#else
    for (int c = 0; c < C_IN; c++) {
#pragma unroll
        for (int ky = 0; ky < KH; ky++) {
            const int iy = y * SY - PY + ky * DY;
            const int rowOk = iy >= 0 && iy < H_IN;
#pragma unroll
            for (int kx = 0; kx < KW; kx++) {
                float w[OPT];
#pragma unroll
                for (int q = 0; q < OPT; q++) w[q] = wts[(min(o0 + q, C_OUT - 1) * C_IN + c) * (KH * KW) + ky * KW + kx];
#pragma unroll
                for (int p = 0; p < XPT; p++) {
                    const int ix = (xb + tx + p * WGX) * SX - PX + kx * DX;
                    const float v = (rowOk && ix >= 0 && ix < W_IN) ? img[(c * H_IN + iy) * W_IN + ix] : 0.0f;
#pragma unroll
                    for (int q = 0; q < OPT; q++) acc[q][p] = mad(v, w[q], acc[q][p]);
                }
            }
        }
    }
#endif

    if (y >= H_OUT) return;
#pragma unroll
    for (int q = 0; q < OPT; q++) {
        const int o = o0 + q;
        if (o >= C_OUT) break;
        const float b = bias[o];
#pragma unroll
        for (int p = 0; p < XPT; p++) {
            const int x = xb + tx + p * WGX;
            if (x < W_OUT) out[((n * C_OUT + o) * H_OUT + y) * W_OUT + x] = acc[q][p] + b;
        }
    }
}
