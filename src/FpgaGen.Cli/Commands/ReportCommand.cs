using System.CommandLine;
using System.Globalization;
using FpgaGen.Toolchains.Projects;
using FpgaGen.Cli.Tables;
using FpgaGen.Exploration.Documents;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen report`: the design's predicted figures beside what the vendor tools reported, with relative errors.</summary>
internal static class ReportCommand
{
    public static Command Create(CliIo io)
    {
        var project = new Argument<string>("project") { Description = "Project folder written by `fpgagen generate` and built by `fpgagen compile`" };
        var target = new Option<string?>("--target") { Description = "Only this build (report, hw, csynth, hw_emu); default every build that has reports" };
        target.AcceptOnlyFromAmong([.. CompileTargets.Names]);
        var format = CommonOptions.Format(CliIo.Formats);
        var wide = CommonOptions.Wide();
        var cmd = new Command("report", "Compare a project's predicted DSP, RAM, logic, registers, clock and latency with the vendor reports of its builds.")
        {
            project, target, format, wide,
        };
        cmd.SetAction(r => io.Guard(() =>
        {
            var dir = r.GetValue(project)!;
            var p = DesignFile.Load(dir);
            var only = r.GetValue(target) is { } t ? CompileTargets.Resolve(t, p.ToolchainKind) : (CompileTarget?)null;
            var reports = ProjectReports.Read(p, only);
            if (reports.Count == 0) throw new InputException(ProjectReports.NothingBuilt(p, dir));
            switch (r.GetValue(format))
            {
                case "json": io.WriteJson(Json(p, reports)); break;
                case "csv": WriteCsv(io, reports); break;
                default: WriteTables(io, p, reports, r.GetValue(wide)); break;
            }
            return 0;
        }));
        return cmd;
    }

    private static object Json(BuildProject p, IReadOnlyList<TargetReport> reports) => new
    {
        Project = Compile.ShownPath.Of(p.Directory),
        Design = new { p.Kernel, Params = DesignParameters.TryParse(p.ParameterText) is { } ps ? (object)ps : p.ParameterText, p.Precision, p.Batch, Device = p.Device.Id },
        Builds = reports.Select(t => new
        {
            Target = t.Target.Name(),
            Folder = Path.GetRelativePath(p.Directory, t.Folder),
            Sources = t.Comparison.Reported.Reports.Select(s => Path.GetRelativePath(p.Directory, s.Source)),
            Comparison = BuildSummary.Comparison(t.Comparison, p),
        }),
    };

    private static void WriteCsv(CliIo io, IReadOnlyList<TargetReport> reports) =>
        io.WriteCsv(["target", "scope", "figure", "unit", "predicted", "reported", "relative_error"],
            reports.SelectMany(t => t.Comparison.Rows.Select(row => (IReadOnlyList<object?>)
            [
                t.Target.Name(), t.Comparison.Scope == FigureScope.WholeDevice ? "whole_device" : "kernels", row.Figure, row.Unit,
                row.Predicted, row.Reported, row.RelativeError,
            ])));

    private static void WriteTables(CliIo io, BuildProject p, IReadOnlyList<TargetReport> reports, bool wide)
    {
        io.Prose.WriteLine($"{Compile.ShownPath.Of(p.Directory)}: {p.Kernel} {p.ParameterText}, {p.Precision}, batch {p.Batch}, on {p.Device.Id}");
        foreach (var t in reports)
        {
            var c = t.Comparison;
            var table = new TextTable($"{t.Target.Name()}: {c.Reported.Description}")
                .Column("figure").Column("unit", priority: 1).Column("predicted", right: true).Column("reported", right: true).Column("error", right: true)
                .Column("note", priority: 2);
            foreach (var row in c.Rows)
                table.Row(row.Figure, row.Unit, Number(row.Predicted), Number(row.Reported), Percent(row.RelativeError), row.Note ?? "");
            table.Write(io, wide);
            io.Prose.WriteLine("scope: " + c.ScopeText(p.Device));
            foreach (var note in c.Reported.Notes) io.Prose.WriteLine("note: " + note);
            io.Prose.WriteLine("error = (predicted - reported) / reported; from " + string.Join(", ", c.Reported.Reports.Select(s => Path.GetRelativePath(p.Directory, s.Source))));
        }
    }

    private static string Number(double? v) => v is { } x ? x.ToString(Math.Abs(x) >= 100 ? "#,0" : "#,0.#", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? e) => e is { } x ? x.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture) : "-";
}
