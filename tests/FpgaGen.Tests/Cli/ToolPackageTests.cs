using System.Diagnostics;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// The CLI as a user installs it: `dotnet pack` makes the FpgaGen tool package, `dotnet tool install --tool-path`
/// installs it, and the installed `fpgagen` runs the README's main job from an empty folder, on the data the package
/// carries (not the checkout's). SLOW PART: pack and install run the dotnet SDK (about 30 s together); pack reuses
/// the build the tests run on (--no-build) instead of building again.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    [Trait("Speed", "slow")]
    public void InstalledToolRunsTheMainJobFromAnEmptyFolder()
    {
        using var dir = new TempDir();
        var packages = Path.Combine(dir.Path, "packages");
        var tools = Path.Combine(dir.Path, "tools");
        var work = Directory.CreateDirectory(Path.Combine(dir.Path, "work")).FullName;
        // The configuration the tests were built in (bin/<configuration>/net10.0/): pack exactly that build.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var project = Path.Combine(DataPaths.Root, "src", "FpgaGen.Cli", "FpgaGen.Cli.csproj");

        // Its own package cache, so that no earlier package of the same version is taken instead of this one.
        var env = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(dir.Path, "nuget"), [DataPaths.HomeVariable] = null };
        Run(dir.Path, env, "dotnet", "pack", project, "--no-build", "-c", configuration, "-o", packages, "-v", "q", "--nologo");
        Assert.Single(Directory.GetFiles(packages, "FpgaGen.*.nupkg"));
        Run(dir.Path, env, "dotnet", "tool", "install", "FpgaGen", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources");

        var fpgagen = Path.Combine(tools, OperatingSystem.IsWindows() ? "fpgagen.exe" : "fpgagen");
        var explore = Run(work, env, fpgagen, "explore", "vgg16", "--device", "a10_385a", "--top", "3", "--out", "vgg16-a10");
        Assert.Contains("images/s", explore);
        Assert.Contains("designs evaluated", explore);
        Assert.True(File.Exists(Path.Combine(work, "vgg16-a10", "designs.json")));

        // The data came with the tool: the catalog lives in the installed package, not in this checkout.
        var devices = Run(work, env, fpgagen, "devices");
        var folder = devices.Split('\n').Single(l => l.Contains(" devices in ", StringComparison.Ordinal));
        Assert.Contains(Path.Combine(tools, ".store"), folder);
        Assert.Contains(Path.Combine("data", "hw"), folder);

        // FPGAGEN_HOME points the installed tool at a checkout's data instead.
        env[DataPaths.HomeVariable] = DataPaths.Root;
        var fromCheckout = Run(work, env, fpgagen, "devices");
        Assert.Contains($" devices in {Path.Combine(DataPaths.Root, "hw")};", fromCheckout);
    }

    /// <summary>Runs a program with an argument list (no shell) and returns its stdout; a non-zero exit fails with its output.</summary>
    private static string Run(string folder, IReadOnlyDictionary<string, string?> env, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in env)
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); Assert.Fail($"{program} {string.Join(' ', args)} did not finish in 5 minutes"); }
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {p.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
