using FpgaGen.Codegen;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Hardware;
using FpgaGen.Model;
using FpgaGen.Model.Designs;
using FpgaGen.Simulation;
using FpgaGen.Tests.OpenCl;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// `simulate` on LayerNorms with stored statistics: the generated kernels run the folded weights, the reference
/// computes LayerNorm with the stored statistics and then the linear layer, and every tensor matches (also bit for bit
/// against the integer reference in int8); kernels given weights folded with other statistics fail at the first
/// folded layer.
/// </summary>
[Collection(CodegenOpenClCollection.Name)]
public class StoredLayerNormSimulationTests(CodegenOpenClFixture fixture)
{
    /// <summary>tiny_vit with every LayerNorm stored, or (mixed) only ln_2 and the final one, so ln_linear fuses ln_1.</summary>
    private static Network Vit(bool mixed)
    {
        var net = CodegenSupport.Network("tiny_vit");
        if (!mixed) return net.WithLayerNormStats(LayerNormStats.Stored);
        var text = File.ReadAllText(Path.Combine(CodegenSupport.NetworksDir, "tiny_vit.yaml"))
            .Replace("{kind: layernorm, name: ln_2}", "{kind: layernorm, name: ln_2, stats: stored}")
            .Replace("{kind: layernorm, name: encoder_ln}", "{kind: layernorm, name: encoder_ln, stats: stored}");
        return DesignLoader.Parse(text, "tiny_vit_mixed.yaml");
    }

    [OpenClTheory]
    [InlineData("gemm", "Tm=8,Tn=8,Tk=16,vu=8", "fp32", false)]
    [InlineData("gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8", false)]
    [InlineData("ln_linear", "Tm=16,Tn=4,Tk=8,vu=8", "int8", true)]
    [InlineData("conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8", "fp32", true)]
    public void FoldedKernelsMatchLayerNormThenLinear(string kernel, string parameters, string precision, bool mixed)
    {
        var net = Vit(mixed);
        var p = PrecisionExtensions.Parse(precision);
        var design = AcceleratorDesign.Create(net, kernel, CodegenSupport.Params(parameters), p, 2, CodegenSupport.DefaultDevice(p));
        Assert.DoesNotContain(design.Lowered.Steps, s => s is FpgaGen.Kernels.Lowering.RowStep { LayerNorm: true } r && r.Layers[0] != "encoder.0.ln_1"
            && r.Layers[0] != "encoder.1.ln_1");
        var weights = RandomWeights.For(net, seed: 5);
        var report = Simulator.Run(design, fixture.Session, weights, CodegenSupport.Input(net, 2), "test", new Dictionary<string, double>());
        Assert.True(report.Pass, string.Join("; ", report.Steps.Where(s => !s.Pass).Select(s => $"{s.Step}: {s.MaxAbsError:E2} of {s.Magnitude:E2} {s.Problem}")));
        // The layers that absorbed a LayerNorm were compared (the head reads the class token selected before the fold).
        Assert.Contains(report.Steps, s => s.Step == "head" && s.Layers.Contains("encoder_ln"));
        Assert.Contains(report.Steps, s => s.Step == "encoder.1.mlp_fc1" && s.Layers.Contains("encoder.1.ln_2"));
        Assert.DoesNotContain(report.Steps, s => s.Step == "cls");
        if (p.IsFixedPoint()) Assert.All(report.Steps, s => Assert.NotNull(s.LsbError));
    }

    [OpenClFact]
    public void WeightsFoldedWithOtherStatisticsFailAtTheFirstFoldedLayer()
    {
        var net = Vit(mixed: false);
        var design = AcceleratorDesign.Create(net, "gemm", CodegenSupport.Params("Tm=8,Tn=8,Tk=16,vu=8"), Precision.Fp32, 1, DeviceCatalog.Default.Get("u250"));
        var portable = design.Portable();
        var weights = RandomWeights.For(net, seed: 5);
        var input = CodegenSupport.Input(net, 1);
        var reference = NetworkReference.Run(net, weights, input, 1);
        var other = weights.ToDictionary(kv => kv.Key, kv => kv.Value);
        other["encoder.0.ln_1.running_var"] = other["encoder.0.ln_1.running_var"].Select(v => v * 2).ToArray();
        var blob = WeightPacker.Pack(portable.Weights, other);

        using var runner = new PortableRunner(fixture.Session, portable, fixture.Build(portable.Source, portable.BuildOptions));
        var views = portable.TensorViews.ToDictionary(v => v.Name);
        var keys = portable.Network.Tensors.ToDictionary(t => t.Name, t => t.Calibration);
        var errors = new Dictionary<string, double>();
        runner.Run(blob, input, step =>
        {
            var got = portable.Decode(runner.ReadTensor(views[step.Output]), 1f);
            var expected = reference[keys[step.Output]];
            var magnitude = expected.Max(v => Math.Abs((double)v));
            errors.TryAdd(step.Name, got.Zip(expected, (a, b) => Math.Abs((double)a - b)).Max() / magnitude);
        });
        Assert.True(errors["pos_embedding"] < 1e-5);
        Assert.True(errors["encoder.0.self_attention/qkv"] > 1e-2, $"qkv error {errors["encoder.0.self_attention/qkv"]:E2}");
    }
}
