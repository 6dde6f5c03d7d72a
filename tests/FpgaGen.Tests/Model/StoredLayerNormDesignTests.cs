using FpgaGen.Model;
using FpgaGen.Model.Designs;

namespace FpgaGen.Tests.Model;

/// <summary>LayerNorm with stored statistics in the IR and the design format: <c>layernorm: {stats: …}</c> and per layer.</summary>
public class StoredLayerNormDesignTests
{
    private const string Design = """
        input: [4, 8]
        layernorm: {stats: stored}
        layers:
          - {kind: layernorm, name: a}
          - {kind: linear, name: fc1, out: 8}
          - {kind: layernorm, name: b, stats: runtime}
          - {kind: linear, name: fc2, out: 3}
        """;

    [Fact]
    public void TheDesignDefaultAppliesUnlessALayerNamesItsOwn()
    {
        var net = DesignLoader.Parse(Design);
        Assert.Equal(LayerNormStats.Stored, ((LayerNormLayer)net["a"]).Stats);
        Assert.Equal(LayerNormStats.Runtime, ((LayerNormLayer)net["b"]).Stats);
        Assert.Equal("stored stats", net["a"].Details);
        // Running statistics are buffers, not parameters (as PyTorch counts batch norm's).
        Assert.Equal(16, net["a"].Params);
    }

    [Fact]
    public void WithoutTheKeyLayerNormsComputeTheirStatistics()
    {
        var net = DesignLoader.Parse(Design.Replace("layernorm: {stats: stored}\n", ""));
        Assert.Equal(LayerNormStats.Runtime, ((LayerNormLayer)net["a"]).Stats);
    }

    [Theory]
    [InlineData("layernorm: {stats: moving}", "design.yaml:2:20: stats: expected runtime (mean and variance of each row at run time) or stored")]
    [InlineData("layernorm: {stat: stored}", "design.yaml:2:")]
    [InlineData("layernorm: stored", "design.yaml:2:")]
    public void BadSettingsNameTheLineAndTheValues(string line, string message)
    {
        var e = Assert.Throws<InputException>(() => DesignLoader.Parse(Design.Replace("layernorm: {stats: stored}", line)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ABadLayerSettingIsReportedAtTheLayer()
    {
        var e = Assert.Throws<InputException>(() => DesignLoader.Parse(Design.Replace("stats: runtime", "stats: saved")));
        Assert.Contains("design.yaml:6:", e.Message);
        Assert.Contains("got 'saved'", e.Message);
    }

    [Fact]
    public void NetworkWideStatisticsReplaceOnlyTheLayerNorms()
    {
        var vit = DesignLoader.Load(Path.Combine(DataPaths.Designs, "vit_b16.yaml"));
        var stored = vit.WithLayerNormStats(LayerNormStats.Stored);
        Assert.All(stored.Layers.OfType<LayerNormLayer>(), ln => Assert.Equal(LayerNormStats.Stored, ln.Stats));
        Assert.Equal(25, stored.Layers.OfType<LayerNormLayer>().Count());
        Assert.Equal(vit.Params, stored.Params);
        Assert.Equal(vit.Macs, stored.Macs);
        Assert.Equal(vit.Layers.Select(l => l.Name), stored.Layers.Select(l => l.Name));
        Assert.Same(vit, vit.WithLayerNormStats(LayerNormStats.Runtime));
        Assert.Same(stored, stored.WithLayerNormStats(LayerNormStats.Stored));
        Assert.All(stored.WithLayerNormStats(LayerNormStats.Runtime).Layers.OfType<LayerNormLayer>(), ln => Assert.Equal(LayerNormStats.Runtime, ln.Stats));
    }
}
