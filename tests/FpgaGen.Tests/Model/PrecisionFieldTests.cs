using FpgaGen.Model;
using FpgaGen.Model.Designs;

namespace FpgaGen.Tests.Model;

/// <summary>The design format's per-layer and per-block <c>precision:</c> (issue 17) and its figures in analyze.</summary>
public class PrecisionFieldTests
{
    private const string Design = """
        name: mixed
        input: [3, 16, 16]
        blocks:
          convrelu:
            args: {out: 8}
            layers:
              - {kind: conv, out: $out, kernel: 3, pad: 1}
              - relu
              - {kind: conv, out: $out, kernel: 1, precision: int16}
        layers:
          - {kind: conv, out: 8, kernel: 3, pad: 1}
          - {repeat: convrelu, times: 2, name: body, precision: int8}
          - flatten
          - {kind: linear, out: 10}
        """;

    [Fact]
    public void LayersTakeTheirOwnThenTheirBlocksPrecision()
    {
        var net = DesignLoader.Parse(Design);
        Assert.Null(net["conv1"].Precision);
        Assert.Equal(Precision.Int8, net["body.0.conv1"].Precision);
        Assert.Equal(Precision.Int8, net["body.1.relu1"].Precision);
        Assert.Equal(Precision.Int16, net["body.1.conv2"].Precision);
        Assert.Null(net["linear1"].Precision);

        var mixed = Analysis.Analyze(net, 1, Precision.Fp32, layerPrecisions: true);
        Assert.True(mixed.Mixed);
        var conv = mixed.Layers.Single(l => l.Layer.Name == "body.0.conv1");
        Assert.Equal(conv.Layer.Params, conv.WeightBytes);
        Assert.Equal(4 * net["conv1"].Params, mixed.Layers[0].WeightBytes);
        var uniform = Analysis.Analyze(net, 1, Precision.Fp16);
        Assert.False(uniform.Mixed);
        Assert.All(uniform.Layers, l => Assert.Equal(Precision.Fp16, l.Precision));
    }

    [Fact]
    public void AnUnknownPrecisionIsAnErrorWithItsLine()
    {
        var e = Assert.Throws<InputException>(() => DesignLoader.Parse(Design.Replace("precision: int16", "precision: int4")));
        Assert.StartsWith("design.yaml:", e.Message);
        Assert.Contains("precision: unknown data type 'int4' (expected one of: fp32, fp16, int16, int8)", e.Message);
    }
}
