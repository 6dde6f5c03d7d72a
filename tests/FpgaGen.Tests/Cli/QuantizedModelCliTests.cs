using System.Text.Json;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;
using FpgaGen.Onnx;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// A quantized (QDQ) ONNX model through `simulate` and `generate` at fixed point: its own scales and zero points, the
/// refusals where the kernels cannot hold them, and weights.bin packed by generate (tools/pack_weights.py only
/// calibrates). The --layernorm choice recorded by explore and generate comes back with --design.
/// </summary>
public class QuantizedModelCliTests
{
    private static string Fixture(string file) => Path.Combine(DataPaths.Root, "tests", "fixtures", "onnx", file);

    private static string TinyVit => Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Networks", "tiny_vit.yaml");

    [Fact]
    public void SimulateRunsTheModelsOwnScalesBitExactly()
    {
        var r = CliRunner.Run("simulate", Fixture("qdq_int8.onnx"), "--device", "a10_385a", "--precision", "int16", "--format", "json");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("the kernels run one data type (int16): its quantized layers with the model's scales and zero points", r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var steps = doc.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(6, steps.Count);
        Assert.All(steps, s => Assert.Equal(0, s.GetProperty("lsb_error").GetInt64()));
        // int8 storage cannot hold uint8 values around zero point 123 zero-centred: one line, exit 2.
        var bad = CliRunner.Run("simulate", Fixture("qdq_int8.onnx"), "--device", "a10_385a", "--precision", "int8");
        Assert.Equal(2, bad.Code);
        Assert.Contains("[-123, 132], which int8 does not hold; use --precision int16", bad.Err);
    }

    /// <summary>
    /// explore → generate → simulate with no --precision: the layers whose zero-centred values need 9 bits (uint8
    /// zero points other than 128) are int16 in analyze, the explorer ranks int16 designs, and the project it
    /// picks generates and simulates bit exactly; only an explicit --precision int8 is refused.
    /// </summary>
    [Fact]
    public void TheDefaultFlowStoresNineBitValuesAsInt16()
    {
        var model = Fixture("qdq_int8.onnx");
        var analyze = CliRunner.Run("analyze", model, "--format", "json");
        Assert.True(analyze.Code == 0, analyze.Err);
        using (var doc = JsonDocument.Parse(analyze.Out))
        {
            var types = doc.RootElement.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!, l => l.GetProperty("precision").GetString());
            // conv1 reads the input at zero point 123 ([-123, 132]); conv2 reads [0, 127] and stores [0, 109] after its
            // ReLU (zero point 146); conv3 stores [0, 130] (zero point 125); fc stores [-112, 143] (zero point 112).
            Assert.Equal("int16", types["conv1"]);
            Assert.Equal("int8", types["conv2"]);
            Assert.Equal("int8", types["pool"]);
            Assert.Equal("int16", types["conv3"]);
            Assert.Equal("int16", types["fc"]);
        }
        Assert.Contains("conv1, conv3, relu3, avg, Flatten, fc store values q − zero point that need 9 bits", analyze.Err);

        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-qdqflow-{Guid.NewGuid():N}");
        try
        {
            var explore = CliRunner.Run("explore", model, "--device", "a10_385a", "--out", Path.Combine(dir, "explore"), "--top", "3");
            Assert.True(explore.Code == 0, explore.Err);
            Assert.Contains("int16+int8", explore.Out);
            Assert.True(File.Exists(Path.Combine(dir, "explore", "report.html")));
            using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "explore", "designs.json"))))
                Assert.All(doc.RootElement.GetProperty("designs").EnumerateArray(), d => Assert.Equal("int16", d.GetProperty("precision").GetString()));

            var generate = CliRunner.Run("generate", model, "--device", "a10_385a", "--design", Path.Combine(dir, "explore", "designs.json"), "--rank", "1",
                "--out", Path.Combine(dir, "project"));
            Assert.True(generate.Code == 0, generate.Err);
            Assert.Contains("packed with qdq_int8's own scales and zero points", generate.Out);

            var simulate = CliRunner.Run("simulate", model, "--device", "a10_385a", "--design", Path.Combine(dir, "project", "design.json"), "--format", "json");
            Assert.True(simulate.Code == 0, simulate.Out + simulate.Err);
            using (var doc = JsonDocument.Parse(simulate.Out))
            {
                var steps = doc.RootElement.GetProperty("steps").EnumerateArray().ToList();
                Assert.Equal(6, steps.Count);
                Assert.All(steps, s => Assert.Equal(0, s.GetProperty("lsb_error").GetInt64()));
            }
            Assert.Contains("the kernels run one data type (int16)", simulate.Err);

            // --design best (the default) explores as explore does: the same int16 design, weights.bin packed.
            var best = CliRunner.Run("generate", model, "--device", "a10_385a", "--out", Path.Combine(dir, "best"));
            Assert.True(best.Code == 0, best.Err);
            Assert.Contains(", int16, batch 1,", best.Out);
            Assert.Contains("packed with qdq_int8's own scales and zero points", best.Out);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "project", "weights.bin")), File.ReadAllBytes(Path.Combine(dir, "best", "weights.bin")));
            var simulateBest = CliRunner.Run("simulate", model, "--device", "a10_385a");
            Assert.True(simulateBest.Code == 0, simulateBest.Out + simulateBest.Err);
            Assert.Contains("the kernels run one data type (int16)", simulateBest.Err);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The operator form's requantization between its layers (0.05 -> 0.04) is a step of its own, bit exact.</summary>
    [Fact]
    public void ARequantizationBetweenLayersSimulatesBitExactly()
    {
        var analyze = CliRunner.Run("analyze", Fixture("qlinear_ops.onnx"));
        Assert.True(analyze.Code == 0, analyze.Err);
        Assert.Matches(@"quant2\s+requantize\s+0\.05->0\.04", analyze.Out);
        Assert.Contains("1 of the QuantizeLinear nodes quantize a tensor the model already quantized at other parameters and became requantize layers", analyze.Err);
        var r = CliRunner.Run("simulate", Fixture("qlinear_ops.onnx"), "--device", "a10_385a", "--format", "json", "--precision", "int16");
        Assert.True(r.Code == 0, r.Out + r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var steps = doc.RootElement.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("step").GetString()!);
        Assert.Equal(["conv", "quant2", "fc"], steps.Keys);
        Assert.All(steps.Values, s => Assert.Equal(0, s.GetProperty("lsb_error").GetInt64()));
        // int8 cannot hold its uint8 tensors at zero point 0 ([0, 255] zero-centred).
        var narrow = CliRunner.Run("simulate", Fixture("qlinear_ops.onnx"), "--device", "a10_385a", "--precision", "int8");
        Assert.Equal(2, narrow.Code);
        Assert.Contains("which int8 does not hold; use --precision int16", narrow.Err);
    }

    [Fact]
    public void SimulateNamesTheMixedModelsFloatLayers()
    {
        var r = CliRunner.Run("simulate", Fixture("qdq_mixed.onnx"), "--device", "a10_385a", "--precision", "int16");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("its float layers (conv1, fc) with calibration ranges", r.Err);
        // A ranges file needs only the tensors the model leaves in float.
        var ranges = Path.Combine(Path.GetTempPath(), $"fpgagen-qdqranges-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(ranges, """{"input": 1.0, "fc": 4.0}""");
            var given = CliRunner.Run("simulate", Fixture("qdq_mixed.onnx"), "--device", "a10_385a", "--precision", "int16", "--ranges", ranges);
            Assert.True(given.Code == 0, given.Out + given.Err);
        }
        finally
        {
            File.Delete(ranges);
        }
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-qdqfp-{Guid.NewGuid():N}");
        try
        {
            var fp32 = CliRunner.Run("generate", Fixture("qdq_mixed.onnx"), "--device", "a10_385a", "--out", dir);
            Assert.True(fp32.Code == 0, fp32.Err);
            Assert.Contains("the kernels run one data type, so generate runs every layer at fp32", fp32.Err);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        Assert.Contains("PASS:", r.Out);
    }

    [Fact]
    public void GenerateWritesWeightsBinWithTheModelsScales()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-qdqgen-{Guid.NewGuid():N}");
        try
        {
            var r = CliRunner.Run("generate", Fixture("qdq_int8.onnx"), "--device", "a10_385a", "--precision", "int16", "--out", Path.Combine(dir, "int8"));
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains("packed with qdq_int8's own scales and zero points", r.Out);
            using var layout = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "int8", "weights.json")));
            Assert.Equal(WeightsLayout.ModelQuantizedFormatId, layout.RootElement.GetProperty("format").GetString());
            var blob = File.ReadAllBytes(Path.Combine(dir, "int8", "weights.bin"));
            Assert.Equal(layout.RootElement.GetProperty("total_bytes").GetInt64(), blob.Length);
            // The same bytes simulate packs: the model's integers and multipliers.
            var path = Fixture("qdq_int8.onnx");
            var import = OnnxImporter.Import(path);
            // The design generate chose (the explorer's best), as its design.json names it.
            using var chosen = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "int8", "design.json")));
            var best = chosen.RootElement.GetProperty("design");
            var design = FpgaGen.Codegen.AcceleratorDesign.Create(import.Network, best.GetProperty("kernel").GetString()!,
                best.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()),
                Precision.Int16, 1, FpgaGen.Hardware.DeviceCatalog.Default.Get("a10_385a"));
            Assert.Equal(WeightPacker.Pack(design.Lowered.Weights, FpgaGen.Simulation.ModelWeights.FromOnnx(import, path)!, null, null, ModelQuantization.Of(import.Network)), blob);

            // The mixed model's float layers need calibration ranges; with them, weights.bin.
            var mixed = CliRunner.Run("generate", Fixture("qdq_mixed.onnx"), "--device", "a10_385a", "--precision", "int16", "--out", Path.Combine(dir, "mixed"));
            Assert.Equal(2, mixed.Code);
            Assert.Contains("leaves tensors in float (input, fc); give their calibration ranges with --ranges", mixed.Err);
            var ranges = Path.Combine(dir, "ranges.json");
            File.WriteAllText(ranges, """{"input": 1.0, "fc": 4.0}""");
            var withRanges = CliRunner.Run("generate", Fixture("qdq_mixed.onnx"), "--device", "a10_385a", "--precision", "int16", "--ranges", ranges, "--out", Path.Combine(dir, "mixed"));
            Assert.True(withRanges.Code == 0, withRanges.Err);
            Assert.True(File.Exists(Path.Combine(dir, "mixed", "weights.bin")));

            var narrow = CliRunner.Run("generate", Fixture("qdq_int8.onnx"), "--device", "a10_385a", "--precision", "int8", "--out", Path.Combine(dir, "narrow"));
            Assert.Equal(2, narrow.Code);
            Assert.Contains("which int8 does not hold", narrow.Err);
            Assert.False(Directory.Exists(Path.Combine(dir, "narrow")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DesignFilesRecordTheLayerNormChoice()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-lnrec-{Guid.NewGuid():N}");
        try
        {
            var explore = CliRunner.Run("explore", TinyVit, "--device", "u280", "--layernorm", "stored", "--out", Path.Combine(dir, "explore"));
            Assert.True(explore.Code == 0, explore.Err);
            var designs = Path.Combine(dir, "explore", "designs.json");
            using (var doc = JsonDocument.Parse(File.ReadAllText(designs)))
                Assert.All(doc.RootElement.GetProperty("designs").EnumerateArray(), d => Assert.Equal("stored", d.GetProperty("layernorm").GetString()));

            // A sweep of the folder generates each project from the network explore built.
            Assert.Equal("stored", FpgaGen.Toolchains.Sweeps.ExploredDesigns.Read(Path.Combine(dir, "explore")).LayerNorm);

            // generate --design without --layernorm rebuilds the folded network and records the choice again.
            var gen = CliRunner.Run("generate", TinyVit, "--device", "u280", "--design", designs, "--rank", "1", "--out", Path.Combine(dir, "project"));
            Assert.True(gen.Code == 0, gen.Err);
            using (var layout = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "project", "weights.json"))))
                Assert.Equal("fpgagen-weights-2", layout.RootElement.GetProperty("format").GetString());
            var project = Path.Combine(dir, "project", "design.json");
            using (var doc = JsonDocument.Parse(File.ReadAllText(project)))
                Assert.Equal("stored", doc.RootElement.GetProperty("design").GetProperty("layernorm").GetString());

            var sim = CliRunner.Run("simulate", TinyVit, "--device", "u280", "--design", project, "--format", "json");
            Assert.True(sim.Code == 0, sim.Out + sim.Err);
            using (var doc = JsonDocument.Parse(sim.Out))
                Assert.DoesNotContain(doc.RootElement.GetProperty("steps").EnumerateArray(), s => s.GetProperty("step").GetString()!.EndsWith("ln_1", StringComparison.Ordinal));

            var contradiction = CliRunner.Run("simulate", TinyVit, "--device", "u280", "--design", project, "--layernorm", "runtime");
            Assert.Equal(2, contradiction.Code);
            Assert.Contains("--layernorm runtime contradicts the design file", contradiction.Err);

            // Without the option, designs say nothing (the model's own LayerNorms).
            var plain = CliRunner.Run("explore", TinyVit, "--device", "u280", "--format", "json", "--top", "3");
            using (var doc = JsonDocument.Parse(plain.Out))
                Assert.All(doc.RootElement.GetProperty("designs").EnumerateArray(), d => Assert.False(d.TryGetProperty("layernorm", out _)));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
