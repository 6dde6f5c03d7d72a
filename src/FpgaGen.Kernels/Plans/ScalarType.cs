namespace FpgaGen.Kernels.Plans;

/// <summary>
/// A scalar type of the generated hardware, named neutrally in the plan ("int64") and spelled per language by
/// <see cref="OpenCl"/> and <see cref="Cpp"/>: the one table the generated typedefs come from.
/// </summary>
public sealed record ScalarType(string Name, int Bits, string OpenCl, string Cpp, bool Fixed)
{
    public static readonly ScalarType Float32 = new("float32", 32, "float", "float", false);
    public static readonly ScalarType Float16 = new("float16", 16, "half", "half", false);
    public static readonly ScalarType Int8 = new("int8", 8, "char", "int8_t", true);
    public static readonly ScalarType Int16 = new("int16", 16, "short", "int16_t", true);
    public static readonly ScalarType Int32 = new("int32", 32, "int", "int32_t", true);
    public static readonly ScalarType Int64 = new("int64", 64, "long", "int64_t", true);

    public int Bytes => Bits / 8;

    /// <summary>The operand type of weights and activations.</summary>
    public static ScalarType Data(Precision p) => p switch
    {
        Precision.Fp32 => Float32,
        Precision.Fp16 => Float16,
        Precision.Int16 => Int16,
        _ => Int8,
    };

    /// <summary>
    /// The accumulator: float for both float types (half-precision sums over thousands of terms lose too much);
    /// int32 for int8 (a product is 16 bits, 2^15 of them still fit); int64 for int16, whose 32-bit products summed
    /// over a 4,608-term reduction (VGG-16) need 43 bits. DSP accumulators are that wide anyway (48 bits on DSP48,
    /// 64 on Intel's variable-precision DSP chains).
    /// </summary>
    public static ScalarType Accumulator(Precision p) => p switch
    {
        Precision.Fp32 or Precision.Fp16 => Float32,
        Precision.Int16 => Int64,
        _ => Int32,
    };

    /// <summary>Biases: added in the accumulator's domain, int32 for fixed point (scaled by sx·sw), float otherwise.</summary>
    public static ScalarType Bias(Precision p) => p.IsFixedPoint() ? Int32 : Float32;

    /// <summary>The C element names the templates use, resolved to a type of this design.</summary>
    public static ScalarType Resolve(string element, Precision p) => element switch
    {
        Elements.Data => Data(p),
        Elements.Accumulator => Accumulator(p),
        Elements.Bias => Bias(p),
        Elements.Float => Float32,
        Elements.Int => Int32,
        _ => throw new ArgumentException($"unknown element type {element}"),
    };
}

/// <summary>Element type names as kernel bodies spell them; the generated prelude typedefs the first three.</summary>
public static class Elements
{
    public const string Data = "DTYPE", Accumulator = "ACC_T", Bias = "BIAS_T", Float = "float", Int = "int";
}
