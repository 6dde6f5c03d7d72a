using System.Text;
using FpgaGen.Codegen;
using FpgaGen.Codegen.Projects;
using FpgaGen.Estimation;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Hardware;
using FpgaGen.Model.Designs;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Codegen;

namespace FpgaGen.Tests.Security;

/// <summary>
/// Text from input files never becomes live Makefile, shell, Tcl or C. Hostile text goes through every field of an
/// input file that reaches a generated file: the network's name and its layer names (design YAML), the device
/// strings (board, platform, part, name, ...), and the design's parameters. The device loader refuses hostile device
/// strings outright; behind it, the generator still quotes them, which is checked by building projects from devices
/// whose strings were swapped for hostile text after loading. Those projects' build files are then run for real:
/// make with every tool replaced by a recorder of its arguments, tclsh with stub HLS commands, clang and g++ on the
/// sources and the C-simulation testbenches. No PWNED file may appear, and each hostile string must arrive at the
/// tool as one intact argument.
/// </summary>
public class HostileTextTests
{
    /// <summary>Each tries to run `touch PWNED` in one of the languages of a generated project.</summary>
    public static readonly string[] Payloads =
    [
        "$(shell touch PWNED)",
        "$$(touch PWNED)",
        "`touch PWNED`",
        "x; touch PWNED #",
        "x' ; touch PWNED ; '",
        "x\" ; touch PWNED ; \"",
        "[exec touch PWNED]",
        "{*}[exec touch PWNED]",
        "\\\"; exec touch PWNED; #",
        "*/ int pwned = system(\"touch PWNED\"); /*",
        "\"); system(\"touch PWNED\"); (\"",
        "??/ trigraph",
        "x \\",
        "a\nall:\n\ttouch PWNED\n",
    ];

    private static bool OneLine(string s) => !s.Contains('\n') && !s.Contains('\r');

    [Theory]
    [InlineData("a10_385a", "aoc_board")]
    [InlineData("a10_385a", "part")]
    [InlineData("u250", "platform")]
    [InlineData("u250", "hls_part")]
    [InlineData("v7_vc707", "hls_part")]
    public void DeviceLoaderRefusesHostileNames(string device, string field)
    {
        var dir = CodegenSupport.TempDir("hostile-dev");
        try
        {
            var original = File.ReadAllText(Path.Combine(DataPaths.Hw, device + ".yaml"));
            foreach (var payload in Payloads)
            {
                var pattern = field == "part" ? @"(?m)^part: .*$" : $@"(?m)^  {field}: .*$";
                var indent = field == "part" ? "" : "  ";
                var text = System.Text.RegularExpressions.Regex.Replace(original, pattern, $"{indent}{field}: {Json(payload)}");
                Assert.NotEqual(original, text);
                var file = Path.Combine(dir, "hostile.yaml");
                File.WriteAllText(file, text);
                var e = Assert.Throws<InputException>(() => DeviceLoader.Load(file));
                Assert.Contains(field == "part" ? "part:" : $"toolchain.{field}:", e.Message);
                Assert.True(e.Message.Contains("is not a valid name") || e.Message.Contains("must be one line of text"), e.Message);
                Assert.True(OneLine(e.Message), e.Message);

                // Through the CLI: one line, exit 2, nothing written.
                var outDir = Path.Combine(dir, "out");
                var r = CliRunner.Run("generate", "tiny_cnn", "--device", file, "--out", outDir);
                Assert.Equal(2, r.Code);
                Assert.True(OneLine(r.Err.TrimEnd()), r.Err);
                Assert.False(Directory.Exists(outDir));
            }
            Assert.Empty(Directory.GetFiles(dir, "PWNED", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DeviceFileNameIsAnIdOrRefused()
    {
        var dir = CodegenSupport.TempDir("hostile-id");
        try
        {
            var file = Path.Combine(dir, "$(shell touch PWNED).yaml");
            File.Copy(Path.Combine(DataPaths.Hw, "u250.yaml"), file);
            var e = Assert.Throws<InputException>(() => DeviceLoader.Load(file));
            Assert.Contains("device id", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void HostileDesignParametersAreRefused()
    {
        var dir = CodegenSupport.TempDir("hostile-params");
        try
        {
            foreach (var design in new[]
            {
                """{"kernel": "conv_tiled", "params": {"Tm": "$(shell touch PWNED)", "Tn": 4, "Tr": 7, "Tc": 7, "vu": 8}, "precision": "int8"}""",
                """{"kernel": "conv_tiled", "params": {"$(shell touch PWNED)": 1, "Tm": 16, "Tn": 4, "Tr": 7, "Tc": 7, "vu": 8}, "precision": "int8"}""",
                """{"kernel": "$(shell touch PWNED)", "params": {"Tm": 16}, "precision": "int8"}""",
                """{"kernel": "conv_tiled", "params": {"Tm": 16, "Tn": 4, "Tr": 7, "Tc": 7, "vu": 8}, "precision": "int8; touch PWNED"}""",
            })
            {
                var file = Path.Combine(dir, "design.json");
                File.WriteAllText(file, design);
                var outDir = Path.Combine(dir, "out");
                var r = CliRunner.Run("generate", "tiny_cnn", "--device", "u250", "--design", file, "--out", outDir);
                Assert.True(r.Code == 2, r.Err + r.Out);
                Assert.True(OneLine(r.Err.TrimEnd()), r.Err);
                Assert.False(Directory.Exists(outDir));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A device whose every string (name, part, board, toolchain names, kinds) carries <paramref name="payload"/>.</summary>
    private static Device Hostile(Device d, string payload) => d with
    {
        Name = payload,
        Board = payload,
        Part = payload,
        Family = d.Family + payload,
        Toolchain = d.Toolchain with
        {
            AocBoard = d.Toolchain.AocBoard is null ? null : payload,
            Platform = d.Toolchain.Platform is null ? null : payload,
            HlsPart = d.Toolchain.HlsPart is null ? null : payload,
        },
    };

    /// <summary>tiny_cnn with the payload in the network's name and in every layer name.</summary>
    private static FpgaGen.Model.Network HostileNetwork(string payload)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine($"name: {Json("TinyCNN " + payload)}");
        yaml.AppendLine("input: [3, 16, 16]");
        yaml.AppendLine("layers:");
        yaml.AppendLine($"  - {{kind: conv, name: {Json("c1 " + payload)}, out: 8, kernel: 3, pad: 1}}");
        yaml.AppendLine($"  - {{kind: relu, name: {Json("r1 " + payload)}}}");
        yaml.AppendLine($"  - {{kind: maxpool, name: {Json("p1 " + payload)}, kernel: 2}}");
        yaml.AppendLine($"  - {{kind: conv, name: {Json("c2 " + payload)}, out: 8, kernel: 3, pad: 1}}");
        yaml.AppendLine($"  - {{kind: add, name: {Json("a1 " + payload)}, from: [{Json("p1 " + payload)}, {Json("c2 " + payload)}]}}");
        yaml.AppendLine($"  - {{kind: global_avgpool, name: {Json("g " + payload)}}}");
        yaml.AppendLine($"  - {{kind: flatten, name: {Json("f " + payload)}}}");
        yaml.AppendLine($"  - {{kind: linear, name: {Json("fc " + payload)}, out: 4}}");
        return DesignLoader.Parse(yaml.ToString(), "hostile.yaml");
    }

    /// <summary>A YAML double-quoted scalar (JSON strings are valid YAML).</summary>
    private static string Json(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private static ProjectFiles Generate(string deviceId, string payload, out Device device)
    {
        var net = HostileNetwork(payload);
        var loaded = DeviceCatalog.Default.Get(deviceId);
        device = Hostile(loaded, payload);
        var model = KernelKinds.Get("conv_tiled");
        var config = model.Space.Parse("Tm=16,Tn=4,Tr=7,Tc=7,vu=8");
        var estimate = new Estimator(model, Lowerer.Lower(net, model.Lowering, Precision.Int8, 1), new Target(device, Precision.Int8)).Evaluate(config);
        var design = AcceleratorDesign.Create(net, "conv_tiled", config.AsDictionary(), Precision.Int8, 1, device);
        return ProjectGenerator.Generate(new ProjectRequest(design, device, estimate, 1, true, new ModelInfo(net.Name, "/tmp/" + payload.Replace('/', '_') + ".yaml", null)));
    }

    /// <summary>A stand-in for every tool: appends its arguments, NUL-separated, to argv.log, and succeeds.</summary>
    private static string Recorder(string dir)
    {
        var path = Path.Combine(dir, "record-args");
        File.WriteAllText(path, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done >> \"$RECORD_LOG\"\nprintf '\\n\\0' >> \"$RECORD_LOG\"\nexit 0\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static IReadOnlyList<string> Recorded(string log) =>
        File.Exists(log) ? File.ReadAllText(log).Split('\0', StringSplitOptions.RemoveEmptyEntries) : [];

    private static CodegenSupport.ProcessResult Make(string project, string recorder, string log, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("make") { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-k");
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var tool in new[] { "AOC", "AOCL", "CLANG", "CXX", "VPP", "VITIS_HLS" }) psi.ArgumentList.Add($"{tool}={recorder}");
        psi.Environment["RECORD_LOG"] = log;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "make ran longer than 60 s");
        return new CodegenSupport.ProcessResult(p.ExitCode, output.Result + error.Result);
    }

    public static TheoryData<string, int> Projects()
    {
        var data = new TheoryData<string, int>();
        foreach (var device in new[] { "a10_385a", "u250", "v7_vc707" })
            for (var i = 0; i < Payloads.Length; i++)
                if (OneLine(Payloads[i])) data.Add(device, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void GeneratedBuildFilesKeepHostileTextInert(string deviceId, int payloadIndex)
    {
        var payload = Payloads[payloadIndex];
        var dir = CodegenSupport.TempDir("hostile-project");
        try
        {
            var files = Generate(deviceId, payload, out var device);
            var project = Path.Combine(dir, "project");
            Directory.CreateDirectory(project);
            files.WriteTo(project);
            var recorder = Recorder(dir);
            var log = Path.Combine(dir, "argv.log");

            var targets = device.Toolchain.Kind switch
            {
                Toolchain.Aoc => new[] { "report", "bin/fpgagen.aocx", "bin/fpgagen_emu.aocx", "check", "program" },
                Toolchain.Vitis => ["xclbin", "emconfig", "csim", "csynth"],
                _ => ["csim", "csynth", "ip"],
            };
            foreach (var target in targets) Make(project, recorder, log, target);
            Assert.Empty(Directory.GetFiles(dir, "PWNED", SearchOption.AllDirectories));
            Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "PWNED")));

            // Each name reached its tool as one intact argument, exactly as written in the device file.
            var args = Recorded(log);
            switch (device.Toolchain.Kind)
            {
                case Toolchain.Aoc:
                    Assert.Contains("-board=" + payload, args);
                    break;
                case Toolchain.Vitis:
                    Assert.Contains(payload, args.SkipWhile(a => a != "--platform").Skip(1).Take(1));
                    break;
            }

            if (device.Toolchain.Kind != Toolchain.Aoc) CheckTcl(project, payload);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Sources hls/run_hls.tcl in tclsh with the HLS commands stubbed: set_part must receive the payload verbatim.</summary>
    private static void CheckTcl(string project, string payload)
    {
        var wrapper = Path.Combine(project, "stub.tcl");
        var record = Path.Combine(project, "tcl.log");
        File.WriteAllText(wrapper, $$"""
            set record [open {{{record}}} w]
            fconfigure $record -translation binary -encoding utf-8
            foreach cmd {open_project set_top add_files open_solution create_clock csim_design csynth_design export_design close_project} {
                proc $cmd {args} {}
            }
            proc set_part {p} { global record; puts -nonewline $record "$p\0"; flush $record }
            rename exit _exit
            proc exit {args} {}
            set argv {csim csynth export}
            source hls/run_hls.tcl
            close $record
            """);
        var r = CodegenSupport.Run("tclsh", [wrapper], project, 30);
        Assert.True(r.Code == 0, $"tclsh failed:\n{r.Output}");
        var parts = File.ReadAllText(record, new UTF8Encoding(false)).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(parts);
        Assert.All(parts, p => Assert.Equal(payload, p));
    }

    [Fact]
    public void HostileLayerNamesStayInertInCompiledSources()
    {
        // Every payload at once in the network's and layers' names (and the device's strings), then the host program,
        // the kernels and a testbench are compiled and the testbench run: a name that escaped a comment or a string
        // literal would break the build or run system().
        var payload = string.Join(" ", Payloads.Where(OneLine));
        var dir = CodegenSupport.TempDir("hostile-c");
        try
        {
            var files = Generate("u250", payload, out _);
            files.WriteTo(dir);
            var host = CodegenSupport.Run(CodegenSupport.Tool("g++"), ["-std=c++17", "-fsyntax-only", "-Wall", "-Werror", "-Ihost", "host/main.cpp"], dir);
            CodegenSupport.AssertCompiles(host, "host program with hostile names");

            var group = files.Files.Keys.First(k => k.StartsWith("tb/tb_", StringComparison.Ordinal))["tb/tb_".Length..^".cpp".Length];
            var build = CodegenSupport.Run(CodegenSupport.Tool("g++"), ["-std=c++17", "-O0", "-Wall", "-Werror", "-Wno-unknown-pragmas",
                "-Isrc", "-Itb", $"tb/tb_{group}.cpp", $"src/{group}.cpp", "-o", "tb.bin"], dir);
            CodegenSupport.AssertCompiles(build, "testbench with hostile names");
            var run = CodegenSupport.Run(Path.Combine(dir, "tb.bin"), [], dir);
            Assert.True(run.Code == 0, run.Output);

            var intel = Generate("a10_385a", payload, out _);
            var intelDir = Path.Combine(dir, "intel");
            Directory.CreateDirectory(intelDir);
            intel.WriteTo(intelDir);
            var cl = CodegenSupport.Run(CodegenSupport.Tool("clang"), ["-cl-std=CL2.0", "-fsyntax-only", "-Xclang", "-finclude-default-header",
                "-include", "device/intel_syntax_shim.h", "-Wno-unknown-attributes", "-Wno-ignored-pragmas", "-Wno-unknown-pragmas", "device/fpgagen.cl"], intelDir);
            CodegenSupport.AssertCompiles(cl, "aoc source with hostile names");
            var intelHost = CodegenSupport.Run(CodegenSupport.Tool("g++"), ["-std=c++17", "-fsyntax-only", "-Wall", "-Werror", "-Ihost", "host/main.cpp"], intelDir);
            CodegenSupport.AssertCompiles(intelHost, "aoc host program with hostile names");
            Assert.Empty(Directory.GetFiles(dir, "PWNED", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
