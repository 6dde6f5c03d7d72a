using System.Text.Json;
using System.Text.RegularExpressions;
using FpgaGen.Codegen;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Kernels;

/// <summary>
/// The estimate and the generated code come from one plan: for every kind, zoo network and data type the estimator's
/// plan equals the generator's, the estimator's RAM is the sum over the plan's buffers, and every buffer, stream,
/// struct, typedef and macro the generated sources declare is the plan's (and nothing else is declared).
/// </summary>
public partial class PlanTests
{
    private static readonly Device U250 = DeviceCatalog.Default.Get("u250");

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kind in KernelKinds.All())
            foreach (var net in new[] { "alexnet_grouped", "vgg16", "resnet50", "vit_b16" })
                if (kind.AppliesTo(ZooTests.Load(net)))
                    foreach (var p in PrecisionExtensions.All)
                        data.Add(kind.Id, net, p.Id());
        return data;
    }

    /// <summary>A configuration from the middle of the kind's space (every kind, every data type: the same rule).</summary>
    private static KernelConfig Middle(KernelKind kind)
    {
        var points = kind.Space.Enumerate().ToList();
        return points[points.Count / 2];
    }

    private static string Json(HardwarePlan plan) => JsonSerializer.Serialize(plan, FpgaGen.Exploration.ExploreReport.Json);

    [Theory]
    [MemberData(nameof(Cases))]
    public void EstimateAndGeneratedCodeShareOnePlan(string kernel, string network, string precision)
    {
        var kind = KernelKinds.Get(kernel);
        var p = PrecisionExtensions.Parse(precision);
        var config = Middle(kind);
        var net = ZooTests.Load(network);
        var estimate = new Estimator(kind, Lowerer.Lower(net, kind.Lowering, p, 1), new Target(U250, p)).Evaluate(config);
        var design = AcceleratorDesign.Create(net, kernel, config.AsDictionary(), p, 1, U250);
        Assert.Equal(Json(estimate.Plan), Json(design.Plan));

        // The resource model adds nothing to the plan's buffers but the shell.
        for (var k = 0; k < U250.Ram.Count; k++)
        {
            var kindName = U250.Ram[k].Kind;
            var blocks = design.Plan.Buffers.Where(b => b.Memory == kindName).Sum(b => b.Blocks) + U250.Platform.Ram.GetValueOrDefault(kindName);
            Assert.Equal(blocks, estimate.Resources.Ram[k], 6);
        }
        Assert.Equal(design.Plan.Buffers.Sum(b => (double)b.Bits), estimate.Resources.BufferBits, 6);

        CheckOpenCl(design.Plan, design.IntelSource());
        CheckHls(design.Plan, design.HlsSources());
    }

    private static void CheckOpenCl(HardwarePlan plan, string source)
    {
        CheckCommon(plan, source, language: ScalarNames.OpenCl);
        foreach (var group in plan.Groups)
        {
            foreach (var stream in group.Streams)
                Assert.Matches($@"channel {stream.Item} {stream.Name} __attribute__\(\(depth\({stream.Depth}\)\)\);", source);
            foreach (var stage in group.Stages)
            {
                var body = KernelBody(source, $"__kernel void {stage.Name}(");
                var declared = OpenClBuffer().Matches(body).Select(m => (m.Groups["local"].Success, Type: m.Groups["type"].Value, Name: m.Groups["name"].Value,
                    Size: long.Parse(m.Groups["size"].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
                Assert.Equal(stage.Buffers.Select(b => (!b.InRegisters, b.Element, b.Name, b.Words * b.Copies)).Order(), declared.Order());
            }
        }
        Assert.Equal(plan.Streams.Count(), Regex.Matches(source, @"^channel ", RegexOptions.Multiline).Count);
    }

    private static void CheckHls(HardwarePlan plan, IReadOnlyDictionary<string, string> files)
    {
        CheckCommon(plan, files["src/fpgagen_config.h"] + files["src/fpgagen_types.h"], ScalarNames.Cpp, structs: false);
        foreach (var group in plan.Groups)
        {
            var source = files[$"src/{group.Name}.cpp"];
            CheckStructs(group.Streams, source, PrecisionExtensions.Parse(plan.Precision));
            foreach (var stream in group.Streams)
                Assert.Matches($@"hls::stream<{stream.Item}> {stream.Name}\(""{stream.Name}""\);\n#pragma HLS STREAM variable={stream.Name} depth={stream.Depth}\n", source);
            Assert.Equal(group.Streams.Count, Regex.Matches(source, @"hls::stream<\w+> \w+\(").Count);
            foreach (var stage in group.Stages)
            {
                var body = KernelBody(source, $"static void {stage.Name}(");
                var declared = HlsBuffer().Matches(body).Select(m => (Type: m.Groups["type"].Value, Name: m.Groups["name"].Value,
                    Size: long.Parse(m.Groups["size"].Value, System.Globalization.CultureInfo.InvariantCulture), Pragma: m.Groups["pragma"].Value.Trim())).ToList();
                Assert.Equal(stage.Buffers.Select(b => (b.Element, b.Name, b.Words * b.Copies,
                        b.InRegisters ? $"#pragma HLS ARRAY_PARTITION variable={b.Name} type=complete dim=1"
                        : b.Banks > 1 ? $"#pragma HLS ARRAY_PARTITION variable={b.Name} type=cyclic factor={b.Banks} dim=1" : "")).Order(),
                    declared.Order());
            }
        }
    }

    private enum ScalarNames { OpenCl, Cpp }

    /// <summary>The macros, the scalar typedefs and (in one OpenCL file) the stream structs.</summary>
    private static void CheckCommon(HardwarePlan plan, string source, ScalarNames language, bool structs = true)
    {
        var defines = Define().Matches(source).Where(m => !m.Groups["name"].Value.StartsWith("FG_", StringComparison.Ordinal)
            && m.Groups["name"].Value is not ("QMIN" or "QMAX")).Select(m => (m.Groups["name"].Value, long.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(plan.Defines.Select(d => (d.Name, d.Value)), defines);
        string Spell(string type, int bits)
        {
            var t = new[] { ScalarType.Float32, ScalarType.Float16, ScalarType.Int8, ScalarType.Int16, ScalarType.Int32, ScalarType.Int64 }.Single(s => s.Name == type);
            Assert.Equal(bits, t.Bits);
            return language == ScalarNames.OpenCl ? t.OpenCl : t.Cpp;
        }
        Assert.Contains($"typedef {Spell(plan.Types.Data, plan.Types.DataBits)} DTYPE;", source);
        Assert.Contains($"typedef {Spell(plan.Types.Accumulator, plan.Types.AccumulatorBits)} ACC_T;", source);
        Assert.Contains($"typedef {Spell(plan.Types.Bias, plan.Types.BiasBits)} BIAS_T;", source);
        if (structs) CheckStructs(plan.Streams.ToList(), source, PrecisionExtensions.Parse(plan.Precision));
        if (language == ScalarNames.OpenCl) Assert.Contains("typedef struct { DTYPE v[BEAT]; } fg_beat;", source);
    }

    private static void CheckStructs(IReadOnlyList<StreamPlan> streams, string source, Precision precision)
    {
        foreach (var stream in streams)
        {
            var fields = string.Join(" ", stream.Fields.Select(f => f.Array ? $"{f.Element} {f.Name}[{f.Count}];" : $"{f.Element} {f.Name};"));
            Assert.Contains($"typedef struct {{ {fields} }} {stream.Item};", source);
            Assert.Equal(stream.WidthBits, stream.Fields.Sum(f => f.Count * ScalarType.Resolve(f.Element, precision).Bits));
        }
        // Besides the stream items, the one external-memory beat of BEAT elements (the plan's BEAT define; in HLS in fpgagen_types.h).
        var beat = source.Contains("typedef struct { DTYPE v[BEAT]; } fg_beat;", StringComparison.Ordinal) ? 1 : 0;
        Assert.Equal(streams.Select(s => s.Item).Distinct().Count() + beat, Regex.Matches(source, @"typedef struct \{").Count);
    }

    /// <summary>The text of one function: from its signature to the next top-level function.</summary>
    private static string KernelBody(string source, string signature)
    {
        var start = source.IndexOf(signature, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {signature}");
        var end = source.IndexOf("\n}\n", start, StringComparison.Ordinal);
        return source[start..end];
    }

    [GeneratedRegex(@"^    (?<local>__local )?(?<type>\w+) (?<name>\w+)\[(?<size>\d+)\];", RegexOptions.Multiline)]
    private static partial Regex OpenClBuffer();

    [GeneratedRegex(@"^    static (?<type>\w+) (?<name>\w+)\[(?<size>\d+)\];\n(?<pragma>#pragma HLS ARRAY_PARTITION[^\n]*\n)?", RegexOptions.Multiline)]
    private static partial Regex HlsBuffer();

    [GeneratedRegex(@"^#define (?<name>\w+) (?<value>-?\d+)\b", RegexOptions.Multiline)]
    private static partial Regex Define();
}

/// <summary>The plan as users see it: `estimate --format json` and a generated project's design.json print the same object.</summary>
public class PlanCliTests
{
    [Theory]
    [InlineData("alexnet", "u250", "conv_tiled", "Tm=32,Tn=8,Tr=13,Tc=13,vu=16", "int8")]
    [InlineData("resnet18", "a10_385a", "conv_systolic", "rows=8,cols=7,simd=8,tile_h=7,vu=16", "int16")]
    [InlineData("vit_b16", "u280", "ln_linear", "Tm=64,Tn=32,Tk=32,vu=32", "fp16")]
    [InlineData("vgg16", "zcu102", "gemm", "Tm=16,Tn=16,Tk=16,vu=16", "fp32")]
    public void EstimateOfAProjectsDesignPrintsTheProjectsPlan(string network, string device, string kernel, string set, string precision)
    {
        using var dir = new FpgaGen.Tests.Toolchains.TempDir();
        var estimate = FpgaGen.Tests.Cli.CliRunner.Run("estimate", network, "--device", device, "--kernel", kernel, "--set", set, "--precision", precision,
            "--format", "json");
        Assert.True(estimate.Code == 0, estimate.Err);
        var estimated = JsonDocument.Parse(estimate.Out).RootElement.GetProperty("plan");

        // The project of that very design (a one-design file, as `generate --design file.json` takes it).
        var designFile = Path.Combine(dir.Path, "design.json");
        var parameters = string.Join(", ", set.Split(',').Select(p => p.Split('=')).Select(p => $"\"{p[0]}\": {p[1]}"));
        File.WriteAllText(designFile, $$"""{"kernel": "{{kernel}}", "params": {{{parameters}}}, "precision": "{{precision}}", "batch": 1}""");
        var project = Path.Combine(dir.Path, "project");
        var generate = FpgaGen.Tests.Cli.CliRunner.Run("generate", network, "--device", device, "--design", designFile, "--out", project, "--max-util", "1");
        Assert.True(generate.Code == 0, generate.Err);
        var generated = JsonDocument.Parse(File.ReadAllText(Path.Combine(project, "design.json"))).RootElement.GetProperty("plan");

        Assert.Equal(JsonSerializer.Serialize(estimated), JsonSerializer.Serialize(generated));
        Assert.Equal(kernel, generated.GetProperty("kernel").GetString());
        Assert.True(generated.GetProperty("groups")[0].GetProperty("stages").GetArrayLength() == 3);
    }
}

/// <summary>A kind lives in one folder: its id string is written nowhere else in the product.</summary>
public class KindHomeTests
{
    [Fact]
    public void EachKindsIdIsWrittenOnlyInItsFolder()
    {
        var src = Path.Combine(DataPaths.Root, "src");
        var kinds = Path.Combine(src, "FpgaGen.Kernels", "Kinds");
        var folders = Directory.GetDirectories(kinds);
        // The OpenCL tuner has gemm and conv kernels of its own, unrelated to the accelerator's kinds.
        var tuner = new[] { Path.Combine(src, "FpgaGen.OpenCl"), Path.Combine(src, "FpgaGen.Cli", "Commands", "TuneCommand.cs"),
            Path.Combine(src, "FpgaGen.Simulation", "TunedLinear.cs") };
        foreach (var id in KernelKinds.Ids)
        {
            var literal = $"\"{id}\"";
            var home = folders.Where(f => Directory.GetFiles(f, "*.cs").Any(c => File.ReadAllText(c).Contains(literal, StringComparison.Ordinal))).ToList();
            Assert.Single(home);
            var elsewhere = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.StartsWith(home[0] + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Where(f => !tuner.Any(t => f.StartsWith(t, StringComparison.Ordinal)))
                .Where(f => File.ReadAllText(f).Contains(literal, StringComparison.Ordinal)).ToList();
            Assert.True(elsewhere.Count == 0, $"{literal} is written outside {home[0]}: {string.Join(", ", elsewhere)}");
        }
    }
}
