using FpgaGen.Codegen;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Model.Designs;
using FpgaGen.OpenCl;
using FpgaGen.Tests.Model;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Codegen;

public class SmokeScratch(ITestOutputHelper output)
{
    [Theory]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "fp32")]
    [InlineData("tiny_cnn", "conv_systolic", "rows=4,cols=7,simd=4,tile_h=2,vu=8", "fp32")]
    [InlineData("tiny_cnn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp32")]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "int8")]
    [InlineData("tiny_cnn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int16")]
    [InlineData("tiny_mix", "conv_tiled", "Tm=8,Tn=3,Tr=7,Tc=7,vu=8", "fp32")]
    [InlineData("tiny_mix", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8", "fp32")]
    [InlineData("tiny_mix", "gemm", "Tm=8,Tn=4,Tk=8,vu=8", "int8")]
    [InlineData("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp32")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "fp32")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "int8")]
    [InlineData("tiny_vit", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "fp32")]
    [InlineData("tiny_vit", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8", "int16")]
    public void Runs(string name, string kernel, string ps, string prec)
    {
        var net = name.StartsWith("tiny_cnn") ? ZooTests.Load(name) : DesignLoader.Load(Path.Combine(AppContext.BaseDirectory, "../../../Codegen/Networks", name + ".yaml"));
        var parameters = ps.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1]));
        const int batch = 2;
        var design = AcceleratorDesign.Create(net, kernel, parameters, PrecisionExtensions.Parse(prec), batch);
        var portable = design.Portable();
        File.WriteAllText($"/tmp/portable_{name}_{kernel}.cl", portable.Source);
        var weights = RandomWeights.For(net, 3);
        var rng = new Random(5);
        var input = Enumerable.Range(0, (int)net.Input.Elements * batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var reference = NetworkReference.Run(net, weights, input, batch);
        var blob = WeightPacker.Pack(portable.Weights, weights, NetworkReference.Ranges(reference));
        using var session = OpenClSession.Open();
        using var runner = new PortableRunner(session, portable);
        var lastWriter = portable.Steps.Select((s, i) => (s.Output, i)).GroupBy(x => x.Output).ToDictionary(g => g.Key, g => g.Max(x => x.i));
        var views = portable.TensorViews.ToDictionary(v => v.Name);
        var calib = portable.Network.Tensors.ToDictionary(t => t.Name, t => t.Calibration);
        var index = 0;
        var worst = 0.0;
        var y = runner.Run(blob, input, step =>
        {
            if (lastWriter[step.Output] == index++)
            {
                var view = views[step.Output];
                var got = portable.Decode(runner.ReadTensor(view), 1);
                var key = calib[step.Output];
                var expected = reference[key];
                var scale = prec.StartsWith("int") ? NetworkReference.Ranges(reference)[key] / (prec == "int8" ? 127 : 32767) : 1;
                var err = got.Zip(expected, (a, b) => Math.Abs(a * scale - b)).Max();
                var max = expected.Max(Math.Abs);
                worst = Math.Max(worst, err / (max + 1e-12));
                output.WriteLine($"{step.Name,-40} {step.Output,-30} err {err:E2} max {max:E2} rel {err / (max + 1e-12):E2}");
            }
        });
        output.WriteLine($"worst {worst}");
        Assert.True(worst < (prec == "int8" ? 0.1 : prec == "int16" ? 0.01 : 1e-4));
    }
}

public class HlsScratch
{
    [Theory]
    [InlineData("conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "int8")]
    [InlineData("conv_systolic", "rows=4,cols=7,simd=4,tile_h=2,vu=8", "fp32")]
    [InlineData("ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "int16")]
    public void Dump(string kernel, string ps, string prec)
    {
        var net = kernel == "ln_linear" ? DesignLoader.Load(Path.Combine(AppContext.BaseDirectory, "../../../Codegen/Networks/tiny_vit.yaml")) : ZooTests.Load("tiny_cnn");
        var parameters = ps.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1]));
        var design = AcceleratorDesign.Create(net, kernel, parameters, PrecisionExtensions.Parse(prec), 1);
        foreach (var (path, text) in design.HlsSources().Concat(FpgaGen.Codegen.Projects.Testbench.Files(design)))
        {
            var full = Path.Combine("/tmp/hls_" + kernel, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }
}
