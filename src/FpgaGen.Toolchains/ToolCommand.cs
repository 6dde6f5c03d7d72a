using FpgaGen.Toolchains.Discovery;
using FpgaGen.Toolchains.Processes;

namespace FpgaGen.Toolchains;

/// <summary>
/// One tool invocation as built by a driver: arguments plus any variables the tool needs on top of the user's
/// environment. Pure data, so drivers can be unit tested without running anything.
/// </summary>
public sealed record ToolCommand(IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public ProcessSpec ToSpec(InstalledTool tool, ToolEnvironment environment, string workingDirectory) =>
        new(tool.Path, Arguments)
        {
            WorkingDirectory = workingDirectory,
            Environment = environment.With(Environment).Overrides,
        };
}

/// <summary>Checks shared by the drivers.</summary>
internal static class Check
{
    /// <summary>-D names must be C identifiers; anything else would change the meaning of the command line.</summary>
    public static void DefineName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new InputException($"-D {name}: a macro name must be a C identifier (letters, digits, _; not starting with a digit)");
    }

    public static string Define(KeyValuePair<string, string?> define)
    {
        DefineName(define.Key);
        return define.Value is null ? define.Key : $"{define.Key}={define.Value}";
    }

    public static void NotEmpty(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new InputException($"{what} is empty");
    }
}
