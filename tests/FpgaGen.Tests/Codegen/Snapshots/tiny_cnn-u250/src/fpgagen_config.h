#ifndef FPGAGEN_CONFIG_H
#define FPGAGEN_CONFIG_H
/*
 * FpgaGen design configuration: TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1
 * Tiling parameters and network maxima are overridable: aoc -D<name>=<value>, or -D in the HLS cflags. Derived sizes
 * follow them. Shared by the OpenCL kernels, the HLS kernels and their testbenches.
 */
#ifndef Tm
#define Tm 16
#endif
#ifndef Tn
#define Tn 4
#endif
#ifndef Tr
#define Tr 7
#endif
#ifndef Tc
#define Tc 7
#endif
#ifndef vu
#define vu 8
#endif
#ifndef KMAX
#define KMAX 3
#endif
#ifndef SMAX
#define SMAX 1
#endif
#ifndef DMAX
#define DMAX 1
#endif
#define ITH ((Tr - 1) * SMAX + (KMAX - 1) * DMAX + 1)
#define ITW ((Tc - 1) * SMAX + (KMAX - 1) * DMAX + 1)
#define FG_PRECISION_INT8 1

#endif
