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
/// Mixed precision in the estimator and explorer (issue 17): one datapath of the widest type runs every layer, as the
/// generated kernels do (one data type, a DSP's mode fixed when the design is built), so a mixed network's figures are
/// its widest type's, and what `generate` builds from a ranked design is what was ranked.
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
    public void TheDatapathIsTheWidestTypeAndRunsEveryLayer()
    {
        var mixed = MixedVgg();
        var types = LayerPrecisions.Of(mixed, Precision.Fp32)!;
        Assert.True(types.Mixed);
        Assert.Equal(Precision.Fp32, types.Widest);
        Assert.Equal("fp32+int8", types.Describe());

        var fp32 = Estimate(ZooTests.Load("vgg16"), Precision.Fp32, null);
        var mix = Estimate(mixed, Precision.Fp32, types);
        Assert.Equal("fp32+int8", mix.Design.PrecisionText);
        // The engine generate builds: the fp32 plan, its DSPs, and every layer (int8 ones too) at the fp32 datapath's
        // rate with fp32 tensors, so each layer's figures are the all-fp32 design's.
        Assert.Equal(fp32.Design.Resources.Dsp, mix.Design.Resources.Dsp);
        Assert.Equal(fp32.Design.Cycles, mix.Design.Cycles, 6);
        foreach (var (a, b) in fp32.Layers.Zip(mix.Layers))
        {
            Assert.Equal(a.Layer.Name, b.Layer.Name);
            Assert.Equal(a.Cycles, b.Cycles, 6);
            Assert.Equal(a.Bytes, b.Bytes, 6);
        }
        // A datapath narrower than a layer's type cannot run it.
        Assert.Throws<ArgumentException>(() => Estimate(mixed, Precision.Int8, types));
    }

    [Fact]
    public void GenerateBuildsTheDesignExploreRanked()
    {
        // qdq_mixed is fp32+int16+int8: explore ranks it on an fp32 datapath, and the project of its best design
        // predicts the throughput it was ranked at.
        var model = OnnxFixtures("qdq_mixed");
        var explore = CliRunner.Run("explore", model, "--device", "a10_385a", "--top", "1", "--format", "json");
        Assert.True(explore.Code == 0, explore.Err);
        using var doc = JsonDocument.Parse(explore.Out);
        var best = doc.RootElement.GetProperty("designs")[0];
        Assert.Equal("fp32", best.GetProperty("precision").GetString());
        var ranked = best.GetProperty("images_per_s").GetDouble();

        using var dir = new FpgaGen.Tests.Toolchains.TempDir();
        var generate = CliRunner.Run("generate", model, "--device", "a10_385a", "--out", System.IO.Path.Combine(dir.Path, "p"));
        Assert.True(generate.Code == 0, generate.Err);
        Assert.Contains(", fp32, batch 1,", generate.Out);
        // The same figure, to the 0.01 generate prints (a tie such as 5125.555 may round either way).
        var built = double.Parse(System.Text.RegularExpressions.Regex.Match(generate.Out, @"([0-9.]+) images/s predicted").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(built, ranked - 0.01, ranked + 0.01);
    }

    [Fact]
    public void ExploreUsesTheModelsPrecisionsUnlessTold()
    {
        var model = OnnxFixtures("qdq_mixed");
        var r = CliRunner.Run("explore", model, "--device", "a10_385a", "--top", "2");
        Assert.True(r.Code == 0, r.Err);
        // conv2 reads the float conv1's output at zero point 0 ([0, 255] zero-centred: 9 bits), so it is int16.
        Assert.Contains("fp32+int16+int8", r.Out);
        // The figures are those of the one-type engine generate builds, and the command says so.
        Assert.Contains("the fp32+int16+int8 figures are those of the engine `generate` builds: one fp32 datapath runs every layer", r.Err);
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

    /// <summary>
    /// qdq_int8 (conv2 int8, the other MAC layers int16) on the U250, whose DSP48E2 makes two int8 products of a shared
    /// operand for one int16 product (WP486): the gemm engine pairs its columns on one multiplier. Against the same
    /// card without that packing, the paired engine of Tn·Tk lanes takes half the multipliers, runs the int8 layer at
    /// its full rate (as the unpaired engine of twice the multipliers) and the int16 layers at half.
    /// </summary>
    [Fact]
    public void Int8LayersRunTwoMacsPerMultiplierOnPairedColumns()
    {
        var net = FpgaGen.Onnx.OnnxImporter.Import(OnnxFixtures("qdq_int8")).Network;
        var types = LayerPrecisions.Of(net, Precision.Fp32)!;
        Assert.Equal("int16+int8", types.Describe());
        var kind = KernelKinds.Get("gemm");
        var lowered = Lowerer.Lower(net, kind.Lowering, Precision.Int16, 1);
        Assert.Equal(["conv2"], lowered.MacSteps.Where(m => m.Narrow).Select(m => m.Name));
        var u250 = DeviceCatalog.Default.Get("u250");
        var unpacked = u250 with { Dsp = u250.Dsp with { PerMac = new Dictionary<Precision, double>(u250.Dsp.PerMac) { [Precision.Int8] = 1 } } };
        (DesignEstimate Design, IReadOnlyDictionary<string, double> Cycles) Run(Device device, string set)
        {
            var (d, layers) = new Estimator(kind, lowered, new Target(device, Precision.Int16), fixedFreqMhz: 300, layers: types).EvaluateLayers(kind.Space.Parse(set));
            return (d, layers.ToDictionary(l => l.Layer.Name, l => l.ComputeCycles));
        }
        var paired = Run(u250, "Tm=64,Tn=16,Tk=16,vu=8");
        var plain = Run(unpacked, "Tm=64,Tn=16,Tk=16,vu=8");
        var plainHalf = Run(unpacked, "Tm=64,Tn=8,Tk=16,vu=8");
        Assert.Equal(2, paired.Design.Plan.Define("PAIRS"));
        Assert.Equal(0, plain.Design.Plan.Define("PAIRS"));
        // 256 lanes on 128 multipliers; the device holds twice as many such lanes, and the peak is the int8 rate.
        Assert.Equal(128, plain.Design.Resources.Dsp - paired.Design.Resources.Dsp, 6);
        Assert.Equal(plainHalf.Design.Resources.Dsp, paired.Design.Resources.Dsp, 6);
        Assert.Equal(2 * plain.Design.DeviceMacs, paired.Design.DeviceMacs, 6);
        Assert.Equal(plain.Design.PeakGops, paired.Design.PeakGops, 6);
        // The engines' compute cycles. conv2 (int8): the paired engine is as fast as the unpaired one of twice its
        // multipliers and faster than the unpaired one of as many; the int16 layers take two iterations a row.
        Assert.Equal(plain.Cycles["conv2"], paired.Cycles["conv2"], 6);
        Assert.True(paired.Cycles["conv2"] < plainHalf.Cycles["conv2"], $"{paired.Cycles["conv2"]} vs {plainHalf.Cycles["conv2"]}");
        // (Here their readers' corner turn binds them on both engines; the schedule check sees the two iterations.)
        foreach (var wide in new[] { "conv1", "conv3", "fc" })
            Assert.True(paired.Cycles[wide] >= plain.Cycles[wide], $"{wide}: {paired.Cycles[wide]} vs {plain.Cycles[wide]}");
        // Where the DSP does not pack (an Arria 10 block is in 18x19 mode: int8 costs what int16 does) and for
        // floating-point designs, nothing pairs; an int8 design pairs every step.
        var a10 = DeviceCatalog.Default.Get("a10_385a");
        Assert.Equal(0, LanePairs.Of(lowered, new Target(a10, Precision.Int16), 16, perStep: true));
        Assert.Equal(0, LanePairs.Of(Lowerer.Lower(net, kind.Lowering, Precision.Fp32, 1), new Target(u250, Precision.Fp32), 16, perStep: true));
        var int8 = Lowerer.Lower(net, kind.Lowering, Precision.Int8, 1);
        Assert.All(int8.MacSteps, m => Assert.True(m.Narrow));
        Assert.Equal(1, LanePairs.Of(int8, new Target(u250, Precision.Int8), 16, perStep: true));
        // An odd number of lanes does not pair: each lane then takes a whole multiplier, also at int8.
        Assert.Equal(0, LanePairs.Of(int8, new Target(u250, Precision.Int8), 7, perStep: true));
        Assert.Equal(2, LanePairs.MacsPerLane(0, new Target(u250, Precision.Int8)));
        Assert.Equal(1, LanePairs.MacsPerLane(0, new Target(a10, Precision.Int8)));
    }

    private static string OnnxFixtures(string name) => FpgaGen.Tests.Onnx.OnnxFixtures.PathOf(name);
}
