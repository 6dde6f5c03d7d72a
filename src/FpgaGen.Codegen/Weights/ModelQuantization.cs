using FpgaGen.Model;

namespace FpgaGen.Codegen.Weights;

/// <summary>
/// A quantized model's own scales and zero points, by calibration key (layer name or "input"), for the packer, the
/// integer reference and the host's input encoding. Activations are stored <b>zero-centred</b>: the stored value is
/// q − zero_point, so real = stored · scale, padding with 0 is padding with the real 0, and the MAC needs no
/// zero-point terms (Σ (x − zx)(w − zw) is the plain product of the stored values); what the zero point still
/// decides is the range a tensor saturates to, [qmin − zp, qmax − zp], which must fit the design's data type (uint8
/// with zero point 123 needs 9 bits: int16 storage). MAC outputs the model requantizes take its scale and zero point;
/// ReLU, pooling and reshapes keep their input's (as the importer reads them: the model has no QuantizeLinear there).
/// </summary>
public sealed class ModelQuantization
{
    private readonly Dictionary<string, TensorQuantization> tensors;
    private readonly Dictionary<string, LayerQuantization> layers;

    private ModelQuantization(Dictionary<string, TensorQuantization> tensors, Dictionary<string, LayerQuantization> layers)
    {
        this.tensors = tensors;
        this.layers = layers;
    }

    /// <summary>The model's quantization, or null when no layer carries one (a float model, a design file).</summary>
    public static ModelQuantization? Of(Network net)
    {
        var layers = net.Layers.Where(l => l.Quantization is not null).ToDictionary(l => l.Name, l => l.Quantization!);
        if (layers.Count == 0 && !net.Layers.Any(l => l is RequantizeLayer)) return null;
        var tensors = new Dictionary<string, TensorQuantization>();
        foreach (var l in net.Layers)
        {
            if (l.Quantization is { } q)
            {
                if (q.Input.PerChannel) throw new InputException($"layer {l.Name}: its input is quantized per channel; only per-tensor activations are supported");
                // The first reader of a tensor the model quantizes says how (the network input's QuantizeLinear).
                if (l.Inputs.Count > 0) tensors.TryAdd(l.Inputs[0], q.Input);
                if (q.Output is { } o)
                {
                    if (o.PerChannel) throw new InputException($"layer {l.Name}: its output is quantized per channel; only per-tensor activations are supported");
                    tensors[l.Name] = o;
                }
            }
            else if (l is RequantizeLayer rq)
            {
                if (tensors.TryGetValue(rq.Inputs[0], out var written) && !Same(written, rq.From))
                    throw new InputException($"layer {l.Name} requantizes '{rq.Inputs[0]}' from scale {rq.From.Scales[0]:G6} zero point {rq.From.ZeroPoints[0]}, " +
                        $"but it is written at scale {written.Scales[0]:G6} zero point {written.ZeroPoints[0]}");
                tensors[l.Name] = rq.To;
            }
            else if (l.Macs == 0 && l.Precision?.IsFixedPoint() == true && l.Inputs.Count == 1 && tensors.TryGetValue(l.Inputs[0], out var same))
                tensors[l.Name] = same;
        }
        // A MAC layer must read its input at the scale it was written with: where the model requantizes in between (a
        // QuantizeLinear with other parameters after a ReLU, say) the importer made a requantize layer, so anything
        // else is a rescale the model does not say how to compute.
        foreach (var l in net.Layers)
            if (l.Quantization is { } q && l.Inputs.Count > 0 && tensors.TryGetValue(l.Inputs[0], out var written) && !Same(written, q.Input))
                throw new InputException($"layer {l.Name} reads '{l.Inputs[0]}' at scale {q.Input.Scales[0]:G6} zero point {q.Input.ZeroPoints[0]}, " +
                    $"but it is written at scale {written.Scales[0]:G6} zero point {written.ZeroPoints[0]}; the model requantizes between them, with no QuantizeLinear in between that says how");
        return new ModelQuantization(tensors, layers);
    }

    /// <summary>The same stored values: scale and zero-centred range (uint8 at zero point 128 is int8 at 0).</summary>
    private static bool Same(TensorQuantization a, TensorQuantization b) => a.Scales[0] == b.Scales[0] && a.StoredRange == b.StoredRange;

    /// <summary>The quantization of a tensor by calibration key, if the model gives one.</summary>
    public TensorQuantization? Tensor(string key) => tensors.GetValueOrDefault(key);

    /// <summary>The quantization of a MAC layer, if the model gives one.</summary>
    public LayerQuantization? Layer(string name) => layers.GetValueOrDefault(name);

    public IEnumerable<string> Keys => tensors.Keys;

    /// <summary>
    /// What the design's kernels cannot run of this model, as one message (null: nothing): a tensor whose stored
    /// range (q − zp) the data type does not hold. Checked before generating or packing.
    /// </summary>
    public string? Problem(AcceleratorDesign design)
    {
        var layout = design.Lowered.Weights;
        var qmax = WeightPacker.QMax(layout.DataType);
        if (qmax == 0) return null;
        var type = (-(long)qmax - 1, (long)qmax);
        if (Tensor(layout.InputKey) is { } input && Outside(StoredRange(input), type))
            return $"the network input ({input.Describe()}) is stored as q − zero point in {Text(StoredRange(input))}, which {layout.DataType} does not hold; " + Wider;
        foreach (var r in layout.Steps.Where(r => r.ModelQuantized))
        {
            var yq = r.Layers.Select(Layer).FirstOrDefault(q => q is not null)?.Output ?? Tensor(r.Y);
            var range = OutputRange(yq, r.Activation, type);
            if (Outside(range, type))
                return $"step {r.Name}: its output '{r.Y}' ({yq?.Describe()}) is stored as q − zero point in {Text(range)}, which {layout.DataType} does not hold; " + Wider;
        }
        foreach (var r in layout.Steps.Where(r => r.MapOp == "requantize"))
            if (Tensor(r.Y) is { } yq && Outside(StoredRange(yq), type))
                return $"step {r.Name}: it requantizes to {yq.Describe()}, stored as q − zero point in {Text(StoredRange(yq))}, which {layout.DataType} does not hold; " + Wider;
        return null;
    }

    private const string Wider = "use --precision int16 (9-bit values in 16-bit storage)";

    private static bool Outside((long Lo, long Hi) r, (long Lo, long Hi) type) => r.Lo < type.Lo || r.Hi > type.Hi;

    private static string Text((long Lo, long Hi) r) => $"[{r.Lo}, {r.Hi}]";

    /// <summary>
    /// The stored range a MAC step's output saturates to: the model's tensor range (the data type's without one),
    /// from 0 after a fused ReLU, and up to round(6/sy) after ReLU6.
    /// </summary>
    public static (long Lo, long Hi) OutputRange(TensorQuantization? yq, string? activation, (long Lo, long Hi) type, double? sy = null)
    {
        var (lo, hi) = yq is null ? type : StoredRange(yq);
        if (activation is "relu" or "relu6") lo = Math.Max(lo, 0);
        if (activation == "relu6") hi = Math.Min(hi, (long)Math.Round(6 / (yq?.Scales[0] ?? sy!.Value), MidpointRounding.ToEven));
        return (lo, hi);
    }

    /// <summary>The zero-centred stored range [qmin − zp, qmax − zp] of a tensor.</summary>
    public static (long Lo, long Hi) StoredRange(TensorQuantization q) => q.StoredRange;

    /// <summary>
    /// ONNX QuantizeLinear of one value, zero-centred: saturate(round_half_even(x / scale) + zp) − zp, the division in
    /// float32 as the operator computes it.
    /// </summary>
    public static long Quantize(float x, TensorQuantization q) =>
        TensorQuantization.QuantizeLinear(x, (float)q.Scales[0], q.ZeroPoints[0], q.QMin, q.QMax) - q.ZeroPoints[0];

    /// <summary>
    /// The fixed-point form mult·2^−shift of a real multiplier 0 &lt; m &lt; 2^30: mult in [2^30, 2^31), as TensorFlow
    /// Lite's QuantizeMultiplier (tensorflow/lite/kernels/internal/quantization_util.cc: frexp, then the mantissa
    /// rounded to 31 bits) writes it, the shift counted to the right here (always ≥ 1).
    /// </summary>
    /// <param name="bits">Fewer than 31 where the accumulator is wide: |t|·mult must stay inside 64 bits
    /// (<see cref="MultiplierBits"/>).</param>
    public static (int Mult, int Shift) FixedMultiplier(double m, int bits = 31)
    {
        if (!(m > 0) || !double.IsFinite(m) || m >= 1 << 30) throw new InputException($"requantization multiplier {m:G6} is outside (0, 2^30)");
        var e = Math.ILogB(m) + 1;                     // m = f·2^e with f in [0.5, 1)
        var q = (long)Math.Round(Math.ScaleB(m, bits - e), MidpointRounding.ToEven);
        if (q == 1L << bits) { q >>= 1; e++; }
        var shift = bits - e;
        if (shift < 1) throw new InputException($"requantization multiplier {m:G6} needs a left shift");
        if (shift > 62) return (0, 62);                // below 2^-31: every accumulator requantizes to 0
        return ((int)q, shift);
    }

    /// <summary>Multiplier bits (at most 31) that keep |t|·mult below 2^62 for accumulators up to <paramref name="largestT"/>.</summary>
    public static int MultiplierBits(double largestT) => (int)Math.Clamp(61 - Math.Ceiling(Math.Log2(Math.Max(largestT, 1))), 8, 31);

    /// <summary>fg_requant_even: round(t·mult / 2^shift) half to even, saturated to [lo, hi].</summary>
    public static long Requantize(long t, int mult, int shift, long lo, long hi)
    {
        var r = t * mult;
        var q = r >> shift;
        long rem = r - (q << shift), half = 1L << (shift - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) q++;
        return Math.Clamp(q, lo, hi);
    }
}
