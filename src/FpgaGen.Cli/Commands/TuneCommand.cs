using System.CommandLine;
using System.Globalization;
using FpgaGen.OpenCl;
using FpgaGen.OpenCl.Kernels;
using FpgaGen.OpenCl.Tuning;
using FpgaGen.Cli.Tables;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen tune`: sweeps an OpenCL kernel's tiling parameters on a real device and stores the best per device.</summary>
internal static class TuneCommand
{
    /// <summary>Default tuning database: $XDG_CACHE_HOME/fpgagen/tuning.sqlite (or ~/.cache/...).</summary>
    public static string DefaultDatabase =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "fpgagen", "tuning.sqlite");

    public static Command Create(CliIo io)
    {
        // --kernel and --shape are required for a sweep, checked in the action: --export and --import run without them.
        var kernel = new Option<string?>("--kernel") { Description = "Kernel to tune: gemm|conv" };
        kernel.AcceptOnlyFromAmong("gemm", "conv");
        var shape = new Option<string?>("--shape")
        {
            Description = $"Problem shape: gemm {KernelTuning.ShapeSyntax("gemm")}; conv {KernelTuning.ShapeSyntax("conv")}",
        };
        var device = new Option<string?>("--opencl-device") { Description = "OpenCL device: index or part of its name (default: first GPU, else device 0)" };
        var budget = new Option<double>("--budget") { Description = "Seconds to spend (0: only report what the database holds)", DefaultValueFactory = _ => 60 };
        budget.Validators.Add(v =>
        {
            // Written so that NaN fails too; the bound is the one --timeout has (a TimeSpan holds it, timers run it).
            if (CommonOptions.Value<double>(v) is { } seconds && !(seconds >= 0 && seconds <= Durations.Max.TotalSeconds))
                v.AddError(string.Create(CultureInfo.InvariantCulture, $"expected 0 to {Durations.Max.TotalSeconds:0} seconds ({Durations.Max.TotalDays:0} days), got {seconds:R}"));
        });
        var strategy = new Option<string>("--strategy") { Description = "exhaustive (in order) or random (sampled)", DefaultValueFactory = _ => "random" };
        strategy.AcceptOnlyFromAmong("exhaustive", "random");
        var seed = new Option<int>("--seed") { Description = "Seed of the random order", DefaultValueFactory = _ => 1 };
        var db = new Option<string?>("--db") { Description = $"Tuning database, an SQLite file (default {DefaultDatabase})" };
        var export = new Option<string?>("--export") { Description = "Write every entry of the database to FILE.json (for sharing) and exit" };
        var import = new Option<string?>("--import") { Description = "Add the entries of FILE.json (from --export) to the database and exit" };
        var format = CommonOptions.Format(CliIo.Formats);
        var wide = CommonOptions.Wide();
        var cmd = new Command("tune", "Sweep a kernel's tiling parameters on an OpenCL device, verify and time each, and store the best in the tuning database.")
        {
            kernel, shape, device, budget, strategy, seed, db, export, import, format, wide,
        };
        cmd.SetAction((r, ct) => Task.FromResult(io.Guard(() =>
        {
            var exportFile = r.GetValue(export);
            var importFile = r.GetValue(import);
            if (exportFile is not null || importFile is not null)
            {
                if (exportFile is not null && importFile is not null) throw new UsageException("--export and --import cannot be combined; run them one after the other");
                if (r.GetValue(kernel) is not null || r.GetValue(shape) is not null)
                    throw new UsageException($"--{(exportFile is not null ? "export" : "import")} works on the whole database; leave out --kernel and --shape");
                // The export is written atomically, so an existing file is replaced whole.
                if (exportFile is not null) OutputFile.Check(exportFile, force: null, "--export", "the export");
                using var database = OpenDatabase(r.GetValue(db));
                return exportFile is not null ? Export(io, database, exportFile) : Import(io, database, importFile!);
            }
            if (r.GetValue(kernel) is not { } kernelName) throw new UsageException("--kernel is required (gemm or conv), unless --export or --import is given");
            if (r.GetValue(shape) is not { } shapeText) throw new UsageException($"--shape is required: gemm {KernelTuning.ShapeSyntax("gemm")}; conv {KernelTuning.ShapeSyntax("conv")}");
            var seconds = r.GetValue(budget);
            // A bad shape is an error before the device is opened, and a usage error: the same parser reads shapes
            // from tuning exports, where it stays a plain input error.
            try { KernelTuning.ParseShape(kernelName, shapeText); }
            catch (InputException e) when (e is not UsageException) { throw new UsageException(e.Message); }
            using var tuning = OpenDatabase(r.GetValue(db));
            using var session = OpenClSession.Open(r.GetValue(device));
            using var problem = KernelTuning.CreateProblem(session, kernelName, shapeText);
            var options = new TuningOptions
            {
                Budget = TimeSpan.FromSeconds(seconds),
                Strategy = r.GetValue(strategy) == "exhaustive" ? SearchStrategy.Exhaustive : SearchStrategy.Random,
                Seed = r.GetValue(seed),
            };
            var result = Run(io, problem, options, tuning, ct);
            switch (r.GetValue(format))
            {
                case "json":
                    io.WriteJson(new
                    {
                        Kernel = problem.Shape.Kernel, Shape = problem.Shape.Text, Device = session.Device.Name, Database = Compile.ShownPath.Of(tuning.Path),
                        Stop = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(result.Stop.ToString()),
                        Best = result.Best is { } b ? TrialFields(b).ToDictionary(f => f.Key, f => f.Key == "params" ? ParamsObject(b) : f.Value) : null,
                        Trials = result.Trials.Select(t => TrialFields(t).ToDictionary(f => f.Key, f => f.Key == "params" ? ParamsObject(t) : f.Value)),
                    });
                    break;
                case "csv": io.WriteCsv(TrialFields(NoTrial).Select(f => f.Key).ToList(), result.Trials.Select(t => (IReadOnlyList<object?>)TrialFields(t).Select(f => f.Value).ToList())); break;
                default: WriteTable(io, session.Device.Name, tuning.Path, result, options.Budget, r.GetValue(wide)); break;
            }
            return result.Best is null ? 1 : 0;
        })));
        return cmd;
    }

    /// <summary>The --db file, or the default one, whose folder is made on first use.</summary>
    private static TuningDatabase OpenDatabase(string? path)
    {
        if (path is null)
        {
            path = DefaultDatabase;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        return TuningDatabase.Open(path);
    }

    private static int Export(CliIo io, TuningDatabase database, string file)
    {
        var count = database.Export(file);
        io.Prose.WriteLine($"exported {count} tuning entr{(count == 1 ? "y" : "ies")} from {database.Path} to {file}");
        return 0;
    }

    private static int Import(CliIo io, TuningDatabase database, string file)
    {
        var s = database.Import(file);
        io.Prose.WriteLine($"imported {file} into {database.Path}: {s.Entries} entr{(s.Entries == 1 ? "y" : "ies")}, " +
                         $"{s.Added} trial(s) added, {s.Kept} already held (kept)");
        return 0;
    }

    private static TuningResult Run(CliIo io, ITuningProblem problem, TuningOptions options, TuningDatabase database, CancellationToken ct) =>
        ProgressBar.Run(io, $"tuning {problem.Shape.Kernel} {problem.Shape.Text}", report =>
            Tuner.Run(problem, options, database, new ProgressBar.Sync<TuningProgress>(p =>
            {
                // Whichever ends first, the candidates or the time budget, fills the bar.
                var byCount = p.Total > 0 ? (double)p.Done / p.Total : 0;
                var byTime = options.Budget.TotalSeconds > 0 ? p.Elapsed.TotalSeconds / options.Budget.TotalSeconds : 0;
                report(Math.Min(1, Math.Max(byCount, byTime)), 1);
            }), ct));

    /// <summary>
    /// One trial: a row of --format csv and an entry of the JSON's "trials" (where params is an object); the CSV
    /// writes params as NAME=VALUE,… like the explorer's designs.csv.
    /// </summary>
    private static IReadOnlyList<KeyValuePair<string, object?>> TrialFields(TrialResult t) =>
    [
        new("params", t.Parameters.ToString()), new("status", System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(t.Status.ToString())), new("median_ns", t.MedianNs), new("gflops", t.Gflops),
        new("from_cache", t.FromCache), new("message", t.Message),
    ];

    /// <summary>A trial for the CSV's header when there are none (a zero budget).</summary>
    private static readonly TrialResult NoTrial = new(new KernelParameters([]), TrialStatus.Verified, null, null, null, false);

    private static Dictionary<string, int> ParamsObject(TrialResult t) => t.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    private static void WriteTable(CliIo io, string device, string dbPath, TuningResult result, TimeSpan budget, bool wide)
    {
        var ranked = result.Trials.Where(t => t.Gflops is not null).OrderByDescending(t => t.Gflops).Take(10).ToList();
        if (ranked.Count > 0)
        {
            var table = new TextTable($"{result.Shape.Kernel} {result.Shape.Text} on {device}")
                .Column("#", right: true).Column("parameters").Column("result", priority: 1).Column("median", right: true).Column("GFLOPS", right: true);
            for (var i = 0; i < ranked.Count; i++)
                table.Row((i + 1).ToString(CultureInfo.InvariantCulture), ranked[i].Parameters.ToString(),
                    StatusText(ranked[i].Status) + (ranked[i].FromCache ? " (from the database)" : ""),
                    Durations.Short(ranked[i].MedianNs!.Value / 1e9), ranked[i].Gflops!.Value.ToString("0.00", CultureInfo.InvariantCulture));
            table.Write(io, wide);
        }
        foreach (var line in Summary(result, dbPath, budget)) io.Prose.WriteLine(line);
    }

    /// <summary>What the run did, why it stopped, and where the best result is, in plain words.</summary>
    internal static IEnumerable<string> Summary(TuningResult result, string dbPath, TimeSpan budget)
    {
        var measured = result.Trials.Count(t => !t.FromCache);
        var cached = result.Trials.Count - measured;
        var failed = result.Trials.Count(t => t.Status != TrialStatus.Verified);
        yield return $"{measured} of {result.Candidates} candidates measured in {Durations.Short(result.Elapsed.TotalSeconds)}"
            + (cached > 0 ? $", {cached} found in the database" : "")
            + (failed > 0 ? $", {failed} failed to build or verify" : "")
            + (budget == TimeSpan.Zero && result.Stop == StopReason.Budget
                ? measured > 0 ? "; --budget 0 reports what the database holds, and it held nothing for this shape, so the default was measured" : "; --budget 0: only what the database holds"
                : $"; stopped: {StopText(result.Stop)}");
        if (result.Best is not { } best)
        {
            yield return "no candidate was verified, so nothing is known to be best for this shape";
            yield break;
        }
        var figures = $"{best.Parameters}: {Durations.Short(best.MedianNs!.Value / 1e9)}, {best.Gflops!.Value.ToString("0.00", CultureInfo.InvariantCulture)} GFLOPS";
        // The best is this run's own measurement only when it is one of the trials it measured.
        var measuredNow = result.Trials.Any(t => !t.FromCache && t.Parameters.ToString() == best.Parameters.ToString());
        yield return measuredNow ? $"best: {figures}, stored in {dbPath}" : $"best: {figures}, as already stored in {dbPath}{(measured > 0 ? " (nothing measured now beats it)" : "")}";
    }

    private static string StopText(StopReason stop) => stop switch
    {
        StopReason.Exhausted => "every candidate was tried",
        StopReason.Budget => "the time budget (--budget) ran out",
        StopReason.MaxCandidates => "the candidate limit was reached",
        StopReason.Cancelled => "cancelled",
        _ => stop.ToString(),
    };

    private static string StatusText(TrialStatus status) => status switch
    {
        TrialStatus.Verified => "verified",
        TrialStatus.BuildFailed => "build failed",
        TrialStatus.WrongResult => "wrong result",
        TrialStatus.RunFailed => "run failed",
        _ => status.ToString(),
    };
}
