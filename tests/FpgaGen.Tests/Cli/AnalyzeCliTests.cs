using System.Text.Json;

namespace FpgaGen.Tests.Cli;

public class AnalyzeCliTests
{
    [Fact]
    public void JsonHasIntegerTotals()
    {
        var r = CliRunner.Run("analyze", "resnet50", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal("ResNet-50", root.GetProperty("model").GetString());
        Assert.Equal(25_557_032L, root.GetProperty("totals").GetProperty("param_count").GetInt64());
        Assert.Equal(4_089_184_256L, root.GetProperty("totals").GetProperty("macs").GetInt64());
        Assert.Equal(25_557_032L * 4, root.GetProperty("totals").GetProperty("weight_bytes").GetInt64());
        var first = root.GetProperty("layers")[0];
        Assert.Equal("conv1", first.GetProperty("name").GetString());
        Assert.Equal("conv", first.GetProperty("kind").GetString());
        Assert.Equal([64, 112, 112], first.GetProperty("output").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(118_013_952L, first.GetProperty("macs").GetInt64());
        Assert.Equal(9408L, first.GetProperty("param_count").GetInt64());
    }

    [Fact]
    public void TableShowsLayersAndReference()
    {
        var r = CliRunner.Run("analyze", "designs/vit_b16.yaml".Replace("designs/", DataPaths.Designs + "/"), "--batch", "2", "--precision", "int8");
        Assert.Equal(0, r.Code);
        Assert.Contains("encoder.11.self_attention", r.Out);
        Assert.Contains("12 heads", r.Out);
        Assert.Contains("MACs 35,127,656,448", r.Out);
        Assert.Contains("params 86,567,656 (match)", r.Out);
    }

    [Fact]
    public void CsvHasOneRowPerLayer()
    {
        var r = CliRunner.Run("analyze", "alexnet", "--format", "csv");
        var lines = r.Out.TrimEnd().Split('\n');
        Assert.Equal("name,kind,details,output,macs,param_count,weight_bytes,activation_bytes,precision", lines[0]);
        Assert.Equal(21, lines.Length);
        Assert.StartsWith("conv1,conv,11x11/4 p2,64x55x55,70276800,23296,93184,", lines[1]);
    }

    [Theory]
    [InlineData(new[] { "analyze", "nosuchnet" }, "error: nosuchnet: file not found (bundled designs: alexnet,")]
    [InlineData(new[] { "analyze", "alexnet", "--batch", "0" }, "error: --batch: expected 1 to 65,536, got 0")]
    [InlineData(new[] { "analyze", "alexnet", "--batch", "1000000000000" }, "")]
    [InlineData(new[] { "analyze", "alexnet", "--precision", "fp64" }, "--precision: 'fp64' is not accepted (expected one of: fp32, fp16, int16, int8)")]
    [InlineData(new[] { "analyze", "alexnet", "--format", "xml" }, "")]
    [InlineData(new[] { "analyze", "alexnet", "--bogus" }, "--bogus")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    public void BadInputExitsWithTwoAndNoStackTrace(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err + r.Out);
        Assert.DoesNotContain("   at ", r.Err + r.Out);
    }

    [Fact]
    public void BadDesignFileGivesOneLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "input: [3, 8, 8]\nlayers:\n  - {kind: conv, out: 8, kernel: 3, groups: 5}\n");
        try
        {
            var r = CliRunner.Run("analyze", file);
            Assert.Equal(2, r.Code);
            Assert.Equal($"error: {file}:3:5: layer 'conv1' (conv): input channels 3 are not divisible by groups 5", r.Err.Trim());
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void DevicesListsTheCatalog()
    {
        var r = CliRunner.Run("devices", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var a10 = doc.RootElement.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "a10_385a");
        Assert.Equal(1518, a10.GetProperty("dsp").GetInt32());
        Assert.Equal("intel", a10.GetProperty("vendor").GetString());
        Assert.Equal("10AX115N2F40E2LG", a10.GetProperty("part").GetString());
        var table = CliRunner.Run("devices");
        Assert.Contains("a10_385a", table.Out);
        Assert.Contains("2,713 M20K", table.Out);
    }

    [Fact]
    public void HelpIsEverywhere()
    {
        foreach (var cmd in new[] { "analyze", "devices" })
        {
            var r = CliRunner.Run(cmd, "--help");
            Assert.Equal(0, r.Code);
            Assert.Contains("--format", r.Out);
        }
    }
}
