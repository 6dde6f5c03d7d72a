/* FpgaGen design configuration: TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1.
   The hardware plan's macros (design.json "plan"); shared by the HLS kernels and their testbenches. */
#ifndef FPGAGEN_CONFIG_H
#define FPGAGEN_CONFIG_H
#define Tm 16 /* parameter */
#define Tn 4 /* parameter */
#define Tr 7 /* parameter */
#define Tc 7 /* parameter */
#define vu 8 /* parameter */
#define BEAT 64 /* elements of the data type in one 512-bit external-memory beat (one request) */
#define ACCLAT 2 /* iterations before an accumulator may be updated again (the adder_s latency) */
#define FACCLAT 5 /* ACCLAT of a float sum (row reductions, LayerNorm statistics) */
#define KMAX 3 /* largest kernel */
#define SMAX 1 /* largest stride */
#define DMAX 1 /* largest dilation */
#define ITH 9 /* (Tr - 1) * SMAX + (KMAX - 1) * DMAX + 1 */
#define ITW 9 /* (Tc - 1) * SMAX + (KMAX - 1) * DMAX + 1 */
#define WVB 2 /* (Tn + BEAT - 1) / BEAT + 1: beats a tap_s run of Tn weights covers at most */
#define WBPT 1 /* (Tm * Tn + BEAT - 1) / BEAT: beats of a tap_s block of weights stored per tile */
#define CTW 64 /* max(2 * Tm, BEAT): the writer_s corner-turn iterations per segment of BEAT pixels */
#define WCOL 0 /* 1: some step_s weights are runs of consecutive outputs (P.V_s V), read through the corner turn wtw */
#define GATHER_X 0 /* 1: a step reads its input one element a lane (no contiguous channel run) */
#define GATHER_W 0 /* 1: a step reads its weights one element a lane (neither rows nor columns) */
#define MSLOTS 1 /* beats of a run of Tm outputs whose runs start on beats */
#define WMBEATS 2 /* beats an unaligned run of Tm outputs covers at most */
#define PAIRS 1 /* lanes 2q and 2q+1 share one multiplier (WP486): 0 no, 1 every step int8, 2 int8 steps (narrow) pack two products, the others take two iterations a row */
#define VU_BEATS 1 /* ceil(vu / BEAT): beats one vector spans */
#define VU_WIN 2 /* VU_BEATS + 1: beats a run reader keeps (a vector may straddle one more) */
#define PKH 8 /* input rows of the tallest pooling window (channels of an LRN window) */
#define PROWB 2 /* ceil(widest pooled row / BEAT) + 1: beats one input row spans */
#define ADAPTIVE_POOL 0 /* 1: a pooling step has adaptive windows */
#endif
