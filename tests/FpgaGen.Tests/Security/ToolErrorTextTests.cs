using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Toolchains;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Security;

/// <summary>
/// A vendor tool's error text is shown to the user as one line: carriage returns, terminal escapes and bells in it
/// neither split the message nor reach the terminal, in `compile` and in a sweep's per-design line.
/// </summary>
public sealed class ToolErrorTextTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>An aoc that reports its version as the fake does and fails every compile with <paramref name="stderr"/> (printf format).</summary>
    private string FailingAoc(string stderr)
    {
        var script = dir.File("tools/aoc", $$"""
            #!/usr/bin/env bash
            if [ "$1" = -version ]; then exec '{{Path.Combine(Fakes.Directory, "aoc")}}' "$@"; fi
            printf '{{stderr}}' >&2
            exit 1
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return Path.GetDirectoryName(script)!;
    }

    [Fact]
    public void FirstErrorEscapesControlCharacters()
    {
        Assert.Equal("Error: kernel ?[31mred?[0m failed?", ToolLog.FirstError(["info", "Error: kernel \u001b[31mred\u001b[0m failed\a", "more"]));
        Assert.Equal("Error: x Refer to a?b for details.", ToolLog.FirstError(["Error: x", "Refer to a\u001bb for details."]));
    }

    [Fact]
    public void ACompileFailureWithEscapesAndCarriageReturnsIsOneLine()
    {
        var tools = FailingAoc(@"Error: kernel \033[31mred\033[0m failed\a\rerror: forged line\n");
        var project = TestProjects.Intel(dir);
        var r = CliRunner.Run(FakeTools.Environment().WithPathFirst(tools), "compile", project);
        Assert.True(r.Code == 1, r.Err + r.Out);
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: aoc failed with exit code 1: Error: kernel ?[31mred?[0m failed?", line);
        Assert.DoesNotContain('\u001b', r.Err);
        Assert.DoesNotContain('\r', r.Err);
        Assert.DoesNotContain('\a', r.Err);
        Assert.DoesNotContain("forged", r.Err);
    }

    [Fact]
    public void ASweepsLineForAFailedDesignIsOneLine()
    {
        var explored = Path.Combine(dir.Path, "e");
        Assert.Equal(0, CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", "gemm", "--precision", "int8", "--out", explored).Code);
        var tools = FailingAoc(@"Error: bad \033]0;title\007 design\n");
        var r = CliRunner.Run(FakeTools.Environment().WithPathFirst(tools), "compile", "--sweep", explored, "--top", "1");
        Assert.True(r.Code == 0, r.Err + r.Out);
        var failed = Assert.Single(r.Out.Split('\n'), l => l.StartsWith("[1/1]", StringComparison.Ordinal));
        Assert.Contains("failed after", failed);
        Assert.Contains("Error: bad ?]0;title? design", failed);
        Assert.DoesNotContain('\u001b', r.Out);
        Assert.DoesNotContain('\a', r.Out);
    }
}
