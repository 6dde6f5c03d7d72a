using System.Globalization;
using FpgaGen.Codegen;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.OpenCl;
using FpgaGen.Simulation;
using FpgaGen.Cli.Tables;

namespace FpgaGen.Cli.Commands;

/// <summary>`simulate --schedule`: the generated code's cycles per step beside the estimate, and every pipelined loop's trips and II.</summary>
internal static class ScheduleView
{
    public static int Run(CliIo io, AcceleratorDesign design, Device device, DesignEstimate estimate, string? openClDevice, string format, bool wide)
    {
        var estimator = new Estimator(design.Kind, design.Lowered, design.Planned.Target);
        var cycles = estimator.EvaluateLayers(estimate.Config).Layers.ToDictionary(l => l.Layer.Name, l => l.DeviceCycles);
        using var session = OpenClSession.Open(openClDevice);
        var report = ProgressBar.Run(io, $"schedule check of {design.Network.Name} on {session.Device.Name}",
            step => ScheduleCheck.Run(design, session, cycles, DependenceLatency.For(estimate.Precision), estimator.PeakBytesPerCycle(estimate.Config),
                MemoryTiming.FirstBurstMicroseconds * estimate.FreqMhz + EngineTiming.PipelineDepth, progress: new ProgressBar.Sync<(int Done, int Total)>(p => step(p.Done, p.Total))));
        switch (format)
        {
            case "json": io.WriteJson(new { schedule = Json(report) }); break;
            case "csv": io.WriteRecords(report.Steps.SelectMany(s => s.Loops.Select(l => LoopFields(s, l)))); break;
            default: Table(io, design, report, wide); break;
        }
        return report.Pass ? 0 : 1;
    }

    private static object Json(ScheduleReport r) => new
    {
        cycles = r.Cycles,
        estimated_cycles = r.EstimatedCycles,
        tolerance = r.Tolerance,
        pass = r.Pass,
        problems = r.Problems,
        steps = r.Steps.Select(s => new
        {
            name = s.Name,
            layers = s.Layers,
            cycles = s.Cycles,
            estimated_cycles = s.EstimatedCycles,
            loops = s.Loops.Select(l => new { name = l.Name, kernel = l.Kernel, trips = l.Trips, ii = l.Ii, cycles = l.Cycles, limit = l.Limit }),
            ports = s.Ports.Select(p => new { port = p.Port, bytes = p.Bytes, bursts = p.Bursts, bytes_per_burst = Math.Round(p.BytesPerBurst, 1), memory_cycles = p.MemoryCycles }),
        }),
        seconds = r.Seconds,
    };

    /// <summary>--format csv: one row per pipelined loop, with its step; the names are the JSON's (step fields prefixed step_).</summary>
    private static IReadOnlyList<KeyValuePair<string, object?>> LoopFields(StepSchedule s, LoopSchedule l) =>
    [
        new("step", s.Name), new("step_cycles", s.Cycles), new("step_estimated_cycles", s.EstimatedCycles),
        new("name", l.Name), new("kernel", l.Kernel), new("trips", l.Trips), new("ii", l.Ii), new("cycles", l.Cycles), new("limit", l.Limit),
    ];

    private static void Table(CliIo io, AcceleratorDesign design, ScheduleReport r, bool wide)
    {
        var steps = new TextTable($"{design.Network.Name}: {design.Kernel}, generated code's cycles vs the estimate")
            .Column("step").Column("cycles", right: true).Column("estimated", right: true).Column("off", right: true).Column("worst loop II", right: true, priority: 1);
        foreach (var s in r.Steps)
        {
            var worst = s.Loops.MaxBy(l => l.Ii);
            steps.Row(s.Name, F($"{s.Cycles:N0}"), F($"{s.EstimatedCycles:N0}"), Off(s.Error, r.Tolerance), worst is null ? "-" : F($"{worst.Ii:0.##}"));
        }
        steps.Write(io, wide);
        var loops = new TextTable("pipelined loops (all steps)")
            .Column("loop").Column("kernel", priority: 2).Column("trips", right: true, priority: 1).Column("II", right: true).Column("limited by", priority: 3);
        foreach (var l in r.Loops.OrderByDescending(l => l.Cycles))
            loops.Row(l.Name, l.Kernel, F($"{l.Trips:N0}"), l.Ii > 1 ? F($"{l.Ii:0.##}") : "1", l.Limit);
        loops.Write(io, wide);
        io.Out.WriteLine(F($"{(r.Pass ? "PASS" : "FAIL")}: generated code {r.Cycles:N0} cycles, estimate {r.EstimatedCycles:N0} ({Ratio(r)}); {r.Problems.Count} problem(s); {r.Seconds:0.0} s"));
    }

    private static string Ratio(ScheduleReport r) => r.EstimatedCycles > 0 ? F($"{r.Cycles / r.EstimatedCycles:0.00}x") : "no estimate";

    private static string Off(double error, double tolerance) =>
        double.IsInfinity(error) ? "no estimate" : Percent(error) + (Math.Abs(error) > tolerance ? " (!)" : "");

    /// <summary>A signed whole percentage; an error that rounds to 0 prints as 0% (a custom format would print "-+0%").</summary>
    private static string Percent(double error)
    {
        var pct = Math.Round(error * 100, MidpointRounding.AwayFromZero);
        return pct == 0 ? "0%" : F($"{pct:+0;-0}%");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
