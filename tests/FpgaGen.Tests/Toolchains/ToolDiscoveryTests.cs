using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Tests.Toolchains;

public class ToolDiscoveryTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>An environment that sees only `path` on PATH and none of the vendor variables.</summary>
    private static ToolEnvironment Bare(string path) => ToolEnvironment.Inherited
        .With("PATH", path).With("INTELFPGAOCLSDKROOT", null).With("XILINX_VITIS", null).With("XILINX_HLS", null);

    private string Executable(string relative, string body = "echo hi")
    {
        var path = dir.File(relative, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Theory]
    [InlineData(ToolKind.Aoc, "aoc")]
    [InlineData(ToolKind.Vpp, "v++")]
    [InlineData(ToolKind.VitisHls, "vitis_hls")]
    public void ToolsAreFoundOnThePathOfTheToolEnvironment(ToolKind kind, string name)
    {
        Assert.Equal(Path.Combine(Fakes.Directory, name), ToolLocator.Find(kind, Bare(Fakes.Directory)));
        // This process's own PATH is untouched, so the lookup did not come from it.
        Assert.DoesNotContain(Fakes.Directory, Environment.GetEnvironmentVariable("PATH") ?? "");
    }

    [Fact]
    public void AocIsFoundUnderTheSdkRoot()
    {
        var aoc = Executable("sdk/bin/aoc");
        Assert.Equal(aoc, ToolLocator.Find(ToolKind.Aoc, Bare(dir.Path).With("INTELFPGAOCLSDKROOT", Path.Combine(dir.Path, "sdk"))));
    }

    [Fact]
    public void VitisHlsPrefersXilinxHlsThenXilinxVitis()
    {
        var fromVitis = Executable("vitis/bin/vitis_hls");
        var fromHls = Executable("hls/bin/vitis_hls");
        var env = Bare(dir.Path).With("XILINX_VITIS", Path.Combine(dir.Path, "vitis"));
        Assert.Equal(fromVitis, ToolLocator.Find(ToolKind.VitisHls, env));
        Assert.Equal(fromHls, ToolLocator.Find(ToolKind.VitisHls, env.With("XILINX_HLS", Path.Combine(dir.Path, "hls"))));
    }

    [Fact]
    public void PathComesBeforeTheInstallFolders()
    {
        var onPath = Executable("path/v++");
        Executable("vitis/bin/v++");
        var env = Bare(Path.Combine(dir.Path, "path")).With("XILINX_VITIS", Path.Combine(dir.Path, "vitis"));
        Assert.Equal(onPath, ToolLocator.Find(ToolKind.Vpp, env));
    }

    [Fact]
    public void FilesWithoutTheExecuteBitAreSkipped()
    {
        dir.File("aoc", "#!/bin/sh\n");
        Assert.Null(ToolLocator.TryFind(ToolKind.Aoc, Bare(dir.Path)));
    }

    [Fact]
    public void MissingToolSaysWhereItLookedAndHowToSetItUp()
    {
        var e = Assert.Throws<ToolNotFoundException>(() => ToolLocator.Find(ToolKind.Aoc, Bare(dir.Path)));
        Assert.IsAssignableFrom<InputException>(e);
        Assert.Equal(
            "cannot find aoc (Intel FPGA SDK for OpenCL offline compiler): looked in PATH and in $INTELFPGAOCLSDKROOT/bin " +
            "(INTELFPGAOCLSDKROOT is not set); to set it up, install the Intel FPGA SDK for OpenCL and run " +
            "`source <install>/hld/init_opencl.sh`, which sets INTELFPGAOCLSDKROOT and PATH",
            e.Message);
    }

    [Fact]
    public void MissingToolNamesTheInstallFolderThatLacksIt()
    {
        var e = Assert.Throws<ToolNotFoundException>(() => ToolLocator.Find(ToolKind.VitisHls, Bare(dir.Path).With("XILINX_VITIS", "/opt/Xilinx/Vitis/2022.2")));
        Assert.Contains("$XILINX_HLS/bin (XILINX_HLS is not set) and $XILINX_VITIS/bin (XILINX_VITIS=/opt/Xilinx/Vitis/2022.2 has no vitis_hls)", e.Message);
        Assert.Contains("settings64.sh", e.Message);
    }

    [Fact]
    public async Task VersionsOfTheFakesAreDetected()
    {
        var env = Fakes.Environment();
        var aoc = await Fakes.DetectAsync(ToolKind.Aoc, env);
        var vpp = await Fakes.DetectAsync(ToolKind.Vpp, env);
        var hls = await Fakes.DetectAsync(ToolKind.VitisHls, env);

        Assert.Equal(new ToolVersion(20, 1, 0, "711", ToolEdition.Pro), aoc.Version);
        Assert.Equal(new ToolVersion(2022, 2), vpp.Version);
        Assert.Equal(new ToolVersion(2022, 2), hls.Version);
        Assert.Equal(Path.Combine(Fakes.Directory, "vitis_hls"), hls.Path);
    }

    [Fact]
    public async Task VersionDetectionSeesTheOverriddenEnvironment()
    {
        var aoc = await Fakes.DetectAsync(ToolKind.Aoc, Fakes.Environment(("FAKE_AOC_VERSION", "17.1.0 Build 240 Standard Edition")));
        Assert.Equal(new ToolVersion(17, 1, 0, "240", ToolEdition.Standard), aoc.Version);
    }

    [Fact]
    public async Task UnreadableVersionIsAClearError()
    {
        Executable("aoc", "echo 'usage: aoc [options] file.cl'; exit 2");
        var e = await Assert.ThrowsAsync<InputException>(() => Fakes.DetectAsync(ToolKind.Aoc, Bare(dir.Path)));
        Assert.Equal($"cannot read the aoc version: `{Path.Combine(dir.Path, "aoc")} -version` failed with exit code 2 and printed \"usage: aoc [options] file.cl\"", e.Message);
    }

    [Fact]
    public async Task HangingVersionQueryTimesOut()
    {
        Executable("v++", "/bin/sleep 60"); // PATH holds only the temp folder here
        var e = await Assert.ThrowsAsync<InputException>(() => InstalledTool.DetectAsync(ToolKind.Vpp, Bare(dir.Path), TimeSpan.FromSeconds(1)));
        Assert.Contains("--version` timed out after", e.Message);
    }
}
