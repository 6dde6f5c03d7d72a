using System.Text.Json;
using System.Text.Json.Nodes;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// `fpgagen simulate --schedule` end to end on PoCL: the generated code's own cycles per step beside the estimate.
/// The rewritten engines (double-buffered tiles, corner turns) must pass, attention's P.V included.
/// </summary>
public class ScheduleCliTests
{
    [Fact]
    public void TinyCnnScheduleIsTheSumOfItsStepsAndEveryLoopReachesIiOne()
    {
        var r = CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--schedule", "--format", "json");
        Assert.True(r.Code == 0, r.Out + r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var s = doc.RootElement.GetProperty("schedule");
        var steps = s.GetProperty("steps").EnumerateArray().ToList();
        Assert.True(steps.Count >= 6);
        Assert.Equal(s.GetProperty("cycles").GetDouble(), steps.Sum(x => x.GetProperty("cycles").GetDouble()), 3);
        Assert.Equal(s.GetProperty("estimated_cycles").GetDouble(), steps.Sum(x => x.GetProperty("estimated_cycles").GetDouble()), 3);
        Assert.True(s.GetProperty("estimated_cycles").GetDouble() > 0);
        var loops = steps.SelectMany(x => x.GetProperty("loops").EnumerateArray()).ToList();
        Assert.All(loops, l => Assert.True(l.GetProperty("trips").GetInt64() > 0 && l.GetProperty("ii").GetDouble() >= 1));
        // Every step's cycles are at least its loops' cycles in sequence for its slowest kernel, never less than a trip each.
        foreach (var step in steps)
            Assert.True(step.GetProperty("cycles").GetDouble() >= step.GetProperty("loops").EnumerateArray()
                .GroupBy(l => l.GetProperty("kernel").GetString()).Select(g => g.Sum(l => (double)l.GetProperty("trips").GetInt64())).DefaultIfEmpty(0).Max() - 1e-6);
        // The explorer's best (a conv_systolic array) and the vector unit reach II=1 and their estimate.
        Assert.Empty(s.GetProperty("problems").EnumerateArray());
        Assert.All(loops, l => Assert.Equal(1.0, l.GetProperty("ii").GetDouble()));
        Assert.All(steps, x => Assert.InRange(x.GetProperty("cycles").GetDouble() / x.GetProperty("estimated_cycles").GetDouble(), 0.85, 1.15));

        var table = CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--schedule");
        Assert.Equal(0, table.Code);
        Assert.Contains("PASS: generated code", table.Out);
        Assert.Contains("pipelined loops", table.Out);
    }

    [Theory]
    // qdq_int8 is int16 with one int8 layer (conv2): on the U250 the gemm engine pairs its columns on one multiplier,
    // conv2 takes one iteration a row and the int16 layers two, in the code as in the estimate.
    [InlineData("qdq_int8", "u250", "gemm", null, 2)]
    // An int8 ViT: every step makes two products a multiplier, attention's products included.
    [InlineData("tiny_vit", "u280", "ln_linear", "int8", 1)]
    [InlineData("tiny_cnn", "u250", "conv_tiled", "int8", 1)]
    public void PairedColumnsReachTheirEstimate(string model, string device, string kind, string? precision, int pairs)
    {
        using var dir = new TempDir();
        var path = model switch
        {
            "tiny_vit" => Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Networks", "tiny_vit.yaml"),
            "tiny_cnn" => model,
            _ => FpgaGen.Tests.Onnx.OnnxFixtures.PathOf(model),
        };
        string[] type = precision is null ? [] : ["--precision", precision];
        Assert.Equal(0, CliRunner.Run(["explore", path, "--device", device, "--kernel", kind, "--out", dir.Path, .. type]).Code);
        var designs = Path.Combine(dir.Path, "designs.json");
        // The explorer's best pairs its columns as expected (its plan, from estimate).
        var best = JsonDocument.Parse(File.ReadAllText(designs)).RootElement.GetProperty("designs")[0];
        var set = string.Join(",", best.GetProperty("params").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt32()}"));
        var estimate = CliRunner.Run(["estimate", path, "--device", device, "--kernel", kind, "--set", set, "--format", "json", .. type]);
        Assert.True(estimate.Code == 0, estimate.Err);
        Assert.Equal(pairs, JsonDocument.Parse(estimate.Out).RootElement.GetProperty("plan").GetProperty("defines").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "PAIRS").GetProperty("value").GetInt32());
        var r = CliRunner.Run("simulate", path, "--device", device, "--design", designs, "--rank", "1", "--schedule", "--format", "json");
        Assert.True(r.Code == 0, r.Out + r.Err);
        var s = JsonDocument.Parse(r.Out).RootElement.GetProperty("schedule");
        Assert.Empty(s.GetProperty("problems").EnumerateArray());
        foreach (var step in s.GetProperty("steps").EnumerateArray())
        {
            Assert.InRange(step.GetProperty("cycles").GetDouble() / step.GetProperty("estimated_cycles").GetDouble(), 0.85, 1.15);
            Assert.All(step.GetProperty("loops").EnumerateArray(), l => Assert.Equal(1.0, l.GetProperty("ii").GetDouble()));
        }
    }

    [Theory]
    [InlineData("gemm")]
    [InlineData("conv_tiled")]
    [InlineData("conv_systolic")]
    public void AttentionReadsVsColumnsAtIiOneOnEveryKind(string kind)
    {
        // P.V's right operand V is stored token-major, so a weight vector of V's columns was one load per lane (II =
        // lanes). The readers now turn V's rows through a register window: every MAC loop of attention at II=1
        // (conv_systolic's best here has simd = 32 fp32 lanes, a channel word of two beats: one an iteration).
        using var dir = new TempDir();
        var tinyVit = Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Networks", "tiny_vit.yaml");
        Assert.Equal(0, CliRunner.Run("explore", tinyVit, "--device", "u280", "--kernel", kind, "--out", dir.Path).Code);
        var r = CliRunner.Run("simulate", tinyVit, "--device", "u280", "--design", Path.Combine(dir.Path, "designs.json"), "--rank", "1",
            "--schedule", "--format", "json");
        var s = JsonDocument.Parse(r.Out).RootElement.GetProperty("schedule");
        var attention = s.GetProperty("steps").EnumerateArray().Where(x => x.GetProperty("name").GetString()!.EndsWith("self_attention", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(attention);
        foreach (var step in attention)
        {
            var loops = step.GetProperty("loops").EnumerateArray().Where(l => l.GetProperty("name").GetString()!.StartsWith(kind + "/", StringComparison.Ordinal)).ToList();
            Assert.Contains(loops, l => l.GetProperty("name").GetString()!.StartsWith(kind + "/body/read", StringComparison.Ordinal));
            Assert.All(loops, l => Assert.True(l.GetProperty("ii").GetDouble() == 1.0, $"{step.GetProperty("name")}: {l.GetProperty("name")} II {l.GetProperty("ii")}"));
            Assert.InRange(step.GetProperty("cycles").GetDouble() / step.GetProperty("estimated_cycles").GetDouble(), 0.85, 1.15);
        }
        Assert.DoesNotContain(s.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!), p => p.StartsWith($"loop {kind}/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fp32", 36)]
    [InlineData("int8", 17)]
    public void AMapRunStartingAfterTheClassTokenStoresBeatsAtIiOne(string precision, long writeTrips)
    {
        // The class token's copy writes the patch tokens one token (32 elements) into the output: not whole beats (a
        // run that starts inside an int8 beat), so the writer used to store one element a lane (II 43 at vu=64). Now
        // it stores the beats each vector covers, with byte enables: fp32 (16 a beat) the token's 4 beats and 8 vectors
        // of 4 beats; int8 (64 a beat) 1 and 8 vectors straddling 2 beats each, which the model counts too.
        using var dir = new TempDir();
        var tinyVit = Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Networks", "tiny_vit.yaml");
        var design = dir.File("gemm.json", $$"""{"kernel": "gemm", "params": {"Tm": 32, "Tn": 16, "Tk": 16, "vu": 64}, "precision": "{{precision}}"}""");
        var r = CliRunner.Run("simulate", tinyVit, "--device", "u280", "--design", design, "--schedule", "--format", "json");
        var step = JsonDocument.Parse(r.Out).RootElement.GetProperty("schedule").GetProperty("steps").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == "class_token");
        var write = step.GetProperty("loops").EnumerateArray().Single(l => l.GetProperty("kernel").GetString() == "vu_map_write");
        Assert.Equal(1.0, write.GetProperty("ii").GetDouble());
        Assert.Equal(writeTrips, write.GetProperty("trips").GetInt64());
        Assert.InRange(step.GetProperty("cycles").GetDouble() / step.GetProperty("estimated_cycles").GetDouble(), 0.85, 1.15);
        Assert.Equal(0, CliRunner.Run("simulate", tinyVit, "--device", "u280", "--design", design).Code);
    }

    [Fact]
    public void LinearLayersAtBatchOneTakeABeatOfWeightsACycle()
    {
        // At batch 1 each weight of a linear layer is used once. conv_tiled's weights are stored per Tm x Tn tile, so a
        // tile's 16 x 8 int8 weights are two whole beats, one burst with the rest of the layer's: the reader runs one
        // iteration a beat (fc1: 13 x 128 tiles of 2 beats, and the last tile's stream), the input's beats are read once
        // per output-channel tile, and the code's cycles are the estimate's. The outputs match the reference too.
        using var dir = new TempDir();
        var tinyFc = Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Networks", "tiny_fc.yaml");
        var design = dir.File("fc.json", """{"kernel": "conv_tiled", "params": {"Tm": 16, "Tn": 8, "Tr": 7, "Tc": 7, "vu": 8}, "precision": "int8"}""");
        var r = CliRunner.Run("simulate", tinyFc, "--device", "u250", "--design", design, "--schedule", "--format", "json");
        Assert.True(r.Code == 0, r.Out + r.Err);
        var steps = JsonDocument.Parse(r.Out).RootElement.GetProperty("schedule").GetProperty("steps").EnumerateArray().ToList();
        foreach (var step in steps)
            Assert.InRange(step.GetProperty("cycles").GetDouble() / step.GetProperty("estimated_cycles").GetDouble(), 0.99, 1.01);
        var fc1 = steps.Single(s => s.GetProperty("name").GetString() == "fc1");
        var read = fc1.GetProperty("loops").EnumerateArray().Single(l => l.GetProperty("kernel").GetString() == "conv_tiled_read");
        Assert.Equal((1.0, 13 * 128 * 2 + 1L), (read.GetProperty("ii").GetDouble(), read.GetProperty("trips").GetInt64()));
        var ports = fc1.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("port").GetString()!, p => (p.GetProperty("bytes").GetDouble(), p.GetProperty("bursts").GetInt64()));
        Assert.Equal((13 * 16 * 1024.0, 1L), ports["gmem1"]);
        Assert.Equal((13 * 1024.0, 13L), ports["gmem0"]);
        Assert.Equal(0, CliRunner.Run("simulate", tinyFc, "--device", "u250", "--design", design).Code);
    }

    [Fact]
    public void TheRewrittenGemmEngineReachesItsEstimateAtIiOneOnConvolutions() =>
        // On-chip im2col through the corner turn, double-buffered row blocks, two weight tiles, corner-turn stores;
        // small tiles, so every step has several row blocks and weight tiles.
        ConvolutionsReachTheirEstimateAtIiOne("gemm", "int8", new JsonObject { ["Tm"] = 32, ["Tn"] = 8, ["Tk"] = 16, ["vu"] = 8 });

    [Fact]
    public void TheRewrittenTiledEngineReachesItsEstimateAtIiOne() =>
        // Small tiles, so every step has several output tiles and channel tiles (the one loop over a step's tiles).
        ConvolutionsReachTheirEstimateAtIiOne("conv_tiled", "fp32", new JsonObject { ["Tm"] = 8, ["Tn"] = 3, ["Tr"] = 7, ["Tc"] = 7, ["vu"] = 8 });

    [Fact]
    public void AStepTooLargeForOneRunIsSlicedWithoutChangingItsLoopsTrips()
    {
        // 64 -> 64 channels over 112 x 112: the reader-to-engine FIFO of the whole step is ~230 MB, so the portable run
        // slices it. Sliced by output rows in whole blocks, every block is loaded once as on the board; sliced by output
        // channels, each slice would load every block again (the reader's trips 2x the engine's here).
        using var dir = new TempDir();
        var net = Path.Combine(dir.Path, "one_conv.yaml");
        File.WriteAllText(net, "name: OneConv\nsource: test\ninput: [64, 112, 112]\nlayers:\n  - {kind: conv, name: conv, out: 64, kernel: 3, pad: 1}\n");
        var out_ = Path.Combine(dir.Path, "explore");
        Assert.Equal(0, CliRunner.Run("explore", net, "--device", "a10_385a", "--kernel", "gemm", "--out", out_).Code);
        var file = Path.Combine(out_, "designs.json");
        var doc = JsonNode.Parse(File.ReadAllText(file))!;
        doc["designs"]![0]!["params"] = new JsonObject { ["Tm"] = 16, ["Tn"] = 8, ["Tk"] = 32, ["vu"] = 8 };
        File.WriteAllText(file, doc.ToJsonString());

        var r = CliRunner.Run("simulate", net, "--device", "a10_385a", "--design", file, "--rank", "1", "--schedule", "--format", "json");
        Assert.True(r.Code is 0 or 1, r.Out + r.Err);
        var loops = JsonDocument.Parse(r.Out).RootElement.GetProperty("schedule").GetProperty("steps")[0].GetProperty("loops").EnumerateArray()
            .ToDictionary(l => l.GetProperty("name").GetString()!, l => l.GetProperty("trips").GetInt64());
        // Per block: max(load 1,216, stream 8 x 18 tiles x 16 = 2,304) reader iterations, 2,304 engine iterations.
        // The main loops: each stage's loop with the most trips (line numbers move with the templates).
        long Main(string body) => loops.Where(l => l.Key.StartsWith(body + ":", StringComparison.Ordinal)).Max(l => l.Value);
        var (reader, engine) = (Main("gemm/body/read"), Main("gemm/body/compute"));
        Assert.Equal(112L * 112 / 16 * 2304, engine);
        Assert.InRange(reader / (double)engine, 1.0, 1.01);
    }

    /// <summary>
    /// tiny_cnn on the A10 with the given kernel kind and parameters: every convolution step within 5% of its estimate
    /// with every loop at II=1, and the kernels still match the reference.
    /// </summary>
    private static void ConvolutionsReachTheirEstimateAtIiOne(string kernel, string precision, JsonObject parameters)
    {
        using var dir = new TempDir();
        var out_ = Path.Combine(dir.Path, "explore");
        Assert.Equal(0, CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", kernel, "--precision", precision, "--out", out_).Code);
        var file = Path.Combine(out_, "designs.json");
        var doc = JsonNode.Parse(File.ReadAllText(file))!;
        doc["designs"]![0]!["params"] = parameters;
        File.WriteAllText(file, doc.ToJsonString());

        var r = CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--design", file, "--rank", "1", "--schedule", "--format", "json");
        Assert.True(r.Code == 0, r.Out + r.Err);
        var steps = JsonDocument.Parse(r.Out).RootElement.GetProperty("schedule").GetProperty("steps").EnumerateArray().ToList();
        foreach (var step in steps.Where(x => x.GetProperty("name").GetString()!.StartsWith("conv", StringComparison.Ordinal)))
        {
            var (cycles, estimated) = (step.GetProperty("cycles").GetDouble(), step.GetProperty("estimated_cycles").GetDouble());
            Assert.InRange(cycles / estimated, 0.95, 1.05);
            Assert.All(step.GetProperty("loops").EnumerateArray(), l => Assert.Equal(1.0, l.GetProperty("ii").GetDouble()));
        }
        Assert.Equal(0, CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--design", file, "--rank", "1").Code);
    }
}
