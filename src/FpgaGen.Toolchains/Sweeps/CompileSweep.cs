using System.Diagnostics;
using System.Text.RegularExpressions;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Toolchains.Projects;

namespace FpgaGen.Toolchains.Sweeps;

/// <summary>Writes the vendor project of one explored design (what `fpgagen generate` writes) into an empty folder.</summary>
public interface IProjectGenerator
{
    void Generate(ExploredDesigns explored, SweepDesign design, string directory);
}

/// <summary>The designs a sweep will compile, and how many of the top N the results log already holds.</summary>
public sealed record SweepPlan(IReadOnlyList<SweepDesign> ToCompile, int AlreadyDone, int UnreadableLines)
{
    /// <summary>Designs that designs.json lists again under another rank (same key): compiled once, under the first rank.</summary>
    public IReadOnlyList<(int Rank, int SameAs)> Duplicates { get; init; } = [];

    /// <summary>The top N distinct designs, done or not.</summary>
    public IReadOnlyList<SweepDesign> Best { get; init; } = [];
}

/// <summary>A sweep's hold on its folder (<see cref="CompileSweep.Lock"/>), and how many leftover temporary folders it removed.</summary>
public sealed record SweepLock(FolderLock Held, int LeftoversRemoved) : IDisposable
{
    public void Dispose() => Held.Dispose();
}

/// <summary>One design of a sweep that ended; <see cref="Record"/> is null when it was cancelled (not logged, redone on resume).</summary>
public sealed record SweepOutcome(SweepDesign Design, string ProjectDirectory, CompileRecord? Record, BuildResult? Build);

/// <summary>
/// Generates and compiles the N best designs of an exploration, each in DIR/sweep/&lt;rank&gt;-&lt;kernel&gt;-&lt;hash&gt;/,
/// at most <see cref="CompileSettings.Jobs"/> at once. Every finished compile (ok, failed or timeout) is appended to
/// DIR/results.jsonl as soon as it ends, so a kill loses no finished result; a design whose key the log already
/// holds is not compiled again, which makes rerunning the same command a resume. Predicted and reported figures
/// are logged whole-device (kernel-only reports get the device's platform overhead added), the scope the
/// explorer predicts and `explore --calibrate` corrects. A sweep holds a lock on DIR/sweep while it runs
/// (<see cref="Lock"/>): a second sweep of the same folder refuses, naming the first's PID and host. Without a
/// generator (a Slurm array task, whose project the submission generated) it only compiles generated projects.
/// </summary>
public sealed partial class CompileSweep(ExploredDesigns explored, CompileTarget target, IProjectGenerator? generator, CompileSettings settings)
{
    public ExploredDesigns Explored { get; } = explored;

    public CompileTarget Target { get; } = target;

    public string ResultsPath => Path.Combine(Explored.Directory, ResultsLog.FileName);

    public string SweepDirectory => Path.Combine(Explored.Directory, "sweep");

    private FolderLock? held;

    /// <summary>
    /// Takes the sweep folder's lock (creating DIR/sweep) and removes the temporary project folders
    /// (".&lt;name&gt;.tmp-&lt;guid&gt;") a killed run left there; only the lock holder may, since a running sweep's are in use.
    /// </summary>
    public SweepLock Lock()
    {
        var folderLock = FolderLock.Acquire(SweepDirectory, "a compile sweep");
        try
        {
            var removed = 0;
            foreach (var leftover in Directory.EnumerateDirectories(SweepDirectory).Where(d => TemporaryName().IsMatch(Path.GetFileName(d))).ToList())
            {
                Directory.Delete(leftover, recursive: true);
                removed++;
            }
            held = folderLock;
            return new SweepLock(folderLock, removed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            folderLock.Dispose();
            throw new InputException($"{SweepDirectory}: cannot remove a leftover temporary folder ({InputException.OneLine(e.Message)})");
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The first <paramref name="top"/> distinct designs (a design listed twice is one), less those the log already
    /// holds; with <paramref name="retryFailed"/> only an "ok" record counts, so failed and timed-out designs run again.
    /// </summary>
    public SweepPlan Plan(int top, bool retryFailed = false)
    {
        var (records, unreadable) = ResultsLog.Read(ResultsPath);
        var done = records.Where(r => !retryFailed || r.Status == "ok").Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var best = new List<SweepDesign>();
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = new List<(int, int)>();
        foreach (var d in Explored.Designs)
        {
            if (best.Count >= top) break;
            if (first.TryGetValue(d.Key(Target), out var rank)) duplicates.Add((d.Rank, rank));
            else
            {
                first.Add(d.Key(Target), d.Rank);
                best.Add(d);
            }
        }
        var todo = best.Where(d => !done.Contains(d.Key(Target))).ToList();
        return new SweepPlan(todo, best.Count - todo.Count, unreadable) { Duplicates = duplicates, Best = best };
    }

    public string ProjectDirectory(SweepDesign design)
    {
        if (!SafeName().IsMatch(design.Kernel)) throw new InputException($"{ExploredDesigns.FileName}: design {design.Rank} has an unusable kernel name '{design.Kernel}'");
        return Path.Combine(SweepDirectory, design.FolderName(Target));
    }

    /// <summary>Compiles the plan's designs; <paramref name="finished"/> is called once per design as it ends (from any thread).</summary>
    /// <remarks>Takes the folder's lock for the run unless <see cref="Lock"/> already holds it.</remarks>
    public async Task RunAsync(SweepPlan plan, Action<SweepDesign>? started, Action<SweepOutcome> finished, CancellationToken cancellationToken)
    {
        using var own = held is { IsHeld: true } ? null : Lock();
        var perProject = settings with { Jobs = 1 };
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.Jobs), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(plan.ToCompile, parallel, async (design, ct) =>
        {
            started?.Invoke(design);
            finished(await CompileOneAsync(design, perProject, ct));
        });
    }

    private async Task<SweepOutcome> CompileOneAsync(SweepDesign design, CompileSettings perProject, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (Prepare(design, clock) is { } failed) return failed;
        return await CompileGeneratedAsync(design, perProject, null, ct);
    }

    /// <summary>
    /// Generates the design's project (see <see cref="Generate"/>); null when it is ready to compile. A design the
    /// generator rejects fails the same way every time: its "failed" record is logged at once and returned, and it is
    /// not compiled. The local run and the Slurm submission both prepare designs through here.
    /// </summary>
    public SweepOutcome? Prepare(SweepDesign design, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        var dir = ProjectDirectory(design);
        try
        {
            Generate(design, dir);
            return null;
        }
        catch (InputException e)
        {
            var failed = Record(design, dir, "failed", e.Message, null, clock.Elapsed);
            ResultsLog.Append(ResultsPath, failed);
            return new SweepOutcome(design, dir, failed, null);
        }
    }

    /// <summary>
    /// Compiles the design's already generated project and appends its record (ok, failed or timeout); a cancelled
    /// compile (Ctrl-C, or a Slurm task stopped by scancel, its time limit or preemption) logs nothing and is redone
    /// on resume. Local sweeps and Slurm array tasks (`fpgagen sweep task`) both record through here;
    /// <paramref name="slurmJob"/> ("&lt;array job&gt;_&lt;task&gt;") names the task that compiled it.
    /// </summary>
    /// <summary>How long a tool's death by a stop signal waits for this process's own cancellation (which follows within milliseconds).</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    public async Task<SweepOutcome> CompileGeneratedAsync(SweepDesign design, CompileSettings perProject, string? slurmJob, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var dir = ProjectDirectory(design);
        BuildResult build;
        try
        {
            build = await ProjectCompiler.CompileAsync(DesignFile.Load(dir), Target, perProject, ct);
        }
        catch (InputException e)
        {
            var failed = Record(design, dir, "failed", e.Message, null, clock.Elapsed) with { SlurmJob = slurmJob };
            ResultsLog.Append(ResultsPath, failed);
            return new SweepOutcome(design, dir, failed, null);
        }
        if (build.Status == BuildStatus.Cancelled) return new SweepOutcome(design, dir, null, build);
        // Slurm (scancel, a node failure, the time limit, preemption) and a terminal's Ctrl-C signal every process of
        // the job or process group at once: the tool may die of that signal just before this process sees its own
        // cancellation, and a "failed" record would then stand for a stop (and a requeued task would skip the design).
        // A tool ended by SIGHUP, SIGINT or SIGTERM is given a moment for the cancellation to arrive.
        if (build.Status == BuildStatus.Failed && build.Steps.LastOrDefault()?.Process.Signal is 1 or 2 or 15)
        {
            try
            {
                await Task.Delay(StopGrace, ct);
            }
            catch (OperationCanceledException)
            {
                return new SweepOutcome(design, dir, null, build with { Status = BuildStatus.Cancelled });
            }
        }
        var reported = build.Reported?.WholeDevice(Explored.Device).ToRecord();
        // The generated project's predictions are the models' own (designs.json holds corrected ones after explore
        // --calibrate); calibration must compare the vendor's figures with those.
        var record = Record(design, dir, build.StatusName, build.Error, reported, build.Duration) with
        {
            Predicted = build.Project.Predicted.ToRecord(),
            Scope = build.Reported is { } r ? $"whole device; reported: {r.Description}" : null,
            SlurmJob = slurmJob,
        };
        ResultsLog.Append(ResultsPath, record);
        return new SweepOutcome(design, dir, record, build);
    }

    /// <summary>Generates into a temporary sibling folder and moves it into place, so a kill never leaves a half project under the final name.</summary>
    private void Generate(SweepDesign design, string dir)
    {
        if (generator is null) throw new InvalidOperationException("this sweep was made without a project generator");
        var tmp = Path.Combine(SweepDirectory, $".{Path.GetFileName(dir)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tmp);
        try
        {
            generator.Generate(Explored, design, tmp);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.Move(tmp, dir);
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
    }

    private CompileRecord Record(SweepDesign design, string dir, string status, string? error, Figures? reported, TimeSpan duration) => new()
    {
        Key = design.Key(Target),
        Device = Explored.Device.Id,
        Kernel = design.Kernel,
        Params = design.Parameters,
        Precision = design.Precision,
        Target = Target.Name(),
        Rank = design.Rank,
        Status = status,
        Error = error,
        Predicted = design.Predicted.ToRecord(),
        Reported = reported,
        Seconds = Math.Round(duration.TotalSeconds, 3),
        FinishedUtc = DateTime.UtcNow,
        Project = Path.GetRelativePath(Explored.Directory, dir),
    };

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex SafeName();

    /// <summary>The temporary folders <see cref="Generate"/> writes into.</summary>
    [GeneratedRegex(@"^\..+\.tmp-[0-9a-f]{32}$")]
    private static partial Regex TemporaryName();
}
