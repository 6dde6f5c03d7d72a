using FpgaGen.Cli;

namespace FpgaGen.Tests.Cli;

/// <summary>Runs the fpgagen CLI in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int Code, string Out, string Err);

    public static Result Run(params string[] args) => Run(null, args);

    /// <summary>Runs with <paramref name="tools"/> as the vendor tools' environment (e.g. fakes first on their PATH).</summary>
    public static Result Run(FpgaGen.Toolchains.Discovery.ToolEnvironment? tools, params string[] args) => Run(tools, null, args);

    /// <summary>Runs as on a terminal <paramref name="width"/> characters wide.</summary>
    public static Result RunAtWidth(int width, params string[] args) => Run(null, width, args);

    private static Result Run(FpgaGen.Toolchains.Discovery.ToolEnvironment? tools, int? width, string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr, tools, width);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
