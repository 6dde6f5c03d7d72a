using FpgaGen.Toolchains.Processes;

namespace FpgaGen.Toolchains.Discovery;

/// <summary>A located tool and its version, as `fpgagen compile` needs them to build command lines.</summary>
public sealed record InstalledTool(ToolKind Kind, string Path, ToolVersion Version)
{
    public string Name => ToolSpec.For(Kind).Executable;

    /// <summary>
    /// Finds the tool and asks it for its version. Fails with a clear InputException when the tool is missing, does
    /// not answer within the timeout, or prints no version we can read.
    /// </summary>
    public static async Task<InstalledTool> DetectAsync(
        ToolKind kind, ToolEnvironment environment, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var spec = ToolSpec.For(kind);
        var path = ToolLocator.Find(kind, environment);
        var run = new ProcessSpec(path, spec.VersionArguments)
        {
            Environment = environment.Overrides,
            // vitis_hls starts a Tcl interpreter even for -version; give it time on a loaded machine.
            Timeout = timeout ?? TimeSpan.FromSeconds(120),
            TailLines = 100,
        };
        var result = await ProcessRunner.RunAsync(run, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var output = string.Join('\n', result.LastLines.Select(l => l.Text));
        var version = result.TimedOut ? null : kind == ToolKind.Aoc ? ToolVersion.TryParseAoc(output) : ToolVersion.TryParseVitis(output);
        if (version is not null) return new InstalledTool(kind, path, version);

        var said = result.LastLines.FirstOrDefault(l => l.Text.Trim() != "").Text?.Trim();
        throw new InputException($"cannot read the {spec.Executable} version: `{run.CommandLine}` {result.Describe()}" +
                                 (said is null ? " and printed nothing" : $" and printed \"{said}\""));
    }
}
