namespace FpgaGen.Model;

/// <summary>
/// How one tensor is quantized, as ONNX's QuantizeLinear/DequantizeLinear define it: q = saturate(round(x / scale) +
/// zero_point), x ≈ (q − zero_point) · scale, rounding half to even (ONNX operator docs, QuantizeLinear). Per tensor:
/// one scale and zero point (<see cref="Axis"/> null); per channel: one each along <see cref="Axis"/> (of the ONNX
/// tensor, batch axis included for activations; weights have no batch axis).
/// </summary>
/// <param name="Signed">int8 (true) or uint8 (false) storage, the zero point's type.</param>
public sealed record TensorQuantization(IReadOnlyList<double> Scales, IReadOnlyList<long> ZeroPoints, int? Axis, bool Signed, int Bits = 8)
{
    public bool PerChannel => Axis is not null;

    public long QMin => Signed ? -(1L << (Bits - 1)) : 0;
    public long QMax => Signed ? (1L << (Bits - 1)) - 1 : (1L << Bits) - 1;

    /// <summary>The IR data type of the tensor's integers: 8-bit (int8 or uint8) storage is int8, wider int16.</summary>
    public Precision Precision => Bits <= 8 ? Precision.Int8 : Precision.Int16;

    /// <summary>
    /// The zero-centred range [qmin − zp, qmax − zp] of the stored values q − zero point (per tensor): what a
    /// tensor saturates to, and what its storage must hold (<see cref="QuantizedStorage"/>).
    /// </summary>
    public (long Lo, long Hi) StoredRange => (QMin - ZeroPoints[0], QMax - ZeroPoints[0]);

    /// <summary>
    /// ONNX QuantizeLinear of one value: saturate(round_half_even(x / scale) + zero_point) to [qmin, qmax], the
    /// division in float32 as the operator computes it. The one definition the ONNX evaluator and the packer share.
    /// </summary>
    public static long QuantizeLinear(float x, float scale, long zeroPoint, long qmin, long qmax) =>
        Math.Clamp((long)Math.Round((double)(x / scale), MidpointRounding.ToEven) + zeroPoint, qmin, qmax);

    public string Describe() =>
        (Signed ? "int" : "uint") + Bits + (PerChannel ? $" per-channel (axis {Axis}, {Scales.Count} scales)" : $" scale {Scales[0]:G4}" + (ZeroPoints[0] != 0 ? $" zp {ZeroPoints[0]}" : ""));
}

/// <summary>
/// The quantization parameters of a MAC layer imported from a quantized model: its input activation, its weights
/// and, when the model requantizes the result, its output. Bias (int32 at scale input·weight in ONNX) follows.
/// </summary>
public sealed record LayerQuantization(TensorQuantization Input, TensorQuantization Weights, TensorQuantization? Output);

/// <summary>
/// A quantized model's rescale of a tensor: read at <see cref="From"/> (as its writer stores it) and stored at
/// <see cref="To"/>. ONNX writes it as a QuantizeLinear of a tensor the model quantized with other parameters (a
/// DequantizeLinear, ReLU or reshapes, then QuantizeLinear at a new scale): QuantizeLinear(DequantizeLinear(q)) rounds
/// once more, so it is a step of its own, not part of the writer's requantization. Element-wise, no parameters: at a
/// fixed-point type the vector unit computes (q − zp)·s_from in float32 as DequantizeLinear does, then
/// QuantizeLinear's rounding half to even and saturation to To's range; at a floating-point type it copies (the
/// model's other QuantizeLinear nodes are not emulated there either).
/// </summary>
public sealed class RequantizeLayer(string name, IReadOnlyList<string> inputs, TensorQuantization from, TensorQuantization to) : Layer(name, inputs)
{
    public TensorQuantization From { get; } = !from.PerChannel ? from : throw new ShapeException("a requantization of a per-channel tensor is not supported");
    public TensorQuantization To { get; } = !to.PerChannel ? to : throw new ShapeException("a requantization to per-channel parameters is not supported");

    public override string Kind => "requantize";

    public override string Details => FormattableString.Invariant($"{From.Scales[0]:G4}->{To.Scales[0]:G4}");

    protected override Shape InferShape(IReadOnlyList<Shape> inputs) => inputs[0];
}
