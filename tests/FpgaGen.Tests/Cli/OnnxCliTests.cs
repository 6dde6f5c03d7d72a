using System.Text.Json;

namespace FpgaGen.Tests.Cli;

/// <summary>Every command that takes a model accepts an ONNX file as well as a design YAML.</summary>
public class OnnxCliTests
{
    private static string Fixture(string name) => Path.Combine(DataPaths.Root, "tests", "fixtures", "onnx", name);

    [Theory]
    [InlineData("alexnet")]
    [InlineData("resnet50")]
    public void AnalyzeGivesTheSameTotalsAsTheYamlDesign(string net)
    {
        long Total(string model, string key)
        {
            var r = CliRunner.Run("analyze", model, "--format", "json");
            Assert.Equal(0, r.Code);
            using var doc = JsonDocument.Parse(r.Out);
            return doc.RootElement.GetProperty("totals").GetProperty(key).GetInt64();
        }
        Assert.Equal(Total(net, "macs"), Total(Fixture(net + ".onnx"), "macs"));
        Assert.Equal(Total(net, "param_count"), Total(Fixture(net + ".onnx"), "param_count"));
    }

    [Fact]
    public void ExploreAndEstimateAcceptOnnx()
    {
        var r = CliRunner.Run("explore", Fixture("vit_b16_opset17.onnx"), "--device", "u55c", "--precision", "int8", "--top", "3", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("designs").GetArrayLength());
        Assert.Contains("note: ", r.Err);
        var e = CliRunner.Run("estimate", Fixture("alexnet.onnx"), "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=64,Tn=8,Tr=13,Tc=13,vu=8");
        Assert.Equal(0, e.Code);
    }

    [Fact]
    public void CorruptOnnxIsOneLineAndExitTwo()
    {
        var file = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.onnx");
        var bytes = File.ReadAllBytes(Fixture("alexnet.onnx"));
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        try
        {
            var r = CliRunner.Run("analyze", file);
            Assert.Equal(2, r.Code);
            Assert.StartsWith("error: " + file, r.Err);
            Assert.Single(r.Err.Trim().Split('\n'));
        }
        finally { File.Delete(file); }
    }
}
