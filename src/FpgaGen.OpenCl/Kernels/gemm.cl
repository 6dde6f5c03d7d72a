// gemm.cl — tiled single-precision GEMM for FpgaGen's OpenCL back end.
//
//   C[M×N] = alpha · A[M×K] · B[K×N] + beta · C        row-major, leading dimensions lda/ldb/ldc
//
// Tile parameters arrive as -D defines (CLBlast's names, our own kernel):
//   MWG, NWG   rows / columns of C per work-group        KWG  depth of one K slice
//   MDIMC      work-group size along M (local dim 1)    NDIMC  along N (local dim 0)
//   VWN        vector width along N: 1, 2, 4, 8 or 16   KWI  unroll factor of the slice loop
//   SA, SB     1: stage the A / B slice in local memory, 0: read global memory directly
// Each work-item owns MWI = MWG/MDIMC rows × NWI = NWG/NDIMC columns of the tile, as NWI/VWN
// vectors. Rows and vectors are strided by MDIMC / NDIMC so that neighbouring work-items (dim 0)
// touch neighbouring addresses — coalesced on GPUs, contiguous for PoCL's work-item vectorizer.
//
// Shapes need not be multiples of the tile: work-groups that overhang M or N, and the last partial
// K slice, take a guarded path (loads outside the matrices read 0, stores outside are skipped). The
// guard is a constant at each call of slice(), so the common interior path carries no checks.

#ifndef MWG
#define MWG 32
#endif
#ifndef NWG
#define NWG 32
#endif
#ifndef KWG
#define KWG 16
#endif
#ifndef MDIMC
#define MDIMC 8
#endif
#ifndef NDIMC
#define NDIMC 8
#endif
#ifndef VWN
#define VWN 1
#endif
#ifndef KWI
#define KWI 1
#endif
#ifndef SA
#define SA 0
#endif
#ifndef SB
#define SB 0
#endif

#define MWI (MWG / MDIMC)
#define NWI (NWG / NDIMC)
#define NVI (NWI / VWN)
#define WGS (MDIMC * NDIMC)
#define ALD (MWG + 1)          // local A row stride, padded against bank conflicts of the transposed store

#if (MWG % MDIMC) != 0 || (NWG % (NDIMC * VWN)) != 0 || (KWG % KWI) != 0
#error "inconsistent GEMM tile: need MWG % MDIMC == 0, NWG % (NDIMC*VWN) == 0, KWG % KWI == 0"
#endif

#if VWN == 1
typedef float floatN;
#define VLOAD(p) (*(p))
#define VSTORE(v, p) (*(p) = (v))
#elif VWN == 2
typedef float2 floatN;
#define VLOAD(p) vload2(0, (p))
#define VSTORE(v, p) vstore2((v), 0, (p))
#elif VWN == 4
typedef float4 floatN;
#define VLOAD(p) vload4(0, (p))
#define VSTORE(v, p) vstore4((v), 0, (p))
#elif VWN == 8
typedef float8 floatN;
#define VLOAD(p) vload8(0, (p))
#define VSTORE(v, p) vstore8((v), 0, (p))
#elif VWN == 16
typedef float16 floatN;
#define VLOAD(p) vload16(0, (p))
#define VSTORE(v, p) vstore16((v), 0, (p))
#else
#error "VWN must be 1, 2, 4, 8 or 16"
#endif

// VWN consecutive elements of row gk of B from column gn, zero outside the matrix.
inline floatN load_b_guarded(__global const float* restrict B, const int ldb, const int K, const int N,
                             const int gk, const int gn)
{
    float t[VWN];
    for (int v = 0; v < VWN; v++) t[v] = (gk < K && gn + v < N) ? B[gk * ldb + gn + v] : 0.0f;
    return VLOAD(t);
}

// Accumulates the K slice [k0, k0+KWG) into acc. GUARD is a literal at every call site.
inline void slice(const int GUARD, const int M, const int N, const int K, const int k0,
                  const int m0, const int n0, const int tm, const int tn, const int lid,
                  __global const float* restrict A, const int lda,
                  __global const float* restrict B, const int ldb,
                  __local float* alm, __local float* blm, floatN acc[MWI][NVI])
{
#if SA
    // A[m0.., k0..] → alm[kk][mm], transposed so a work-item's rows for one kk are contiguous.
    // Consecutive work-items read consecutive k: coalesced global reads.
    for (int idx = lid; idx < MWG * KWG; idx += WGS) {
        const int kk = idx % KWG, mm = idx / KWG;
        const int gm = m0 + mm, gk = k0 + kk;
        alm[kk * ALD + mm] = (!GUARD || (gm < M && gk < K)) ? A[gm * lda + gk] : 0.0f;
    }
#endif
#if SB
    for (int idx = lid; idx < KWG * (NWG / VWN); idx += WGS) {
        const int kk = idx / (NWG / VWN), nl = (idx % (NWG / VWN)) * VWN;
        const int gk = k0 + kk, gn = n0 + nl;
        const floatN v = GUARD ? load_b_guarded(B, ldb, K, N, gk, gn) : VLOAD(B + gk * ldb + gn);
        VSTORE(v, blm + kk * NWG + nl);
    }
#endif
#if SA || SB
    barrier(CLK_LOCAL_MEM_FENCE);
#endif
    for (int kb = 0; kb < KWG; kb += KWI) {
#pragma unroll
        for (int ku = 0; ku < KWI; ku++) {
            const int kk = kb + ku;
            const int gk = k0 + kk;
            floatN bv[NVI];
#pragma unroll
            for (int j = 0; j < NVI; j++) {
                const int nl = (j * NDIMC + tn) * VWN;
#if SB
                bv[j] = VLOAD(blm + kk * NWG + nl);
#else
                bv[j] = GUARD ? load_b_guarded(B, ldb, K, N, gk, n0 + nl) : VLOAD(B + gk * ldb + n0 + nl);
#endif
            }
#pragma unroll
            for (int i = 0; i < MWI; i++) {
                const int ml = i * MDIMC + tm;
#if SA
                const float a = alm[kk * ALD + ml];
#else
                const int gm = m0 + ml;
                const float a = (!GUARD || (gm < M && gk < K)) ? A[gm * lda + gk] : 0.0f;
#endif
#pragma unroll
                for (int j = 0; j < NVI; j++) acc[i][j] = mad((floatN)(a), bv[j], acc[i][j]);
            }
        }
    }
#if SA || SB
    barrier(CLK_LOCAL_MEM_FENCE); // the next slice overwrites the tiles
#endif
}

__kernel __attribute__((reqd_work_group_size(NDIMC, MDIMC, 1)))
void gemm(const int M, const int N, const int K, const float alpha, const float beta,
          __global const float* restrict A, const int lda,
          __global const float* restrict B, const int ldb,
          __global float* restrict C, const int ldc)
{
    const int tn = get_local_id(0), tm = get_local_id(1);
    const int lid = tm * NDIMC + tn;
    const int n0 = get_group_id(0) * NWG, m0 = get_group_id(1) * MWG;

    __local float alm[SA ? KWG * ALD : 1];
    __local float blm[SB ? KWG * NWG : 1];

    floatN acc[MWI][NVI];
#pragma unroll
    for (int i = 0; i < MWI; i++)
#pragma unroll
        for (int j = 0; j < NVI; j++) acc[i][j] = (floatN)(0.0f);

    // Uniform per work-group, so the barriers inside slice() are reached by all work-items.
    const int edge = (m0 + MWG > M) || (n0 + NWG > N);
    const int kFull = edge ? 0 : K - K % KWG;
    int k0 = 0;
    for (; k0 < kFull; k0 += KWG) slice(0, M, N, K, k0, m0, n0, tm, tn, lid, A, lda, B, ldb, alm, blm, acc);
    for (; k0 < K; k0 += KWG) slice(1, M, N, K, k0, m0, n0, tm, tn, lid, A, lda, B, ldb, alm, blm, acc);

#pragma unroll
    for (int i = 0; i < MWI; i++) {
        const int gm = m0 + i * MDIMC + tm;
#pragma unroll
        for (int j = 0; j < NVI; j++) {
            const int gn = n0 + (j * NDIMC + tn) * VWN;
            floatN r = alpha * acc[i][j];
            if (!edge) {
                __global float* c = C + gm * ldc + gn;
                if (beta != 0.0f) r = mad((floatN)(beta), VLOAD(c), r); // beta == 0: C is not read (BLAS)
                VSTORE(r, c);
            } else if (gm < M) {
                float t[VWN];
                VSTORE(r, t);
                for (int v = 0; v < VWN; v++) {
                    if (gn + v < N) {
                        __global float* c = C + gm * ldc + gn + v;
                        *c = beta != 0.0f ? mad(beta, *c, t[v]) : t[v];
                    }
                }
            }
        }
    }
}
