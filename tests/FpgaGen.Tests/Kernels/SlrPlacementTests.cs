using FpgaGen.Codegen;
using FpgaGen.Codegen.Projects;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Plans;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Codegen;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Kernels;

/// <summary>
/// Compute units on the dies of stacked-silicon Alveo cards (issue 11: link.cfg slr=): an engine that fits one SLR
/// goes to the SLR of its weights' bank, the vector unit to the activations', an engine larger than one SLR is left
/// to v++ and the user is told.
/// </summary>
public class SlrPlacementTests
{
    private static AcceleratorDesign Design(string net, string kernel, string parameters, string device) =>
        AcceleratorDesign.Create(ZooTests.Load(net), kernel, CodegenSupport.Params(parameters), Precision.Fp32, 1, DeviceCatalog.Default.Get(device));

    private static SlrPlacement? Place(AcceleratorDesign d) =>
        SlrPlacement.Of(d.Plan, d.Planned.Target, BankPlacement.Of(d.Plan, d.Lowered, d.Planned.Target.Device));

    private static string LinkConfig(AcceleratorDesign d)
    {
        var dev = d.Planned.Target.Device;
        var estimate = new Estimator(d.Kind, d.Lowered, d.Planned.Target).Evaluate(d.Planned.Config);
        return ProjectGenerator.Generate(new ProjectRequest(d, dev, estimate, 1, false, new ModelInfo(d.Network.Name, null, null))).Files["link.cfg"];
    }

    [Fact]
    public void AnEngineThatFitsOneSlrIsPlacedByItsWeightsAndTheVectorUnitByTheActivations()
    {
        var d = Design("resnet50", "gemm", "Tm=32,Tn=8,Tk=32,vu=32", "u250");
        var p = Place(d)!;
        // 256 fp32 lanes x 5 DSP = 1,280 DSP of the (12,288 - 780) / 4 = 2,877 an SLR leaves to kernels.
        var (engine, _) = PlanResources.ByUnit(d.Plan, d.Planned.Target);
        Assert.Equal(1280, engine.Dsp, 6);
        Assert.True(p.EngineFits);
        Assert.True(p.EngineShare >= 1280 / 2877.0 - 1e-9 && p.EngineShare < 1, $"{p.EngineShare}");
        // Weights in DDR[0] (SLR0), activations in DDR[1] (SLR1).
        Assert.Equal([new("gemm_top", 0), new("vu_map_top", 1), new("vu_pool_top", 1)], p.Units);
        Assert.Null(p.Note("u250"));
        var cfg = LinkConfig(d);
        Assert.Contains("slr=gemm_top_1:SLR0\n", cfg);
        Assert.Contains("slr=vu_map_top_1:SLR1\n", cfg);
        Assert.Contains("slr=vu_pool_top_1:SLR1\n", cfg);
    }

    [Fact]
    public void OnHbmEveryUnitGoesToTheSlrTheHbmIsIn()
    {
        var d = Design("tiny_cnn", "gemm", "Tm=32,Tn=8,Tk=16,vu=16", "u280");
        var p = Place(d)!;
        Assert.True(p.EngineFits);
        Assert.All(p.Units, u => Assert.Equal(0, u.Slr));
        Assert.Contains("slr=gemm_top_1:SLR0\n", LinkConfig(d));
    }

    [Fact]
    public void AnEngineLargerThanOneSlrIsLeftToVppAndTheUserIsTold()
    {
        var d = Design("resnet50", "gemm", "Tm=128,Tn=32,Tk=32,vu=32", "u250");
        var p = Place(d)!;
        // 1,024 lanes x 5 = 5,120 DSP: 1.8 SLRs.
        Assert.False(p.EngineFits);
        Assert.Equal(5120 / 2877.0, p.EngineShare, 3);
        Assert.Equal(2, p.EngineSlrs);
        Assert.All(p.Units, u => Assert.Null(u.Slr));
        Assert.Contains("at least 2 of its SLRs", p.Note("u250"));
        var cfg = LinkConfig(d);
        Assert.DoesNotContain("slr=", cfg);
        Assert.Contains("# the engine needs 1.8x one SLR of the u250", cfg);

        var estimate = CliRunner.Run("estimate", "resnet50", "--device", "u250", "--kernel", "gemm", "--set", "Tm=128,Tn=32,Tk=32,vu=32");
        Assert.True(estimate.Code == 0, estimate.Err);
        Assert.Contains("note: the engine needs 1.8x one SLR of the u250", estimate.Err);
    }

    [Theory]
    [InlineData("a10_385a")]
    [InlineData("zcu102")]
    [InlineData("v7_vc707")]
    public void DevicesOfOneDieHaveNoPlacement(string device)
    {
        var d = Design("tiny_cnn", "gemm", "Tm=32,Tn=8,Tk=16,vu=16", device);
        Assert.Null(Place(d));
    }

    [Theory]
    [InlineData("slrs: {count: 1, banks: [0]}", "slrs.count: a device of one die has no slrs section")]
    [InlineData("slrs: {count: 4, banks: [0, 1]}", "slrs.banks: expected one SLR per memory bank (4) or one for all, got 2")]
    [InlineData("slrs: {count: 4, banks: [0, 1, 2, 7]}", "slrs.banks[3]: expected an SLR from 0 to 3, got 7")]
    [InlineData("slrs: {count: 4, banks: [0, 1, 2, 3], die: 1}", "slrs: unknown field 'die'")]
    [InlineData("slrs: {count: 4}", "slrs.banks")]
    public void TheSlrsFieldIsValidatedStrictly(string slrs, string message)
    {
        var dir = CodegenSupport.TempDir("slrs");
        try
        {
            var text = File.ReadAllText(Path.Combine(FpgaGen.DataPaths.Root, "hw", "u250.yaml"));
            var start = text.IndexOf("slrs: {", StringComparison.Ordinal);
            var end = text.IndexOf('\n', start);
            var file = Path.Combine(dir, "u250_bad.yaml");
            File.WriteAllText(file, text[..start] + slrs + text[end..]);
            var e = Assert.Throws<InputException>(() => DeviceLoader.Load(file));
            Assert.StartsWith(file + ":", e.Message);
            Assert.Contains(message, e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void OnlyAVitisCardHasSlrs()
    {
        var dir = CodegenSupport.TempDir("slrs");
        try
        {
            var text = File.ReadAllText(Path.Combine(FpgaGen.DataPaths.Root, "hw", "a10_385a.yaml"));
            var file = Path.Combine(dir, "a10_slrs.yaml");
            File.WriteAllText(file, text + "\nslrs: {count: 2, banks: [0]}\n");
            var e = Assert.Throws<InputException>(() => DeviceLoader.Load(file));
            Assert.Contains("slrs: only a Vitis platform places compute units in SLRs (toolchain.kind is aoc)", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
