using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// The weights blob: the project's tools/pack_weights.py (Python standard library only) writes the same bytes as
/// the C# packer from the same .npz and calibration ranges, for every kind of section (batch norm folded into a
/// convolution, LayerNorm folded into linear layers, learned tokens, biases, requantization parameters); and the
/// fixed-point arithmetic the kernels rely on.
/// </summary>
public class WeightPackerTests
{
    [Theory]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "int8")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "int8")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "fp16")]
    [InlineData("tiny_mix", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int16")]
    [InlineData("tiny_mix", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8", "fp32")]
    [InlineData("tiny_mix", "conv_tiled", "Tm=8,Tn=3,Tr=7,Tc=7,vu=8", "int16")]
    [InlineData("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8", true)]
    [InlineData("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp32", true)]
    public void PythonPackerWritesTheSameBytes(string network, string kernel, string parameters, string precision, bool storedLayerNorm = false)
    {
        var design = storedLayerNorm
            ? FpgaGen.Codegen.AcceleratorDesign.Create(CodegenSupport.Network(network).WithLayerNormStats(FpgaGen.Model.LayerNormStats.Stored), kernel,
                CodegenSupport.Params(parameters), PrecisionExtensions.Parse(precision), 1, CodegenSupport.DefaultDevice(PrecisionExtensions.Parse(precision)))
            : CodegenSupport.Design(network, kernel, parameters, precision);
        var net = design.Network;
        var weights = RandomWeights.For(net, seed: 7);
        var ranges = NetworkReference.Ranges(NetworkReference.Run(net, weights, CodegenSupport.Input(net, 1), 1));
        var expected = WeightPacker.Pack(design.Lowered.Weights, weights, ranges);
        var dir = CodegenSupport.TempDir("pack");
        try
        {
            File.WriteAllText(Path.Combine(dir, "weights.json"), WeightsJson.Serialize(design.Lowered.Weights));
            File.WriteAllText(Path.Combine(dir, "pack_weights.py"), design.Library.Raw("project/tools/pack_weights.py"));
            Npz.Write(Path.Combine(dir, "model.npz"), weights, ModelParameters.Of(net).ToDictionary(p => p.Name, p => p.Shape));
            File.WriteAllText(Path.Combine(dir, "ranges.json"), JsonSerializer.Serialize(ranges));
            List<string> args = ["pack_weights.py", "weights.json", "model.npz", "-o", "weights.bin"];
            if (precision.StartsWith("int", StringComparison.Ordinal)) args.AddRange(["--calibration", "ranges.json"]);
            var run = CodegenSupport.Run(CodegenSupport.Tool("python3"), args, dir);
            Assert.True(run.Code == 0, run.Output);
            var actual = File.ReadAllBytes(Path.Combine(dir, "weights.bin"));
            Assert.Equal(expected.Length, actual.Length);
            var first = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
            Assert.True(first < 0, $"weights.bin differs first at byte {first}, in {Section(design.Lowered.Weights, first)}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void FixedPointDesignsNeedCalibration()
    {
        var design = CodegenSupport.Design("tiny_cnn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8");
        var e = Assert.Throws<InputException>(() => WeightPacker.Pack(design.Lowered.Weights, RandomWeights.For(design.Network)));
        Assert.Contains("calibration", e.Message);
        var partial = new Dictionary<string, double> { ["input"] = 1 };
        e = Assert.Throws<InputException>(() => WeightPacker.Pack(design.Lowered.Weights, RandomWeights.For(design.Network), partial));
        Assert.Contains("no calibration range for tensor", e.Message);
    }

    [Fact]
    public void MissingOrMisshapenTensorsAreNamed()
    {
        var design = CodegenSupport.Design("tiny_cnn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp32");
        var weights = RandomWeights.For(design.Network).ToDictionary(kv => kv.Key, kv => kv.Value);
        weights.Remove("bn2.running_var");
        Assert.Contains("bn2.running_var", Assert.Throws<InputException>(() => WeightPacker.Pack(design.Lowered.Weights, weights)).Message);
        weights = RandomWeights.For(design.Network).ToDictionary(kv => kv.Key, kv => kv.Value);
        weights["fc.weight"] = new float[3];
        Assert.Contains("'fc.weight' has 3 values", Assert.Throws<InputException>(() => WeightPacker.Pack(design.Lowered.Weights, weights)).Message);
    }

    [Theory]
    [InlineData(1e-9)]
    [InlineData(3.7e-5)]
    [InlineData(0.0123)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(77.7)]
    [InlineData(40000.0)]
    public void MultiplierAndShiftApproximateTheScale(double r)
    {
        var (mult, shift) = WeightPacker.Multiplier(r);
        Assert.InRange(shift, 0, 62);
        Assert.True(mult < 1 << 15 || shift == 0);
        Assert.True(mult >= 1 << 14 || shift == 62 || r >= 1 << 14, $"mult {mult} wastes precision");
        var approx = mult * Math.Pow(2, -shift);
        Assert.True(Math.Abs(approx - r) <= r * Math.Pow(2, -14) + (shift == 62 ? Math.Pow(2, -62) : 0), $"{mult} * 2^-{shift} = {approx} for {r}");
    }

    [Fact]
    public void BatchNormIsFoldedIntoTheConvolution()
    {
        // conv2 of tiny_cnn has no bias and a batch norm: its blob weights are W * gamma / sqrt(var + eps) and its bias
        // (beta - mean * gamma / sqrt(var + eps)); fp32 stores them exactly as floats.
        var design = CodegenSupport.Design("tiny_cnn", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "fp32");
        var weights = RandomWeights.For(design.Network, seed: 2);
        var blob = WeightPacker.Pack(design.Lowered.Weights, weights);
        var step = design.Lowered.Weights.Steps.Single(s => s.Layers.Contains("bn2"));
        Assert.Equal(["conv2", "bn2", "relu2"], step.Layers);
        var (g, b, mean, var) = (weights["bn2.weight"], weights["bn2.bias"], weights["bn2.running_mean"], weights["bn2.running_var"]);
        var w = weights["conv2.weight"];
        var per = w.Length / g.Length;
        // Stored per 16 x 4 engine tile: per output-channel tile, channel tile and tap a block of the 16 lanes' 4 weights
        // (64 floats, four 16-float beats); conv2 has 16 input channels, so an output-channel tile holds 4 x 9 blocks.
        Assert.Equal(new SectionTile(16, 4, 64, 1), step.Weight!.Tile);
        for (var o = 0; o < g.Length; o++)
        {
            var f = g[o] / Math.Sqrt(var[o] + WeightsLayout.BatchNormEps);
            // Model element (o, ci = 6, tap 5): output tile o / 16, channel tile 1, its block 1 * 9 + 5, lane o % 16, channel 2.
            var at = o / 16 * (4 * 9 * 64) + (1 * 9 + 5) * 64 + o % 16 * 4 + 2;
            Assert.Equal((float)(w[o * per + 6 * 9 + 5] * f), BitConverter.ToSingle(blob, (int)step.Weight.Offset + 4 * at));
            Assert.Equal((float)((0 - mean[o]) * f + b[o]), BitConverter.ToSingle(blob, (int)step.Bias!.Offset + 4 * o));
        }
    }

    private static string Section(WeightsLayout layout, int offset) =>
        layout.Steps.SelectMany(s => new[] { ("weight", s.Weight), ("bias", s.Bias), ("ln_vectors", s.LnVectors), ("affine", s.Affine),
                ("a_param", s.AParam), ("s_param", s.SParam), ("ints", s.Ints), ("floats", s.Floats) }.Select(x => (Step: s.Name, x.Item1, x.Item2)))
            .Where(x => x.Item3 is { } sec && offset >= sec.Offset && offset < sec.Offset + sec.Bytes)
            .Select(x => $"step {x.Step}, {x.Item2}").FirstOrDefault() ?? "the header or padding";
}

/// <summary>Writes NumPy .npz archives (float32 .npy entries, format 1.0), as numpy.savez does.</summary>
internal static class Npz
{
    public static void Write(string path, IReadOnlyDictionary<string, float[]> tensors, IReadOnlyDictionary<string, int[]> shapes)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, values) in tensors)
        {
            var dims = shapes[name];
            var shape = dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims) + ")";
            var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
            var total = 10 + header.Length + 1;
            header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
            using var s = zip.CreateEntry(name + ".npy").Open();
            s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            s.Write(BitConverter.GetBytes((ushort)header.Length));
            s.Write(Encoding.ASCII.GetBytes(header));
            foreach (var v in values) s.Write(BitConverter.GetBytes(v));
        }
    }
}
