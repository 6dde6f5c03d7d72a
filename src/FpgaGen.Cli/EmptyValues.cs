using System.CommandLine;
using System.CommandLine.Parsing;

namespace FpgaGen.Cli;

/// <summary>
/// Refuses an empty (or blank) value for every option and argument that takes text, of every command, at parse time:
/// `--out ''`, `compile ''`, `--tool-path ''` name no file or folder, and left to the command they reached .NET's path
/// functions as an ArgumentException (a stack trace). Added to the whole command tree, so a new option is covered
/// without further ado. The result is a parse error: one line, exit 2 (<see cref="ParseErrors"/>).
/// </summary>
internal static class EmptyValues
{
    /// <summary>The message (ParseErrors puts the option's name before it).</summary>
    public const string Message = "empty value";

    /// <summary>
    /// Arguments that already refuse an empty value with a more helpful message when the command runs: the model
    /// (ModelFiles lists the bundled designs).
    /// </summary>
    private static readonly HashSet<string> OwnCheck = ["model"];

    public static void RefuseIn(Command command)
    {
        foreach (var option in command.Options)
            if (TakesText(option.ValueType))
                // First, so that an empty value reads as such, not as a word outside an option's list (--format '').
                option.Validators.Insert(0, r => Check(r, r.Tokens));
        foreach (var argument in command.Arguments)
            if (TakesText(argument.ValueType) && !OwnCheck.Contains(argument.Name))
                argument.Validators.Insert(0, r => Check(r, r.Tokens));
        foreach (var sub in command.Subcommands) RefuseIn(sub);
    }

    private static bool TakesText(Type type) =>
        type == typeof(string) || (type.IsAssignableTo(typeof(IEnumerable<string>)) && type != typeof(char[]));

    private static void Check(SymbolResult result, IReadOnlyList<Token> tokens)
    {
        if (tokens.Any(t => string.IsNullOrWhiteSpace(t.Value))) result.AddError(Message);
    }
}
