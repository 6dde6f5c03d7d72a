using System.Globalization;
using FpgaGen.Exploration.Compiles;

namespace FpgaGen.Toolchains.Slurm;

/// <summary>Where a submitted design stands: its record decides once there is one, Slurm's state before.</summary>
public enum DesignPhase
{
    /// <summary>In Slurm's queue (pending, held, requeued).</summary>
    Queued,
    Running,
    /// <summary>Recorded "ok".</summary>
    Done,
    /// <summary>Recorded "failed" or "timeout": not submitted again unless --retry-failed.</summary>
    Failed,
    /// <summary>Slurm ended it (scancel, time limit, node failure, preemption) before it recorded anything; a resume submits it again.</summary>
    Stopped,
    /// <summary>No record and Slurm no longer knows the job (no accounting, and past MinJobAge); a resume submits it again.</summary>
    Unknown,
}

/// <summary>One design of a Slurm sweep: its latest submission, Slurm's view of that task and its record.</summary>
public sealed record DesignStatus(SubmittedDesign Design, long ArrayJobId, DesignPhase Phase)
{
    public SlurmTask? Task { get; init; }
    public CompileRecord? Record { get; init; }

    public string TaskName => Names.Task(ArrayJobId, Design.Rank);

    public bool Active => Phase is DesignPhase.Queued or DesignPhase.Running;
}

/// <summary>Slurm's view of a sweep's arrays; <see cref="Note"/> says what could not be read (no accounting).</summary>
public sealed record SlurmView(IReadOnlyDictionary<(long Array, int Task), SlurmTask> Tasks, string? Note);

/// <summary>
/// The Slurm executor of a compile sweep: submits designs as one job array (sweep/slurm/sweep.sbatch, ids in
/// sweep/slurm/jobs.jsonl), reads their state with `squeue --json` and `sacct --json` and cancels them with
/// `scancel`. It compiles nothing itself: each array task runs `fpgagen sweep task`, which records through
/// <see cref="Sweeps.CompileSweep.CompileGeneratedAsync"/>, the local executor's code path, into the same results.jsonl.
/// </summary>
public sealed class SlurmSweep(string exploredDirectory, SlurmClient client)
{
    public string Directory => Path.Combine(exploredDirectory, "sweep", "slurm");

    public string JobsPath => Path.Combine(Directory, JobsLog.FileName);

    public string ScriptPath => Path.Combine(Directory, BatchScript.FileName);

    public string LogsDirectory => Path.Combine(Directory, "logs");

    public string ResultsPath => Path.Combine(exploredDirectory, ResultsLog.FileName);

    public IReadOnlyList<SubmittedArray> Jobs() => JobsLog.Read(JobsPath);

    /// <summary>
    /// Writes the script and submits the designs as one array, at most <see cref="SlurmSettings.Jobs"/> at once, from
    /// sweep/slurm (the script's log paths are relative to it); the array's job id goes to jobs.jsonl.
    /// </summary>
    public async Task<SubmittedArray> SubmitAsync(string script, string target, IReadOnlyList<SubmittedDesign> designs, SlurmSettings settings, CancellationToken ct)
    {
        if (designs.Count == 0) throw new ArgumentException("nothing to submit", nameof(designs));
        System.IO.Directory.CreateDirectory(LogsDirectory);
        AtomicFile.WriteAllText(ScriptPath, script);
        var array = string.Join(",", designs.Select(d => d.Rank.ToString(CultureInfo.InvariantCulture))) + "%" + settings.Jobs.ToString(CultureInfo.InvariantCulture);
        var output = await client.RunAsync("sbatch", ["--parsable", "--array=" + array, "--chdir=" + Directory, ScriptPath], ct);
        // --parsable prints "jobid" or "jobid;cluster".
        if (!output.Succeeded || !long.TryParse(output.Stdout.Trim().Split(';')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var jobId))
            throw new InputException($"sbatch refused the sweep's array ({output.FirstError}); script: {ScriptPath}");
        var submitted = new SubmittedArray { JobId = jobId, SubmittedUtc = DateTime.UtcNow, Target = target, Array = array, Designs = designs };
        JobsLog.Append(JobsPath, submitted);
        return submitted;
    }

    /// <summary>Every design ever submitted in this sweep (the latest submission of each), with its state.</summary>
    public async Task<(IReadOnlyList<DesignStatus> Designs, string? Note)> StatusAsync(CancellationToken ct)
    {
        var jobs = Jobs();
        var view = await QueryAsync(jobs.Select(j => j.JobId).ToHashSet(), ct);
        var records = ResultsLog.Read(ResultsPath).Records;
        var latest = new Dictionary<string, (SubmittedArray Array, SubmittedDesign Design)>(StringComparer.Ordinal);
        foreach (var array in jobs)
            foreach (var d in array.Designs) latest[d.Key] = (array, d);
        var statuses = latest.Values.OrderBy(v => v.Design.Rank).ThenBy(v => v.Design.Key, StringComparer.Ordinal)
            .Select(v => Status(v.Array, v.Design, view, records)).ToList();
        return (statuses, view.Note);
    }

    private static DesignStatus Status(SubmittedArray array, SubmittedDesign design, SlurmView view, IReadOnlyList<CompileRecord> records)
    {
        var task = view.Tasks.GetValueOrDefault((array.JobId, design.Rank));
        var name = Names.Task(array.JobId, design.Rank);
        var own = records.LastOrDefault(r => r.Key == design.Key && r.SlurmJob == name);
        var any = own ?? (task is { Active: true } ? null : records.LastOrDefault(r => r.Key == design.Key));
        if (any is not null) return new DesignStatus(design, array.JobId, any.Status == "ok" ? DesignPhase.Done : DesignPhase.Failed) { Task = task, Record = any };
        var phase = task switch
        {
            null => DesignPhase.Unknown,
            { Active: false } => DesignPhase.Stopped,
            { Queued: true } => DesignPhase.Queued,
            _ => DesignPhase.Running,
        };
        return new DesignStatus(design, array.JobId, phase) { Task = task };
    }

    /// <summary>The tasks of these arrays: `sacct --json` (all of them, with slurmdbd), overlaid with `squeue --json` (the live state).</summary>
    public async Task<SlurmView> QueryAsync(IReadOnlySet<long> arrays, CancellationToken ct)
    {
        var tasks = new Dictionary<(long, int), SlurmTask>();
        if (arrays.Count == 0) return new SlurmView(tasks, null);
        string? note = null;
        var ids = string.Join(",", arrays.Order().Select(a => a.ToString(CultureInfo.InvariantCulture)));
        var sacct = await client.RunAsync("sacct", ["--json", "--jobs=" + ids], ct);
        if (sacct.Succeeded)
            foreach (var t in SlurmJson.ParseSacct(sacct.Stdout, arrays)) tasks[(t.ArrayJobId, t.TaskId)] = t;
        else note = $"sacct: {sacct.FirstError}; finished tasks are known only while squeue lists them (MinJobAge)";
        // squeue --json in 22.05 ignores --jobs and lists every job, so the sweep's are picked out here.
        var squeue = await client.RunAsync("squeue", ["--json"], ct);
        if (!squeue.Succeeded) throw new OutputException($"squeue failed: {squeue.FirstError}", new IOException(squeue.FirstError));
        foreach (var t in SlurmJson.ParseSqueue(squeue.Stdout, arrays)) tasks[(t.ArrayJobId, t.TaskId)] = t;
        return new SlurmView(tasks, note);
    }

    /// <summary>`scancel` of the sweep's arrays that still have queued or running tasks; returns their job ids.</summary>
    public async Task<IReadOnlyList<long>> CancelAsync(CancellationToken ct)
    {
        var arrays = Jobs().Select(j => j.JobId).ToHashSet();
        var view = await QueryAsync(arrays, ct);
        var active = view.Tasks.Values.Where(t => t.Active).Select(t => t.ArrayJobId).Distinct().Order().ToList();
        if (active.Count == 0) return active;
        var output = await client.RunAsync("scancel", [.. active.Select(a => a.ToString(CultureInfo.InvariantCulture))], ct);
        if (!output.Succeeded) throw new OutputException($"scancel failed: {output.FirstError}", new IOException(output.FirstError));
        return active;
    }
}
