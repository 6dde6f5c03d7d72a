using System.Text.Json;

namespace FpgaGen.Tests.Cli;

public class ExploreCliTests
{
    private static string TempDir() => Path.Combine(Path.GetTempPath(), $"fpgagen-{Guid.NewGuid():N}");

    [Fact]
    public void WritesRankedDesignsParetoAndPlot()
    {
        var dir = TempDir();
        try
        {
            var r = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--top", "5", "--out", dir);
            Assert.Equal(0, r.Code);
            Assert.Contains("images/s", r.Out);
            Assert.Contains("on the Pareto front", r.Out);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "designs.json")));
            var root = doc.RootElement;
            var designs = root.GetProperty("designs");
            Assert.Equal(root.GetProperty("feasible").GetInt64(), designs.GetArrayLength());
            Assert.True(root.GetProperty("evaluated").GetInt64() >= designs.GetArrayLength());
            var first = designs[0];
            foreach (var key in new[] { "rank", "kernel", "params", "precision", "freq_mhz", "images_per_s", "gops", "latency_ms", "dsp_efficiency", "resources", "utilization", "pareto" })
                Assert.True(first.TryGetProperty(key, out _), key);
            Assert.Equal(1, first.GetProperty("rank").GetInt32());
            Assert.True(first.GetProperty("utilization").GetProperty("dsp").GetDouble() <= 0.85);
            using var pareto = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "pareto.json")));
            Assert.All(pareto.RootElement.GetProperty("designs").EnumerateArray(), d => Assert.True(d.GetProperty("pareto").GetBoolean()));
            var csv = File.ReadAllLines(Path.Combine(dir, "designs.csv"));
            Assert.Equal(designs.GetArrayLength() + 1, csv.Length);
            var svg = File.ReadAllText(Path.Combine(dir, "pareto.svg"));
            Assert.StartsWith("<svg", svg);
            Assert.Contains("<circle", svg);

            // An existing folder is kept unless --force.
            var again = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--out", dir);
            Assert.Equal(2, again.Code);
            Assert.Contains("--force", again.Err);
            Assert.Equal(0, CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--out", dir, "--force", "--format", "json").Code);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void JsonOutputListsTopDesigns()
    {
        var r = CliRunner.Run("explore", "tiny_cnn", "--device", "zcu102", "--precision", "all", "--top", "3", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("designs").GetArrayLength());
        Assert.Equal(4, doc.RootElement.GetProperty("searches").EnumerateArray().Select(s => s.GetProperty("precision").GetString()).Distinct().Count());
    }

    [Fact]
    public void TableHasOneHeadedColumnPerRamKind()
    {
        // The U250 has BRAM18 and URAM: each gets its own column, and each row has one percentage under each.
        var r = CliRunner.Run("explore", "alexnet", "--device", "u250", "--top", "1");
        Assert.Equal(0, r.Code);
        var header = r.Out.Split('\n').First(l => l.Contains("images/s"));
        var ramHeaders = new[] { "BRAM18", "URAM", "logic" }.Select(h => header.IndexOf(h, StringComparison.Ordinal)).ToArray();
        Assert.All(ramHeaders, i => Assert.True(i > 0));
        Assert.True(ramHeaders[0] < ramHeaders[1] && ramHeaders[1] < ramHeaders[2]);
        var row = r.Out.Split('\n').First(l => l.TrimStart().StartsWith("1 ", StringComparison.Ordinal));
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(row, @"\d+%").Count); // DSP, binds, DSP eff., BRAM18, URAM, logic
    }

    [Fact]
    public void NothingFitsNamesTheBindingResource()
    {
        var r = CliRunner.Run("explore", "vgg16", "--device", "zcu102", "--max-util", "0.05");
        Assert.Equal(1, r.Code);
        Assert.Contains("no design fits zcu102", r.Err);
        Assert.Contains("does not fit:", r.Err);
        Assert.Contains("exceeds --max-util 5", r.Err);
    }

    [Theory]
    [InlineData(new[] { "explore", "alexnet", "--device", "nosuch" }, "unknown device 'nosuch'")]
    [InlineData(new[] { "explore", "alexnet", "--device", "a10_385a", "--max-util", "0" }, "--max-util: expected a fraction in (0, 1]")]
    [InlineData(new[] { "explore", "alexnet", "--device", "a10_385a", "--max-util", "1.5" }, "--max-util: expected a fraction in (0, 1]")]
    [InlineData(new[] { "explore", "alexnet", "--device", "a10_385a", "--precision", "fp16" }, "does not support fp16")]
    [InlineData(new[] { "explore", "alexnet", "--device", "a10_385a", "--kernel", "fft" }, "unknown kernel 'fft'")]
    [InlineData(new[] { "estimate", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=64,Tn=7" }, "missing Tr, Tc, vu")]
    [InlineData(new[] { "estimate", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=4,Tn=8,Tr=7,Tc=7,vu=8" }, "breaks the constraint 'Tm >= Tn'")]
    [InlineData(new[] { "estimate", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=x" }, "Tm must be a positive integer")]
    [InlineData(new[] { "estimate", "alexnet", "--device", "a10_385a", "--kernel", "gemm", "--set", "Tq=1" }, "'Tq=1' is not NAME=VALUE")]
    public void BadInputExitsWithTwo(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public void EstimateShowsEveryLayerAndAdvice()
    {
        var r = CliRunner.Run("estimate", "alexnet", "--device", "v7_vc707", "--kernel", "conv_tiled", "--set", "Tm=128,Tn=16,Tr=13,Tc=13,vu=8", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(20, root.GetProperty("layers").GetArrayLength());
        foreach (var key in new[] { "cycles", "latency_ms", "gops", "images_per_s" }) Assert.True(root.GetProperty("totals").TryGetProperty(key, out _), key);
        foreach (var key in new[] { "dsp", "bram", "logic", "ff" }) Assert.True(root.GetProperty("resources").TryGetProperty(key, out _), key);
        Assert.False(root.GetProperty("fits").GetBoolean());
        var advice = root.GetProperty("advice").GetString()!;
        Assert.Contains("does not fit: DSP", advice);
        Assert.Contains("nearest fitting design: Tm=", advice);
        var table = CliRunner.Run("estimate", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=64,Tn=8,Tr=13,Tc=13,vu=8");
        Assert.Contains("fc6", table.Out);
        Assert.Contains("compute", table.Out);
    }
}
