using FpgaGen.Cli;

namespace FpgaGen.Tests.Cli;

/// <summary>Runs the fpgagen CLI in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int Code, string Out, string Err);

    public static Result Run(params string[] args) => Run(null, args);

    /// <summary>Runs with <paramref name="tools"/> as the vendor tools' environment (e.g. fakes first on their PATH).</summary>
    public static Result Run(FpgaGen.Toolchains.Discovery.ToolEnvironment? tools, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr, tools);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
