using System.Buffers.Binary;

using FpgaGen.Kernels.Weights;
using FpgaGen.Model;

namespace FpgaGen.Codegen.Weights;

/// <summary>
/// Writes weights.bin from float tensors and, for fixed-point designs, calibration ranges (largest |value| of every
/// tensor a step reads or writes, by calibration key; <see cref="Reference.NetworkReference.Ranges"/> computes them
/// from sample inputs). Follows the recipe documented on <see cref="StepRecord"/>; tools/pack_weights.py in every
/// generated project implements the same arithmetic (in double, rounding with ⌊v + ½⌋, float32 at the end) and
/// produces the same bytes.
/// </summary>
public static class WeightPacker
{
    /// <param name="progress">Called after each step with (steps packed, steps in all).</param>
    /// <param name="model">A quantized model's own scales and zero points: they replace the ranges for the tensors
    /// it quantizes, and its MAC steps (<see cref="StepRecord.ModelQuantized"/>) are packed from its integers.</param>
    public static byte[] Pack(WeightsLayout layout, IReadOnlyDictionary<string, float[]> weights, IReadOnlyDictionary<string, double>? ranges = null,
        Action<int, int>? progress = null, ModelQuantization? model = null)
    {
        var p = new Packer(layout, weights, ranges, model);
        p.Run(progress);
        return p.Blob;
    }

    /// <summary>Largest quantized magnitude of the design's data type (0 for floating point).</summary>
    public static int QMax(string dataType) => dataType switch { "int8" => 127, "int16" => 32767, _ => 0 };

    /// <summary>
    /// The integer multiplier and right shift with mult·2^−shift ≈ r and mult in [2^14, 2^15) where the shift allows it
    /// (a 15-bit multiplier keeps acc·mult inside 64 bits for any 48-bit accumulator).
    /// </summary>
    public static (int Mult, int Shift) Multiplier(double r)
    {
        if (!(r > 0)) return (0, 0);
        var shift = 14 - Math.ILogB(r);
        if (shift < 0) return ((int)Math.Min(Math.Floor(r + 0.5), int.MaxValue), 0);
        if (shift > 62) shift = 62;
        var mult = (long)Math.Floor(Math.ScaleB(r, shift) + 0.5);
        if (mult >= 1 << 15 && shift > 0) { mult = (long)Math.Floor(Math.ScaleB(r, shift - 1) + 0.5); shift--; }
        return ((int)mult, shift);
    }

    private sealed class Packer(WeightsLayout layout, IReadOnlyDictionary<string, float[]> weights, IReadOnlyDictionary<string, double>? ranges,
        ModelQuantization? model)
    {
        public readonly byte[] Blob = new byte[layout.TotalBytes];
        private readonly int qmax = QMax(layout.DataType);
        private bool Fixed => qmax > 0;

        public void Run(Action<int, int>? progress)
        {
            var done = 0;
            if (layout.Steps.Any(r => r.ModelQuantized) && model is null)
                throw new InputException("weights: the design has steps of a quantized model; they are packed with the model's own scales (ModelQuantization)");
            if (Fixed && ranges is null && model is null)
                throw new InputException($"weights: a {layout.DataType} design needs calibration ranges (largest |value| of every tensor) to set its scales");
            WriteFloats(layout.Header, [Scale(layout.InputKey), Scale(layout.OutputKey)]);
            if (Fixed && model?.Tensor(layout.InputKey) is { } input && ModelQuantization.StoredRange(input) is var (lo, hi) && (lo < TypeRange.Lo || hi > TypeRange.Hi))
                throw new InputException($"the network input ({input.Describe()}) is stored as q − zero point in [{lo}, {hi}], which {layout.DataType} does not hold; " +
                    "simulate with --precision int16 (9-bit values)");
            foreach (var r in layout.Steps)
            {
                switch (r.Op)
                {
                    case "mac": Mac(r); break;
                    case "map": Map(r); break;
                    case "pool": WriteFloats(r.Floats, [Scale(r.X!), 0, 1 / Scale(r.Y), 0]); break;
                    case "row": Row(r); break;
                    default: throw new InputException($"weights layout: unknown op '{r.Op}' in step '{r.Name}'");
                }
                if (r.Op != "mac") WriteInts(r.Ints, [1, 0]);
                progress?.Invoke(++done, layout.Steps.Count);
            }
        }

        private double Scale(string key)
        {
            if (!Fixed) return 1;
            if (model?.Tensor(key) is { } q) return q.Scales[0];
            if (ranges is null || !ranges.TryGetValue(key, out var range))
                throw new InputException($"weights: no calibration range for tensor '{key}'");
            return range > 0 ? range / qmax : 1;
        }

        private float[] Tensor(string name, long count)
        {
            if (!weights.TryGetValue(name, out var t)) throw new InputException($"weights: missing tensor '{name}'");
            if (t.LongLength != count) throw new InputException($"weights: tensor '{name}' has {t.LongLength} values, expected {count}");
            return t;
        }

        private void Mac(StepRecord r)
        {
            if (r.ModelQuantized && r.Layers.Any(l => model!.Layer(l) is not null))
            {
                ModelMac(r);
                return;
            }
            double sx = Scale(r.X!), sy = Scale(r.Y);
            var outputs = r.Weight?.Shape![0] ?? (int)(r.Bias?.Count ?? r.LnVectors?.Count / 2 ?? 0);
            double sw;
            double[]? stored = null;
            double[]? original = null;
            double[]? bnFactor = null;
            if (r.Weight is { } ws)
            {
                var rest = (int)(ws.TensorCount / outputs);
                var w = Tensor(ws.Source!, ws.TensorCount);
                original = w.Select(v => (double)v).ToArray();
                var folded = (double[])original.Clone();
                if (ws.FoldBatchNorm is { } bn)
                {
                    var (g, var) = (Tensor($"{bn}.weight", outputs), Tensor($"{bn}.running_var", outputs));
                    bnFactor = new double[outputs];
                    for (var o = 0; o < outputs; o++)
                    {
                        bnFactor[o] = g[o] / Math.Sqrt(var[o] + WeightsLayout.BatchNormEps);
                        for (var k = 0; k < rest; k++) folded[o * rest + k] *= bnFactor[o];
                    }
                }
                if (ws.FoldLayerNorm is { } ln)
                {
                    var gamma = Tensor($"{ln}.weight", rest);
                    for (var o = 0; o < outputs; o++)
                        for (var k = 0; k < rest; k++) folded[o * rest + k] *= gamma[k];
                }
                if (ws.FoldStoredLayerNorm is { } storedLn)
                {
                    var (scale, _) = StoredLayerNorm(storedLn, rest);
                    for (var o = 0; o < outputs; o++)
                        for (var k = 0; k < rest; k++) folded[o * rest + k] *= scale[k];
                }
                sw = Fixed ? MaxAbs(folded) is var m && m > 0 ? m / qmax : 1 : 1;
                stored = Fixed ? folded.Select(v => Clamp(Math.Floor(v / sw + 0.5), -qmax, qmax)).ToArray() : folded.Select(Stored).ToArray();
                WriteData(ws, ws.Arrange(stored));
            }
            else
            {
                sw = Scale(r.W!);
            }

            var biasSection = r.Bias ?? r.LnVectors;
            if (biasSection is not null)
            {
                var b = new double[outputs];
                if (biasSection.Source is { } src)
                {
                    var t = Tensor(src, outputs);
                    for (var o = 0; o < outputs; o++) b[o] = t[o];
                }
                if (biasSection.FoldBatchNorm is { } bn)
                {
                    var (mean, beta) = (Tensor($"{bn}.running_mean", outputs), Tensor($"{bn}.bias", outputs));
                    for (var o = 0; o < outputs; o++) b[o] = (b[o] - mean[o]) * bnFactor![o] + beta[o];
                }
                if (biasSection.FoldLayerNorm is { } ln)
                {
                    var rest = (int)(r.Weight!.TensorCount / outputs);
                    var beta = Tensor($"{ln}.bias", rest);
                    for (var o = 0; o < outputs; o++)
                    {
                        double acc = 0;
                        for (var k = 0; k < rest; k++) acc += original![o * rest + k] * beta[k];
                        b[o] += acc;
                    }
                }
                if (biasSection.FoldStoredLayerNorm is { } storedLn)
                {
                    var rest = (int)(r.Weight!.TensorCount / outputs);
                    var (_, lnShift) = StoredLayerNorm(storedLn, rest);
                    for (var o = 0; o < outputs; o++)
                    {
                        double acc = 0;
                        for (var k = 0; k < rest; k++) acc += original![o * rest + k] * lnShift[k];
                        b[o] += acc;
                    }
                }
                if (r.Bias is { } bs)
                {
                    if (Fixed) WriteInts(bs, b.Select(v => (int)Clamp(Math.Floor(v / (sx * sw) + 0.5), int.MinValue, int.MaxValue)).ToArray());
                    else WriteFloats(bs, b);
                }
                else
                {
                    // Fused LayerNorm: per output the pair (Σ_k of its stored weights, folded bias b' = W·β + b).
                    var rest = (int)(r.Weight!.TensorCount / outputs);
                    var vectors = new double[2 * outputs];
                    for (var o = 0; o < outputs; o++)
                    {
                        double s = 0;
                        for (var k = 0; k < rest; k++) s += stored![o * rest + k];
                        vectors[2 * o] = s;
                        vectors[2 * o + 1] = b[o];
                    }
                    WriteFloats(r.LnVectors!, vectors);
                }
            }
            if (r.ModelQuantized)
            {
                // A float layer whose output the model quantizes: FpgaGen's own scales in, the model's grid out.
                var yq = model!.Tensor(r.Y) ?? throw new InvalidOperationException($"step {r.Name}: output '{r.Y}' has no model quantization");
                WriteInts(r.Ints, ModelInts(r, outputs, yq, sy, _ => sx * sw, LargestAccumulator(r, stored)));
            }
            else
            {
                var (mult, shift) = Fixed ? Multiplier(sx * sw / sy) : (1, 0);
                WriteInts(r.Ints, [mult, shift]);
            }
            WriteFloats(r.Floats, Fixed
                ? [6 / (sx * sw), sw, WeightsLayout.LayerNormEps / (sx * sx), 1 / sy]
                : [6, 1, WeightsLayout.LayerNormEps, 1]);
        }

        /// <summary>A bound on |acc + bias| of a step: reduction length · largest input · largest weight, plus 2^31 of bias.</summary>
        private double LargestAccumulator(StepRecord r, double[]? stored)
        {
            var x = model!.Tensor(r.X!) is { } xq ? ModelQuantization.StoredRange(xq) is var (lo, hi) ? Math.Max(-lo, hi) : 0 : qmax + 1;
            var w = stored is { Length: > 0 } ? stored.Max(Math.Abs) : qmax + 1;
            if (r.Weight is null) return Math.ScaleB(1, 53); // a product of activations: no weight bound, a 8-bit multiplier
            var outputs = r.Weight.Shape![0];
            return (double)x * w * (r.Weight.TensorCount / outputs) + Math.ScaleB(1, 31);
        }

        /// <summary>The stored range of the design's data type.</summary>
        private (long Lo, long Hi) TypeRange => (-qmax - 1, qmax);

        /// <summary>
        /// A quantized model's MAC step (see <see cref="StepRecord"/>): the model's integers, scales and zero points,
        /// values zero-centred, requantized per output by a 31-bit multiplier rounding half to even.
        /// </summary>
        private void ModelMac(StepRecord r)
        {
            var lq = r.Layers.Select(model!.Layer).FirstOrDefault(q => q is not null)
                ?? throw new InvalidOperationException($"step {r.Name}: no layer with the model's quantization");
            if (r.Weight is not { } ws) throw new InputException($"step {r.Name}: a quantized product of two activations is not supported");
            if (ws.FoldBatchNorm is not null || ws.FoldLayerNorm is not null || ws.FoldStoredLayerNorm is not null)
                throw new InputException($"step {r.Name}: a normalization folded into a quantized layer changes the model's integers; fold it before quantizing");
            var outputs = ws.Shape![0];
            var rest = (int)(ws.TensorCount / outputs);
            var wq = lq.Weights;
            if (wq.Scales.Count != 1 && wq.Scales.Count != outputs)
                throw new InputException($"step {r.Name}: {wq.Scales.Count} weight scales for {outputs} output channels");
            double WScale(int o) => wq.Scales[wq.Scales.Count == 1 ? 0 : o];
            long WZero(int o) => wq.ZeroPoints[wq.ZeroPoints.Count == 1 ? 0 : o];
            var sx = Scale(r.X!);
            var w = Tensor(ws.Source!, ws.TensorCount);
            var (tlo, thi) = TypeRange;
            var stored = new double[w.Length];
            for (var i = 0; i < w.Length; i++)
            {
                // The model's weights reach the packer dequantized, float32((q − zw)·s): q − zw comes back exactly.
                var o = i / rest;
                var k = w[i] / WScale(o);
                var n = Math.Round(k, MidpointRounding.ToEven);
                if (Math.Abs(k - n) > 1e-3 || n + WZero(o) < wq.QMin || n + WZero(o) > wq.QMax)
                    throw new InputException($"step {r.Name}: weight {i} ({w[i]:G6}) is not a dequantized {(wq.Signed ? "int" : "uint")}{wq.Bits} at scale {WScale(o):G6}");
                if (n < tlo || n > thi)
                    throw new InputException($"step {r.Name}: weight {i} minus its zero point is {n}, outside {layout.DataType}; simulate at a wider --precision");
                stored[i] = n;
            }
            WriteData(ws, ws.Arrange(stored));
            if (r.Bias is { } bs)
            {
                // ONNX's int32 bias is at scale sx·sw[n]; a float bias (PyTorch's export) is quantized to it.
                var b = bs.Source is { } src ? Tensor(src, outputs) : new float[outputs];
                WriteInts(bs, b.Select((v, o) => (int)Math.Clamp(Math.Round(v / (sx * WScale(o)), MidpointRounding.ToEven), int.MinValue, int.MaxValue)).ToArray());
            }
            var yq = lq.Output ?? model.Tensor(r.Y);
            var sy = yq?.Scales[0] ?? Scale(r.Y);
            WriteInts(r.Ints, ModelInts(r, outputs, yq, sy, o => sx * WScale(o), LargestAccumulator(r, stored)));
            WriteFloats(r.Floats, [Math.ScaleB(1, 62), 1, WeightsLayout.LayerNormEps / (sx * sx), 1 / sy]);
        }

        /// <summary>[0, −1, lo, hi, (mult, shift) per output] for output scale <paramref name="sy"/> and accumulator scales.</summary>
        private int[] ModelInts(StepRecord r, int outputs, TensorQuantization? yq, double sy, Func<int, double> accScale, double largestT)
        {
            var bits = ModelQuantization.MultiplierBits(largestT);
            var (tlo, thi) = TypeRange;
            var (lo, hi) = ModelQuantization.OutputRange(yq, r.Activation, TypeRange, sy);
            if (lo < tlo || hi > thi)
                throw new InputException($"step {r.Name}: its output '{r.Y}' ({yq?.Describe()}) is stored as q − zero point in [{lo}, {hi}], " +
                    $"which {layout.DataType} does not hold; simulate with --precision int16 (9-bit values)");
            var ints = new int[4 + 2 * outputs];
            (ints[0], ints[1], ints[2], ints[3]) = (0, -1, (int)lo, (int)hi);
            for (var o = 0; o < outputs; o++) (ints[4 + 2 * o], ints[5 + 2 * o]) = ModelQuantization.FixedMultiplier(accScale(o) / sy, bits);
            return ints;
        }

        /// <summary>
        /// A stored-statistics LayerNorm as the per-feature affine map it is: LN(x)[k] = s[k]·x[k] + t[k] with
        /// s = γ/√(σ² + ε) and t = β − s·μ (the fold of <see cref="WeightSection.FoldStoredLayerNorm"/>).
        /// </summary>
        private (double[] Scale, double[] Shift) StoredLayerNorm(string ln, int features)
        {
            var (gamma, beta) = (Tensor($"{ln}.weight", features), Tensor($"{ln}.bias", features));
            var (mean, variance) = (Tensor($"{ln}.running_mean", features), Tensor($"{ln}.running_var", features));
            var scale = new double[features];
            var shift = new double[features];
            for (var k = 0; k < features; k++)
            {
                if (!(variance[k] + WeightsLayout.LayerNormEps > 0))
                    throw new InputException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"weights: '{ln}.running_var'[{k}] is {variance[k]}; a variance must be zero or more"));
                scale[k] = gamma[k] / Math.Sqrt(variance[k] + WeightsLayout.LayerNormEps);
                shift[k] = beta[k] - scale[k] * mean[k];
            }
            return (scale, shift);
        }

        private void Map(StepRecord r)
        {
            double Param(WeightSection? section)
            {
                if (section is null) return 0;
                var t = Tensor(section.Source!, section.Count).Select(v => (double)v).ToArray();
                var s = Fixed ? MaxAbs(t) is var m && m > 0 ? m / qmax : 1 : 1;
                WriteData(section, Fixed ? t.Select(v => Clamp(Math.Floor(v / s + 0.5), -qmax, qmax)).ToArray() : t);
                return s;
            }
            var sa = r.AParam is not null ? Param(r.AParam) : Scale(r.X!);
            var ss = r.SParam is not null ? Param(r.SParam) : r.S is not null ? Scale(r.S) : 0;
            if (r.Floats.Count == 6)
            {
                // A requantization: its output saturates to the model's range for the tensor (else the type's).
                var (lo, hi) = model?.Tensor(r.Y) is { } yq ? ModelQuantization.StoredRange(yq) : TypeRange;
                WriteFloats(r.Floats, [sa, ss, 1 / Scale(r.Y), Scale(r.Y), Math.Max(lo, TypeRange.Lo), Math.Min(hi, TypeRange.Hi)]);
            }
            else WriteFloats(r.Floats, [sa, ss, 1 / Scale(r.Y), 0]);
        }

        private void Row(StepRecord r)
        {
            WriteFloats(r.Floats, [Scale(r.X!) * r.InputFactor, 0, 1 / Scale(r.Y), WeightsLayout.LayerNormEps]);
            if (r.Affine is { } a)
            {
                var len = a.Count / 2;
                var values = Tensor($"{a.Source}.weight", len).Concat(Tensor($"{a.Source}.bias", len)).Select(v => (double)v).ToArray();
                WriteFloats(a, values);
            }
        }

        /// <summary>A floating-point weight as the blob holds it (float32, or float32 then float16), for Σ_k W'.</summary>
        private double Stored(double v) => layout.DataType == "float16" ? (double)(Half)(float)v : (float)v;

        private static double MaxAbs(double[] v) => v.Length == 0 ? 0 : v.Max(Math.Abs);

        private static double Clamp(double v, double lo, double hi) => Math.Min(Math.Max(v, lo), hi);

        private void WriteFloats(WeightSection s, double[] values)
        {
            Check(s, values.Length);
            var span = Blob.AsSpan((int)s.Offset);
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(4 * i)..], (float)values[i]);
        }

        private void WriteInts(WeightSection s, int[] values)
        {
            Check(s, values.Length);
            var span = Blob.AsSpan((int)s.Offset);
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(span[(4 * i)..], values[i]);
        }

        private void WriteData(WeightSection s, double[] values)
        {
            Check(s, values.Length);
            var span = Blob.AsSpan(checked((int)s.Offset));
            for (var i = 0; i < values.Length; i++)
                switch (layout.DataType)
                {
                    case "float32": BinaryPrimitives.WriteSingleLittleEndian(span[(4 * i)..], (float)values[i]); break;
                    case "float16": BinaryPrimitives.WriteHalfLittleEndian(span[(2 * i)..], (Half)(float)values[i]); break;
                    case "int16": BinaryPrimitives.WriteInt16LittleEndian(span[(2 * i)..], (short)values[i]); break;
                    default: span[i] = (byte)(sbyte)values[i]; break;
                }
        }

        private static void Check(WeightSection s, long count)
        {
            if (count != s.Count) throw new InvalidOperationException($"section at {s.Offset} holds {s.Count} values, got {count}");
        }
    }
}
