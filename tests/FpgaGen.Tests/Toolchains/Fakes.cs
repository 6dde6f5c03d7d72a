using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Tests.Toolchains;

/// <summary>The fake vendor tools of tests/fakes, put first on the child's PATH (never on this process's).</summary>
public static class Fakes
{
    public static string Directory { get; } = Path.Combine(DataPaths.Root, "tests", "fakes");

    public static ToolEnvironment Environment(params (string Name, string? Value)[] vars) =>
        vars.Aggregate(ToolEnvironment.Inherited.WithPathFirst(Directory), (env, v) => env.With(v.Name, v.Value));

    public static Task<InstalledTool> DetectAsync(ToolKind kind, ToolEnvironment environment) =>
        InstalledTool.DetectAsync(kind, environment, TimeSpan.FromSeconds(30));
}
