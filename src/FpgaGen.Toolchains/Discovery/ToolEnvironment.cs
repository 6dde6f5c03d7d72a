namespace FpgaGen.Toolchains.Discovery;

/// <summary>
/// The environment the vendor tools see: this process's variables plus overrides. Tool lookup reads through it and
/// every run passes the overrides to the child, so a caller (or a test putting fake tools first on PATH) changes
/// what the tools see without touching this process's own environment.
/// </summary>
public sealed class ToolEnvironment
{
    private readonly Dictionary<string, string?> overrides;

    private ToolEnvironment(Dictionary<string, string?> overrides) => this.overrides = overrides;

    /// <summary>Exactly this process's environment.</summary>
    public static ToolEnvironment Inherited { get; } = new([]);

    /// <summary>Variables that differ from this process's; null means removed.</summary>
    public IReadOnlyDictionary<string, string?> Overrides => overrides;

    public string? Get(string name) => overrides.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name);

    public ToolEnvironment With(string name, string? value) => new(new Dictionary<string, string?>(overrides) { [name] = value });

    public ToolEnvironment With(IReadOnlyDictionary<string, string?> more)
    {
        var merged = new Dictionary<string, string?>(overrides);
        foreach (var (k, v) in more) merged[k] = v;
        return new ToolEnvironment(merged);
    }

    /// <summary>Puts a folder first on PATH.</summary>
    public ToolEnvironment WithPathFirst(string directory) =>
        With("PATH", Get("PATH") is { Length: > 0 } path ? directory + Path.PathSeparator + path : directory);
}
