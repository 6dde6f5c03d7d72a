namespace FpgaGen.Toolchains.Discovery;

/// <summary>A vendor tool that is not installed or not set up; the message says where we looked and what to do.</summary>
public sealed class ToolNotFoundException(string message) : InputException(message);

/// <summary>
/// Finds a vendor tool the way a shell would (PATH), then in the install folders the vendors' setup scripts export:
/// $INTELFPGAOCLSDKROOT/bin for aoc, $XILINX_VITIS/bin for v++, $XILINX_HLS/bin then $XILINX_VITIS/bin for vitis_hls.
/// </summary>
public static class ToolLocator
{
    public static string Find(ToolKind kind, ToolEnvironment environment) =>
        TryFind(kind, environment) ?? throw new ToolNotFoundException(NotFoundMessage(ToolSpec.For(kind), environment));

    public static string? TryFind(ToolKind kind, ToolEnvironment environment)
    {
        var spec = ToolSpec.For(kind);
        var dirs = (environment.Get("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(spec.HomeVariables.Select(environment.Get).OfType<string>().Where(h => h != "").Select(h => Path.Combine(h, "bin")));
        foreach (var dir in dirs)
            foreach (var name in FileNames(spec.Executable))
            {
                var candidate = Path.Combine(dir, name);
                if (IsExecutable(candidate)) return Path.GetFullPath(candidate);
            }
        return null;
    }

    private static IEnumerable<string> FileNames(string executable) =>
        OperatingSystem.IsWindows() ? [executable + ".exe", executable + ".bat", executable + ".cmd"] : [executable];

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    private static string NotFoundMessage(ToolSpec spec, ToolEnvironment environment)
    {
        var homes = spec.HomeVariables.Select(v => environment.Get(v) is { Length: > 0 } value
            ? $"${v}/bin ({v}={value} has no {spec.Executable})"
            : $"${v}/bin ({v} is not set)");
        return $"cannot find {spec.Executable} ({spec.Title}): looked in PATH and in {string.Join(" and ", homes)}; " +
               $"to set it up, {spec.SetupHint}";
    }
}
