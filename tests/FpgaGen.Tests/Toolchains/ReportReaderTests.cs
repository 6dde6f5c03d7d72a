using FpgaGen.Toolchains;
using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Discovery;
using FpgaGen.Toolchains.Intel;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Toolchains;

/// <summary>`fpgagen report PATH` over folders the fakes filled with real layouts.</summary>
public class ReportReaderTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task AProjectFolderYieldsOneReportPerRun()
    {
        var hlsSource = dir.File("src/vadd.cpp", "extern \"C\" void vadd(int *a) {\n#pragma HLS unroll\n a[0] = 1; }\n");
        var clSource = dir.File("src/conv.cl", "__kernel void conv(__global float *a) { a[0] = 0; }\n");
        var env = Fakes.Environment(("FAKE_VPP_VERSION", "2023.2"));
        var options = new RunOptions(Path.Combine(dir.Path, "runs")) { Environment = env, Timeout = TimeSpan.FromSeconds(60) };
        var aoc = await Fakes.DetectAsync(ToolKind.Aoc, env);
        var vpp = await Fakes.DetectAsync(ToolKind.Vpp, env);
        var hls = await Fakes.DetectAsync(ToolKind.VitisHls, env);

        Assert.True((await AocRunner.RunAsync(aoc, new AocJob(clSource, AocFlow.Report) { OutputDirectory = options.WorkingDirectory }, options)).Succeeded);
        var project = new HlsProject("tcl_prj", "vadd", [hlsSource], "xcu250-figd2104-2L-e", 4);
        Assert.True((await HlsRunner.RunAsync(hls, project, options)).Succeeded);
        Assert.True((await HlsRunner.RunAsync(vpp, project with { Name = "unified_prj" }, options)).Succeeded);
        var kernel = new VppCompileJob(hlsSource, "vadd", VitisTarget.Hw, "xilinx_u250");
        Assert.True((await VitisRunner.BuildAsync(vpp, [kernel], new VppLinkJob([kernel.OutputFile(options.WorkingDirectory)], VitisTarget.Hw, "xilinx_u250", "app.xclbin"), options)).Succeeded);

        var reports = ReportReader.Read(dir.Path);

        Assert.Equal(
            [(ReportKind.AocEstimate, "conv"), (ReportKind.HlsSynthesis, "vadd"), (ReportKind.HlsSynthesis, "vadd"), (ReportKind.VitisLinkEstimate, "app")],
            reports.Select(r => (r.Kind, r.Design)).OrderBy(r => r.Kind).ThenBy(r => r.Design));
        // The unified flow's folder also holds a sub-module's report; the top function's is the one read.
        Assert.Contains(reports, r => r.Source.EndsWith("unified_prj/hls/syn/report/vadd_csynth.xml", StringComparison.Ordinal));
        Assert.DoesNotContain(reports, r => r.Source.Contains("Pipeline", StringComparison.Ordinal));

        // A single file, or a report inside an aoc work folder, reads that run only.
        Assert.Equal("vadd", Assert.Single(ReportReader.Read(Path.Combine(options.WorkingDirectory, "tcl_prj", "solution1", "syn", "report", "csynth.xml"))).Design);
        Assert.Equal("conv", Assert.Single(ReportReader.Read(Path.Combine(options.WorkingDirectory, "conv", "reports", "lib", "json", "loops.json"))).Design);
        Assert.Equal("conv", Assert.Single(ReportReader.Read(Path.Combine(options.WorkingDirectory, "conv"))).Design);
    }

    [Fact]
    public void AocWorkFolderWithOnlyReportDataJsIsRead()
    {
        var text = $"var areaJSON='{Samples.AreaJson.Replace("\n", " ").Replace("\\", "\\\\").Replace("'", "\\'")}';\n";
        dir.File("run/k/reports/lib/report_data.js", text);
        var r = Assert.Single(ReportReader.Read(Path.Combine(dir.Path, "run")));

        Assert.Equal(ReportKind.AocEstimate, r.Kind);
        Assert.Equal(320, r.Resources.Dsps);
        Assert.Equal("convolution_0_0_0", Assert.Single(r.Kernels).Name);
    }

    [Fact]
    public void FittedWorkFolderUsesQuartusNumbers()
    {
        dir.File("k/reports/lib/json/summary.json", Samples.SummaryJson);
        dir.File("k/acl_quartus_report.txt", Samples.QuartusReport);
        var r = Assert.Single(ReportReader.Read(Path.Combine(dir.Path, "k", "acl_quartus_report.txt")));

        Assert.Equal(ReportKind.AocFit, r.Kind);
        Assert.Equal(234, r.FmaxMhz);
        Assert.Equal(82696, r.Resources.Alms);
        Assert.Equal("convolution", Assert.Single(r.Kernels).Name);
    }

    [Fact]
    public void BrokenReportInAFolderIsAFormatError()
    {
        dir.File("k/reports/lib/json/summary.json", Samples.SummaryJson[..200]);
        var e = Assert.ThrowsAny<DocumentFormatException>(() => ReportReader.Read(dir.Path));
        Assert.Contains("summary.json: the file is not valid JSON", e.Message);
    }

    [Fact]
    public void NothingToReadIsAClearError()
    {
        Assert.StartsWith($"no vendor reports under {dir.Path}:", Assert.Throws<InputException>(() => ReportReader.Read(dir.Path)).Message);
        Assert.Equal($"{dir.Path}/nope: no such file or folder", Assert.Throws<InputException>(() => ReportReader.Read(Path.Combine(dir.Path, "nope"))).Message);
        var other = dir.File("notes.txt", "hello");
        Assert.Contains("not a report FpgaGen reads", Assert.Throws<InputException>(() => ReportReader.Read(other)).Message);
    }
}
