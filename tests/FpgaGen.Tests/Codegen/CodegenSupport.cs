using System.Collections.Concurrent;
using System.Diagnostics;
using FpgaGen.Codegen;
using FpgaGen.Hardware;
using FpgaGen.Model;
using FpgaGen.Model.Designs;
using FpgaGen.OpenCl;

namespace FpgaGen.Tests.Codegen;

/// <summary>Networks, designs, external tools and temporary folders for the code-generation tests.</summary>
internal static class CodegenSupport
{
    public static string NetworksDir => Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Networks");

    /// <summary>A bundled network (designs/) or one of the test networks next to these tests (tiny_vit, tiny_mix).</summary>
    public static Network Network(string name)
    {
        var test = Path.Combine(NetworksDir, name + ".yaml");
        return DesignLoader.Load(File.Exists(test) ? test : Path.Combine(DataPaths.Designs, name + ".yaml"));
    }

    public static IReadOnlyDictionary<string, int> Params(string text) =>
        text.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// The device the code-generation tests plan on unless they say otherwise (its RAM shapes size the plan's blocks):
    /// the Arria 10 board, or the U250 for fp16, which the Arria 10 lacks.
    /// </summary>
    public static Device DefaultDevice(Precision precision) => DeviceCatalog.Default.Get(precision == Precision.Fp16 ? "u250" : "a10_385a");

    public static AcceleratorDesign Design(string network, string kernel, string parameters, string precision, int batch = 1, string? device = null)
    {
        var p = PrecisionExtensions.Parse(precision);
        return AcceleratorDesign.Create(Network(network), kernel, Params(parameters), p, batch, device is null ? DefaultDevice(p) : DeviceCatalog.Default.Get(device));
    }

    public static float[] Input(Network net, int batch, int seed = 5)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, (int)net.Input.Elements * batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    public static string TempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// An external program the tests need, found on PATH (clang also under its versioned names). Missing tools fail
    /// the test with the Debian package to install; they are never skipped silently.
    /// </summary>
    public static string Tool(string name)
    {
        var candidates = name == "clang" ? new[] { "clang", "clang-19", "clang-18", "clang-17", "clang-16", "clang-15", "clang-14" } : [name];
        foreach (var c in candidates)
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
                if (dir.Length > 0 && File.Exists(Path.Combine(dir, c))) return Path.Combine(dir, c);
        var package = name switch { "g++" => "g++", "python3" => "python3", _ => "clang" };
        throw new InvalidOperationException($"{name} is not installed; the code-generation tests need it (apt-get install {package})");
    }

    public sealed record ProcessResult(int Code, string Output);

    public static ProcessResult Run(string program, IEnumerable<string> args, string? workDir = null, int timeoutSeconds = 120)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir ?? "" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(" ", args)} ran longer than {timeoutSeconds} s");
        }
        return new ProcessResult(p.ExitCode, stdout.Result + stderr.Result);
    }

    public static void AssertCompiles(ProcessResult r, string what) => Assert.True(r.Code == 0, $"{what} does not compile:\n{r.Output}");

    public static void WriteFiles(string dir, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }
}

/// <summary>
/// One OpenCL session for the code-generation tests, with every program built once per source (PoCL compiles take
/// about a second). Like the OpenCL binding tests, these fail when no OpenCL platform exists (test.sh installs PoCL);
/// FPGAGEN_NO_OPENCL=1 skips them explicitly.
/// </summary>
public sealed class CodegenOpenClFixture : IDisposable
{
    private readonly Lazy<OpenClSession> session = new(() => OpenClSession.Open(Environment.GetEnvironmentVariable("FPGAGEN_TEST_OPENCL_DEVICE")));
    private readonly ConcurrentDictionary<string, ClProgram> programs = new();

    public OpenClSession Session => session.Value;

    public ClProgram Build(string source, string options) => programs.GetOrAdd(source, s => Session.Build(s, options));

    public void Dispose()
    {
        foreach (var p in programs.Values) p.Dispose();
        if (session.IsValueCreated) session.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CodegenOpenClCollection : ICollectionFixture<CodegenOpenClFixture>
{
    public const string Name = "Codegen OpenCL";
}
