using System.Text;
using FpgaGen.Hardware;
using FpgaGen.Model.Designs;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Codegen;

namespace FpgaGen.Tests.Security;

/// <summary>
/// Every input file is read through <see cref="InputFile"/>: non-regular files (devices, FIFOs, folders, also behind
/// symlinks) and files above their kind's limit are one clear error, never a hang or an out-of-memory; YAML nesting,
/// alias cycles and design expansion are bounded so that no file can overflow the stack or loop for hours.
/// </summary>
public sealed class InputLimitTests : IDisposable
{
    private readonly string dir = CodegenSupport.TempDir("limits");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static bool OneLine(string s) => !s.TrimEnd().Contains('\n');

    private string Link(string name, string target)
    {
        var path = Path.Combine(dir, name);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    private string Fifo(string name)
    {
        var path = Path.Combine(dir, name);
        Assert.Equal(0, Mono.Unix.Native.Syscall.mkfifo(path, Mono.Unix.Native.FilePermissions.DEFFILEMODE));
        return path;
    }

    [Fact]
    public void DevZeroFifosAndFoldersAreRefusedBeforeReading()
    {
        Assert.Contains("is a character device", Assert.Throws<InputException>(() => InputFile.ReadAllText(Link("zero.yaml", "/dev/zero"), InputFile.YamlBytes, "YAML file")).Message);
        Assert.Contains("named pipe", Assert.Throws<InputException>(() => InputFile.ReadAllText(Fifo("pipe.yaml"), InputFile.YamlBytes, "YAML file")).Message);
        var folder = Path.Combine(dir, "folder.json");
        Directory.CreateDirectory(folder);
        Assert.Contains("is a folder", Assert.Throws<InputException>(() => InputFile.ReadAllBytes(folder, InputFile.DocumentBytes, "design file")).Message);
        Assert.Contains("file not found", Assert.Throws<InputException>(() => InputFile.Check(Link("dangling.yaml", Path.Combine(dir, "nothing")), 10, "x")).Message);
    }

    [Fact]
    public void FilesAboveTheirLimitAreRefused()
    {
        var big = Path.Combine(dir, "big.yaml");
        using (var f = File.Create(big)) f.SetLength(InputFile.YamlBytes + 1);
        var e = Assert.Throws<InputException>(() => YamlTree.LoadFile(big));
        Assert.Contains("4 MiB", e.Message);
        Assert.True(OneLine(e.Message));
    }

    /// <summary>Every command that reads a file the user names gets the same refusal, as one line and exit 2.</summary>
    [Fact]
    public void CommandsRefuseDevicesAndFifosAsInputs()
    {
        var zeroYaml = Link("net.yaml", "/dev/zero");
        var zeroJson = Link("design.json", "/dev/zero");
        var zeroOnnx = Link("model.onnx", "/dev/zero");
        var fifoDevice = Fifo("dev.yaml");
        var project = Path.Combine(dir, "project");
        Directory.CreateDirectory(project);
        File.CreateSymbolicLink(Path.Combine(project, "design.json"), "/dev/zero");
        var explored = Path.Combine(dir, "explored");
        Directory.CreateDirectory(explored);
        File.CreateSymbolicLink(Path.Combine(explored, "designs.json"), "/dev/zero");
        string[][] runs =
        [
            ["analyze", zeroYaml],
            ["analyze", zeroOnnx],
            ["explore", "tiny_cnn", "--device", fifoDevice],
            ["generate", "tiny_cnn", "--device", "u250", "--design", zeroJson, "--out", Path.Combine(dir, "out")],
            ["report", project],
            ["compile", project],
            ["compile", "--sweep", explored],
        ];
        foreach (var args in runs)
        {
            var r = CliRunner.Run(args);
            Assert.True(r.Code == 2, $"{string.Join(" ", args)}: exit {r.Code}\n{r.Err}");
            Assert.True(OneLine(r.Err), r.Err);
            Assert.Matches("character device|named pipe", r.Err);
        }
    }

    [Fact]
    public void DeeplyNestedYamlIsOneError()
    {
        foreach (var text in new[]
        {
            new string('[', 30_000) + new string(']', 30_000),
            string.Concat(Enumerable.Repeat("{a: ", 30_000)) + "1" + new string('}', 30_000),
            "layers:\n" + string.Concat(Enumerable.Range(0, 5_000).Select(i => new string(' ', 2 * i + 2) + "- \n")) + new string(' ', 10_002) + "- 1\n",
        })
        {
            var e = Assert.Throws<InputException>(() => YamlTree.Parse(text, "deep.yaml"));
            Assert.Contains($"nested more than {YamlTree.MaxDepth}", e.Message);
            Assert.StartsWith("deep.yaml:", e.Message);
        }
        var ok = string.Concat(Enumerable.Repeat("[", YamlTree.MaxDepth)) + new string(']', YamlTree.MaxDepth);
        Assert.IsType<YSeq>(YamlTree.Parse(ok));
    }

    [Fact]
    public void SelfReferencingAndChainedAliasesAreOneError()
    {
        foreach (var text in new[] { "a: &x [*x]", "a: &x {b: *x}", "a: &x [1, [2, *x]]" })
        {
            var e = Assert.Throws<InputException>(() => YamlTree.Parse(text, "alias.yaml"));
            Assert.True(e.Message.Contains("cycle") || e.Message.Contains("malformed YAML"), e.Message);
        }
        // Each anchor nests the previous one a level deeper: shallow text, deep tree.
        var chain = new StringBuilder("a0: &a0 [1]\n");
        for (var i = 1; i < 500; i++) chain.Append($"a{i}: &a{i} [*a{i - 1}]\n");
        var deep = Assert.Throws<InputException>(() => YamlTree.Parse(chain.ToString(), "chain.yaml"));
        Assert.Contains("after expanding aliases", deep.Message);
        // The billion laughs still hit the node budget.
        var bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++) bomb.Append($"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(", ", Enumerable.Repeat("*" + (char)('a' + i - 1), 10))}]\n");
        Assert.Contains("more than", Assert.Throws<InputException>(() => YamlTree.Parse(bomb.ToString())).Message);
    }

    [Fact]
    public void RepeatsThatAddNoLayersAreBoundedByTheExpansionBudget()
    {
        // Four levels of 100,000 repeats of blocks whose only layer is switched off: 10^20 steps and no layer.
        const string yaml = """
            input: [3, 8, 8]
            blocks:
              empty: {layers: [{kind: relu, when: false}]}
              b1: {layers: [{repeat: empty, times: 100000}]}
              b2: {layers: [{repeat: b1, times: 100000}]}
              b3: {layers: [{repeat: b2, times: 100000}]}
            layers:
              - relu
              - {repeat: b3, times: 100000}
            """;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<InputException>(() => DesignLoader.Parse(yaml, "hang.yaml"));
        Assert.Contains("expansion steps", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public void DeviceSourcesNameRealFields()
    {
        var text = File.ReadAllText(Path.Combine(DataPaths.Hw, "u250.yaml"));
        foreach (var bad in new[] { "dsp.bogus", "ram[7].kind", "toolchain.aoc_board", "external_memory.gbps.x" })
        {
            var file = Path.Combine(dir, "u250x.yaml");
            File.WriteAllText(file, text.Replace("sources:\n", $"sources:\n  {bad}: \"confirmed: somewhere\"\n"));
            var e = Assert.Throws<InputException>(() => DeviceLoader.Load(file));
            Assert.Contains($"sources.{bad}: names no field", e.Message);
        }
        var fine = Path.Combine(dir, "u250y.yaml");
        File.WriteAllText(fine, text.Replace("sources:\n", "sources:\n  ram[0].count: \"confirmed: somewhere\"\n  dsp: \"derived: x\"\n"));
        Assert.Equal("derived: x", DeviceLoader.Load(fine).Sources["dsp"]);
    }
}
