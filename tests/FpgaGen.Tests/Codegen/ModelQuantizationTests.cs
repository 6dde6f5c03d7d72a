using FpgaGen.Codegen.Weights;
using FpgaGen.Model;

namespace FpgaGen.Tests.Codegen;

/// <summary>The integer arithmetic of a quantized model's steps (fg_requant_even and its multipliers) and the input's QuantizeLinear.</summary>
public class ModelQuantizationTests
{
    /// <summary>With a multiplier that is a power of two the fixed-point form is exact: the result is ONNX's rounding of t·m.</summary>
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.25)]
    [InlineData(0.125)]
    public void RequantizationRoundsHalfToEven(double m)
    {
        var (mult, shift) = ModelQuantization.FixedMultiplier(m);
        Assert.Equal(m, Math.ScaleB(mult, -shift));
        for (long t = -40; t <= 40; t++)
            Assert.Equal((long)Math.Round(t * m, MidpointRounding.ToEven), ModelQuantization.Requantize(t, mult, shift, -1000, 1000));
        // 2.5 → 2, 3.5 → 4, −2.5 → −2, −1.5 → −2 (half up would give 3, 4, −2, −1).
        var (h, hs) = ModelQuantization.FixedMultiplier(0.5);
        Assert.Equal([2, 4, -2, -2], new[] { 5L, 7, -5, -3 }.Select(t => ModelQuantization.Requantize(t, h, hs, -9, 9)));
    }

    [Fact]
    public void RequantizationSaturatesToTheTensorsRange()
    {
        var (mult, shift) = ModelQuantization.FixedMultiplier(0.5);
        Assert.Equal(-5, ModelQuantization.Requantize(-1000, mult, shift, -5, 7));
        Assert.Equal(7, ModelQuantization.Requantize(1000, mult, shift, -5, 7));
    }

    /// <summary>A 31-bit mantissa (TFLite's QuantizeMultiplier): within 2^-31 relative of the real multiplier.</summary>
    [Theory]
    [InlineData(0.000123456)]
    [InlineData(0.0175)]
    [InlineData(0.9999999)]
    [InlineData(3.75)]
    public void MultipliersKeep31Bits(double m)
    {
        var (mult, shift) = ModelQuantization.FixedMultiplier(m);
        Assert.InRange(mult, 1 << 30, int.MaxValue);
        Assert.True(Math.Abs(Math.ScaleB(mult, -shift) / m - 1) <= Math.ScaleB(1, -31));
        var (narrow, _) = ModelQuantization.FixedMultiplier(m, 15);
        Assert.InRange(narrow, 1 << 14, (1 << 15) - 1);
    }

    [Fact]
    public void InputsAreQuantizedAsQuantizeLinearDoesZeroCentred()
    {
        var q = new TensorQuantization([0.5], [123], null, Signed: false);
        // x / s = 2.5 → 2 (half to even), + 123; 1000 saturates at 255; −1000 at 0; stored as q − 123.
        Assert.Equal([2, 4, 132, -123], new[] { 1.25f, 1.75f, 1000f, -1000f }.Select(x => ModelQuantization.Quantize(x, q)));
        Assert.Equal((-123L, 132L), ModelQuantization.StoredRange(q));
    }
}
