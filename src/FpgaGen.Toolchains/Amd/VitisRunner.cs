using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Amd;

/// <summary>Builds an .xclbin with v++: one compile per kernel, then the link; reads the link estimate.</summary>
public static class VitisRunner
{
    public static async Task<ToolRun> BuildAsync(
        InstalledTool vpp, IReadOnlyList<VppCompileJob> kernels, VppLinkJob link, RunOptions options, CancellationToken cancellationToken = default)
    {
        Steps.Require(vpp, ToolKind.Vpp);
        var wd = Path.GetFullPath(options.WorkingDirectory);
        // Build every command first, so a bad job fails before hours of compiling.
        var compiles = kernels.Select(k => (Job: k, Command: VppArguments.Compile(k, wd))).ToList();
        var linkCommand = VppArguments.Link(link, wd);

        var steps = new List<StepResult>();
        foreach (var (job, command) in compiles)
        {
            var step = await Steps.RunAsync($"vpp-compile-{job.Kernel}", vpp, command, options, cancellationToken);
            steps.Add(step);
            if (Steps.Failure(step, $"v++ -c -k {job.Kernel}") is { } error) return new ToolRun(steps, error);
        }
        var linked = await Steps.RunAsync($"vpp-link-{Path.GetFileNameWithoutExtension(link.Output)}", vpp, linkCommand, options, cancellationToken);
        steps.Add(linked);
        if (Steps.Failure(linked, "v++ -l") is { } linkError) return new ToolRun(steps, linkError);

        var outputs = compiles.Select(c => c.Job.OutputFile(wd)).Append(Path.GetFullPath(link.Output, wd)).ToList();
        var estimate = link.SystemEstimate(wd);
        // sw_emu builds have no hardware estimate.
        return Steps.WithReport(steps, () => File.Exists(estimate) ? AmdReports.FromEstimate(SystemEstimate.Parse(estimate), estimate) : null, outputs);
    }
}
