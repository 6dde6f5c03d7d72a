using System.Buffers.Binary;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Weights;
using FpgaGen.Model;
using FpgaGen.Model.Designs;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// The weights of a linear layer after a LayerNorm with stored statistics, as packed: W' = W·diag(γ/√(σ²+ε)) and
/// b' = b + W·(β − γ·μ/√(σ²+ε)), and W'x + b' equals the reference's LayerNorm-then-linear.
/// </summary>
public class StoredLayerNormPackingTests
{
    private static readonly Network Net = DesignLoader.Parse("""
        input: [5, 6]
        layers:
          - {kind: layernorm, name: ln, stats: stored}
          - {kind: linear, name: fc, out: 4}
        """);

    private static float[] Floats(byte[] blob, WeightSection s) =>
        Enumerable.Range(0, (int)s.Count).Select(i => BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan((int)s.Offset + 4 * i))).ToArray();

    [Fact]
    public void WeightsAndBiasAreTransformedByTheStatistics()
    {
        var lowered = Lowerer.Lower(Net, default, Precision.Fp32, 1);
        var w = RandomWeights.For(Net, seed: 3);
        var blob = WeightPacker.Pack(lowered.Weights, w);
        var fc = Assert.Single(lowered.MacSteps);
        var (weight, bias) = (Floats(blob, fc.Weight!), Floats(blob, fc.Bias!));
        for (var o = 0; o < 4; o++)
        {
            double b = w["fc.bias"][o];
            for (var k = 0; k < 6; k++)
            {
                var s = w["ln.weight"][k] / Math.Sqrt(w["ln.running_var"][k] + 1e-6);
                Assert.Equal((float)(w["fc.weight"][o * 6 + k] * s), weight[o * 6 + k]);
                b += w["fc.weight"][o * 6 + k] * (w["ln.bias"][k] - s * w["ln.running_mean"][k]);
            }
            Assert.Equal((float)b, bias[o], 6);
        }
    }

    [Fact]
    public void TheFoldedLayerEqualsLayerNormThenLinear()
    {
        var lowered = Lowerer.Lower(Net, default, Precision.Fp32, 2);
        var w = RandomWeights.For(Net, seed: 8);
        var x = CodegenSupport.Input(Net, 2);
        var expected = NetworkReference.Run(Net, w, x, 2)["fc"];
        var blob = WeightPacker.Pack(lowered.Weights, w);
        var fc = lowered.MacSteps[0];
        var (weight, bias) = (Floats(blob, fc.Weight!), Floats(blob, fc.Bias!));
        for (var r = 0; r < 10; r++)
            for (var o = 0; o < 4; o++)
            {
                double y = bias[o];
                for (var k = 0; k < 6; k++) y += (double)weight[o * 6 + k] * x[r * 6 + k];
                Assert.True(Math.Abs(y - expected[r * 4 + o]) < 1e-5, $"row {r}, output {o}: folded {y}, reference {expected[r * 4 + o]}");
            }
        // Not vacuous: the statistics matter (with μ = 0, σ² = 1 − ε the fold would be plain γ, β).
        var moved = w.ToDictionary(kv => kv.Key, kv => kv.Value);
        moved["ln.running_mean"] = moved["ln.running_mean"].Select(v => v + 0.5f).ToArray();
        Assert.NotEqual(blob, WeightPacker.Pack(lowered.Weights, moved));
    }

    [Fact]
    public void StoredStatisticsAreModelTensors()
    {
        var names = ModelParameters.Of(Net).Select(p => p.Name).ToList();
        Assert.Equal(["ln.weight", "ln.bias", "ln.running_mean", "ln.running_var", "fc.weight", "fc.bias"], names);
        var w = RandomWeights.For(Net).ToDictionary(kv => kv.Key, kv => kv.Value);
        w.Remove("ln.running_var");
        Assert.Contains("missing tensor 'ln.running_var'", Assert.Throws<InputException>(() => ModelParameters.Check(Net, w)).Message);
    }

    [Fact]
    public void ANegativeVarianceIsNamed()
    {
        var lowered = Lowerer.Lower(Net, default, Precision.Fp32, 1);
        var w = RandomWeights.For(Net).ToDictionary(kv => kv.Key, kv => kv.Value);
        w["ln.running_var"] = [1, 1, -2, 1, 1, 1];
        var e = Assert.Throws<InputException>(() => WeightPacker.Pack(lowered.Weights, w));
        Assert.Contains("'ln.running_var'[2] is -2", e.Message);
    }

    [Fact]
    public void TheLayoutSaysWhichLayerNormFoldsWhere()
    {
        var json = WeightsJson.Serialize(Lowerer.Lower(Net, default, Precision.Int8, 1).Weights);
        Assert.Contains("\"format\": \"fpgagen-weights-2\"", json);
        Assert.Contains("\"fold_stored_layer_norm\": \"ln\"", json);
        // Layouts without the fold keep format 1's text (no new null fields).
        var plain = WeightsJson.Serialize(CodegenSupport.Design("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp32").Lowered.Weights);
        Assert.Contains("\"format\": \"fpgagen-weights-1\"", plain);
        Assert.DoesNotContain("fold_stored_layer_norm", plain);
    }
}
