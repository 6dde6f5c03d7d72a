using System.Text.Json;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// `--layernorm stored` on analyze, estimate, explore, generate and simulate: the what-if of a ViT trained with stored
/// LayerNorm statistics, whose LayerNorms fold into the linear layers after them.
/// </summary>
public class LayerNormCliTests
{
    private static string TinyVit => Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Networks", "tiny_vit.yaml");

    [Fact]
    public void AnalyzeShowsWhichLayerNormFoldsIntoWhichLinearLayer()
    {
        var r = CliRunner.Run("analyze", "vit_b16", "--layernorm", "stored", "--format", "json");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var layers = doc.RootElement.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.Equal(["encoder.0.self_attention"], layers["encoder.0.ln_1"].GetProperty("folded_into").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["encoder.11.mlp_fc1"], layers["encoder.11.ln_2"].GetProperty("folded_into").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["head"], layers["encoder_ln"].GetProperty("folded_into").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, layers["head"].GetProperty("folded_into").ValueKind);
        Assert.Equal(86_567_656L, doc.RootElement.GetProperty("totals").GetProperty("param_count").GetInt64());

        var table = CliRunner.Run("analyze", "vit_b16", "--layernorm", "stored");
        Assert.Contains("stored stats, folded into encoder.3.mlp_fc1", table.Out);
        Assert.Contains("stored stats, folded into head (through cls)", table.Out);
        Assert.Contains("note: 25 LayerNorm(s) with stored statistics fold into the linear layers after them", table.Out);
        Assert.DoesNotContain("folded into", CliRunner.Run("analyze", "vit_b16").Out);
    }

    [Fact]
    public void AnalyzeSaysWhyALayerNormCannotFold()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-lncli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, "ln_add.yaml");
            File.WriteAllText(file, "input: [4, 8]\nlayernorm: {stats: stored}\nlayers:\n  - {kind: layernorm, name: ln}\n  - {kind: add, from: [ln, input]}\n");
            var r = CliRunner.Run("analyze", file);
            Assert.Equal(0, r.Code);
            Assert.Contains("note: LayerNorm 'ln' has stored statistics but cannot fold: 'add1' (add) reads it and is not a linear or attention layer", r.Out);
            var e = CliRunner.Run("estimate", file, "--device", "u280", "--kernel", "gemm", "--set", "Tm=8,Tn=8,Tk=8,vu=8");
            Assert.Equal(2, e.Code);
            Assert.Contains("ln_add.yaml:4:5: layer 'ln' (layernorm, stats: stored): cannot fold", e.Err);
            Assert.DoesNotContain("   at ", e.Err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void EstimateCountsNoLayerNormTime()
    {
        string[] args = ["estimate", "vit_b16", "--device", "u280", "--kernel", "gemm", "--set", "Tm=256,Tn=32,Tk=32,vu=32", "--format", "json"];
        using var runtime = JsonDocument.Parse(CliRunner.Run(args).Out);
        using var stored = JsonDocument.Parse(CliRunner.Run([.. args, "--layernorm", "stored"]).Out);
        static IEnumerable<JsonElement> Norms(JsonDocument d) => d.RootElement.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "layernorm");
        Assert.All(Norms(stored), l => Assert.Equal("folded", l.GetProperty("bound").GetString()));
        Assert.All(Norms(stored), l => Assert.Equal(0, l.GetProperty("cycles").GetDouble()));
        var saved = Norms(runtime).Sum(l => l.GetProperty("cycles").GetDouble());
        Assert.True(saved > 0);
        double Cycles(JsonDocument d) => d.RootElement.GetProperty("totals").GetProperty("cycles").GetDouble();
        Assert.True(Cycles(stored) < Cycles(runtime) - 0.9 * saved, $"{Cycles(stored)} vs {Cycles(runtime)} - {saved}");
    }

    [Fact]
    public void ExploreLeavesOutTheFusedLayerNormKindWhenEveryLayerNormFolds()
    {
        var r = CliRunner.Run("explore", TinyVit, "--device", "u280", "--layernorm", "stored", "--format", "json", "--top", "200");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var kinds = doc.RootElement.GetProperty("designs").EnumerateArray().Select(d => d.GetProperty("kernel").GetString()).ToHashSet();
        Assert.Contains("gemm", kinds);
        Assert.DoesNotContain("ln_linear", kinds);
        Assert.Contains("ln_linear", JsonDocument.Parse(CliRunner.Run("explore", TinyVit, "--device", "u280", "--format", "json", "--top", "200").Out)
            .RootElement.GetProperty("designs").EnumerateArray().Select(d => d.GetProperty("kernel").GetString()));
    }

    [Fact]
    public void GenerateWritesTheFoldIntoTheWeightsLayout()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-lngen-{Guid.NewGuid():N}");
        try
        {
            var r = CliRunner.Run("generate", TinyVit, "--device", "u280", "--layernorm", "stored", "--out", dir);
            Assert.True(r.Code == 0, r.Err);
            using var weights = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "weights.json")));
            Assert.Equal("fpgagen-weights-2", weights.RootElement.GetProperty("format").GetString());
            var steps = weights.RootElement.GetProperty("steps").EnumerateArray().ToList();
            Assert.DoesNotContain(steps, s => s.GetProperty("map_op").ValueKind == JsonValueKind.String && s.GetProperty("map_op").GetString() == "layernorm");
            var head = steps.Single(s => s.GetProperty("name").GetString() == "head");
            Assert.Equal("encoder_ln", head.GetProperty("weight").GetProperty("fold_stored_layer_norm").GetString());
            Assert.Equal("encoder_ln", head.GetProperty("bias").GetProperty("fold_stored_layer_norm").GetString());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SimulateChecksTheFoldedKernelsAgainstLayerNormThenLinear()
    {
        var r = CliRunner.Run("simulate", TinyVit, "--device", "u280", "--layernorm", "stored", "--format", "json");
        Assert.True(r.Code == 0, r.Out + r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var steps = doc.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.All(steps, s => Assert.True(s.GetProperty("pass").GetBoolean()));
        Assert.DoesNotContain(steps, s => s.GetProperty("step").GetString()!.EndsWith("ln_1", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.GetProperty("step").GetString() == "encoder.1.mlp_fc1"
            && s.GetProperty("layers").EnumerateArray().Any(l => l.GetString() == "encoder.1.ln_2"));
    }

    [Theory]
    [InlineData("analyze", "")]
    [InlineData("estimate", "--device u280 --kernel gemm --set Tm=8,Tn=8,Tk=8,vu=8")]
    [InlineData("explore", "--device u280")]
    [InlineData("generate", "--device u280 --out /tmp/fpgagen-never-written")]
    [InlineData("simulate", "--device u280")]
    public void EveryModelCommandTakesTheOption(string command, string rest)
    {
        var help = CliRunner.Run(command, "--help");
        Assert.Contains("--layernorm", help.Out);
        Assert.Contains("stored", help.Out);
        var bad = CliRunner.Run([command, "vit_b16", .. rest.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--layernorm", "saved"]);
        Assert.Equal(2, bad.Code);
        Assert.Contains("--layernorm: 'saved' is not accepted (expected one of: model, runtime, stored)", bad.Err);
    }
}
