using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Intel;

/// <summary>Runs one aoc compile and reads its reports.</summary>
public static class AocRunner
{
    public static async Task<ToolRun> RunAsync(InstalledTool aoc, AocJob job, RunOptions options, CancellationToken cancellationToken = default)
    {
        Steps.Require(aoc, ToolKind.Aoc);
        var command = AocArguments.Build(job, aoc.Version);
        Directory.CreateDirectory(job.OutputFolder);
        var step = await Steps.RunAsync($"aoc-{job.BaseName}-{job.Flow.ToString().ToLowerInvariant()}", aoc, command, options, cancellationToken);
        if (Steps.Failure(step, "aoc") is { } error) return new ToolRun([step], error);

        var output = job.OutputFile(aoc.Version);
        if (!File.Exists(output)) return new ToolRun([step], $"aoc reported success but wrote no {output} (log: {step.Process.LogPath})");
        return Steps.WithReport([step], () => job.Flow == AocFlow.Emulator ? null : AocReports.Read(job.WorkDirectory), [output]);
    }
}
