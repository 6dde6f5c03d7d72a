using System.Text.RegularExpressions;
using FpgaGen.Codegen;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// Loop pragmas sit where their tool reads them: an HLS pragma applies to the loop whose body holds it (AMD UG1399),
/// so `#pragma HLS UNROLL` / `PIPELINE` must be the first line of a loop body; aoc's `#pragma unroll` must be the line
/// right before the loop it unrolls. The aoc source is OpenCL C 1.0 (no `static`).
/// </summary>
public partial class PragmaScopeTests
{
    [GeneratedRegex(@"^\s*(for|while) \(.*\)\s*\{\s*$")]
    private static partial Regex LoopOpening();

    [GeneratedRegex(@"^\s*for \(")]
    private static partial Regex LoopStart();

    /// <summary>Lines (1-based) of HLS loop pragmas that are not the first line of a loop body.</summary>
    public static IReadOnlyList<int> MisplacedHls(string text)
    {
        var lines = text.Split('\n');
        var bad = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            var l = lines[i].Trim();
            if (l is not ("#pragma HLS UNROLL" or "#pragma HLS PIPELINE II=1" or "#pragma HLS PIPELINE II=1 style=frp")) continue;
            // Two loop pragmas in one body (pipeline, then an unroll meant for the inner loop) is the defect too.
            if (i == 0 || !LoopOpening().IsMatch(lines[i - 1])) bad.Add(i + 1);
        }
        return bad;
    }

    /// <summary>Lines of aoc unroll pragmas not directly followed by a loop.</summary>
    public static IReadOnlyList<int> MisplacedAoc(string text)
    {
        var lines = text.Split('\n');
        return Enumerable.Range(0, lines.Length).Where(i => lines[i].Trim() == "#pragma unroll" && (i + 1 >= lines.Length || !LoopStart().IsMatch(lines[i + 1])))
            .Select(i => i + 1).ToList();
    }

    [Fact]
    public void APragmaBeforeItsLoopIsCaught()
    {
        // The defect the review found: "#pragma HLS UNROLL" before the for, so it unrolls the pipelined loop around it.
        const string seeded = "for (int i = 0; i < n; i++) {\n#pragma HLS PIPELINE II=1\n#pragma HLS UNROLL\n    for (int k = 0; k < 8; k++) s += x[k];\n}\n";
        Assert.Equal([3], MisplacedHls(seeded));
        const string right = "for (int i = 0; i < n; i++) {\n#pragma HLS PIPELINE II=1\n    for (int k = 0; k < 8; k++) {\n#pragma HLS UNROLL\n        s += x[k];\n    }\n}\n";
        Assert.Empty(MisplacedHls(right));
        Assert.Equal([1], MisplacedAoc("#pragma unroll\n    s += 1;\n"));
    }

    [Theory]
    [InlineData("vgg16")]
    [InlineData("vit_b16")]
    [InlineData("resnet50")]
    public void EveryGeneratedLoopPragmaIsInItsLoop(string network)
    {
        var net = ZooTests.Load(network);
        foreach (var kind in KernelKinds.All().Where(k => k.AppliesTo(net)))
        {
            var points = kind.Space.Enumerate().ToList();
            var design = AcceleratorDesign.Create(net, kind.Id, points[points.Count / 2].AsDictionary(), Precision.Int8, 1, DeviceCatalog.Default.Get("u250"));
            var sources = design.HlsSources();
            foreach (var (path, text) in sources)
                Assert.True(MisplacedHls(text).Count == 0, $"{kind.Id} {path}: HLS pragmas outside their loop at lines {string.Join(", ", MisplacedHls(text))}");
            Assert.Contains(sources.Values, t => t.Contains("#pragma HLS UNROLL", StringComparison.Ordinal)); // not vacuous
            var cl = design.IntelSource();
            Assert.True(MisplacedAoc(cl).Count == 0, $"{kind.Id}: aoc unroll pragmas not before a loop at lines {string.Join(", ", MisplacedAoc(cl))}");
            // aoc compiles OpenCL C 1.0, which has no static functions (clang's CL2.0 check would not notice).
            Assert.DoesNotMatch(@"(?m)^\s*static\s", cl);
            FreeRunningOnlyBetweenStreams(design, sources);
        }
    }

    /// <summary>
    /// A stage with no AXI master (stream in, stream out) pipelines free-running (style=frp, UG1448); a stage with
    /// one keeps the default style, which FRP does not support on MAXI.
    /// </summary>
    private static void FreeRunningOnlyBetweenStreams(AcceleratorDesign design, IReadOnlyDictionary<string, string> sources)
    {
        var free = 0;
        foreach (var g in design.Plan.Groups)
        {
            var text = sources[$"src/{g.Name}.cpp"];
            foreach (var stage in g.Stages)
            {
                var start = text.IndexOf($"static void {stage.Name}(", StringComparison.Ordinal);
                var end = text.IndexOf("\nstatic void ", start + 1, StringComparison.Ordinal) is var e and >= 0 ? e : text.IndexOf("extern \"C\"", start, StringComparison.Ordinal);
                var body = text[start..end];
                if (!body.Contains("#pragma HLS PIPELINE", StringComparison.Ordinal)) continue;
                var frp = body.Contains("#pragma HLS PIPELINE II=1 style=frp", StringComparison.Ordinal);
                Assert.True(frp == (stage.Ports.Count == 0), $"{g.Name}/{stage.Name}: {(frp ? "free-running with an AXI master" : "no free-running pipeline between streams")}");
                if (frp) free++;
            }
        }
        Assert.True(free > 0, $"{design.Kernel}: no stage between streams pipelines free-running");
    }
}
