using System.Diagnostics;
using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

public enum SearchStrategy
{
    /// <summary>Every valid candidate in declaration order, until the budget runs out.</summary>
    Exhaustive,
    /// <summary>The valid candidates in a seeded random order, until the budget runs out.</summary>
    Random,
}

public sealed record TuningOptions
{
    /// <summary>No new candidate starts after this much time; the one running finishes.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(60);

    public SearchStrategy Strategy { get; init; } = SearchStrategy.Random;
    public int Seed { get; init; } = 1;

    /// <summary>Timed runs per candidate after the verifying run; the median counts.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>At most this many candidates are measured (cached ones do not count); null = no limit.</summary>
    public int? MaxCandidates { get; init; }

    /// <summary>
    /// A candidate whose verifying run is this many times slower than the best so far is not timed
    /// further: its one run is its result. Saves the budget for promising candidates.
    /// </summary>
    public double HopelessFactor { get; init; } = 4;
}

public enum TrialStatus { Verified, BuildFailed, WrongResult, RunFailed }

/// <summary>One candidate's outcome. <see cref="FromCache"/>: taken from the database, not run again.</summary>
public sealed record TrialResult(KernelParameters Parameters, TrialStatus Status, double? MedianNs, double? Gflops, string? Message, bool FromCache)
{
    public override string ToString() => Status == TrialStatus.Verified
        ? $"{Parameters}: {MedianNs / 1e6:F3} ms, {Gflops:F2} GFLOPS{(FromCache ? " (cached)" : "")}"
        : $"{Parameters}: {Status}{(Message is null ? "" : ": " + Message)}{(FromCache ? " (cached)" : "")}";
}

/// <summary>Reported after every candidate, for a progress bar.</summary>
public sealed record TuningProgress(int Done, int Total, int Measured, int FromCache, int Verified, int Failed,
    TimeSpan Elapsed, TimeSpan Budget, TrialResult Last, TrialResult? Best);

public enum StopReason { Exhausted, Budget, MaxCandidates, Cancelled }

public sealed record TuningResult(TuningShape Shape, DeviceIdentity Device, TrialResult? Best, IReadOnlyList<TrialResult> Trials,
    int Candidates, StopReason Stop, TimeSpan Elapsed);

/// <summary>
/// Searches a problem's space within a time budget. Every candidate is compiled, run once on
/// poisoned output and verified against the CPU reference before it is timed; only verified
/// candidates can win. Times are device times from event profiling, median of
/// <see cref="TuningOptions.Runs"/>. With a database, candidates it already holds for this device
/// and shape are not run again (resuming an interrupted or extended search, or one that another run
/// on the same database measured meanwhile) and each new outcome is committed to it at once; its
/// best trial for the shape competes with this run's, so a zero budget just returns what is known
/// (or measures the default when nothing is).
/// </summary>
public static class Tuner
{
    public static TuningResult Run(ITuningProblem problem, TuningOptions options, TuningDatabase? database = null,
        IProgress<TuningProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (options.Runs < 1) throw new ArgumentException("at least one timed run per candidate", nameof(options));
        var clock = Stopwatch.StartNew();
        var device = DeviceIdentity.Of(problem.Session.Device);
        var entry = database?.EntryFor(device, problem.Shape);
        var candidates = Order(problem, options);
        var trials = new List<TrialResult>();
        // A resumed search starts from the best the database already holds for this exact shape,
        // including candidates this run will not reach again.
        var stored = entry?.Best;
        TrialResult? best = stored is null ? null : FromRecord(KernelParameters.Parse(stored.Parameters), entry!.Trials[stored.Parameters]);
        int measured = 0, cached = 0, verified = 0, failed = 0;
        var stop = StopReason.Exhausted;

        foreach (var candidate in candidates)
        {
            if (cancellation.IsCancellationRequested) { stop = StopReason.Cancelled; break; }
            var mustTry = best is null && measured == 0 && cached == 0; // without any result yet, one candidate runs whatever the budget
            if (!mustTry && clock.Elapsed >= options.Budget) { stop = StopReason.Budget; break; }

            TrialResult trial;
            // Asked of the database, not of the snapshot: a concurrent run may have measured it since.
            if (database?.FindTrial(device, problem.Shape, candidate.Key) is { } known)
            {
                trial = FromRecord(candidate, known);
                cached++;
            }
            else
            {
                if (options.MaxCandidates is { } max && measured >= max) { stop = StopReason.MaxCandidates; break; }
                trial = Measure(problem, candidate, options, best);
                measured++;
                database?.Record(device, problem.Shape, candidate.Key, new TrialRecord(trial.MedianNs, trial.Gflops,
                    trial.Status == TrialStatus.Verified ? null : $"{trial.Status}: {trial.Message}"));
            }
            trials.Add(trial);
            if (trial.Status == TrialStatus.Verified)
            {
                verified++;
                if (best is null || trial.MedianNs < best.MedianNs) best = trial;
            }
            else failed++;

            progress?.Report(new TuningProgress(trials.Count, candidates.Count, measured, cached, verified, failed,
                clock.Elapsed, options.Budget, trial, best));
        }
        return new TuningResult(problem.Shape, device, best, trials, candidates.Count, stop, clock.Elapsed);
    }

    /// <summary>The problem's default first, then the valid space in declared or seeded-random order.</summary>
    public static IReadOnlyList<KernelParameters> Order(ITuningProblem problem, TuningOptions options)
    {
        var space = problem.Space.Enumerate(problem.Environment).Select(c => new KernelParameters(c.AsDictionary())).ToList();
        if (options.Strategy == SearchStrategy.Random)
        {
            var rng = new Random(options.Seed);
            for (var i = space.Count - 1; i > 0; i--)
            {
                var j = rng.Next(i + 1);
                (space[i], space[j]) = (space[j], space[i]);
            }
        }
        space.Remove(problem.Default);
        space.Insert(0, problem.Default);
        return space;
    }

    private static TrialResult Measure(ITuningProblem problem, KernelParameters parameters, TuningOptions options, TrialResult? best)
    {
        ITuningCandidate compiled;
        try
        {
            compiled = problem.Compile(parameters);
        }
        catch (Exception e) when (e is OpenClException or ArgumentException)
        {
            return new TrialResult(parameters, TrialStatus.BuildFailed, null, null, Summary(e), false);
        }
        using (compiled)
        {
            try
            {
                var (check, firstNs) = compiled.RunAndVerify();
                if (!check.Passed) return new TrialResult(parameters, TrialStatus.WrongResult, null, null, check.ToString(), false);
                var times = new List<long>();
                if (best?.MedianNs is { } bestNs && firstNs > options.HopelessFactor * bestNs)
                    times.Add(firstNs); // far behind: one run is evidence enough
                else
                    for (var r = 0; r < options.Runs; r++)
                        using (var evt = compiled.Run()) times.Add(evt.DurationNs());
                times.Sort();
                var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2.0;
                median = Math.Max(median, 1);
                return new TrialResult(parameters, TrialStatus.Verified, median, problem.Flops / median, null, false);
            }
            catch (OpenClException e)
            {
                return new TrialResult(parameters, TrialStatus.RunFailed, null, null, Summary(e), false);
            }
        }
    }

    private static TrialResult FromRecord(KernelParameters parameters, TrialRecord record) =>
        record.Verified
            ? new TrialResult(parameters, TrialStatus.Verified, record.MedianNs, record.Gflops, null, true)
            : new TrialResult(parameters, ParseStatus(record.Error), null, null, record.Error, true);

    private static TrialStatus ParseStatus(string? error) =>
        error is not null && Enum.TryParse<TrialStatus>(error.Split(':')[0], out var s) && s != TrialStatus.Verified ? s : TrialStatus.RunFailed;

    /// <summary>The exception's first line plus, for compile errors, the log's first "error" line.</summary>
    private static string Summary(Exception e)
    {
        var text = e.Message;
        var nl = text.IndexOf('\n');
        var first = nl < 0 ? text : text[..nl].TrimEnd();
        var logError = (e as OpenClException)?.BuildLog?.Split('\n')
            .FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim();
        return logError is null ? first : $"{first}: {logError}";
    }
}
