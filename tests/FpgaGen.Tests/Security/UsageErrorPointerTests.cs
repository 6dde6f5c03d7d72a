using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Security;

/// <summary>
/// Option values that parse but are refused when the command runs end like parse errors: one line, exit 2, then
/// "; see 'fpgagen CMD --help'" for the command that was run. Errors in the files those options name do not point
/// at the help (it would not fix them).
/// </summary>
public class UsageErrorPointerTests
{
    public static TheoryData<string[], string, string> Refused() => new()
    {
        { ["estimate", "tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", "Tm=8,Tn=8,Tk=8,vu=8", "--freq", "NaN"], "error: --freq: expected a clock of", "fpgagen estimate" },
        { ["estimate", "tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", "Tm=64,Tm=32,Tn=8,Tk=8,vu=8"], "error: --set: Tm is given twice", "fpgagen estimate" },
        { ["explore", "tiny_cnn", "--device", "u250", "--max-util", "1.5"], "error: --max-util: expected a fraction in", "fpgagen explore" },
        { ["explore", "tiny_cnn", "--device", "u250", "--out", ""], "error: --out: empty value", "fpgagen explore" },
        { ["generate", "tiny_cnn", "--device", "u250", "--out", new string('x', 5000)], "error: --out: the path is 5000 characters long", "fpgagen generate" },
        { ["generate", "tiny_cnn", "--device", "u250", "--design", "0", "--out", "/nonexistent/never"], "error: --design 0: ranks start at 1", "fpgagen generate" },
        { ["compile", "/nonexistent/project", "--timeout", "99999999999h"], "error: --timeout 99999999999h: at most 30 days", "fpgagen compile" },
        { ["compile"], "error: compile needs a project folder", "fpgagen compile" },
        { ["tune", "--shape", "64x64x64"], "error: --kernel is required", "fpgagen tune" },
        { ["tune", "--kernel", "gemm", "--shape", "99999999x99999999x99999999", "--budget", "0"], "error: --shape 99999999x99999999x99999999:", "fpgagen tune" },
        { ["tune", "--export", "/tmp/a.json", "--import", "/tmp/b.json"], "error: --export and --import cannot be combined", "fpgagen tune" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_refused_option_value_is_one_line_ending_with_the_commands_help(string[] args, string start, string command)
    {
        var r = CliRunner.Run(args);
        Assert.Equal(2, r.Code);
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith(start, line);
        Assert.EndsWith($"; see '{command} --help'", line);
    }

    [Fact]
    public void An_error_in_a_named_file_does_not_point_at_the_help()
    {
        using var dir = new TempDir();
        var design = Path.Combine(dir.Path, "broken.yaml");
        File.WriteAllText(design, "name: [unclosed\n");
        var r = CliRunner.Run("analyze", design);
        Assert.Equal(2, r.Code);
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: " + design, line);
        Assert.DoesNotContain("--help", line);
    }
}
