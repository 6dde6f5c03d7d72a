using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;
using FpgaGen.Tests.OpenCl;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// Runs the portable form of whole networks on an OpenCL device (PoCL) through the launch plan, as `fpgagen simulate`
/// will, and compares every tensor with the float reference when its last writer has run. Covers each engine, the
/// vector unit's operations, fused ReLU, folded batch norm, fused LayerNorm, attention, batch 2, and the three data
/// types PoCL can run (float16 needs cl_khr_fp16). Each launch's FIFO item counts are checked too.
/// </summary>
[Collection(CodegenOpenClCollection.Name)]
public class PortableExecutionTests(CodegenOpenClFixture fixture, ITestOutputHelper output)
{
    /// <summary>Largest error allowed, relative to the tensor's largest magnitude: float rounding, or per-tensor quantization.</summary>
    private static double Tolerance(string precision) => precision switch { "int8" => 0.1, "int16" => 0.005, _ => 1e-5 };

    [OpenClTheory]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "fp32")]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "int8")]
    [InlineData("tiny_cnn", "conv_systolic", "rows=4,cols=7,simd=4,tile_h=2,vu=8", "fp32")]
    [InlineData("tiny_cnn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int16")]
    [InlineData("tiny_mix", "conv_tiled", "Tm=8,Tn=3,Tr=7,Tc=7,vu=8", "fp32")]
    [InlineData("tiny_mix", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=16", "int8")]
    [InlineData("tiny_mix", "gemm", "Tm=8,Tn=4,Tk=8,vu=8", "fp32")]
    [InlineData("tiny_lrn", "conv_tiled", "Tm=8,Tn=4,Tr=5,Tc=5,vu=8", "fp32")]
    [InlineData("tiny_lrn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8")]
    [InlineData("tiny_lrn", "conv_systolic", "rows=4,cols=4,simd=8,tile_h=2,vu=8", "int8")]
    [InlineData("tiny_map_out", "conv_systolic", "rows=4,cols=4,simd=4,tile_h=3,vu=8", "fp32")]
    [InlineData("tiny_gather", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp32")]
    [InlineData("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=16,vu=8", "fp32")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "fp32")]
    [InlineData("tiny_vit", "ln_linear", "Tm=16,Tn=4,Tk=8,vu=8", "int8")]
    [InlineData("tiny_vit", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "fp32")]
    [InlineData("tiny_vit", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8", "int16")]
    // A DSP48E2 card: int8 gemm and conv_tiled engines pair their output lanes, two products a multiplier (attention's too).
    [InlineData("tiny_lrn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8", "u250")]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "int8", "u250")]
    [InlineData("tiny_vit", "ln_linear", "Tm=16,Tn=4,Tk=8,vu=8", "int8", "u280")]
    public void NetworkMatchesTheReferenceTensorByTensor(string network, string kernel, string parameters, string precision, string? device = null)
    {
        const int batch = 2;
        var design = CodegenSupport.Design(network, kernel, parameters, precision, batch, device);
        if (device is not null) Assert.Equal(1, design.Plan.Define("PAIRS"));
        var net = design.Network;
        var portable = design.Portable();
        var weights = RandomWeights.For(net, seed: 3);
        var input = CodegenSupport.Input(net, batch);
        var reference = NetworkReference.Run(net, weights, input, batch);
        var ranges = NetworkReference.Ranges(reference);
        var blob = WeightPacker.Pack(portable.Weights, weights, ranges);

        using var runner = new PortableRunner(fixture.Session, portable, fixture.Build(portable.Source, portable.BuildOptions));
        var lastWriter = portable.Steps.Select((s, i) => (s.Output, i)).GroupBy(x => x.Output).ToDictionary(g => g.Key, g => g.Max(x => x.i));
        var views = portable.TensorViews.ToDictionary(v => v.Name);
        var keys = portable.Network.Tensors.ToDictionary(t => t.Name, t => t.Calibration);
        var qmax = WeightPacker.QMax(portable.Weights.DataType);
        var checkedTensors = 0;
        var index = 0;
        var result = runner.Run(blob, input, step =>
        {
            if (lastWriter[step.Output] != index++) return;
            var key = keys[step.Output];
            var scale = qmax > 0 ? (float)(ranges[key] / qmax) : 1f;
            var got = portable.Decode(runner.ReadTensor(views[step.Output]), scale);
            var expected = design.Lowered.Tensors.First(t => t.Name == step.Output).InStoredOrder(reference[key], batch);
            Assert.Equal(expected.Length, got.Length);
            var error = got.Zip(expected, (a, b) => Math.Abs((double)a - b)).Max();
            var magnitude = expected.Max(v => Math.Abs((double)v));
            Assert.True(magnitude > 0, $"{step.Output} is all zeros in the reference, so it checks nothing");
            output.WriteLine($"{step.Name,-36} {step.Output,-32} error {error:E2} of {magnitude:E2}");
            Assert.True(error <= Tolerance(precision) * magnitude,
                $"{network} on {kernel} ({precision}): tensor {step.Output} after step {step.Name} differs by {error:E3} (largest value {magnitude:E3})");
            checkedTensors++;
        });
        var final = reference[portable.Network.Output.Calibration];
        Assert.Equal(final.Length, result.Length);
        Assert.True(checkedTensors >= portable.Steps.Select(s => s.Output).Distinct().Count());
    }

    [OpenClTheory]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=8,Tn=4,Tr=7,Tc=7,vu=8", "int8")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "int8")]
    [InlineData("tiny_cnn", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8", "fp32")]
    [InlineData("tiny_cnn", "gemm", "Tm=8,Tn=4,Tk=8,vu=8", "int16")]
    [InlineData("tiny_mix", "gemm", "Tm=1,Tn=4,Tk=8,vu=8", "int16")]
    [InlineData("tiny_vit", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "fp32")]
    public void SlicedStepsComputeTheSameAsWholeSteps(string network, string kernel, string parameters, string precision)
    {
        // With a tiny FIFO bound every MAC step runs as slices of its output rows or columns (padding and input offsets
        // move along), then of its output channels (bias, ReLU, fused LayerNorm and requantization parameters move
        // along); the result must be bit for bit the unsliced one.
        var design = CodegenSupport.Design(network, kernel, parameters, precision, 2);
        var whole = design.Portable();
        var sliced = design.Portable(maxFifoBytes: 1024);
        Assert.True(sliced.Steps.Sum(s => s.Launches.Count) > whole.Steps.Sum(s => s.Launches.Count) + 6);
        // Spatial slices happened too: some engine launch covers fewer output rows or columns than any whole step has.
        static HashSet<(int, int)> Extents(FpgaGen.Codegen.Portable.PortableProgram p) => p.Steps.SelectMany(s => s.Launches)
            .Where(l => l.Kernel.EndsWith("_read", StringComparison.Ordinal) && l.Args.Any(a => a.Name == "oh"))
            .Select(l => (Int(l, "oh"), Int(l, "ow"))).ToHashSet();
        Assert.False(Extents(sliced).IsSubsetOf(Extents(whole)));
        // No FIFO grows (grouped convolutions and vector steps are not sliced, so not every one shrinks).
        var before = whole.Buffers.ToDictionary(b => b.Name, b => b.Bytes);
        Assert.All(sliced.Buffers, b => Assert.True(b.Bytes <= before[b.Name], b.Name));
        var weights = RandomWeights.For(design.Network, seed: 4);
        var input = CodegenSupport.Input(design.Network, 2);
        var blob = WeightPacker.Pack(whole.Weights, weights, NetworkReference.Ranges(NetworkReference.Run(design.Network, weights, input, 2)));
        float[] RunPlan(FpgaGen.Codegen.Portable.PortableProgram p)
        {
            using var runner = new PortableRunner(fixture.Session, p, fixture.Build(p.Source, p.BuildOptions));
            return runner.Run(blob, input);
        }
        Assert.Equal(RunPlan(whole), RunPlan(sliced));
    }

    private static int Int(FpgaGen.Codegen.Portable.KernelLaunch l, string name) =>
        l.Args.OfType<FpgaGen.Codegen.Portable.IntArg>().Single(a => a.Name == name).Value;

    [OpenClFact]
    public void BatchSamplesAreIndependent()
    {
        // The same sample twice in a batch of 2 gives the batch-1 result twice: batch strides, batch folding of linear
        // layers and per-sample attention do not mix samples.
        var one = CodegenSupport.Design("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp32", 1);
        var two = CodegenSupport.Design("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp32", 2);
        var weights = RandomWeights.For(one.Network, seed: 11);
        var sample = CodegenSupport.Input(one.Network, 1, seed: 9);
        float[] RunDesign(FpgaGen.Codegen.AcceleratorDesign d, float[] input)
        {
            var p = d.Portable();
            var blob = WeightPacker.Pack(p.Weights, weights);
            using var runner = new PortableRunner(fixture.Session, p, fixture.Build(p.Source, p.BuildOptions));
            return runner.Run(blob, input);
        }
        var single = RunDesign(one, sample);
        var pair = RunDesign(two, sample.Concat(sample).ToArray());
        Assert.Equal(single, pair[..single.Length]);
        Assert.Equal(single, pair[single.Length..]);
    }
}
