using System.Text.Json;
using System.Text.Json.Nodes;
using FpgaGen.Tests.Cli;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// `fpgagen generate` end to end: complete projects for every zoo network on every toolchain flavor, design files
/// in all three forms, design.json round trips, --force, and clear errors (exit code 2) for bad --design input.
/// </summary>
public class GenerateCliTests
{
    public static TheoryData<string, string, string, string, string> ZooProjects => new()
    {
        { "alexnet", "a10_385a", "conv_tiled", "{\"Tm\": 64, \"Tn\": 7, \"Tr\": 13, \"Tc\": 13, \"vu\": 16}", "fp32" },
        { "alexnet_grouped", "a10_385a", "conv_tiled", "{\"Tm\": 64, \"Tn\": 7, \"Tr\": 13, \"Tc\": 13, \"vu\": 16}", "int8" },
        { "vgg16", "u250", "gemm", "{\"Tm\": 64, \"Tn\": 32, \"Tk\": 32, \"vu\": 16}", "int8" },
        { "vgg16", "a10_de5anet", "conv_systolic", "{\"rows\": 11, \"cols\": 8, \"simd\": 8, \"tile_h\": 7, \"vu\": 32}", "fp32" },
        { "resnet50", "u280", "conv_systolic", "{\"rows\": 16, \"cols\": 7, \"simd\": 8, \"tile_h\": 7, \"vu\": 32}", "int16" },
        { "resnet50", "zcu102", "gemm", "{\"Tm\": 32, \"Tn\": 16, \"Tk\": 16, \"vu\": 16}", "int8" },
        { "vit_b16", "u55c", "ln_linear", "{\"Tm\": 64, \"Tn\": 32, \"Tk\": 32, \"vu\": 32}", "fp16" },
        { "vit_b16", "s10_gx2800", "gemm", "{\"Tm\": 64, \"Tn\": 32, \"Tk\": 32, \"vu\": 32}", "int8" },
        { "tiny_cnn", "v7_vc707", "conv_tiled", "{\"Tm\": 32, \"Tn\": 8, \"Tr\": 14, \"Tc\": 14, \"vu\": 16}", "int16" },
    };

    private static readonly string[] Common = ["README.md", "design.json", "weights.json", "tools/pack_weights.py", "Makefile", "host/plan.h"];
    private static readonly string[] Intel = ["device/fpgagen.cl", "device/intel_syntax_shim.h", "host/main.cpp"];
    private static readonly string[] Vitis = ["link.cfg", "hls/run_hls.tcl", "host/main.cpp", "src/fpgagen_hls.h", "src/fpgagen_config.h", "src/fpgagen_types.h", "tb/fpgagen_ref.h"];
    private static readonly string[] Vivado = ["hls/run_hls.tcl", "vivado/block_design.tcl", "host/regmap.h", "src/fpgagen_hls.h", "src/fpgagen_config.h", "src/fpgagen_types.h", "tb/fpgagen_ref.h"];

    [Theory]
    [MemberData(nameof(ZooProjects))]
    public void ZooProjectsAreComplete(string network, string device, string kernel, string parameters, string precision)
    {
        var dir = CodegenSupport.TempDir("project");
        try
        {
            var designFile = Path.Combine(dir, "choice.json");
            File.WriteAllText(designFile, $"{{\"kernel\": \"{kernel}\", \"params\": {parameters}, \"precision\": \"{precision}\", \"batch\": 1}}");
            var outDir = Path.Combine(dir, "out");
            var r = CliRunner.Run("generate", network, "--device", device, "--design", designFile, "--out", outDir);
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains($"{kernel} ", r.Out);

            var dev = FpgaGen.Hardware.DeviceCatalog.Default.Get(device);
            var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "design.json")))!;
            var files = doc["files"]!.AsArray().Select(f => (string)f!).ToList();
            var onDisk = Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(outDir, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(onDisk, files);
            var groups = doc["kernels"]!.AsArray().Select(g => (string)g!["group"]!).ToList();
            Assert.Equal(kernel, groups[0]);
            var expected = Common.Concat(dev.Toolchain.Kind switch
            {
                "aoc" => Intel,
                "vitis" => Vitis.Concat(groups.SelectMany(g => new[] { $"src/{g}.cpp", $"src/{g}.h", $"tb/tb_{g}.cpp" })),
                _ => Vivado.Concat(groups.SelectMany(g => new[] { $"src/{g}.cpp", $"src/{g}.h", $"tb/tb_{g}.cpp" })),
            });
            Assert.Equal(expected.Order(StringComparer.Ordinal), onDisk);

            // The build files name this device's board, platform and part.
            var make = File.ReadAllText(Path.Combine(outDir, "Makefile"));
            switch (dev.Toolchain.Kind)
            {
                case "aoc":
                    Assert.Contains($"BOARD ?= {dev.Toolchain.AocBoard}\n", make);
                    foreach (var target in new[] { "emu:", "report:", "hw:", "host:", "-march=emulator", "-rtl -report", "-board=$(BOARD)" }) Assert.Contains(target, make);
                    Assert.Contains("clCreateProgramWithBinary", File.ReadAllText(Path.Combine(outDir, "host/main.cpp")));
                    break;
                case "vitis":
                    Assert.Contains($"PLATFORM ?= {dev.Toolchain.Platform}\n", make);
                    Assert.Contains($"PART ?= {dev.Toolchain.HlsPart}\n", make);
                    foreach (var target in new[] { "sw_emu:", "hw_emu:", "hw:", "csim:", "csynth:", "--platform $(PLATFORM)" }) Assert.Contains(target, make);
                    var link = File.ReadAllText(Path.Combine(outDir, "link.cfg"));
                    foreach (var g in groups) Assert.Contains($"nk={g}_top:1:{g}_top_1", link);
                    if (dev.Family.Contains("Zynq")) Assert.DoesNotContain("sp=", link);
                    else
                    {
                        // Every argument connected, the weights from bank 0 (BankPlacementTests has the assignment itself).
                        var bank = dev.Memory.Kind.StartsWith("HBM") ? "HBM" : "DDR";
                        var sp = link.Split('\n').Where(l => l.StartsWith("sp=")).ToList();
                        Assert.NotEmpty(sp);
                        Assert.All(sp, l => Assert.Matches($@"^sp=\w+_top_1\.\w+:{bank}\[\d+(:\d+)?\]$", l));
                        Assert.Contains(sp, l => l.Contains($".fq:{bank}[0"));
                    }
                    Assert.Contains($"set part \"{dev.Toolchain.HlsPart}\"", File.ReadAllText(Path.Combine(outDir, "hls/run_hls.tcl")));
                    break;
                default:
                    Assert.Contains($"PART ?= {dev.Toolchain.HlsPart}\n", make);
                    foreach (var target in new[] { "csim:", "csynth:", "ip:" }) Assert.Contains(target, make);
                    var tcl = File.ReadAllText(Path.Combine(outDir, "hls/run_hls.tcl"));
                    Assert.Contains("export_design -format ip_catalog", tcl);
                    Assert.Contains("-flow_target vivado", tcl);
                    break;
            }

            // design.json: the design, its predictions, the model's hash; weights.json: the layout the packer reads.
            Assert.Equal(kernel, (string)doc["design"]!["kernel"]!);
            Assert.Equal(precision, (string)doc["design"]!["precision"]!);
            Assert.True((double)doc["design"]!["images_per_s"]! > 0);
            Assert.Equal(device, (string)doc["device"]!["id"]!);
            Assert.Equal(64, ((string)doc["model"]!["sha256"]!).Length);
            Assert.False(string.IsNullOrWhiteSpace((string)doc["tools"]!));
            var weights = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "weights.json")))!;
            Assert.Equal("fpgagen-weights-1", (string)weights["format"]!);
            Assert.Equal((long)doc["weights"]!["bytes"]!, (long)weights["total_bytes"]!);
            var steps = (int)doc["steps"]!;
            Assert.Equal(steps, weights["steps"]!.AsArray().Count);
            Assert.Contains($"#define FG_NUM_STEPS {steps}\n", File.ReadAllText(Path.Combine(outDir, "host/plan.h")));
            var readme = File.ReadAllText(Path.Combine(outDir, "README.md"));
            foreach (var f in files) Assert.Contains($"`{f}`", readme);
            Assert.Contains("pack_weights.py", readme);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DesignJsonRoundTrips()
    {
        var dir = CodegenSupport.TempDir("roundtrip");
        try
        {
            var first = Path.Combine(dir, "first");
            var second = Path.Combine(dir, "second");
            Assert.Equal(0, CliRunner.Run("generate", "tiny_cnn", "--device", "u280", "--design", "best", "--precision", "int8", "--out", first).Code);
            var r = CliRunner.Run("generate", "tiny_cnn", "--device", "u280", "--design", Path.Combine(first, "design.json"), "--out", second);
            Assert.True(r.Code == 0, r.Err);
            foreach (var file in Directory.EnumerateFiles(first, "*", SearchOption.AllDirectories))
                Assert.Equal(File.ReadAllText(file), File.ReadAllText(Path.Combine(second, Path.GetRelativePath(first, file))));
            var design = JsonNode.Parse(File.ReadAllText(Path.Combine(first, "design.json")))!["design"]!;
            Assert.Equal(1, (int)design["rank"]!);
            Assert.Equal("int8", (string)design["precision"]!);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RankOfTheExplorerAndOfADesignsJsonAgree()
    {
        var dir = CodegenSupport.TempDir("rank");
        try
        {
            Assert.Equal(0, CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--out", Path.Combine(dir, "explore")).Code);
            var designs = Path.Combine(dir, "explore", "designs.json");
            var r = CliRunner.Run("generate", "tiny_cnn", "--device", "a10_385a", "--design", designs, "--rank", "3", "--out", Path.Combine(dir, "a"));
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal(0, CliRunner.Run("generate", "tiny_cnn", "--device", "a10_385a", "--design", "3", "--out", Path.Combine(dir, "b")).Code);
            var listed = JsonNode.Parse(File.ReadAllText(designs))!["designs"]![2]!;
            foreach (var sub in new[] { "a", "b" })
            {
                var chosen = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, sub, "design.json")))!["design"]!;
                Assert.Equal(3, (int)chosen["rank"]!);
                Assert.Equal((string)listed["kernel"]!, (string)chosen["kernel"]!);
                Assert.Equal(listed["params"]!.ToJsonString(), chosen["params"]!.ToJsonString());
                Assert.Equal((double)listed["images_per_s"]!, (double)chosen["images_per_s"]!);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AnExistingFolderNeedsForce()
    {
        var dir = CodegenSupport.TempDir("force");
        try
        {
            var marker = Path.Combine(dir, "keep.txt");
            File.WriteAllText(marker, "mine");
            var r = CliRunner.Run("generate", "tiny_cnn", "--device", "a10_385a", "--out", dir);
            Assert.Equal(2, r.Code);
            Assert.Contains("--force", r.Err);
            Assert.Equal("mine", File.ReadAllText(marker));
            Assert.False(File.Exists(Path.Combine(dir, "design.json")));

            r = CliRunner.Run("generate", "tiny_cnn", "--device", "a10_385a", "--out", dir, "--force");
            Assert.True(r.Code == 0, r.Err);
            Assert.False(File.Exists(marker));
            Assert.True(File.Exists(Path.Combine(dir, "device", "fpgagen.cl")));
            // Nothing is left next to it: the project was written to a temporary sibling and renamed.
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(dir)!, $".{Path.GetFileName(dir)}.*"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static TheoryData<string, string[], string> BadDesigns => new()
    {
        { "{\"kernel\": \"winograd\", \"params\": {}}", [], "unknown kernel 'winograd'" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8}}", [], "missing vu" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8, \"Tq\": 2}}", [], "params.Tq: kernel gemm has no such parameter" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": \"eight\", \"Tk\": 8, \"vu\": 8}}", [], "params.Tn: expected a positive integer" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 0, \"Tk\": 8, \"vu\": 8}}", [], "params.Tn: expected a positive integer" },
        { "{\"kernel\": \"conv_tiled\", \"params\": {\"Tm\": 8, \"Tn\": 16, \"Tr\": 7, \"Tc\": 7, \"vu\": 8}}", [], "breaks the constraint 'Tm >= Tn'" },
        // Values outside the kernel space's declared ones (issue 13: these used to generate a project).
        { "{\"kernel\": \"conv_tiled\", \"params\": {\"Tm\": 3, \"Tn\": 1, \"Tr\": 7, \"Tc\": 7, \"vu\": 8}}", [], "params.Tm: 3 is not in the declared space of kernel conv_tiled" },
        { "{\"kernel\": \"conv_tiled\", \"params\": {\"Tm\": 16, \"Tn\": 4, \"Tr\": 7, \"Tc\": 7, \"vu\": 7}}", [], "params.vu: 7 is not in the declared space of kernel conv_tiled" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}, \"precision\": \"fp16\"}", [], "does not support fp16" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}, \"batch\": 0}", [], "batch: must be positive" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 256, \"Tn\": 128, \"Tk\": 128, \"vu\": 64}}", [], "does not fit a10_385a" },
        { "{\"kernel\": \"ln_linear\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}}", [], "does not apply to TinyCNN" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}, \"precision\": \"int8\"}", ["--precision", "fp32"], "--precision fp32 contradicts" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}}", ["--batch", "4"], "--batch 4 contradicts" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}}", ["--rank", "2"], "--rank applies to a designs.json" },
        { "{\"format\": \"fpgagen-design-1\", \"device\": {\"id\": \"u280\"}, \"design\": {\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}}}", [], "made for device 'u280'" },
        { "{\"designs\": [{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}}]}", [], "pass --rank N" },
        { "{\"designs\": [{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8, \"Tn\": 8, \"Tk\": 8, \"vu\": 8}}]}", ["--rank", "5"], "--rank 5 is outside 1..1" },
        { "{\"kernel\": \"gemm\", \"params\": [8, 8]}", [], "params: expected an object" },
        { "{\"kernel\": \"gemm\", \"params\": {\"Tm\": 8,", [], "not valid JSON" },
        { "[1, 2]", [], "expected a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadDesigns))]
    public void BadDesignInputIsRejected(string json, string[] extra, string message)
    {
        var dir = CodegenSupport.TempDir("bad");
        try
        {
            var file = Path.Combine(dir, "design.json");
            File.WriteAllText(file, json);
            var r = CliRunner.Run(["generate", "tiny_cnn", "--device", "a10_385a", "--design", file, "--out", Path.Combine(dir, "out"), .. extra]);
            Assert.Equal(2, r.Code);
            Assert.Contains(message, r.Err);
            Assert.StartsWith("error: ", r.Err);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("nonexistent.json", "file not found")]
    [InlineData("0", "ranks start at 1")]
    [InlineData("100000", "designs fit")]
    public void BadDesignChoiceIsRejected(string choice, string message)
    {
        var dir = CodegenSupport.TempDir("choice");
        try
        {
            var r = CliRunner.Run("generate", "tiny_cnn", "--device", "a10_385a", "--design", choice, "--out", Path.Combine(dir, "out"));
            Assert.Equal(2, r.Code);
            Assert.Contains(message, r.Err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
