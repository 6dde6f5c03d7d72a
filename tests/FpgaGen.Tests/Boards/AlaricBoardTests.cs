using System.Diagnostics;
using System.Text.Json;
using FpgaGen.Hardware;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Codegen;

namespace FpgaGen.Tests.Boards;

/// <summary>
/// The REFLEX CES Alaric (Arria 10 SoC), FFCNN's second board (issue 17): its device file, an aoc project whose host
/// is cross-compiled for the SoC's ARM, and AlexNet, VGG-16 and ResNet-50 explored, generated and simulated on it.
/// </summary>
public class AlaricBoardTests
{
    private const string Id = "a10_alaric";

    [Fact]
    public void TheHostIsTheSocsArm()
    {
        var d = DeviceCatalog.Default.Get(Id);
        Assert.True(d.Host.IsSoc);
        Assert.Equal(HostArch.Arm32, d.Host.Arch);
        Assert.Contains("Cortex-A9", d.Host.Cpu);
        Assert.Equal(1, d.Memory.Banks);
        // PCIe boards keep the default host.
        Assert.Equal(HostInfo.Pcie, DeviceCatalog.Default.Get("a10_385a").Host);
        foreach (var key in new[] { "host", "host.arch", "part", "dsp.count", "ram", "logic.count", "external_memory.gbps", "toolchain.aoc_board" })
            Assert.True(d.Sources.ContainsKey(key), key);
        Assert.Contains("part", d.Unconfirmed);
    }

    [Theory]
    [InlineData("kind: pcie\n  arch: arm32", "host.arch: a PCIe host")]
    [InlineData("kind: soc\n  arch: 'arm32; rm -rf /'", "host.arch: unknown instruction set")]
    [InlineData("kind: fpga\n  arch: arm32", "host.kind: unknown host 'fpga'")]
    [InlineData("kind: soc\n  arch: arm32\n  cross: x-", "host: unknown field 'cross'")]
    public void HostFieldIsValidatedStrictly(string host, string message)
    {
        var dir = CodegenSupport.TempDir("host");
        try
        {
            var text = File.ReadAllText(Path.Combine(DataPaths.Root, "hw", Id + ".yaml"));
            var start = text.IndexOf("host: {", StringComparison.Ordinal);
            var end = text.IndexOf('\n', start);
            var file = Path.Combine(dir, "alaric_bad.yaml");
            File.WriteAllText(file, text[..start] + "host:\n  " + host + text[end..]);
            var e = Assert.Throws<InputException>(() => DeviceLoader.Load(file));
            Assert.StartsWith(file + ":", e.Message);
            Assert.Contains(message, e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    public static TheoryData<string> Networks => new() { "alexnet", "vgg16", "resnet50" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void ExploresGeneratesAndSimulates(string network)
    {
        var dir = CodegenSupport.TempDir("alaric");
        try
        {
            var explore = Path.Combine(dir, "explore");
            var r = CliRunner.Run("explore", network, "--device", Id, "--top", "3", "--out", explore);
            Assert.True(r.Code == 0, r.Err);
            using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(explore, "designs.json"))))
            {
                var best = doc.RootElement.GetProperty("designs")[0];
                Assert.True(best.GetProperty("images_per_s").GetDouble() > 0);
                Assert.True(best.GetProperty("utilization").GetProperty("dsp").GetDouble() <= 0.85);
            }

            var project = Path.Combine(dir, "project");
            var g = CliRunner.Run("generate", network, "--device", Id, "--design", Path.Combine(explore, "designs.json"), "--rank", "1", "--out", project);
            Assert.True(g.Code == 0, g.Err);
            var make = File.ReadAllText(Path.Combine(project, "Makefile"));
            Assert.Contains("BOARD ?= a10soc\n", make);
            Assert.Contains("CROSS_COMPILE ?= arm-linux-gnueabihf-\n", make);
            Assert.Contains("board:", make);
            Assert.DoesNotContain("\nrun:", make);
            Assert.Contains("make board", File.ReadAllText(Path.Combine(project, "README.md")));

            var s = CliRunner.Run("simulate", network, "--device", Id, "--design", Path.Combine(explore, "designs.json"), "--rank", "1", "--format", "json");
            Assert.True(s.Code == 0, s.Err + s.Out);
            using var sim = JsonDocument.Parse(s.Out);
            var steps = sim.RootElement.GetProperty("steps");
            Assert.True(steps.GetArrayLength() >= 8);
            Assert.All(steps.EnumerateArray(), st => Assert.True(st.GetProperty("pass").GetBoolean()));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>make's own expansion of the host targets: the cross compiler and the SDK's ARM flags for the board,
    /// the build machine's compiler for the emulator.</summary>
    [Fact]
    public void MakefileCrossCompilesTheHost()
    {
        var dir = CodegenSupport.TempDir("alaric-make");
        try
        {
            var r = CliRunner.Run("generate", "tiny_cnn", "--device", Id, "--out", dir);
            Assert.True(r.Code == 0, r.Err);
            var board = Make(dir, "-n", "host", "AOCL=echo");
            Assert.Contains("arm-linux-gnueabihf-g++", board);
            Assert.Contains("compile-config --arm", board);
            Assert.Contains("link-config --arm", board);
            Assert.Contains("-o bin/host", board);
            var emu = Make(dir, "-n", "bin/host_emu", "AOCL=echo");
            Assert.DoesNotContain("arm-linux", emu);
            Assert.DoesNotContain("--arm", emu);
            // The ARM compiler, where installed (Debian g++-arm-linux-gnueabihf), compiles the host for real.
            if (File.Exists("/usr/bin/arm-linux-gnueabihf-g++") && File.Exists("/usr/include/CL/cl.h"))
            {
                var obj = Path.Combine(dir, "host.o");
                var (code, output) = RunTool("/usr/bin/arm-linux-gnueabihf-g++", "-std=c++17", "-O1", "-I/usr/include", "-c",
                    Path.Combine(dir, "host", "main.cpp"), "-o", obj);
                Assert.True(code == 0, output);
                Assert.True(new FileInfo(obj).Length > 0);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Make(string dir, params string[] args)
    {
        var (code, output) = RunTool("make", ["-C", dir, .. args]);
        Assert.True(code == 0, output);
        return output;
    }

    private static (int Code, string Output) RunTool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Result + error);
    }
}
