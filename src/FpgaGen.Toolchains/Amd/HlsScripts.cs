using System.Text;
using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Amd;

/// <summary>
/// Writes the inputs of the two HLS flows. Paths are made absolute, because vitis_hls resolves them against its
/// working folder and v++ --mode hls against the config file's folder.
/// </summary>
public static class HlsScripts
{
    /// <summary>
    /// A run_hls.tcl in the shape hls4ml and hlsclt write (docs/vendor-formats.md §2.2): open_project, set_top,
    /// add_files [-tb] [-cflags], open_solution, set_part, create_clock, then csim_design / csynth_design, exit.
    /// "-flow_target vitis" only from Vitis HLS 2020.2: Vivado HLS rejects it ("'open_solution': Unknown option
    /// '-flow_target'", thesps/conifer#67).
    /// </summary>
    public static string Tcl(HlsProject project, ToolVersion version)
    {
        Validate(project);
        var sb = new StringBuilder();
        sb.Append("open_project -reset ").AppendLine(Word(project.Name));
        sb.Append("set_top ").AppendLine(Word(project.Top));
        foreach (var source in project.Sources) sb.AppendLine($"add_files {Word(Path.GetFullPath(source))}{CFlags(project)}");
        foreach (var tb in project.TestBenches) sb.AppendLine($"add_files -tb {Word(Path.GetFullPath(tb))}{CFlags(project)}");
        sb.Append("open_solution -reset ").Append(Word(project.Solution));
        if (project.VitisKernel && version.AtLeast(2020, 2)) sb.Append(" -flow_target vitis");
        sb.AppendLine();
        sb.AppendLine($"set_part {{{project.Part}}}");
        sb.AppendLine($"create_clock -period {project.Clock} -name default");
        if (project.CSimulation) sb.AppendLine("csim_design");
        if (project.Synthesis) sb.AppendLine("csynth_design");
        sb.AppendLine("exit");
        return sb.ToString();
    }

    /// <summary>
    /// An hls_config.cfg for v++ -c --mode hls (UG1399/UG1702 2023.1+, docs/vendor-formats.md §2.3): part= outside
    /// any section; clock (ns), flow_target, syn.file, syn.top, tb.file, syn.cflags/tb.cflags under [hls].
    /// </summary>
    public static string Config(HlsProject project)
    {
        Validate(project);
        var sb = new StringBuilder();
        sb.AppendLine($"part={project.Part}");
        sb.AppendLine();
        sb.AppendLine("[hls]");
        sb.AppendLine($"clock={project.Clock}ns");
        sb.AppendLine($"flow_target={(project.VitisKernel ? "vitis" : "vivado")}");
        foreach (var source in project.Sources) sb.AppendLine($"syn.file={Path.GetFullPath(source)}");
        sb.AppendLine($"syn.top={project.Top}");
        foreach (var tb in project.TestBenches) sb.AppendLine($"tb.file={Path.GetFullPath(tb)}");
        if (project.CFlags is { } flags)
        {
            sb.AppendLine($"syn.cflags={flags}");
            if (project.TestBenches.Count > 0) sb.AppendLine($"tb.cflags={flags}");
        }
        if (project.VitisKernel) sb.AppendLine("syn.output.format=xo");
        return sb.ToString();
    }

    private static void Validate(HlsProject project)
    {
        Check.NotEmpty(project.Name, "the HLS project name");
        Check.NotEmpty(project.Top, "the HLS top function");
        Check.NotEmpty(project.Part, "the FPGA part");
        if (project.Sources.Count == 0) throw new InputException($"HLS project {project.Name}: no source files");
        if (!(project.ClockNs > 0)) throw new InputException($"HLS project {project.Name}: the clock period must be positive, got {project.ClockNs} ns");
        string[] fields = [project.Name, project.Top, project.Solution, project.Part, project.CFlags ?? ""];
        foreach (var text in fields.Concat(project.Sources).Concat(project.TestBenches))
            if (text.IndexOfAny(['\n', '\r', '{', '}', '"']) >= 0)
                throw new InputException($"HLS project {project.Name}: '{text}' contains a character a Tcl script cannot carry (newline, brace or quote)");
    }

    /// <summary>Braces make a Tcl word literal (no $, [ ] or space splitting inside).</summary>
    private static string Word(string text) => text.Any(c => char.IsWhiteSpace(c) || "$[]\\;".Contains(c)) ? "{" + text + "}" : text;

    private static string CFlags(HlsProject project) => project.CFlags is { } flags ? $" -cflags {{{flags}}}" : "";
}

/// <summary>The two HLS command lines.</summary>
public static class HlsArguments
{
    /// <summary>vitis_hls -f run_hls.tcl (hls4ml ≤ mid-2025, hlsclt).</summary>
    public static ToolCommand Tcl(string script) => new(["-f", Path.GetFullPath(script)]);

    /// <summary>v++ -c --mode hls --config hls_config.cfg --work_dir W (2023.1+).</summary>
    public static ToolCommand Unified(string config, string workDirectory) =>
        new(["-c", "--mode", "hls", "--config", Path.GetFullPath(config), "--work_dir", workDirectory]);
}
