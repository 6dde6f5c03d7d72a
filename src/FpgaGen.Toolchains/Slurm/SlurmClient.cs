using System.Text;
using FpgaGen.Toolchains.Discovery;
using FpgaGen.Toolchains.Processes;

namespace FpgaGen.Toolchains.Slurm;

/// <summary>What a Slurm client command printed and how it ended.</summary>
public sealed record SlurmOutput(string Command, int ExitCode, string Stdout, IReadOnlyList<string> Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The first line Slurm printed on stderr, e.g. "sbatch: error: Invalid partition name specified".</summary>
    public string FirstError => Stderr.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? $"exit code {ExitCode}";
}

/// <summary>
/// Runs Slurm's own client commands (sbatch, squeue, sacct, scancel) through <see cref="ProcessRunner"/>, as argument
/// lists, never a shell. The environment is the vendor tools' (<see cref="ToolEnvironment"/>): sbatch exports it to
/// the job (--export=ALL), so a task on a node sees the tool paths and variables a local compile would.
/// </summary>
public sealed class SlurmClient(ToolEnvironment environment)
{
    /// <summary>A client command waits on slurmctld; one that hangs this long means the controller is unreachable.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    public ToolEnvironment Environment { get; } = environment;

    public async Task<SlurmOutput> RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var stdout = new StringBuilder();
        var stderr = new List<string>();
        var spec = new ProcessSpec(command, arguments)
        {
            Environment = Environment.Overrides,
            Timeout = CommandTimeout,
            TailLines = 0,
            OnLine = line =>
            {
                if (line.Stream == OutputStream.Stdout) stdout.Append(line.Text).Append('\n');
                else stderr.Add(line.Text);
            },
        };
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(spec, ct);
        }
        catch (InputException e)
        {
            throw new InputException($"{command}: cannot run it ({InputException.OneLine(e.Message)}); the Slurm executor needs Slurm's client commands " +
                                     "on PATH (a cluster's login node, or Debian's slurm-client package)");
        }
        ct.ThrowIfCancellationRequested();
        if (result.TimedOut)
            throw new OutputException($"{spec.CommandLine} did not answer within {CommandTimeout.TotalSeconds:0} s; is slurmctld reachable (scontrol ping)?", new TimeoutException());
        return new SlurmOutput(spec.CommandLine, result.ExitCode, stdout.ToString(), stderr);
    }
}
