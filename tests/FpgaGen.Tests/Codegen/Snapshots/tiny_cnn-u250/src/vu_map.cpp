/* vu_map: vector unit, vu lanes (element-wise functions, adds and strided copies). */
#include "fpgagen_types.h"

typedef struct { float v[8]; } vu_vec; /* 256 bits */
#include "vu_map.h"

static void vu_map_read(
    const DTYPE* a,
    const DTYPE* s,
    const float* fr,
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
    hls::stream<vu_vec>& vm_a,
    hls::stream<vu_vec>& vm_s)
{
    /* vu_map reader: vu elements per cycle along the innermost index, converted to real numbers with the operands'
       scales (a learned tensor such as the position embedding can be an operand, with batch stride 0). A row of
       consecutive elements (stride 1: every dense tensor, which the lowering makes one row) is read in aligned beats
       through a window of VU_WIN beats, the alignment funnel of a burst reader: the first beat before the loop, then
       each vector takes the beats it newly reaches, one an iteration per port: VU_BEATS iterations a vector (one when
       vu <= BEAT), the vector sent at its last.
       A strided row (a copy out of a slice) reads one element per lane. */
    const float sa = fr[f_off], ss = fr[f_off + 1];
    const int chunks = (d2 + vu - 1) / vu, binary = op == FG_MAP_ADD || op == FG_MAP_ADDRELU;
    for (int b = 0; b < batch; b++)
    for (int i0 = 0; i0 < d0; i0++)
    for (int i1 = 0; i1 < d1; i1++) {
        const int abase = a_off + b * a_b + i0 * a_0 + i1 * a_1, sbase = s_off + b * s_b + i0 * s_0 + i1 * s_1;
        const bool arun = a_2 == 1, srun = binary && s_2 == 1;
        fg_beat aw[VU_WIN], sw[VU_WIN];
        int ahave = abase / BEAT, shave = sbase / BEAT; /* the newest beat in each window */
        if (arun && chunks > 0) aw[VU_WIN - 1] = GMB(a, ahave);
        if (srun && chunks > 0) sw[VU_WIN - 1] = GMB(s, shave);
        const int per = arun || srun ? VU_BEATS : 1;
        int kc = 0, j = 0; /* the vector, its iteration */
        for (int it = 0; it < chunks * per; it++) {
#pragma HLS PIPELINE II=1
            const int k0 = kc * vu, last = FG_MIN(k0 + vu, d2) - 1;
            if (arun && ahave < (abase + last) / BEAT) {
                for (int w = 0; w < VU_WIN - 1; w++) aw[w] = aw[w + 1];
                aw[VU_WIN - 1] = GMB(a, ++ahave);
            }
            if (srun && shave < (sbase + last) / BEAT) {
                for (int w = 0; w < VU_WIN - 1; w++) sw[w] = sw[w + 1];
                sw[VU_WIN - 1] = GMB(s, ++shave);
            }
            if (++j < per) continue;
            j = 0;
            kc++;
            vu_vec av, sv;
            for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
                const int k = k0 + l, ea = abase + k, es = sbase + k;
                const bool ok = k < d2;
                const DTYPE qa = !ok ? (DTYPE)0 : arun ? aw[VU_WIN - 1 - (ahave - ea / BEAT)].v[ea % BEAT] : a[abase + k * a_2];
                const DTYPE qs = !ok || !binary ? (DTYPE)0 : srun ? sw[VU_WIN - 1 - (shave - es / BEAT)].v[es % BEAT] : s[sbase + k * s_2];
                av.v[l] = fg_to_float(qa, sa);
                sv.v[l] = fg_to_float(qs, ss);
            }
            CH_WRITE(vm_a, av);
            if (binary) CH_WRITE(vm_s, sv);
        }
    }
}

static void vu_map_compute(
    int batch,
    int d0,
    int d1,
    int d2,
    int op,
    hls::stream<vu_vec>& vm_a,
    hls::stream<vu_vec>& vm_s,
    hls::stream<vu_vec>& vm_o)
{
    /* vu_map datapath: one element-wise function per lane (op: an FG_MAP_* code). */
    const int chunks = (d2 + vu - 1) / vu, binary = op == FG_MAP_ADD || op == FG_MAP_ADDRELU;
    for (int b = 0; b < batch; b++)
    for (int i0 = 0; i0 < d0; i0++)
    for (int i1 = 0; i1 < d1; i1++)
    for (int kc = 0; kc < chunks; kc++) {
#pragma HLS PIPELINE II=1 style=frp
        const vu_vec av = CH_READ(vm_a);
        vu_vec sv;
        if (binary) sv = CH_READ(vm_s);
        vu_vec ov;
        for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
            const float v = av.v[l];
            float r = v;
            if (op == FG_MAP_RELU) r = FG_MAX(v, 0.0f);
            else if (op == FG_MAP_RELU6) r = FG_MIN(FG_MAX(v, 0.0f), 6.0f);
            else if (op == FG_MAP_GELU) r = 0.5f * v * (1.0f + FG_ERF(v * 0.70710678118654752f));
            else if (op == FG_MAP_SIGMOID) r = 1.0f / (1.0f + FG_EXP(-v));
            else if (op == FG_MAP_ADD) r = v + sv.v[l];
            else if (op == FG_MAP_ADDRELU) r = FG_MAX(v + sv.v[l], 0.0f);
            ov.v[l] = r;
        }
        CH_WRITE(vm_o, ov);
    }
}

static void vu_map_write(
    const float* fq,
    DTYPE* y,
    int batch,
    int d0,
    int d1,
    int d2,
    int op,
    int y_off,
    int y_b,
    int y_0,
    int y_1,
    int y_2,
    int y_whole,
    int f_off,
    hls::stream<vu_vec>& vm_o)
{
    /* vu_map writer: back to the data type with the output scale (VU_OUT), one beat request an iteration. When the
       output is one run that starts on a beat and may be written up to its last whole beat (y_whole, see
       MapStep.WholeBeats), it stores whole beats: a vector of vu >= BEAT lanes takes VU_BEATS iterations (the first receives it), smaller
       vectors fill one beat in turn. Any other run of consecutive elements (y_2 == 1: several rows, or a run that
       starts inside a beat, such as the tokens after a class token) stores the beats each vector covers, with byte
       enables, so never past the run. A strided output stores one element per lane. */
    const float out_inv = fq[f_off + 2];
#if FG_FIXED && defined(VU_REQUANT)
    /* A quantized model's requantization (FG_MAP_REQUANTIZE) converts as ONNX's QuantizeLinear (fg_quantize_linear)
       with the output scale and stored range [lo, hi], floats 3 to 5 of its parameters. */
    const int rq = op == FG_MAP_REQUANTIZE;
    const float rq_s = rq ? fq[f_off + 3] : 1.0f, rq_lo = rq ? fq[f_off + 4] : 0.0f, rq_hi = rq ? fq[f_off + 5] : 0.0f;
#define VU_OUT(v) (rq ? fg_quantize_linear(v, rq_s, rq_lo, rq_hi) : fg_from_float((v) * out_inv))
#else
#define VU_OUT(v) fg_from_float((v) * out_inv)
#endif
    const int chunks = (d2 + vu - 1) / vu, run = y_2 == 1;
    for (int b = 0; b < batch; b++)
    for (int i0 = 0; i0 < d0; i0++)
    for (int i1 = 0; i1 < d1; i1++) {
        const int ybase = y_off + b * y_b + i0 * y_0 + i1 * y_1;
        fg_beat ob[VU_WIN];
        vu_vec ov;
        int kc = 0, j = 0; /* the vector, its beat */
        while (kc < chunks) {
#pragma HLS PIPELINE II=1
            const int k0 = kc * vu, cnt = FG_MIN(vu, d2 - k0), e0 = ybase + k0;
            const int first = e0 / BEAT, last = (e0 + cnt - 1) / BEAT;
            const int beats = y_whole ? VU_BEATS : run ? last - first + 1 : 1;
            if (j == 0) {
                ov = CH_READ(vm_o);
                if (y_whole || run) {
                    for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
                        if (y_whole) ob[l / BEAT].v[(k0 + l) % BEAT] = VU_OUT(ov.v[l]);
                        else if (l < cnt) ob[(e0 + l) / BEAT - first].v[(e0 + l) % BEAT] = VU_OUT(ov.v[l]);
                    }
                }
            }
            if (y_whole) {
                /* a beat is complete when the vector ends on a beat boundary, or at the run's last vector */
                if (k0 + j * BEAT < d2 && ((k0 + vu) % BEAT == 0 || kc == chunks - 1)) GMB_PUT(y, (ybase + k0) / BEAT + j, ob[j]);
            } else if (run) {
                GMB_PUT_PART(y, first + j, ob[j], j == 0 ? e0 % BEAT : 0, first + j == last ? (e0 + cnt - 1) % BEAT : BEAT - 1);
            } else {
                for (int l = 0; l < vu; l++) {
#pragma HLS UNROLL
                    const int k = k0 + l;
                    if (k < d2) y[ybase + k * y_2] = VU_OUT(ov.v[l]);
                }
            }
            if (++j == beats) { j = 0; kc++; }
        }
    }
#undef VU_OUT
}

/* The kernel v++ links (vu_map_top): one call runs one step of the network on this group. */
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
    int y_whole)
{
#pragma HLS INTERFACE m_axi port=a offset=slave bundle=gmem0 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=s offset=slave bundle=gmem1 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=fr offset=slave bundle=gmem3 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=fq offset=slave bundle=gmem3 max_widen_bitwidth=512
#pragma HLS INTERFACE m_axi port=y offset=slave bundle=gmem2 max_widen_bitwidth=512
#pragma HLS INTERFACE s_axilite port=batch bundle=control
#pragma HLS INTERFACE s_axilite port=d0 bundle=control
#pragma HLS INTERFACE s_axilite port=d1 bundle=control
#pragma HLS INTERFACE s_axilite port=d2 bundle=control
#pragma HLS INTERFACE s_axilite port=op bundle=control
#pragma HLS INTERFACE s_axilite port=a_off bundle=control
#pragma HLS INTERFACE s_axilite port=a_b bundle=control
#pragma HLS INTERFACE s_axilite port=a_0 bundle=control
#pragma HLS INTERFACE s_axilite port=a_1 bundle=control
#pragma HLS INTERFACE s_axilite port=a_2 bundle=control
#pragma HLS INTERFACE s_axilite port=s_off bundle=control
#pragma HLS INTERFACE s_axilite port=s_b bundle=control
#pragma HLS INTERFACE s_axilite port=s_0 bundle=control
#pragma HLS INTERFACE s_axilite port=s_1 bundle=control
#pragma HLS INTERFACE s_axilite port=s_2 bundle=control
#pragma HLS INTERFACE s_axilite port=f_off bundle=control
#pragma HLS INTERFACE s_axilite port=y_off bundle=control
#pragma HLS INTERFACE s_axilite port=y_b bundle=control
#pragma HLS INTERFACE s_axilite port=y_0 bundle=control
#pragma HLS INTERFACE s_axilite port=y_1 bundle=control
#pragma HLS INTERFACE s_axilite port=y_2 bundle=control
#pragma HLS INTERFACE s_axilite port=y_whole bundle=control
#pragma HLS INTERFACE s_axilite port=a bundle=control
#pragma HLS INTERFACE s_axilite port=s bundle=control
#pragma HLS INTERFACE s_axilite port=fr bundle=control
#pragma HLS INTERFACE s_axilite port=fq bundle=control
#pragma HLS INTERFACE s_axilite port=y bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
#pragma HLS DATAFLOW
    hls::stream<vu_vec> vm_a("vm_a");
#pragma HLS STREAM variable=vm_a depth=64
    hls::stream<vu_vec> vm_s("vm_s");
#pragma HLS STREAM variable=vm_s depth=64
    hls::stream<vu_vec> vm_o("vm_o");
#pragma HLS STREAM variable=vm_o depth=64
    vu_map_read(a, s, fr, batch, d0, d1, d2, op, a_off, a_b, a_0, a_1, a_2, s_off, s_b, s_0, s_1, s_2, f_off, vm_a, vm_s);
    vu_map_compute(batch, d0, d1, d2, op, vm_a, vm_s, vm_o);
    vu_map_write(fq, y, batch, d0, d1, d2, op, y_off, y_b, y_0, y_1, y_2, y_whole, f_off, vm_o);
}
