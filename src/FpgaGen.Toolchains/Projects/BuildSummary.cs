using System.Text.Json;
using System.Text.Json.Serialization;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// Writes build/&lt;target&gt;.report.json after every compile: how it ended, the tools and steps, the binaries, the
/// parsed vendor reports and, when they give figures, predicted against reported in the same scope.
/// </summary>
public static class BuildSummary
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(BuildResult result) =>
        AtomicFile.WriteAllText(result.SummaryPath, JsonSerializer.Serialize(ToJson(result), Json) + "\n");

    /// <summary>Paths in the summary are relative to the project folder (docs/formats.md), so the folder can move.</summary>
    private static string? InProject(BuildResult r, string? path) => path is null ? null : Path.GetRelativePath(r.Project.Directory, path);

    public static object ToJson(BuildResult r) => new
    {
        Project = ".",
        Target = r.Target.Name(),
        Status = r.StatusName,
        r.Error,
        Seconds = Math.Round(r.Duration.TotalSeconds, 3),
        Log = InProject(r, r.LogPath),
        Design = new
        {
            r.Project.Kernel, Params = Exploration.Documents.DesignParameters.TryParse(r.Project.ParameterText) is { } ps ? (object)ps : r.Project.ParameterText,
            r.Project.Precision, r.Project.Batch, Device = r.Project.Device.Id,
        },
        Tools = r.Tools.Select(t => new { t.Name, Version = t.Version.ToString(), t.Path }),
        ToolsRequired = r.Project.ToolRequirements,
        Steps = r.Steps.Select(s => new
        {
            s.Name,
            Command = s.CommandLine,
            ExitCode = s.Process.ExitCode,
            s.Process.TimedOut,
            s.Process.Cancelled,
            Seconds = Math.Round(s.Process.Duration.TotalSeconds, 3),
            Log = InProject(r, s.Process.LogPath),
        }),
        Outputs = r.Outputs.Select(o => InProject(r, o)),
        CSimulation = r.CSimulation is { } c ? new { c.Passed, c.ErrorCount, c.FailureLine } : null,
        Reports = r.Reported?.Reports.Select(s => Report(s, r.Project.Directory)),
        Comparison = r.Reported is { } reported ? Comparison(FigureComparison.Compare(r.Project.Predicted, reported, r.Project.Device), r.Project) : null,
    };

    /// <param name="projectDirectory">The source is given relative to it.</param>
    public static object Report(SynthesisReport s, string projectDirectory) => new
    {
        Kind = s.Kind.ToString(),
        Source = Path.GetRelativePath(projectDirectory, s.Source),
        s.Design,
        s.ToolVersion,
        s.Resources,
        s.FmaxMhz,
        Latency = s.Latency?.ToString(),
        Kernels = s.Kernels.Select(k => new { k.Name, k.Resources, k.ComputeUnits, k.FmaxMhz, Latency = k.Latency?.ToString(), Ii = k.Ii?.ToString() }),
    };

    public static object Comparison(FigureComparison c, BuildProject project) => new
    {
        Reported = c.Reported.Description,
        Scope = c.Scope == FigureScope.WholeDevice ? "whole_device" : "kernels",
        ScopeNote = c.ScopeText(project.Device),
        c.Reported.Notes,
        Figures = c.Rows.Select(row => new
        {
            row.Figure,
            row.Unit,
            row.Predicted,
            row.Reported,
            RelativeError = row.RelativeError is { } e ? Math.Round(e, 4) : (double?)null,
            row.Note,
        }),
    };
}
