using System.Globalization;
using FpgaGen.Codegen;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.OpenCl;
using FpgaGen.Simulation;
using Spectre.Console;

namespace FpgaGen.Cli.Commands;

/// <summary>`simulate --schedule`: the generated code's cycles per step beside the estimate, and every pipelined loop's trips and II.</summary>
internal static class ScheduleView
{
    public static int Run(CliIo io, AcceleratorDesign design, Device device, DesignEstimate estimate, string? openClDevice, string format)
    {
        var estimator = new Estimator(design.Kind, design.Lowered, new Target(device, estimate.Precision));
        var cycles = estimator.EvaluateLayers(estimate.Config).Layers.ToDictionary(l => l.Layer.Name, l => l.DeviceCycles);
        using var session = OpenClSession.Open(openClDevice);
        var report = ProgressBar.Run(io, $"schedule check of {design.Network.Name} on {session.Device.Name}",
            step => ScheduleCheck.Run(design, session, cycles, DependenceLatency.For(estimate.Precision), estimator.PeakBytesPerCycle(estimate.Config),
                MemoryTiming.FirstBurstMicroseconds * estimate.FreqMhz, progress: new ProgressBar.Sync<(int Done, int Total)>(p => step(p.Done, p.Total))));
        if (format == "json") io.WriteJson(new { schedule = Json(report) });
        else Table(io, design, report);
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
        }),
        seconds = r.Seconds,
    };

    private static void Table(CliIo io, AcceleratorDesign design, ScheduleReport r)
    {
        var steps = new Table().Border(TableBorder.Simple).Title($"{CliIo.Escape(design.Network.Name)}: {design.Kernel}, generated code's cycles vs the estimate");
        foreach (var c in new[] { "step", "cycles", "estimated", "off", "worst loop II" }) steps.AddColumn(c);
        foreach (var c in steps.Columns.Skip(1)) c.RightAligned();
        foreach (var s in r.Steps)
        {
            var worst = s.Loops.MaxBy(l => l.Ii);
            steps.AddRow(CliIo.Escape(s.Name), F($"{s.Cycles:N0}"), F($"{s.EstimatedCycles:N0}"), Off(s.Error, r.Tolerance), worst is null ? "-" : F($"{worst.Ii:0.##}"));
        }
        io.Console.Write(steps);
        var loops = new Table().Border(TableBorder.Simple).Title("pipelined loops (all steps)");
        foreach (var c in new[] { "loop", "kernel", "trips", "II", "limited by" }) loops.AddColumn(c);
        loops.Columns[2].RightAligned();
        loops.Columns[3].RightAligned();
        foreach (var l in r.Loops.OrderByDescending(l => l.Cycles))
            loops.AddRow(CliIo.Escape(l.Name), CliIo.Escape(l.Kernel), F($"{l.Trips:N0}"), l.Ii > 1 ? F($"[red]{l.Ii:0.##}[/]") : "1", CliIo.Escape(l.Limit));
        io.Console.Write(loops);
        io.Out.WriteLine(F($"{(r.Pass ? "PASS" : "FAIL")}: generated code {r.Cycles:N0} cycles, estimate {r.EstimatedCycles:N0} ({Ratio(r)}); {r.Problems.Count} problem(s); {r.Seconds:0.0} s"));
    }

    private static string Ratio(ScheduleReport r) => r.EstimatedCycles > 0 ? F($"{r.Cycles / r.EstimatedCycles:0.00}x") : "no estimate";

    private static string Off(double error, double tolerance) =>
        double.IsInfinity(error) ? "[red]no estimate[/]" : Math.Abs(error) > tolerance ? F($"[red]{error:+0%;-0%}[/]") : F($"{error:+0%;-0%}");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
