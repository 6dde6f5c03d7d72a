using System.CommandLine;
using FpgaGen.Cli.Commands;
using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Runs the CLI with the given streams (tests run it in-process). Exit codes: 0 ok, 1 failed check or tool run, 2 bad
    /// input, 130 cancelled. <paramref name="tools"/> is the environment vendor tools see (default: this process's);
    /// <paramref name="width"/> the line width tables get (default: the terminal's).
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, ToolEnvironment? tools = null, int? width = null)
    {
        var io = new CliIo(stdout, stderr, tools, width);
        var root = CreateRoot(io);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // One line naming the option and what it accepts, not the error list followed by the whole help.
            stderr.WriteLine(InputException.Shorten(ParseErrors.Describe(result)));
            return 2;
        }
        io.Command = ParseErrors.CommandPath(result.CommandResult);
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>Every command, as the CLI parses them (tests walk this tree to check every option's parse errors).</summary>
    internal static RootCommand CreateRoot(CliIo io)
    {
        var root = new RootCommand("FpgaGen: from neural networks to ranked FPGA accelerator designs and vendor projects.")
        {
            AnalyzeCommand.Create(io),
            DevicesCommand.Create(io),
            EstimateCommand.Create(io),
            ExploreCommand.Create(io),
            GenerateCommand.Create(io),
            CompileCommand.Create(io),
            SweepCommand.Create(io),
            ReportCommand.Create(io),
            TuneCommand.Create(io),
            SimulateCommand.Create(io),
            CalibrateCommand.Create(io),
        };
        EmptyValues.RefuseIn(root);
        return root;
    }
}
