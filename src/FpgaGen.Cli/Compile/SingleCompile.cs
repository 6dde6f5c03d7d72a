using System.Globalization;
using FpgaGen.Toolchains.Projects;

namespace FpgaGen.Cli.Compile;

/// <summary>`fpgagen compile PROJECT`: one project, one target, with a live status line and a short summary.</summary>
internal static class SingleCompile
{
    public static async Task<int> RunAsync(CliIo io, string projectDir, string? targetName, CompileSettings settings, CancellationToken ct)
    {
        var project = DesignFile.Load(projectDir);
        var target = CompileTargets.Resolve(targetName, project.ToolchainKind);
        var title = $"{target.Name()} {Path.GetFileName(project.Directory)}";
        var result = await LiveStatus.RunAsync(io, title, null, status =>
        {
            var live = status is null ? settings : settings with { OnLine = (_, line) => status.Describe($"{title}: {line.Text}") };
            return ProjectCompiler.CompileAsync(project, target, live, ct);
        });
        switch (result.Status)
        {
            case BuildStatus.Ok:
                Summarize(io, projectDir, result);
                return 0;
            case BuildStatus.Cancelled:
                io.Notes.WriteLine("cancelled: " + InputException.OneLine(result.Error ?? ""));
                return 130;
            default:
                // The tool's own text and the project's path: escaped, so neither can split the line or send terminal controls.
                io.Notes.WriteLine("error: " + InputException.OneLine(result.Error ?? ""));
                return 1;
        }
    }

    private static void Summarize(CliIo io, string projectDir, BuildResult r)
    {
        var tools = string.Join(", ", r.Tools.Select(t => $"{t.Name} {t.Version}"));
        io.Prose.WriteLine($"compiled {projectDir} for {r.Target.Name()} with {tools} in {Durations.Format(r.Duration)}");
        if (r.CSimulation is { } csim)
            io.Prose.WriteLine($"C simulation passed{(csim.ErrorCount is { } n ? $" ({n} errors)" : "")}");
        if (r.Reported is { } reported)
        {
            var f = reported.Figures;
            var device = r.Project.Device;
            var parts = new List<string>();
            void Add(string name, double? value) { if (value is { } v) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {v:#,0.#}")); }
            Add("DSP", f.Dsp);
            Add(device.Ram[0].Kind, f.Ram);
            if (device.Ram.Count > 1) Add(device.Ram[1].Kind, f.Uram);
            Add(device.Logic.Kind, f.Logic);
            Add("FF", f.Registers);
            Add("fmax MHz", f.FmaxMhz);
            io.Prose.WriteLine($"reported ({reported.Description}): {string.Join(", ", parts)}");
        }
        if (r.Outputs.Count > 0) io.Prose.WriteLine("outputs: " + string.Join(", ", r.Outputs.Select(o => Path.GetRelativePath(r.Project.Directory, o))));
        io.Prose.WriteLine($"log: {ShownPath.Of(r.LogPath)}; summary: {ShownPath.Of(r.SummaryPath)}" +
                         (r.Reported is null ? "" : $"; `fpgagen report {projectDir}` compares with the prediction"));
    }
}
