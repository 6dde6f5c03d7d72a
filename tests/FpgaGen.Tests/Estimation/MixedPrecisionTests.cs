using System.Text.Json;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Estimation;

/// <summary>
/// Mixed precision in the estimator and explorer (issue 17): one datapath sized for the widest type, every layer's
/// cycles at its own type (int8 packing two MACs per Arria 10 DSP where fp32 takes one), conversions between types.
/// </summary>
public class MixedPrecisionTests
{
    private const string Gemm = "Tm=64,Tn=32,Tk=32,vu=16";

    /// <summary>VGG-16 with its convolutions int8 and the classifier fp32, as a quantized export keeps it.</summary>
    private static Network MixedVgg()
    {
        var net = ZooTests.Load("vgg16");
        var classifier = false;
        foreach (var l in net.Layers)
        {
            classifier |= l is LinearLayer;
            l.Precision = classifier ? null : Precision.Int8;
        }
        return net;
    }

    private static (DesignEstimate Design, IReadOnlyList<LayerEstimate> Layers) Estimate(Network net, Precision precision, LayerPrecisions? layers, string device = "a10_385a")
    {
        var kind = KernelKinds.Get("gemm");
        var dev = DeviceCatalog.Default.Get(device);
        var estimator = new Estimator(kind, Lowerer.Lower(net, kind.Lowering, precision, 1), new Target(dev, precision), layers: layers);
        return estimator.EvaluateLayers(kind.Space.Parse(Gemm));
    }

    [Fact]
    public void DatapathIsTheWidestTypeAndNarrowLayersPack()
    {
        var mixed = MixedVgg();
        var types = LayerPrecisions.Of(mixed, Precision.Fp32)!;
        Assert.True(types.Mixed);
        Assert.Equal(Precision.Fp32, types.Widest);
        Assert.Equal("fp32+int8", types.Describe());

        var plain = ZooTests.Load("vgg16");
        var fp32 = Estimate(plain, Precision.Fp32, null);
        var int8 = Estimate(plain, Precision.Int8, null);
        var mix = Estimate(mixed, Precision.Fp32, types);

        // The datapath is the fp32 one: same plan, same DSPs.
        Assert.Equal(fp32.Design.Resources.Dsp, mix.Design.Resources.Dsp);
        Assert.Equal("fp32+int8", mix.Design.PrecisionText);
        // An int8 convolution on the fp32 datapath: the int8 cycle model (integer accumulator, int8 traffic) with two
        // MACs per lane (two 18x19 multipliers per DSP where fp32 takes one); the fp32 classifier as in the fp32 design.
        var conv = (int8.Layers.Single(l => l.Layer.Name == "block3.0.conv1"), mix.Layers.Single(l => l.Layer.Name == "block3.0.conv1"));
        Assert.Equal(conv.Item1.ComputeCycles / 2, conv.Item2.ComputeCycles, 6);
        Assert.Equal(conv.Item1.Bytes, conv.Item2.Bytes, 6);
        Assert.True(conv.Item2.Cycles < fp32.Layers.Single(l => l.Layer.Name == "block3.0.conv1").Cycles);
        var fc7 = (fp32.Layers.Single(l => l.Layer.Name == "fc7"), mix.Layers.Single(l => l.Layer.Name == "fc7"));
        Assert.Equal(fc7.Item1.Cycles, fc7.Item2.Cycles, 6);
        // fc6 reads the int8 features: their conversion to fp32 is its cost on top.
        var fc6 = (fp32.Layers.Single(l => l.Layer.Name == "fc6"), mix.Layers.Single(l => l.Layer.Name == "fc6"));
        Assert.True(fc6.Item2.Cycles > fc6.Item1.Cycles);
        // Whole network: faster than all-fp32 on the same DSPs (the int8 design of the same tiling has half the DSPs).
        Assert.True(mix.Design.Cycles < 0.8 * fp32.Design.Cycles, $"{mix.Design.Cycles} vs {fp32.Design.Cycles}");
        Assert.Equal(fp32.Design.Resources.Dsp, 2 * int8.Design.Resources.Dsp, 6);
    }

    [Fact]
    public void NoPackingWhereTheDeviceHasNone()
    {
        // Stratix V: fp32 takes 1 DSP, int8 a third of one (three 9x9 multipliers): packing 3; on the U250 DSP48E2
        // int8 packs 2 per DSP but fp32 needs several, so an int8 layer on an fp32 datapath packs more, never less than 1.
        var u250 = DeviceCatalog.Default.Get("u250");
        var t = new Target(u250, Precision.Fp32);
        Assert.Equal(u250.Dsp.PerMac[Precision.Fp32] / u250.Dsp.PerMac[Precision.Int8], LayerPrecisions.Packing(t, Precision.Int8), 6);
        Assert.Equal(1, LayerPrecisions.Packing(new Target(u250, Precision.Int8), Precision.Int8));
    }

    [Fact]
    public void ExploreUsesTheModelsPrecisionsUnlessTold()
    {
        var model = OnnxFixtures("qdq_mixed");
        var r = CliRunner.Run("explore", model, "--device", "a10_385a", "--top", "2");
        Assert.True(r.Code == 0, r.Err);
        // conv2 reads the float conv1's output at zero point 0 ([0, 255] zero-centred: 9 bits), so it is int16.
        Assert.Contains("fp32+int16+int8", r.Out);
        // The figures are the per-layer-type what-if; generated kernels run one type, and the command says so.
        Assert.Contains("the generated kernels run one data type, so `generate` and `simulate` of these designs run every layer at fp32", r.Err);
        var uniform = CliRunner.Run("explore", model, "--device", "a10_385a", "--top", "2", "--precision", "int8");
        Assert.Equal(0, uniform.Code);
        Assert.DoesNotContain("fp32+int16+int8", uniform.Out);
        var int8 = CliRunner.Run("explore", OnnxFixtures("qdq_int8"), "--device", "a10_385a", "--top", "1", "--format", "json");
        using var doc = JsonDocument.Parse(int8.Out);
        Assert.Equal("int16", doc.RootElement.GetProperty("designs")[0].GetProperty("precision").GetString());

        var estimate = CliRunner.Run("estimate", model, "--device", "a10_385a", "--kernel", "gemm", "--set", "Tm=16,Tn=8,Tk=8,vu=8", "--format", "json");
        Assert.True(estimate.Code == 0, estimate.Err);
        using var e = JsonDocument.Parse(estimate.Out);
        Assert.Equal("fp32+int16+int8", e.RootElement.GetProperty("precision").GetString());
        var layers = e.RootElement.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!, l => l.GetProperty("precision").GetString());
        Assert.Equal("fp32", layers["conv1"]);
        Assert.Equal("int16", layers["conv2"]);
        Assert.Equal("int8", layers["pool"]);
    }

    [Fact]
    public void ATypeTheDeviceLacksNamesItsLayers()
    {
        var net = ZooTests.Load("tiny_cnn");
        net.Layers[0].Precision = Precision.Fp16;
        var types = LayerPrecisions.Of(net, Precision.Fp32)!;
        var e = Assert.Throws<InputException>(() => types.Check(DeviceCatalog.Default.Get("a10_385a"), net));
        Assert.Contains($"does not support fp16, the data type of layer(s) {net.Layers[0].Name}", e.Message);
    }

    private static string OnnxFixtures(string name) => FpgaGen.Tests.Onnx.OnnxFixtures.PathOf(name);
}
