using FpgaGen.Kernels.Lowering;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;
using FpgaGen.Simulation;
using FpgaGen.Tests.Codegen;
using FpgaGen.Tests.OpenCl;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Simulation;

/// <summary>
/// int8/int16 kernels on PoCL against the bit-exact integer reference (<see cref="IntegerReference"/>), through
/// <see cref="Simulator.Run"/>: every integer step (MAC without fused LayerNorm) must match to the bit, float-internal
/// vector-unit and fused-LayerNorm steps within one LSB; and the comparison must catch a one-LSB corruption.
/// </summary>
[Collection(CodegenOpenClCollection.Name)]
public class IntegerReferenceTests(CodegenOpenClFixture fixture, ITestOutputHelper output)
{
    [OpenClTheory]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=8,Tn=4,Tr=7,Tc=7,vu=8", "int8")]
    [InlineData("tiny_cnn", "conv_systolic", "rows=4,cols=7,simd=4,tile_h=2,vu=8", "int16")]
    [InlineData("tiny_cnn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8")]
    [InlineData("tiny_mix", "conv_tiled", "Tm=8,Tn=3,Tr=7,Tc=7,vu=8", "int16")]
    [InlineData("tiny_mix", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=16", "int8")]
    [InlineData("tiny_mix", "gemm", "Tm=8,Tn=4,Tk=8,vu=8", "int16")]
    [InlineData("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=16,vu=8", "int8")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "int8")]
    [InlineData("tiny_vit", "ln_linear", "Tm=16,Tn=4,Tk=8,vu=8", "int16")]
    [InlineData("tiny_vit", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "int16")]
    [InlineData("tiny_vit", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8", "int8")]
    public void KernelsMatchTheIntegerReference(string network, string kernel, string parameters, string precision)
    {
        const int batch = 2;
        var design = CodegenSupport.Design(network, kernel, parameters, precision, batch);
        var weights = RandomWeights.For(design.Network, seed: 3);
        var input = CodegenSupport.Input(design.Network, batch);
        var report = Simulator.Run(design, fixture.Session, weights, input, "test", new Dictionary<string, double>());
        var steps = design.Lowered.Steps.ToDictionary(s => s.Name);
        var integerSteps = 0;
        foreach (var s in report.Steps)
        {
            output.WriteLine($"{s.Step,-36} {s.Tensor,-28} LSB {s.LsbError} ({s.LsbDiffering} of {s.Elements} differ, allowed {s.LsbAllowed})");
            Assert.True(s.Problem is null, s.Problem);
            Assert.NotNull(s.LsbError);
            var arithmetic = IntegerReference.Arithmetic(steps[s.Step]);
            if (arithmetic == StepArithmetic.Integer)
            {
                integerSteps++;
                Assert.True(s.LsbError == 0, $"{network} on {kernel} ({precision}): integer step {s.Step} differs by {s.LsbError} LSB in {s.LsbDiffering} elements");
            }
            else Assert.True(s.LsbError <= 1, $"{network} on {kernel} ({precision}): step {s.Step} differs by {s.LsbError} LSB");
            Assert.True(s.Pass, $"{s.Step}: float error {s.MaxAbsError:E3} of {s.Magnitude:E3}, {s.LsbError} LSB");
        }
        Assert.True(integerSteps > 0);
        Assert.True(report.Pass);
    }

    [OpenClFact]
    public void ComparisonCatchesAOneLsbCorruption()
    {
        var design = CodegenSupport.Design("tiny_cnn", "conv_tiled", "Tm=8,Tn=4,Tr=7,Tc=7,vu=8", "int8", 1);
        var portable = design.Portable();
        var weights = RandomWeights.For(design.Network, seed: 3);
        var input = CodegenSupport.Input(design.Network, 1);
        var blob = WeightPacker.Pack(portable.Weights, weights, NetworkReference.Ranges(NetworkReference.Run(design.Network, weights, input, 1)));
        var encoded = portable.EncodeInput(input, blob);
        var reference = IntegerReference.For(design, blob);
        reference.SetInput(encoded);
        var views = portable.TensorViews.ToDictionary(v => v.Name);
        using var runner = new PortableRunner(fixture.Session, portable, fixture.Build(portable.Source, portable.BuildOptions));
        var index = 0;
        var first = (MacStep)design.Lowered.Steps[0];
        byte[]? got = null, expected = null;
        runner.Run(blob, input, _ =>
        {
            reference.Run(index);
            if (index++ != 0) return;
            // Read both now: later steps may reuse the arena space of this tensor.
            got = runner.ReadTensor(views[first.Output.Name]);
            expected = reference.TensorBytes(first.Output);
        });
        Assert.Equal(StepArithmetic.Integer, IntegerReference.Arithmetic(first));
        Assert.Equal(0, IntegerReference.Compare(got!, expected!, Precision.Int8).MaxLsb);

        // One element one LSB up (or down at the top of the range) is caught, with its position.
        var k = Array.FindIndex(got!, b => (sbyte)b != 0);
        var corrupt = (byte[])got!.Clone();
        corrupt[k] = (byte)(sbyte)((sbyte)corrupt[k] == 127 ? 126 : (sbyte)corrupt[k] + 1);
        var c = IntegerReference.Compare(corrupt, expected!, Precision.Int8);
        Assert.Equal(1, c.MaxLsb);
        Assert.Equal(1, c.Differing);
        Assert.Equal(k, c.FirstDifference);
        Assert.False(c.Within(IntegerReference.AllowedLsb(first)));
        Assert.True(c.Within(1));

        // int16: a flipped low byte of one element is a one-LSB error too.
        var a = new byte[] { 10, 0, 0xFF, 0x7F };
        var b = new byte[] { 11, 0, 0xFF, 0x7F };
        var c16 = IntegerReference.Compare(a, b, Precision.Int16);
        Assert.Equal((1L, 1L, 0L), (c16.MaxLsb, c16.Differing, c16.FirstDifference));
    }

    [Theory]
    [InlineData("tiny_cnn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "int16")]
    public void ChainedReferenceFollowsTheFloatReference(string network, string kernel, string parameters, string precision)
    {
        // Without a device: every step on the reference's own results, from the encoded input to the decoded output.
        var design = CodegenSupport.Design(network, kernel, parameters, precision, 1);
        var portable = design.Portable();
        var weights = RandomWeights.For(design.Network, seed: 3);
        var input = CodegenSupport.Input(design.Network, 1);
        var floats = NetworkReference.Run(design.Network, weights, input, 1);
        var blob = WeightPacker.Pack(portable.Weights, weights, NetworkReference.Ranges(floats));
        var reference = IntegerReference.For(design, blob);
        reference.RunAll(portable.EncodeInput(input, blob));
        var got = portable.DecodeOutput(reference.TensorBytes(design.Lowered.Output), blob);
        var expected = floats[design.Lowered.Output.Calibration];
        var magnitude = expected.Max(v => Math.Abs((double)v));
        var error = got.Zip(expected, (x, e) => Math.Abs((double)x - e)).Max();
        Assert.True(error <= Tolerances.For(design.Lowered.Precision) * magnitude, $"error {error:E3} of {magnitude:E3}");
    }

    [Fact]
    public void ErfIsAccurateToFloat()
    {
        foreach (var (x, e) in new[] { (0.0, 0.0), (0.5, 0.5204998778130465), (1.0, 0.8427007929497149), (-2.0, -0.9953222650189527), (3.5, 0.9999992569016276) })
            Assert.Equal((float)e, IntegerReference.Erf((float)x));
    }
}
