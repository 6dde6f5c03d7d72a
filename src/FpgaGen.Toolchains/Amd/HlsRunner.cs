using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Amd;

/// <summary>
/// Runs HLS on one project: with vitis_hls, writes &lt;name&gt;_hls.tcl and runs `vitis_hls -f`; with v++ 2023.1+,
/// writes &lt;name&gt;_hls_config.cfg and runs `v++ -c --mode hls`. Reads the C-simulation log and csynth.xml.
/// </summary>
public static class HlsRunner
{
    public static async Task<ToolRun> RunAsync(InstalledTool tool, HlsProject project, RunOptions options, CancellationToken cancellationToken = default)
    {
        var wd = Path.GetFullPath(options.WorkingDirectory);
        var flow = FlowFor(tool, project);
        ToolCommand command;
        if (flow == HlsFlow.Tcl)
        {
            var script = Path.Combine(wd, $"{project.Name}_hls.tcl");
            AtomicFile.WriteAllText(script, HlsScripts.Tcl(project, tool.Version));
            command = HlsArguments.Tcl(script);
        }
        else
        {
            var config = Path.Combine(wd, $"{project.Name}_hls_config.cfg");
            AtomicFile.WriteAllText(config, HlsScripts.Config(project));
            command = HlsArguments.Unified(config, project.Name);
        }

        var step = await Steps.RunAsync($"hls-{project.Name}", tool, command, options, cancellationToken);
        var csimFile = project.CsimLog(wd);
        // A failed C simulation leaves its log; read it so the caller sees the failure marker.
        var csim = project.CSimulation && File.Exists(csimFile) && !step.Process.TimedOut && !step.Process.Cancelled
            ? Try(() => CsimLog.Parse(csimFile))
            : null;
        if (Steps.Failure(step, tool.Name) is { } error) return new ToolRun([step], error) { CSimulation = csim };
        if (project.CSimulation && csim is not { Passed: true })
            return new ToolRun([step], $"C simulation did not pass{(csim?.FailureLine is { } line ? ": " + line : "")} (log: {csimFile})") { CSimulation = csim };

        var xml = project.CsynthXml(flow, wd);
        return Steps.WithReport([step], () => project.Synthesis ? AmdReports.FromCsynth(CsynthReport.Parse(xml), xml) : null, []) with { CSimulation = csim };
    }

    private static HlsFlow FlowFor(InstalledTool tool, HlsProject project)
    {
        switch (tool.Kind)
        {
            case ToolKind.VitisHls:
                return HlsFlow.Tcl;
            case ToolKind.Vpp when !tool.Version.AtLeast(2023, 1):
                throw new InputException($"v++ {tool.Version} has no HLS mode (v++ -c --mode hls needs Vitis 2023.1 or newer); install vitis_hls or a newer Vitis");
            case ToolKind.Vpp when project.CSimulation:
                throw new InputException("C simulation needs vitis_hls: the unified flow runs it with vitis-run, which FpgaGen does not drive");
            case ToolKind.Vpp:
                return HlsFlow.Unified;
            default:
                throw new ArgumentException($"HLS runs with vitis_hls or v++, not {tool.Name}", nameof(tool));
        }
    }

    private static CsimLog? Try(Func<CsimLog> parse)
    {
        try
        {
            return parse();
        }
        catch (DocumentFormatException)
        {
            return null; // an unfinished log; the step's own error says more
        }
    }
}
