using System.Text.Json;
using FpgaGen.Codegen;
using FpgaGen.Codegen.Projects;
using FpgaGen.Estimation;
using FpgaGen.Exploration;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Codegen;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Kernels;

/// <summary>
/// Several compute units (issue 11: "several compute units placed per SLR where one would span them"): identical
/// copies of the design, one per SLR of a Vitis card, each with its own banks and its share of the batch.
/// </summary>
public class ComputeUnitTests
{
    private const string Gemm = "Tm=32,Tn=8,Tk=32,vu=32";
    private static readonly Device U250 = DeviceCatalog.Default.Get("u250");

    private static DesignEstimate Estimate(string net, string device, int batch, int units, string set = Gemm)
    {
        var kind = KernelKinds.Get("gemm");
        return Estimator.For(kind, ZooTests.Load(net), DeviceCatalog.Default.Get(device), Precision.Fp32, batch, units).Evaluate(kind.Space.Parse(set));
    }

    private static AcceleratorDesign Design(string net, string device, int batch, int units, string set = Gemm) =>
        AcceleratorDesign.Create(ZooTests.Load(net), "gemm", CodegenSupport.Params(set), Precision.Fp32, batch, DeviceCatalog.Default.Get(device), computeUnits: units);

    [Fact]
    public void ResourcesScaleWithTheUnitsAndEachUnitRunsItsShareOfTheBatch()
    {
        var one = Estimate("resnet50", "u250", 4, 1);
        var four = Estimate("resnet50", "u250", 4, 4);
        Assert.Equal(4, four.ComputeUnits);
        Assert.Equal(4, four.Plan.ComputeUnits);
        Assert.Equal(4 * (one.Resources.Dsp - U250.Platform.Dsp), four.Resources.Dsp - U250.Platform.Dsp, 6);
        Assert.Equal(4 * one.Lanes, four.Lanes);
        Assert.Equal(4, four.Batch);
        // Each unit runs one sample, so the batch takes one unit's time for one sample: the single-sample estimate on
        // the same unit (its own bank's bandwidth).
        var perUnit = new Estimator(KernelKinds.Get("gemm"), Lowerer.Lower(ZooTests.Load("resnet50"), KernelKinds.Get("gemm").Lowering, Precision.Fp32, 1),
            new Target(U250, Precision.Fp32, 4)).Evaluate(four.Config);
        Assert.Equal(perUnit.Cycles, four.Cycles, 6);
        Assert.Equal(4 / (four.LatencyMs / 1e3), four.ImagesPerSecond, 6);
        // Four units on four banks beat one unit running the four samples in turn, and no figure passes the device's peak.
        Assert.True(four.ImagesPerSecond > 1.5 * one.ImagesPerSecond, $"{four.ImagesPerSecond} vs {one.ImagesPerSecond}");
        Assert.True(four.Gops <= four.DevicePeakGops);
    }

    [Fact]
    public void EveryUnitGetsItsOwnBanks()
    {
        var two = Design("resnet50", "u250", 2, 2);
        var p = BankPlacement.Of(two.Plan, two.Lowered, U250);
        BankRange Of(BufferKind k, int u) => p.Buffers.Single(b => b.Buffer == k && b.Unit == u).Banks;
        Assert.Equal((new BankRange(0, 0), new BankRange(1, 1)), (Of(BufferKind.Weights, 0), Of(BufferKind.Activations, 0)));
        Assert.Equal((new BankRange(2, 2), new BankRange(3, 3)), (Of(BufferKind.Weights, 1), Of(BufferKind.Activations, 1)));
        Assert.Equal(2 * U250.Memory.GBps * 1e9 / 4, p.PeakBytesPerSecond, 3);
        // Four units: one bank each, weights and activations together.
        var four = Design("resnet50", "u250", 4, 4);
        var q = BankPlacement.Of(four.Plan, four.Lowered, U250);
        Assert.All(Enumerable.Range(0, 4), u => Assert.Equal(2, q.Buffers.Count(b => b.Unit == u && b.Banks == new BankRange(u, u))));
        Assert.Equal(U250.Memory.GBps * 1e9 / 4, q.PeakBytesPerSecond, 3);
        // HBM: 32 pseudo channels, 10 per unit of three.
        var u280 = DeviceCatalog.Default.Get("u280");
        var hbm = Design("tiny_cnn", "u280", 3, 3);
        var h = BankPlacement.Of(hbm.Plan, hbm.Lowered, u280);
        Assert.Equal([0, 10, 20], h.Buffers.Where(b => b.Buffer == BufferKind.Weights).Select(b => b.Banks.First));
    }

    [Fact]
    public void EachUnitIsPlacedInAnSlrOfItsOwnAndAUnitLargerThanAnSlrDoesNotFit()
    {
        var four = Design("resnet50", "u250", 4, 4);
        var p = SlrPlacement.Of(four.Plan, four.Planned.Target, BankPlacement.Of(four.Plan, four.Lowered, U250))!;
        Assert.True(p.UnitsFit);
        Assert.All(p.Units, u => Assert.Equal(u.Unit, u.Slr));
        // On the U280 the HBM is in SLR0: three units spread over SLR0, 1 and 2.
        var hbm = Design("tiny_cnn", "u280", 3, 3);
        var h = SlrPlacement.Of(hbm.Plan, hbm.Planned.Target, BankPlacement.Of(hbm.Plan, hbm.Lowered, DeviceCatalog.Default.Get("u280")))!;
        Assert.Equal([0, 1, 2], h.Units.Where(u => u.Top == "gemm_top").Select(u => u.Slr));
        // 1,024 lanes x 5 DSP = 5,120 DSP per unit: more than one SLR's 2,877.
        var big = Estimate("resnet50", "u250", 2, 2, "Tm=128,Tn=32,Tk=32,vu=32");
        Assert.False(big.UnitsFit);
        Assert.False(big.Fits(1.0));
        var kind = KernelKinds.Get("gemm");
        var advice = FitAdvice.Explain(Estimator.For(kind, ZooTests.Load("resnet50"), U250, Precision.Fp32, 2, 2), big, 0.85);
        Assert.StartsWith("does not fit: 2 compute units need one SLR each", advice);
    }

    [Fact]
    public void OnlyADeviceWithSlrsHoldsSeveralUnitsAndTheBatchMustSplitEqually()
    {
        var a10 = DeviceCatalog.Default.Get("a10_385a");
        Assert.Contains("is one die", Assert.Throws<InputException>(() => new Target(a10, Precision.Fp32, 2)).Message);
        Assert.Contains("at most 4 compute units", Assert.Throws<InputException>(() => new Target(U250, Precision.Fp32, 5)).Message);
        Assert.Equal([1], Target.UnitChoices(a10, 4));
        Assert.Equal([1, 2, 4], Target.UnitChoices(U250, 4));
        Assert.Equal([1, 3], Target.UnitChoices(DeviceCatalog.Default.Get("u280"), 3));

        var r = CliRunner.Run("estimate", "tiny_cnn", "--device", "a10_385a", "--kernel", "gemm", "--set", Gemm, "--units", "2", "--batch", "2");
        Assert.Equal(2, r.Code);
        Assert.Contains("--units: device a10_385a is one die", r.Err);
        var odd = CliRunner.Run("estimate", "tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", Gemm, "--units", "3", "--batch", "4");
        Assert.Equal(2, odd.Code);
        Assert.Contains("give a --batch that is a multiple of 3", odd.Err);
    }

    [Fact]
    public void ExploreSearchesEveryUnitCountAndGenerateBuildsTheUnits()
    {
        using var dir = new FpgaGen.Tests.Toolchains.TempDir();
        var explore = CliRunner.Run("explore", "tiny_cnn", "--device", "u250", "--batch", "4", "--kernel", "gemm", "--out", Path.Combine(dir.Path, "e"), "--format", "json");
        Assert.True(explore.Code == 0, explore.Err);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "e", "designs.json")));
        var units = doc.RootElement.GetProperty("designs").EnumerateArray().Select(d => d.GetProperty("compute_units").GetInt32()).Distinct().Order().ToList();
        Assert.Equal([1, 2, 4], units);

        // A two-unit design from that file: its link.cfg, plan.h and design.json, and a host that builds.
        var designs = doc.RootElement.GetProperty("designs").EnumerateArray().ToList();
        var rank = designs.FindIndex(d => d.GetProperty("compute_units").GetInt32() == 2) + 1;
        var project = Path.Combine(dir.Path, "p");
        var generate = CliRunner.Run("generate", "tiny_cnn", "--device", "u250", "--design", Path.Combine(dir.Path, "e", "designs.json"), "--rank", $"{rank}", "--out", project);
        Assert.True(generate.Code == 0, generate.Err);
        Assert.Contains("batch 4, 2 compute units", generate.Out);
        var cfg = File.ReadAllText(Path.Combine(project, "link.cfg"));
        Assert.Contains("nk=gemm_top:2:gemm_top_1.gemm_top_2\n", cfg);
        Assert.Contains("sp=gemm_top_2.w:DDR[2]\n", cfg);
        Assert.Contains("sp=gemm_top_2.x:DDR[3]\n", cfg);
        Assert.Contains("slr=gemm_top_1:SLR0\n", cfg);
        Assert.Contains("slr=gemm_top_2:SLR2\n", cfg);
        var plan = File.ReadAllText(Path.Combine(project, "host", "plan.h"));
        Assert.Contains("#define FG_COMPUTE_UNITS 2\n", plan);
        Assert.Contains("#define FG_BATCH 2\n", plan);
        using var design = JsonDocument.Parse(File.ReadAllText(Path.Combine(project, "design.json")));
        Assert.Equal(2, design.RootElement.GetProperty("design").GetProperty("compute_units").GetInt32());
        Assert.Equal(4, design.RootElement.GetProperty("design").GetProperty("batch").GetInt32());
        Assert.Equal(2, design.RootElement.GetProperty("plan").GetProperty("compute_units").GetInt32());
        var host = CodegenSupport.Run(CodegenSupport.Tool("g++"), ["-std=c++17", "-O0", "-Wall", "-Werror", "-I" + Path.Combine(project, "host"),
            Path.Combine(project, "host", "main.cpp"), "-o", Path.Combine(dir.Path, "host.bin"), "-lOpenCL"]);
        CodegenSupport.AssertCompiles(host, "host program of two compute units");

        // The project's design.json gives back the same design and figures.
        var again = CliRunner.Run("estimate", "tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", designs[rank - 1].GetProperty("params").EnumerateObject()
            .Aggregate("", (s, p) => s + (s.Length > 0 ? "," : "") + $"{p.Name}={p.Value}"), "--batch", "4", "--units", "2", "--format", "json");
        Assert.True(again.Code == 0, again.Err);
        using var e = JsonDocument.Parse(again.Out);
        Assert.Equal(designs[rank - 1].GetProperty("images_per_s").GetDouble(), e.RootElement.GetProperty("totals").GetProperty("images_per_s").GetDouble(), 2);
    }

    [Fact]
    public void AUnitCountWhoseBuffersDoNotFitItsBanksIsNotSearched()
    {
        // Banks just larger than the larger of ResNet-18's two buffers at batch 4: one or two units keep weights and
        // activations in separate banks, four units (one bank each, both buffers in it) cannot.
        var net = ZooTests.Load("resnet18");
        var kind = KernelKinds.Get("gemm");
        long Arena(int batch) => Lowerer.Lower(net, kind.Lowering, Precision.Fp32, batch).ArenaElements * 4L;
        var weights = Lowerer.Lower(net, kind.Lowering, Precision.Fp32, 1).Weights.TotalBytes;
        var bank = 1.02 * Math.Max(weights, Arena(4));
        Assert.True(weights + Arena(1) > bank);
        var small = U250 with { Memory = U250.Memory with { GiB = 4 * bank / (1L << 30) } };
        var result = Explorer.Run(net, new ExploreOptions { Device = small, Precisions = [Precision.Fp32], Batch = 4, Kernels = [kind] });
        Assert.Equal([1, 2], result.Searches.Select(s => s.ComputeUnits).Order());
        Assert.Contains(result.Designs, d => d.ComputeUnits == 2);
        Assert.All(result.Designs, d => Assert.True(d.ComputeUnits <= 2));
    }

    [Theory]
    [InlineData("a10_385a", 2, 2, "compute_units: device a10_385a is one die")]
    [InlineData("u250", 3, 4, "compute_units: 3 units cannot share a batch of 4 equally")]
    [InlineData("u250", 0, 4, "compute_units")]
    public void ADesignFilesComputeUnitsAreChecked(string device, int units, int batch, string message)
    {
        using var dir = new FpgaGen.Tests.Toolchains.TempDir();
        var file = dir.File("choice.json", $$"""{"kernel": "gemm", "params": {"Tm": 32, "Tn": 8, "Tk": 32, "vu": 32}, "precision": "fp32", "batch": {{batch}}, "compute_units": {{units}}}""");
        var r = CliRunner.Run("generate", "tiny_cnn", "--device", device, "--design", file, "--out", Path.Combine(dir.Path, "p"));
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.StartsWith("error: " + file, r.Err);
    }
}
