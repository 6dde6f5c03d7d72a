using System.Globalization;
using System.Text;
using System.Text.Json;
using FpgaGen.Toolchains.Discovery;
using Spectre.Console;

namespace FpgaGen.Cli;

/// <summary>The CLI's output streams, and the one place that turns user errors into a message and exit code 2.</summary>
/// <param name="tools">The environment vendor tools run in (lookup and children); tests give fake tools and variables here.</param>
/// <param name="width">Characters per line tables may use; default: the terminal's, else $COLUMNS, else unlimited.</param>
public sealed class CliIo(TextWriter stdout, TextWriter stderr, ToolEnvironment? tools = null, int? width = null)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;

    public ToolEnvironment Tools { get; } = tools ?? ToolEnvironment.Inherited;

    /// <summary>
    /// Prose on stdout (summaries, messages), each line word-wrapped at <see cref="Width"/> (Tables.TextWrap: never
    /// inside a number, a path or a parameter set); tables, JSON and CSV go to <see cref="Out"/> as they are.
    /// </summary>
    public TextWriter Prose => prose ??= new Tables.WrappingWriter(Out, () => Width);
    private TextWriter? prose;

    /// <summary>Notes, warnings and errors on stderr, wrapped as <see cref="Prose"/> is.</summary>
    public TextWriter Notes => notes ??= new Tables.WrappingWriter(Err, () => Width);
    private TextWriter? notes;

    public static readonly string[] Formats = ["table", "json", "csv"];

    /// <summary>The command being run ("fpgagen tune"), for the help pointer that ends usage errors.</summary>
    public string Command { get; set; } = "fpgagen";

    /// <summary>
    /// Line width for tables: the terminal's when stdout is one, else $COLUMNS when set (a pipe to `less` or a
    /// script), else no limit (every column).
    /// </summary>
    public int Width => width ??= DetectWidth();

    private int DetectWidth()
    {
        if (ReferenceEquals(Out, System.Console.Out) && !System.Console.IsOutputRedirected)
        {
            try
            {
                if (System.Console.WindowWidth > 0) return System.Console.WindowWidth;
            }
            catch (IOException)
            {
                // no terminal size available: fall through
            }
        }
        return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0 ? c : int.MaxValue;
    }

    /// <summary>Spectre console writing to <see cref="Out"/>; colors only on a real terminal.</summary>
    public IAnsiConsole Console => console ??= AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Out),
        Ansi = ReferenceEquals(Out, System.Console.Out) && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.No,
    }).Also(c => { if (!ReferenceEquals(Out, System.Console.Out) || System.Console.IsOutputRedirected) c.Profile.Width = 200; });
    private IAnsiConsole? console;

    /// <summary>True when stderr is a terminal: progress bars are drawn there, never into piped output.</summary>
    public bool Interactive => ReferenceEquals(Err, System.Console.Error) && !System.Console.IsErrorRedirected;

    /// <summary>Spectre console on stderr, for progress bars.</summary>
    public IAnsiConsole ErrConsole => errConsole ??= AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Err),
        Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
    });
    private IAnsiConsole? errConsole;

    /// <summary>Runs a command body: an <see cref="InputException"/> becomes "error: …" on stderr and exit code 2.</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (UserError(e) is { } error)
        {
            Err.WriteLine(InputException.Shorten(error.Message));
            return error.Code;
        }
    }

    /// <summary>
    /// <see cref="Guard"/> for commands that run tools: also turns a cancellation (Ctrl-C) into "cancelled" and exit
    /// code 130, the shell's code for SIGINT.
    /// </summary>
    public async Task<int> GuardAsync(Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (UserError(e) is { } error)
        {
            Err.WriteLine(InputException.Shorten(error.Message));
            return error.Code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Err.WriteLine("cancelled");
            return 130;
        }
    }

    /// <summary>
    /// The one-line message and exit code for errors the user can act on: bad input (2), an OpenCL device that cannot
    /// build a kernel or allocate a buffer (2), an output that could not be written during the work, such as a full
    /// disk (1), and file-system errors: a place that cannot be written (permissions, a read-only file system, 2), or
    /// an I/O failure while working (1). A usage error (an option's value refused after parsing) ends
    /// with the same help pointer as a parse error. Anything else is a bug and keeps its stack trace.
    /// </summary>
    private (string Message, int Code)? UserError(Exception e) => e switch
    {
        UsageException => (ParseErrors.WithHelp("error: " + InputException.OneLine(e.Message), Command), 2),
        InputException => ("error: " + InputException.OneLine(e.Message), 2),
        OpenCl.OpenClException => ("error: OpenCL: " + InputException.OneLine(e.Message), 2),
        OutputException => ("error: " + InputException.OneLine(e.Message), 1),
        UnauthorizedAccessException => ("error: permission denied: " + InputException.OneLine(e.Message), 2),
        IOException io when OutputException.IsDiskFull(io) => ("error: no space left on the device: " + InputException.OneLine(e.Message), 1),
        IOException io when (io.HResult & 0xFFFF) is 30 or 13 or 20 or 36 => ("error: " + InputException.OneLine(e.Message), 2),
        IOException => ("error: I/O: " + InputException.OneLine(e.Message), 1),
        _ => null,
    };

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Text as it is ('+', quotes, µ), not \u0027 escapes: these documents are not embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void WriteJson(object value) => Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>CSV of records that all have the same fields in the same order: the first one's names are the header.</summary>
    public void WriteRecords(IEnumerable<IReadOnlyList<KeyValuePair<string, object?>>> records) => Out.Write(CsvText.Table(records));

    public void WriteCsv(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        Out.WriteLine(CsvText.Line(header));
        foreach (var row in rows) Out.WriteLine(CsvText.Line(row));
    }

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Bytes(long n)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = n;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{n} B" : v.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[u];
    }

    public static string Escape(string s) => Markup.Escape(s);
}

internal static class ObjectExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
