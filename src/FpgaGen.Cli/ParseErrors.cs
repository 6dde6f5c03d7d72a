using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace FpgaGen.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into the one line FpgaGen prints for them (instead of its error list and
/// the whole help): which option or argument is wrong and what it accepts, then where the help is. Exit code 2.
/// </summary>
internal static partial class ParseErrors
{
    public static string Describe(ParseResult result)
    {
        // An unrecognized word explains the rest ("required command was not provided" follows from a misspelled one).
        var error = result.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? result.Errors[0];
        return WithHelp($"error: {Explain(error)}", CommandPath(result.CommandResult));
    }

    /// <summary>The one ending every usage error has, parse-time or not: where the command's help is.</summary>
    public static string WithHelp(string message, string command) => $"{message}; see '{command} --help'";

    private static string Explain(ParseError error)
    {
        var lines = error.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var first = lines.Length > 0 ? lines[0].TrimEnd('.') : "invalid command line";
        var (name, type) = error.SymbolResult switch
        {
            OptionResult o => (o.Option.Name, o.Option.ValueType),
            ArgumentResult a => ($"<{a.Argument.Name}>", a.Argument.ValueType),
            _ => ((string?)null, (Type?)null),
        };
        // The whole message, escaped: an unrecognized word may hold a line break.
        if (name is null) return InputException.OneLine(first == "Required command was not provided" ? "no command given" : Lower(error.Message.Trim().TrimEnd('.')));
        // Matched on the whole message: the value the user typed may itself hold line breaks.
        if (MustBeOneOf().Match(error.Message) is { Success: true } m)
        {
            var allowed = m.Groups[2].Value.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim('\'')).Where(l => l.Length > 0);
            return $"{name}: '{InputException.OneLine(m.Groups[1].Value)}' is not accepted (expected one of: {string.Join(", ", allowed)})";
        }
        if (CannotParse().Match(error.Message.TrimEnd('.', '\n', '\r')) is { Success: true } p)
            return $"{name}: '{InputException.OneLine(p.Groups[1].Value)}' is not {Expected(type)}";
        var text = Lower(first);
        return InputException.OneLine(text.Contains($"'{name}'", StringComparison.Ordinal) || text.Contains($"'{name.Trim('<', '>')}'", StringComparison.Ordinal) ? text : $"{name}: {text}");
    }

    /// <summary>What a value of the option's type looks like, for "is not ..." messages.</summary>
    private static string Expected(Type? type)
    {
        var t = Nullable.GetUnderlyingType(type ?? typeof(string)) ?? type;
        return t == typeof(int) ? $"a whole number (at most {int.MaxValue:N0})"
            : t == typeof(long) ? $"a whole number (at most {long.MaxValue:N0})"
            : t == typeof(double) ? "a number"
            : t == typeof(bool) ? "true or false"
            : "accepted here";
    }

    public static string CommandPath(CommandResult? result)
    {
        var names = new List<string>();
        for (var r = result; r is not null; r = r.Parent as CommandResult)
            names.Insert(0, r.Parent is null ? "fpgagen" : r.Command.Name);
        return names.Count == 0 ? "fpgagen" : string.Join(" ", names);
    }

    private static string Lower(string s) => s.Length > 1 && char.IsUpper(s[0]) && !char.IsUpper(s[1]) ? char.ToLowerInvariant(s[0]) + s[1..] : s;

    [GeneratedRegex(@"^Argument '(.*)' not recognized\. Must be one of:?\s*\n(.*)$", RegexOptions.Singleline)]
    private static partial Regex MustBeOneOf();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for (?:option|command|argument) '[^']*' as expected type '[^']*'$", RegexOptions.Singleline)]
    private static partial Regex CannotParse();
}
