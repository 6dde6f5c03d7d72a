using System.Diagnostics;
using System.Globalization;
using FpgaGen.Hardware;
using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Discovery;
using FpgaGen.Toolchains.Intel;
using FpgaGen.Toolchains.Processes;

namespace FpgaGen.Toolchains.Projects;

/// <summary>How to compile: which tools, the limit for the whole compile, and who else sees the output lines.</summary>
public sealed record CompileSettings(ToolSet Tools)
{
    /// <summary>Wall-clock limit for all the tool steps of one compile; the tool's process tree is killed when it passes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Tools running at once within one project (HLS syntheses of its kernels).</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Every output line with its step name (e.g. for a progress display), besides build/&lt;target&gt;.log.</summary>
    public Action<string, OutputLine>? OnLine { get; init; }
}

/// <summary>
/// Compiles a generated project for one target with the drivers of FpgaGen.Toolchains: aoc for Intel projects,
/// v++ compile + link for Vitis emulation and hardware builds, vitis_hls (or v++ --mode hls) for C simulation and
/// C synthesis. The design's parameters go to the tools as -D overrides; board, platform and part come from the
/// device file. Tool output goes under &lt;project&gt;/build/: build/&lt;target&gt;/ (emptied first, so no stale
/// report survives a failed rebuild), build/&lt;target&gt;.log and build/&lt;target&gt;.report.json.
/// </summary>
public static class ProjectCompiler
{
    public static string TargetDirectory(BuildProject project, CompileTarget target) => Path.Combine(project.BuildDirectory, target.Name());

    public static string LogPath(BuildProject project, CompileTarget target) => Path.Combine(project.BuildDirectory, target.Name() + ".log");

    public static string SummaryPath(BuildProject project, CompileTarget target) => Path.Combine(project.BuildDirectory, target.Name() + ".report.json");

    /// <summary>
    /// Runs the tools. A missing tool or a project the drivers cannot express throws an <see cref="InputException"/>
    /// before anything runs; a tool that fails, times out or is cancelled gives a result with that status.
    /// </summary>
    public static async Task<BuildResult> CompileAsync(BuildProject project, CompileTarget target, CompileSettings settings, CancellationToken cancellationToken = default)
    {
        var tools = await settings.Tools.RequireAsync(project.ToolchainKind, target, cancellationToken);
        var dir = TargetDirectory(project, target);
        EmptyFolder(dir);

        var clock = Stopwatch.StartNew();
        using var deadline = settings.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        IReadOnlyList<ToolRun> runs;
        string logPath;
        using (var log = new BuildLog(LogPath(project, target), settings.OnLine))
        {
            logPath = log.Path;
            log.Note($"fpgagen compile --target {target.Name()} {project.Directory}");
            foreach (var tool in tools) log.Note($"{tool.Name} {tool.Version} ({tool.Path})");
            var options = new RunOptions(dir)
            {
                LogDirectory = Path.Combine(dir, "logs"),
                Environment = settings.Tools.Environment,
                OnLine = log.Line,
            };
            runs = await RunAsync(project, target, tools[0], options, settings.Jobs, either.Token);
            foreach (var step in runs.SelectMany(r => r.Steps)) log.Note($"{step.Name}: {step.Process.Describe()}: {step.CommandLine}");
        }
        clock.Stop();

        var failed = runs.FirstOrDefault(r => !r.Succeeded);
        var failedStep = failed?.Steps.LastOrDefault()?.Process;
        var (status, error) = failed is null ? (BuildStatus.Ok, (string?)null)
            : cancellationToken.IsCancellationRequested ? (BuildStatus.Cancelled, $"{tools[0].Name} was cancelled after {Seconds(clock.Elapsed)} (log: {logPath})")
            : deadline.IsCancellationRequested && failedStep is { Cancelled: true }
                ? (BuildStatus.Timeout, $"{tools[0].Name} timed out after {Seconds(clock.Elapsed)} (--timeout {Seconds(settings.Timeout!.Value)}; log: {logPath})")
            : (BuildStatus.Failed, failed.Error ?? $"{tools[0].Name} failed (log: {logPath})");
        var result = new BuildResult(project, target, status, error, clock.Elapsed)
        {
            Tools = tools,
            Steps = runs.SelectMany(r => r.Steps).ToList(),
            LogPath = logPath,
            SummaryPath = SummaryPath(project, target),
            Outputs = runs.SelectMany(r => r.Outputs).ToList(),
            Reported = status == BuildStatus.Ok ? ReportedFigures.From(runs.Select(r => r.Report).OfType<Reports.SynthesisReport>().ToList(), project.Device) : null,
            CSimulation = runs.Select(r => r.CSimulation).LastOrDefault(c => c is not null),
        };
        BuildSummary.Write(result);
        return result;
    }

    /// <summary>
    /// Empties build/&lt;target&gt;/ before the tools run. A project that cannot be written (a read-only mount,
    /// permissions) is the user's to fix (exit 2); a full disk fails the run (exit 1).
    /// </summary>
    private static void EmptyFolder(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
        }
        catch (IOException e) when (OutputException.IsDiskFull(e))
        {
            throw OutputException.Writing(dir, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{dir}: cannot write the build folder there ({InputException.OneLine(e.Message)})");
        }
    }

    /// <summary>
    /// The kernels' float dot products are unrolled sums: -fp-relaxed lets aoc reorder them into balanced adder trees
    /// (Intel FPGA SDK for OpenCL Best Practices, "floating-point operations") instead of a chain as deep as the
    /// vector. Sums then differ from the sequential order in the last bits, within simulate's tolerance. -fpc (fewer
    /// intermediate roundings) changes results further and stays off. The project's Makefile uses the same flags.
    /// </summary>
    public static IReadOnlyList<string> FloatFlags(string precision) => precision is "fp32" or "fp16" ? ["-fp-relaxed"] : [];

    private static async Task<IReadOnlyList<ToolRun>> RunAsync(BuildProject project, CompileTarget target, InstalledTool tool, RunOptions options, int jobs, CancellationToken ct)
    {
        var device = project.Device;
        if (project.ToolchainKind == Toolchain.Aoc)
        {
            var flow = target switch { CompileTarget.Emu => AocFlow.Emulator, CompileTarget.Hw => AocFlow.Hardware, _ => AocFlow.Report };
            var job = new AocJob(project.OpenClSource!, flow)
            {
                Board = device.Toolchain.AocBoard,
                IncludeDirectories = project.IncludeDirectories,
                OutputDirectory = options.WorkingDirectory,
                ExtraArguments = FloatFlags(project.Precision),
            };
            return [await AocRunner.RunAsync(tool, job, options, ct)];
        }
        if (target is CompileTarget.SwEmu or CompileTarget.HwEmu or CompileTarget.Hw)
            return [await Vitis(project, target, tool, options, ct)];
        return await Hls(project, target, tool, options, jobs, ct);
    }

    private static Task<ToolRun> Vitis(BuildProject project, CompileTarget target, InstalledTool vpp, RunOptions options, CancellationToken ct)
    {
        var platform = project.Device.Toolchain.Platform
                       ?? throw new InputException($"device {project.Device.Id} has no v++ platform (toolchain.platform in its device file)");
        var vt = target switch { CompileTarget.SwEmu => VitisTarget.SwEmu, CompileTarget.HwEmu => VitisTarget.HwEmu, _ => VitisTarget.Hw };
        var compiles = project.HlsKernels.Select(k => new VppCompileJob(k.Source, k.Top, vt, platform)
        {
            Output = $"{k.Top}.xo",
            IncludeDirectories = project.IncludeDirectories,
        }).ToList();
        var link = new VppLinkJob(compiles.Select(c => c.OutputFile(options.WorkingDirectory)).ToList(), vt, platform, "design.xclbin")
        {
            Config = project.LinkConfig,
        };
        return VitisRunner.BuildAsync(vpp, compiles, link, options, ct);
    }

    private static async Task<IReadOnlyList<ToolRun>> Hls(BuildProject project, CompileTarget target, InstalledTool tool, RunOptions options, int jobs, CancellationToken ct)
    {
        var device = project.Device;
        var part = device.Toolchain.HlsPart ?? device.Part;
        var clockNs = 1000 / project.ClockMhz;
        var flags = string.Join(' ', project.IncludeDirectories.Select(d => "-I" + d));
        var vitisKernel = project.ToolchainKind == Toolchain.Vitis;
        var projects = target == CompileTarget.Csim
            ? project.HlsKernels.Where(k => k.TestBenches.Count > 0).Select(k => new HlsProject($"{k.Top}_csim", k.Top, [k.Source], part, clockNs)
            {
                TestBenches = k.TestBenches, CFlags = flags, CSimulation = true, Synthesis = false, VitisKernel = vitisKernel,
            }).ToList()
            : project.HlsKernels.Select(k => new HlsProject(k.Top, k.Top, [k.Source], part, clockNs) { CFlags = flags, VitisKernel = vitisKernel }).ToList();
        if (projects.Count == 0)
            throw new InputException($"{project.Directory}: C simulation needs a test bench (tb/tb_<group>.cpp for src/<group>.cpp)");
        // One HLS run per kernel, up to `jobs` at once; each has its own HLS project folder, script and step log.
        var runs = new ToolRun[projects.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, runs.Length), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) },
            async (i, _) => runs[i] = await HlsRunner.RunAsync(tool, projects[i], options, ct));
        return runs;
    }

    private static string Seconds(TimeSpan t) =>
        t.TotalSeconds < 10 ? t.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture) : t.TotalSeconds.ToString("0 s", CultureInfo.InvariantCulture);
}
