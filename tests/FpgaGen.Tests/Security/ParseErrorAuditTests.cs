using System.CommandLine;
using FpgaGen.Cli;
using FpgaGen.Tests.Cli;

namespace FpgaGen.Tests.Security;

/// <summary>
/// Every command-line parse error, of every option of every command (walked from the CLI's own command tree, so a new
/// option is covered without a new test): one line on stderr naming the option and what it accepts, then
/// "; see 'fpgagen CMD --help'", exit code 2, nothing on stdout and nothing run.
/// </summary>
public class ParseErrorAuditTests
{
    /// <summary>Arguments that make each command's line valid, so the error under test is the only one.</summary>
    private static readonly Dictionary<string, string[]> Valid = new()
    {
        ["analyze"] = ["tiny_cnn"],
        ["devices"] = [],
        ["estimate"] = ["tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", "Tm=8,Tn=8,Tk=8,vu=8"],
        ["explore"] = ["tiny_cnn", "--device", "u250"],
        ["generate"] = ["tiny_cnn", "--device", "u250", "--out", "/nonexistent/never-written"],
        ["compile"] = ["/nonexistent/project"],
        ["report"] = ["/nonexistent/project"],
        ["tune"] = [],
        ["simulate"] = ["tiny_cnn", "--device", "u250"],
        ["calibrate"] = ["tiny_cnn", "--inputs", "/nonexistent/inputs"],
        ["sweep"] = ["status", "/nonexistent/sweep"],
    };

    private static RootCommand Root => Program.CreateRoot(new CliIo(TextWriter.Null, TextWriter.Null));

    private static IEnumerable<(Command Command, Option Option)> Options() =>
        Root.Subcommands.SelectMany(c => c.Options.Where(o => o is not System.CommandLine.Help.HelpOption && o.Arity.MaximumNumberOfValues > 0).Select(o => (c, o)));

    private static bool TakesText(Type type) => type == typeof(string) || type == typeof(string[]) || type == typeof(List<string>);

    private static IEnumerable<(string[] Path, Argument Argument)> Arguments(Command command, string[] path)
    {
        foreach (var sub in command.Subcommands)
        {
            string[] here = [.. path, sub.Name];
            foreach (var a in sub.Arguments) yield return (here, a);
            foreach (var x in Arguments(sub, here)) yield return x;
        }
    }

    /// <summary>
    /// One case per option and kind of mistake: a word for a number, a number beyond its type, the value left out, an
    /// empty or blank text (which names no file; it used to reach .NET's path functions as a stack trace).
    /// </summary>
    public static TheoryData<string, string[], string> Cases()
    {
        var data = new TheoryData<string, string[], string>();
        foreach (var (command, option) in Options())
        {
            var valid = Valid[command.Name].Where((a, i) => a != option.Name && (i == 0 || Valid[command.Name][i - 1] != option.Name)).ToArray();
            var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type == typeof(int) || type == typeof(long) || type == typeof(double))
            {
                data.Add(command.Name, [command.Name, .. valid, option.Name, "abc"], $"{option.Name}: 'abc' is not a");
                if (type != typeof(double))
                    data.Add(command.Name, [command.Name, .. valid, option.Name, "99999999999999999999"], $"{option.Name}: '99999999999999999999' is not a whole number (at most");
            }
            if (option.Arity.MinimumNumberOfValues > 0)
                data.Add(command.Name, [command.Name, .. valid, option.Name], $"'{option.Name}'");
            if (TakesText(type))
            {
                data.Add(command.Name, [command.Name, .. valid, option.Name, ""], $"{option.Name}: empty value");
                data.Add(command.Name, [command.Name, .. valid, option.Name, " "], $"{option.Name}: empty value");
            }
        }
        // Every text argument of every command and subcommand, given empty (the model has its own message, below).
        foreach (var (path, argument) in Arguments(Root, []))
            if (TakesText(argument.ValueType) && argument.Name != "model")
            {
                // The command's required options given, so that the empty argument is the only error.
                var command = Root.Subcommands.Single(c => c.Name == path[0]);
                var required = (path.Length > 1 ? command.Subcommands.Single(c => c.Name == path[1]) : command).Options.Where(o => o.Required).SelectMany(o => new[] { o.Name, "x" });
                data.Add(path[0], [.. path, "", .. required], $"<{argument.Name}>: empty value");
            }
        foreach (var command in Root.Subcommands)
        {
            data.Add(command.Name, [command.Name, .. Valid[command.Name], "--no-such-option"], "unrecognized command or argument '--no-such-option'");
            data.Add(command.Name, [command.Name, .. Valid[command.Name], "--no-such-option=3"], "unrecognized command or argument '--no-such-option=3'");
        }
        return data;
    }

    /// <summary>The named mistakes of the issue and the values each option accepts.</summary>
    public static TheoryData<string, string[], string> Named() => new()
    {
        { "", ["frobnicate"], "unrecognized command or argument 'frobnicate'" },
        { "", [], "no command given" },
        { "analyze", ["analyze"], "required argument 'model' missing" },
        { "analyze", ["analyze", "a", "b"], "unrecognized command or argument 'b'" },
        { "analyze", ["analyze", "a", "b\nerror: forged"], "unrecognized command or argument 'b\\nerror: forged'" },
        { "analyze", ["analyze", "tiny_cnn", "--batch", "0"], "--batch: expected 1 to 65,536, got 0" },
        { "analyze", ["analyze", "tiny_cnn", "--batch", "2147483647"], "--batch: expected 1 to 65,536, got 2,147,483,647" },
        { "analyze", ["analyze", "tiny_cnn", "--precision", "fp7"], "--precision: 'fp7' is not accepted (expected one of: fp32, fp16, int16, int8)" },
        { "devices", ["devices", "--format", "xml"], "--format: 'xml' is not accepted (expected one of: table, json, csv)" },
        { "estimate", ["estimate", "tiny_cnn"], "option '--device' is required" },
        { "explore", ["explore", "tiny_cnn", "--device", "u250", "--top", "99999999999"], "--top: '99999999999' is not a whole number (at most 2,147,483,647)" },
        { "explore", ["explore", "tiny_cnn", "--device", "u250", "--top", "0"], "--top: expected 1 or more, got 0" },
        { "explore", ["explore", "tiny_cnn", "--device", "u250", "--exhaustive-limit", "-5"], "--exhaustive-limit: expected 1 or more, got -5" },
        { "explore", ["explore", "tiny_cnn", "--device", "u250", "--max-util", "NaN"], "--max-util: expected a fraction in (0, 1], got NaN" },
        { "explore", ["explore", "tiny_cnn", "--device", "u250", "--max-util", "7"], "--max-util: expected a fraction in (0, 1], got 7" },
        { "explore", ["explore", "tiny_cnn", "--device", "u250", "--objective", "fast"], "--objective: 'fast' is not accepted (expected one of: throughput, latency, efficiency)" },
        { "explore", ["explore", "tiny_cnn", "--device", "u250", "--format", "xml\nerror: forged"], "--format: 'xml\\nerror: forged' is not accepted" },
        { "generate", ["generate", "tiny_cnn", "--device", "u250"], "option '--out' is required" },
        { "compile", ["compile", "p", "--target", "nope"], "--target: 'nope' is not accepted (expected one of: emu, report, hw, csim, csynth, sw_emu, hw_emu)" },
        { "compile", ["compile", "p", "--jobs", "0"], "--jobs: expected 1 or more, got 0" },
        { "compile", ["compile", "--sweep", "x", "--top", "-1"], "--top: expected 1 or more, got -1" },
        { "report", ["report", "p", "--format", "yaml"], "--format: 'yaml' is not accepted (expected one of: table, json, csv)" },
        { "tune", ["tune", "--kernel", "fft"], "--kernel: 'fft' is not accepted (expected one of: gemm, conv)" },
        { "tune", ["tune", "--strategy", "best"], "--strategy: 'best' is not accepted (expected one of: exhaustive, random)" },
        { "tune", ["tune", "--kernel", "gemm", "--shape", "8x8x8", "--budget", "NaN"], "--budget: expected 0 to 2592000 seconds (30 days), got NaN" },
        { "tune", ["tune", "--kernel", "gemm", "--shape", "8x8x8", "--budget", "1e300"], "--budget: expected 0 to 2592000 seconds (30 days), got 1E+300" },
        { "tune", ["tune", "--kernel", "gemm", "--shape", "8x8x8", "--budget", "-1"], "--budget: expected 0 to 2592000 seconds (30 days), got -1" },
        { "tune", ["tune", "--kernel", "gemm", "--shape", "8x8x8", "--budget", "Infinity"], "--budget: expected 0 to 2592000 seconds (30 days), got Infinity" },
        { "simulate", ["simulate", "tiny_cnn", "--device", "u250", "--format", "xml"], "--format: 'xml' is not accepted (expected one of: table, json, csv)" },
        { "simulate", ["simulate", "tiny_cnn", "--device", "u250", "--reference", "gpu"], "--reference: 'gpu' is not accepted (expected one of: cpu, opencl)" },
    };

    private static void AssertParseError(string command, string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        var shown = string.Join(" ", args);
        Assert.True(r.Code == 2, $"fpgagen {shown}: exit {r.Code}\n{r.Err}{r.Out}");
        Assert.Equal("", r.Out);
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.True(line.Contains(expected, StringComparison.Ordinal), $"fpgagen {shown}: expected \"{expected}\" in: {line}");
        // The pointer names the subcommand that was parsed (`sweep status`, not `sweep`).
        var parsed = command == "sweep" ? "sweep " + args[1] : command;
        Assert.EndsWith($"; see '{(command == "" ? "fpgagen" : "fpgagen " + parsed)} --help'", line);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryOptionsParseErrorIsOneLine(string command, string[] args, string expected) => AssertParseError(command, args, expected);

    [Theory]
    [MemberData(nameof(Named))]
    public void NamedParseErrorsAreOneLineSayingWhatIsAccepted(string command, string[] args, string expected) => AssertParseError(command, args, expected);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void AnEmptyModelNameIsOneLine(string name)
    {
        var r = CliRunner.Run("analyze", name);
        Assert.Equal(2, r.Code);
        Assert.StartsWith("error: <model>: empty; expected a design YAML or ONNX file, or a bundled design (alexnet,", Assert.Single(r.Err.TrimEnd('\n').Split('\n')));
    }

    [Fact]
    public void TheAuditCoversEveryCommandAndEveryNumericOption()
    {
        var cases = Cases().Select(c => (string)c[0]).ToHashSet();
        Assert.Equal(Root.Subcommands.Select(c => c.Name).ToHashSet(), cases);
        Assert.Equal(Valid.Keys.ToHashSet(), cases);
        // The numeric options seen: if a command gains one, it is in the table above without further ado.
        var numeric = Options().Where(x => (Nullable.GetUnderlyingType(x.Option.ValueType) ?? x.Option.ValueType) is var t && (t == typeof(int) || t == typeof(long) || t == typeof(double)))
            .Select(x => $"{x.Command.Name} {x.Option.Name}").ToList();
        Assert.Contains("tune --budget", numeric);
        Assert.Contains("estimate --freq", numeric);
        Assert.Contains("compile --jobs", numeric);
    }
}
