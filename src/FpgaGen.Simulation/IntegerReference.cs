using System.Buffers.Binary;
using FpgaGen.Codegen;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Lowering;

namespace FpgaGen.Simulation;

/// <summary>How a step's kernels compute: purely in integers, or through float32 internally.</summary>
public enum StepArithmetic
{
    /// <summary>MAC steps without a fused LayerNorm: integer products, int32 (int8) or int64 (int16) accumulation,
    /// integer bias, ReLU/ReLU6 clamps and requantization. The kernels must match the reference bit for bit.</summary>
    Integer,

    /// <summary>Vector-unit steps and fused-LayerNorm MAC steps: dequantize to float32, compute, requantize with
    /// ⌊v + ½⌋. Basic float operations are reproduced in the same order, but OpenCL's exp, erf, sqrt and division may
    /// differ from .NET's by ULPs (and a compiler may contract a·b + c into an fma), so one LSB is allowed.</summary>
    FloatInternal,
}

/// <summary>A kernel tensor against the integer reference: the largest difference in LSBs and how many elements differ.</summary>
public sealed record LsbComparison(long Elements, long MaxLsb, long Differing, long FirstDifference)
{
    public bool Within(int lsb) => MaxLsb <= lsb;
}

/// <summary>
/// Bit-exact integer reference of an int8/int16 design: executes every step of a <see cref="LoweredNetwork"/> on an
/// activation arena of stored integers, reading the quantized weights, biases, multipliers and scales back from the
/// packed weights blob (the sections of <see cref="Codegen.Weights.WeightsLayout"/>), with exactly the arithmetic the
/// kernel templates define (templates/common/body/helpers and mac_epilogue, the engine and vector-unit bodies):
/// <list type="bullet">
/// <item>MAC: Σ x·w in ACC_T (int32 for int8, wrapping; int64 for int16), zero padding; t = acc + bias (int64);
/// ReLU t = max(t, 0); ReLU6 also t = min(t, (long)act_hi) (float→long truncation); then
/// fg_requant: r = t·mult, r = (r + 2^(shift−1)) ≫ shift (arithmetic shift: round half up) when shift &gt; 0, saturated
/// to [QMIN, QMAX] = [−128, 127] or [−32768, 32767]. A quantized model's step (shift −1 in the blob, see
/// <see cref="Codegen.Weights.ModelQuantization"/>): fg_requant_even with the output's (mult, shift) pair, rounding half
/// to even, saturated to the output tensor's stored range [lo, hi].</item>
/// <item>Fused LayerNorm (ln_linear): row mean and 1/σ in float over Tk lane partial sums, then
/// v = sw·(acc − mean·ΣW)·rstd + b', ReLU/ReLU6 in float, fg_from_float(v·out_inv).</item>
/// <item>Vector unit: q·scale in float32, the op in float32 (lane partial sums of vu lanes for rows), then
/// fg_from_float: ⌊v + ½⌋ in float, clamped to [QMIN, QMAX]; a requantization divides by its output scale, rounds half to
/// even and clamps to its output's stored range (fg_quantize_linear).</item>
/// </list>
/// The arena can be fed the kernels' own tensors before each step (<see cref="Prepare"/>), so a float step's
/// allowed one-LSB difference does not spread into the exact comparison of the integer steps after it.
/// </summary>
public sealed class IntegerReference
{
    private const float NegBig = -3.0e38f;
    private readonly LoweredNetwork net;
    private readonly byte[] blob;
    private readonly int[] arena;
    private readonly int qmin, qmax, dataBytes;
    private readonly int tk, vu, acclat;
    private readonly int[] lastWriter;

    /// <param name="parameters">The design's engine parameters: Tk (fused LayerNorm statistics) and vu (row lanes), with
    /// the partials' interleaving (ACCLAT sets), fix the float summation order; without them sums run sequentially
    /// (within the one-LSB allowance).</param>
    public IntegerReference(LoweredNetwork network, byte[] weightsBlob, IReadOnlyDictionary<string, int>? parameters = null)
    {
        (qmin, qmax) = network.Precision switch
        {
            Precision.Int8 => (-128, 127),
            Precision.Int16 => (-32768, 32767),
            _ => throw new InputException($"the integer reference is for int8 and int16 designs, not {network.Precision.Id()}"),
        };
        net = network;
        blob = weightsBlob;
        dataBytes = network.Precision.Bytes();
        arena = new int[checked((int)network.ArenaElements)];
        tk = parameters?.GetValueOrDefault("Tk", 1) ?? 1;
        vu = parameters?.GetValueOrDefault("vu", 1) ?? 1;
        acclat = parameters is null ? 1 : FpgaGen.Kernels.Kinds.EngineTiming.AccumulateLatency(Precision.Fp32); // float sums
        var writers = new Dictionary<string, int>();
        for (var i = 0; i < network.Steps.Count; i++) writers[network.Steps[i].Output.Name] = i;
        lastWriter = network.Steps.Select(s => writers[s.Output.Name]).ToArray();
        LastWriterOf = writers;
    }

    public static IntegerReference For(AcceleratorDesign design, byte[] weightsBlob) => new(design.Lowered, weightsBlob, design.Parameters);

    /// <summary>Index of the last step writing each tensor (where it is complete and compared).</summary>
    public IReadOnlyDictionary<string, int> LastWriterOf { get; }

    public static StepArithmetic Arithmetic(Step step) =>
        step is MacStep { Normalizes: false } ? StepArithmetic.Integer : StepArithmetic.FloatInternal;

    /// <summary>LSBs a kernel may differ from this reference by: 0 for integer steps, 1 for float-internal ones.</summary>
    public static int AllowedLsb(Step step) => Arithmetic(step) == StepArithmetic.Integer ? 0 : 1;

    /// <summary>Stores the encoded network input (<see cref="Codegen.Portable.PortableProgram.EncodeInput"/>).</summary>
    public void SetInput(ReadOnlySpan<byte> encodedInput) => Load(net.Input, encodedInput);

    /// <summary>Overwrites a tensor (all samples) with stored values in the data type, e.g. read from the kernels.</summary>
    public void Load(ActivationTensor tensor, ReadOnlySpan<byte> bytes)
    {
        var n = tensor.Elements * net.Batch;
        if (bytes.Length != n * dataBytes) throw new ArgumentException($"tensor {tensor.Name} has {n * dataBytes} bytes, got {bytes.Length}");
        for (var i = 0; i < n; i++) arena[tensor.Offset + i] = Element(bytes, i);
    }

    /// <summary>A tensor's stored values (all samples) as the kernels' bytes would hold them.</summary>
    public byte[] TensorBytes(ActivationTensor tensor)
    {
        var n = tensor.Elements * net.Batch;
        var bytes = new byte[n * dataBytes];
        for (var i = 0; i < n; i++)
        {
            var v = arena[tensor.Offset + i];
            if (dataBytes == 1) bytes[i] = (byte)(sbyte)v;
            else BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), (short)v);
        }
        return bytes;
    }

    /// <summary>
    /// Before the kernels run step <paramref name="index"/>: every tensor it reads that is already complete (its last
    /// writer ran) is taken from the kernels, so this step is checked on exactly their inputs. A tensor still being
    /// assembled (concatenation, chained adds) keeps this reference's own values, so no part of it goes unchecked.
    /// </summary>
    public void Prepare(int index, Func<ActivationTensor, byte[]> readKernelTensor)
    {
        foreach (var t in net.Steps[index].Reads.DistinctBy(t => t.Name))
            if (!LastWriterOf.TryGetValue(t.Name, out var w) || w < index) Load(t, readKernelTensor(t));
    }

    /// <summary>Runs every step from the encoded input, each on this reference's own results.</summary>
    public void RunAll(ReadOnlySpan<byte> encodedInput)
    {
        SetInput(encodedInput);
        for (var i = 0; i < net.Steps.Count; i++) Run(i);
    }

    public void Run(int index)
    {
        switch (net.Steps[index])
        {
            case MacStep m: Mac(m); break;
            case MapStep m: Map(m); break;
            case PoolStep p: Pool(p); break;
            case RowStep r: Row(r); break;
            default: throw new InvalidOperationException($"step {net.Steps[index].Name}: no integer reference for {net.Steps[index].GetType().Name}");
        }
    }

    /// <summary>True when step <paramref name="index"/> completes its output tensor (the place to compare it).</summary>
    public bool Completes(int index) => lastWriter[index] == index;

    /// <summary>Compares kernel bytes of a tensor with this reference's values.</summary>
    public LsbComparison Compare(ActivationTensor tensor, ReadOnlySpan<byte> kernelBytes) => Compare(kernelBytes, TensorBytes(tensor), net.Precision);

    /// <summary>Largest |kernel − reference| in LSBs of the data type and the number of differing elements.</summary>
    public static LsbComparison Compare(ReadOnlySpan<byte> kernel, ReadOnlySpan<byte> reference, Precision precision)
    {
        var bytes = precision.Bytes();
        if (precision is not (Precision.Int8 or Precision.Int16)) throw new ArgumentException($"LSB comparisons are for int8 and int16, not {precision.Id()}");
        if (kernel.Length != reference.Length) throw new ArgumentException($"kernel tensor has {kernel.Length} bytes, the reference {reference.Length}");
        long n = kernel.Length / bytes, max = 0, differing = 0, first = -1;
        for (var i = 0; i < n; i++)
        {
            int a = bytes == 1 ? (sbyte)kernel[i] : BinaryPrimitives.ReadInt16LittleEndian(kernel[(2 * i)..]);
            int b = bytes == 1 ? (sbyte)reference[i] : BinaryPrimitives.ReadInt16LittleEndian(reference[(2 * i)..]);
            if (a == b) continue;
            differing++;
            if (first < 0) first = i;
            max = Math.Max(max, Math.Abs(a - b));
        }
        return new LsbComparison(n, max, differing, first);
    }

    // ---- blob and arena access ----

    private int Element(ReadOnlySpan<byte> bytes, long i) =>
        dataBytes == 1 ? (sbyte)bytes[(int)i] : BinaryPrimitives.ReadInt16LittleEndian(bytes[(int)(2 * i)..]);

    private int BlobData(long i) => Element(blob, i);
    private int BlobInt(long i) => BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan((int)(4 * i)));
    private float BlobFloat(long i) => BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan((int)(4 * i)));

    private Func<long, int> Pointer(Step step, string name) =>
        step.Pointers[name] == BufferKind.Weights ? BlobData : i => arena[i];

    // ---- the templates' helpers (common/body/helpers, FG_MIN / FG_MAX as the prelude defines them) ----

    private static float Max(float a, float b) => a > b ? a : b;
    private static float Min(float a, float b) => a < b ? a : b;

    /// <summary>fg_from_float: ⌊v + ½⌋ in float32, clamped in float to [QMIN, QMAX].</summary>
    private int FromFloat(float v)
    {
        var r = MathF.Floor(v + 0.5f);
        return (int)Min(Max(r, qmin), qmax);
    }

    /// <summary>fg_requant: round(t·mult / 2^shift) half up by an arithmetic shift, saturated.</summary>
    private long Requant(long t, int mult, int shift)
    {
        var r = t * mult;
        if (shift > 0) r = (r + (1L << (shift - 1))) >> shift;
        return Math.Min(Math.Max(r, qmin), qmax);
    }

    // ---- steps ----

    private void Mac(MacStep step)
    {
        var a = step.Args;
        int A(string n) => checked((int)a[n]);
        int batch = A("batch"), groups = A("groups"), mOut = A("m_out"), nIn = A("n_in"), ih = A("ih"), iw = A("iw"), oh = A("oh"), ow = A("ow");
        int kh = A("kh"), kw = A("kw"), stride = A("stride"), padH = A("pad_h"), padW = A("pad_w"), dil = A("dil");
        long xOff = a["x_off"], xB = a["x_b"], xG = a["x_g"], xC = a["x_c"], xY = a["x_y"], xX = a["x_x"];
        long wOff = a["w_off"], wB = a["w_b"], wG = a["w_g"], wO = a["w_o"], wI = a["w_i"], wT = a["w_t"], wTm = a["w_tm"], wTn = a["w_tn"];
        long yOff = a["y_off"], yB = a["y_b"], yG = a["y_g"], yC = a["y_c"], yY = a["y_y"], yX = a["y_x"];
        long bOff = a["b_off"], act = a["act"], lnOff = a["ln_off"];
        var norm = a["norm"] != 0;
        int mult = BlobInt(a["q_off"]), shift = BlobInt(a["q_off"] + 1);
        long fOff = a["f_off"];
        float actHi = BlobFloat(fOff), sw = BlobFloat(fOff + 1), eps = BlobFloat(fOff + 2), outInv = BlobFloat(fOff + 3);
        var w = Pointer(step, "w");
        var taps = kh * kw;
        var red = nIn * taps;
        var row = new int[red];
        var int8 = dataBytes == 1;
        for (var b = 0; b < batch; b++)
            for (var g = 0; g < groups; g++)
                for (var oy = 0; oy < oh; oy++)
                    for (var ox = 0; ox < ow; ox++)
                    {
                        // The im2col row of this output pixel (zero outside the map), in the reduction order ci·taps + tap.
                        for (var k = 0; k < red; k++)
                        {
                            int ci = k / taps, tap = k % taps;
                            int yy = oy * stride - padH + tap / kw * dil, xx = ox * stride - padW + tap % kw * dil;
                            row[k] = yy >= 0 && yy < ih && xx >= 0 && xx < iw ? arena[xOff + b * xB + g * xG + ci * xC + yy * xY + xx * xX] : 0;
                        }
                        float mean = 0, rstd = 1;
                        if (norm) (mean, rstd) = RowStatistics(row, eps);
                        for (var mo = 0; mo < mOut; mo++)
                        {
                            long acc = 0;
                            if (wTn > 0)
                            {
                                // Weights stored per engine tile (WeightTile): the lane's place in the block of each input-channel tile and tap.
                                var lane = wOff + b * wB + g * wG + mo / wTm * wO + mo % wTm * wTn;
                                for (var k = 0; k < red; k++) acc += (long)row[k] * w(lane + (k / taps / wTn * taps + k % taps) * wT + k / taps % wTn);
                            }
                            else
                            {
                                var wBase = wOff + b * wB + g * wG + mo * wO;
                                for (var k = 0; k < red; k++) acc += (long)row[k] * w(wBase + k / taps * wI + k % taps * wT);
                            }
                            if (int8) acc = (int)acc; // ACC_T is int for int8: two's complement wrap-around
                            var gm = g * mOut + mo;
                            long outv;
                            if (norm)
                            {
                                var v = sw * ((float)acc - mean * BlobFloat(lnOff + 2 * gm)) * rstd + BlobFloat(lnOff + 2 * gm + 1);
                                if (act != 0) v = Max(v, 0.0f);
                                if (act == 2) v = Min(v, 6.0f);
                                outv = FromFloat(v * outInv);
                            }
                            else
                            {
                                var t = acc + (bOff >= 0 ? BlobInt(bOff + gm) : 0L);
                                if (act != 0) t = Math.Max(t, 0L);
                                if (act == 2) t = Math.Min(t, (long)actHi);
                                outv = shift < 0
                                    ? ModelQuantization.Requantize(t, BlobInt(a["q_off"] + 4 + 2 * gm), BlobInt(a["q_off"] + 5 + 2 * gm), BlobInt(a["q_off"] + 2), BlobInt(a["q_off"] + 3))
                                    : Requant(t, mult, shift);
                            }
                            arena[yOff + b * yB + g * yG + mo * yC + oy * yY + ox * yX] = (int)outv;
                        }
                    }
    }

    /// <summary>ln_linear's reader: mean and 1/σ of a row with Tk lane partial sums, as gemm/body/read computes them.</summary>
    private (float Mean, float Rstd) RowStatistics(int[] row, float eps)
    {
        var red = row.Length;
        var ktN = (red + tk - 1) / tk;
        // Tk lanes' partials in FACCLAT interleaved sets: reduction tile kt updates set kt mod ACCLAT.
        var part = new float[acclat * tk];
        for (var kt = 0; kt < ktN; kt++)
            for (var kk = 0; kk < tk; kk++)
            {
                var k = kt * tk + kk;
                part[kt % acclat * tk + kk] += k < red ? row[k] : 0;
            }
        var total = 0.0f;
        for (var q = 0; q < part.Length; q++) total += part[q];
        var mean = total / red;
        Array.Clear(part);
        for (var kt = 0; kt < ktN; kt++)
            for (var kk = 0; kk < tk; kk++)
            {
                var k = kt * tk + kk;
                var d = (k < red ? row[k] : 0) - mean;
                part[kt % acclat * tk + kk] += k < red ? d * d : 0.0f;
            }
        var sq = 0.0f;
        for (var q = 0; q < part.Length; q++) sq += part[q];
        return (mean, 1.0f / MathF.Sqrt(sq / red + eps));
    }

    private void Map(MapStep step)
    {
        var a = step.Args;
        long fOff = a["f_off"];
        float sa = BlobFloat(fOff), ss = BlobFloat(fOff + 1), outInv = BlobFloat(fOff + 2);
        var op = (MapOp)a["op"];
        // A requantization converts as ONNX's QuantizeLinear (fg_quantize_linear): ÷ sy in float32, half to even, saturated to [lo, hi].
        var (rqS, rqLo, rqHi) = op == MapOp.Requantize ? (BlobFloat(fOff + 3), BlobFloat(fOff + 4), BlobFloat(fOff + 5)) : (1f, 0f, 0f);
        var pa = Pointer(step, "a");
        var ps = Pointer(step, "s");
        for (long b = 0; b < a["batch"]; b++)
            for (long i0 = 0; i0 < a["d0"]; i0++)
                for (long i1 = 0; i1 < a["d1"]; i1++)
                    for (long k = 0; k < a["d2"]; k++)
                    {
                        var v = pa(a["a_off"] + b * a["a_b"] + i0 * a["a_0"] + i1 * a["a_1"] + k * a["a_2"]) * sa;
                        var r = op switch
                        {
                            MapOp.Relu => Max(v, 0.0f),
                            MapOp.Relu6 => Min(Max(v, 0.0f), 6.0f),
                            MapOp.Gelu => 0.5f * v * (1.0f + Erf(v * 0.70710678118654752f)),
                            MapOp.Sigmoid => 1.0f / (1.0f + MathF.Exp(-v)),
                            MapOp.Add => v + ps(a["s_off"] + b * a["s_b"] + i0 * a["s_0"] + i1 * a["s_1"] + k * a["s_2"]) * ss,
                            MapOp.AddRelu => Max(v + ps(a["s_off"] + b * a["s_b"] + i0 * a["s_0"] + i1 * a["s_1"] + k * a["s_2"]) * ss, 0.0f),
                            _ => v,
                        };
                        arena[a["y_off"] + b * a["y_b"] + i0 * a["y_0"] + i1 * a["y_1"] + k * a["y_2"]] =
                            op == MapOp.Requantize ? (int)Min(Max(MathF.Round(r / rqS, MidpointRounding.ToEven), rqLo), rqHi) : FromFloat(r * outInv);
                    }
    }

    private void Pool(PoolStep s)
    {
        var a = s.Args;
        long fOff = a["f_off"], xOff = a["x_off"], yOff = a["y_off"];
        float sx = BlobFloat(fOff), outInv = BlobFloat(fOff + 2);
        int ih = s.IH, iw = s.IW, oh = s.OH, ow = s.OW, stride = s.Stride, pad = s.Pad;
        // Element (b, c, pixel p) of a map of the given pixels: C×H×W, or H×W×C.
        long At(long b, long c, long p, long pixels) => s.ChannelsInnermost ? (b * pixels + p) * s.Channels + c : (b * s.Channels + c) * pixels + p;
        if (s.Lrn)
        {
            // Op 2: squares summed in window order, then a_c / (sqrt(d)·sqrt(sqrt(d))) with d = 1 + (1e-4/n)·Σ.
            var alpha = 1.0e-4f / s.KH;
            long plane = (long)ih * iw;
            for (var b = 0; b < s.Batch; b++)
                for (var c = 0; c < s.Channels; c++)
                    for (long p = 0; p < plane; p++)
                    {
                        var acc = 0.0f;
                        for (var t = 0; t < s.KH; t++)
                        {
                            var cc = c - s.KH / 2 + t;
                            var v = cc >= 0 && cc < s.Channels ? arena[xOff + At(b, cc, p, plane)] * sx : 0.0f;
                            acc += v * v;
                        }
                        var root = MathF.Sqrt(1.0f + alpha * acc);
                        var center = arena[xOff + At(b, c, p, plane)] * sx;
                        arena[yOff + At(b, c, p, plane)] = FromFloat(center / (root * MathF.Sqrt(root)) * outInv);
                    }
            return;
        }
        for (var b = 0; b < s.Batch; b++)
            for (var c = 0; c < s.Channels; c++)
                for (var oy = 0; oy < oh; oy++)
                    for (var ox = 0; ox < ow; ox++)
                    {
                        var ys = s.Adaptive ? oy * ih / oh : oy * stride - pad;
                        var ye = s.Adaptive ? ((oy + 1) * ih + oh - 1) / oh : Math.Min(ys + s.KH, ih + pad);
                        var xs = s.Adaptive ? ox * iw / ow : ox * stride - pad;
                        var xe = s.Adaptive ? ((ox + 1) * iw + ow - 1) / ow : Math.Min(xs + s.KW, iw + pad);
                        var acc = s.Max ? NegBig : 0.0f;
                        for (var wy = 0; wy < s.KH; wy++)
                            for (var wx = 0; wx < s.KW; wx++)
                            {
                                int yy = ys + wy, xx = xs + wx;
                                var ok = yy < ye && xx < xe && yy >= 0 && yy < ih && xx >= 0 && xx < iw;
                                var v = ok ? arena[xOff + At(b, c, (long)yy * iw + xx, (long)ih * iw)] * sx : s.Max ? NegBig : 0.0f;
                                acc = s.Max ? Max(acc, v) : acc + v;
                            }
                        var dv = s.Max ? 1.0f : (float)((ye - ys) * (xe - xs));
                        arena[yOff + At(b, c, (long)oy * ow + ox, (long)oh * ow)] = FromFloat(acc / dv * outInv);
                    }
    }

    private void Row(RowStep s)
    {
        var a = s.Args;
        long fOff = a["f_off"], gOff = a["g_off"], xOff = a["x_off"], yOff = a["y_off"];
        float sx = BlobFloat(fOff), outInv = BlobFloat(fOff + 2), eps = BlobFloat(fOff + 3);
        var softmax = !s.LayerNorm;
        var len = s.Len;
        var chunks = (len + vu - 1) / vu;
        var rowbuf = new float[chunks * vu];
        // vu lanes' partials in FACCLAT interleaved sets: element k goes to set (k / vu) mod ACCLAT, lane k mod vu.
        var part = new float[acclat * vu];
        int Slot(int k) => k / vu % acclat * vu + k % vu;
        for (long r = 0; r < s.Rows; r++)
        {
            for (var k = 0; k < rowbuf.Length; k++) rowbuf[k] = k < len ? arena[xOff + r * len + k] * sx : 0.0f;
            Array.Fill(part, softmax ? NegBig : 0.0f);
            for (var k = 0; k < len; k++) part[Slot(k)] = softmax ? Max(part[Slot(k)], rowbuf[k]) : part[Slot(k)] + rowbuf[k];
            var center = softmax ? NegBig : 0.0f;
            for (var q = 0; q < part.Length; q++) center = softmax ? Max(center, part[q]) : center + part[q];
            if (!softmax) center /= len;
            Array.Clear(part);
            for (var k = 0; k < rowbuf.Length; k++)
            {
                var d = rowbuf[k] - center;
                var e = softmax ? MathF.Exp(d) : d * d;
                if (softmax) rowbuf[k] = e;
                if (k < len) part[Slot(k)] += e;
            }
            var total = 0.0f;
            for (var q = 0; q < part.Length; q++) total += part[q];
            var factor = softmax ? 1.0f / total : 1.0f / MathF.Sqrt(total / len + eps);
            for (var k = 0; k < len; k++)
            {
                var o = (softmax ? rowbuf[k] : rowbuf[k] - center) * factor;
                var v = s.LayerNorm ? o * BlobFloat(gOff + k) + BlobFloat(gOff + len + k) : o;
                arena[yOff + r * len + k] = FromFloat(v * outInv);
            }
        }
    }

    /// <summary>erf in float32: an accurate double evaluation (Taylor series, ±1 beyond 4) rounded once.</summary>
    public static float Erf(float x)
    {
        double ax = Math.Abs(x);
        if (ax >= 4) return MathF.CopySign(1.0f, x);
        double x2 = ax * ax, term = ax, sum = ax;
        for (var n = 1; n < 200; n++)
        {
            term *= -x2 / n;
            var t = term / (2 * n + 1);
            sum += t;
            if (Math.Abs(t) < 1e-17 * Math.Abs(sum)) break;
        }
        return (float)Math.CopySign(Math.Min(1.0, sum * 2 / Math.Sqrt(Math.PI)), x);
    }
}
