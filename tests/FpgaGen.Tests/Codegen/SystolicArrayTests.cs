using System.Text.RegularExpressions;
using FpgaGen.Codegen;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Kinds.ConvSystolic;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// conv_systolic is a systolic array (Wei et al., DAC 2017), not a broadcast grid: each PE multiplies operands from its
/// own registers, which it takes from its upper and left neighbours; only the array's edges read the streams. That
/// the skewed timing is right is what every conv_systolic simulation checks (PortableExecutionTests,
/// IntegerReferenceTests, HlsSimulationTests); this class checks the structure and the dependence pragmas.
/// </summary>
public class SystolicArrayTests
{
    private static string Function(string source, string name)
    {
        var start = source.IndexOf($"static void {name}(", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{name} not in the source");
        return source[start..source.IndexOf("\n}\n", start, StringComparison.Ordinal)];
    }

    private static AcceleratorDesign Design(string kind, string config, Precision precision, string device = "u250") =>
        AcceleratorDesign.Create(ZooTests.Load("tiny_cnn"), kind, Config(config), precision, 1, DeviceCatalog.Default.Get(device));

    private static Dictionary<string, int> Config(string s) =>
        s.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1]));

    [Fact]
    public void EveryPeMultipliesItsOwnRegistersAndForwardsThemToItsNeighbours()
    {
        var hls = Design(ConvSystolicKind.Name, "rows=8,cols=7,simd=4,tile_h=2,vu=8", Precision.Fp32).HlsSources();
        var body = Function(hls["src/conv_systolic.cpp"], "conv_systolic_compute");
        var mac = body.Split('\n').Single(l => l.Contains("sum +=", StringComparison.Ordinal)).Trim();
        Assert.Equal("sum += (ACC_T)wr[pe * simd + s] * (ACC_T)xr[pe * simd + s];", mac);
        // Operands come from the neighbour above (inputs) and on the left (weights); PE (0, c) and (r, 0) from the delay lines.
        Assert.Contains("xr[pe * simd + s] = r > 0 ? xr[up * simd + s] : c > 0 ? xs[xl * simd + s] : xv.v[s];", body);
        Assert.Contains("wr[pe * simd + s] = c > 0 ? wr[left * simd + s] : r > 0 ? ws[wl * simd + s] : wv.v[s];", body);
        // The streams' vectors reach only PE (0, 0) and the delay lines' first registers: no broadcast to a row or column.
        var loop = body[body.IndexOf("while (u <= units)", StringComparison.Ordinal)..];
        var streamReads = Regex.Matches(loop, @"[xw]v\.v\[[^\]]*\]").Select(m => m.Value).Distinct().Order().ToList();
        Assert.Equal(["wv.v[r * simd + s]", "wv.v[s]", "xv.v[c * simd + s]", "xv.v[s]"], streamReads);
        Assert.Contains("ws[(base + d) * simd + s] = d > 0 ? ws[(base + FG_MAX(d - 1, 0)) * simd + s] : wv.v[r * simd + s];", body);
        Assert.Contains("xs[(base + d) * simd + s] = d > 0 ? xs[(base + FG_MAX(d - 1, 0)) * simd + s] : xv.v[c * simd + s];", body);
        // The drain is a chain along each PE row: column c takes column c + 1's sum, from the copy of acc the PEs
        // are not accumulating into (the tag carries the fed tile's copy).
        Assert.Contains("dreg[r * cols + c + 1]", body);
        Assert.Contains("(((dh * 2 + pcopy) * rows + r) * cols) + c]", body);
        Assert.Contains("tag = (h * 2 + copy) * 2 +", body);
    }

    [Fact]
    public void TheArraysRegistersAreInThePlanAndItsResources()
    {
        var small = Design(ConvSystolicKind.Name, "rows=8,cols=7,simd=4,tile_h=2,vu=8", Precision.Fp32);
        var buffers = small.Plan.Groups.SelectMany(g => g.Stages).Single(s => s.Name == "conv_systolic_compute").Buffers.ToDictionary(b => b.Name);
        // 8 x 7 PEs of 4 lanes: operand registers; skew lines of 0 + 1 + ... + 6 input and 0 + ... + 7 weight vectors.
        Assert.Equal(8 * 7 * 4, buffers["xr"].Words);
        Assert.Equal(8 * 7 * 4, buffers["wr"].Words);
        Assert.Equal(21 * 4, buffers["xs"].Words);
        Assert.Equal(28 * 4, buffers["ws"].Words);
        Assert.All(new[] { "xr", "wr", "tr", "xs", "xt", "ws", "dreg" }, n => Assert.True(buffers[n].InRegisters, n));
        Assert.Equal(8 + 7 - 2, small.Plan.Define("LAG"));
    }

    [Theory]
    [InlineData("conv_systolic", "rows=8,cols=7,simd=4,tile_h=2,vu=8")]
    [InlineData("conv_tiled", "Tm=8,Tn=4,Tr=7,Tc=7,vu=8")]
    [InlineData("gemm", "Tm=16,Tn=8,Tk=8,vu=8")]
    public void AccumulatorDependencePragmasStateTheAdderLatencyWhereEachToolReadsThem(string kind, string config)
    {
        var design = Design(kind, config, Precision.Fp32);
        var latency = design.Plan.Define("ACCLAT");
        Assert.Equal(5, latency);
        // HLS: in the pipelined loop's body, right after its PIPELINE pragma.
        var hls = design.HlsSources()[$"src/{kind}.cpp"].Split('\n');
        var dependence = $"#pragma HLS DEPENDENCE variable=acc type=inter direction=RAW dependent=true distance={latency}";
        var at = Array.FindIndex(hls, l => l.Trim() == dependence);
        Assert.True(at > 0, $"{kind}: no {dependence}");
        Assert.StartsWith("#pragma HLS PIPELINE II=1", hls[at - 1].Trim());
        // aoc: the line before the loop.
        var cl = Design(kind, config, Precision.Fp32, "a10_385a").IntelSource().Split('\n');
        var ivdep = Array.FindIndex(cl, l => l.Trim() == $"#pragma ivdep safelen({latency}) array(acc)");
        Assert.True(ivdep > 0, $"{kind}: no ivdep");
        Assert.Matches(@"^\s*(for|while) \(", cl[ivdep + 1]);
        // Integer accumulators in RAM: their read and a one-cycle add, 2 iterations.
        Assert.Contains("#pragma HLS DEPENDENCE variable=acc type=inter direction=RAW dependent=true distance=2",
            string.Concat(Design(kind, config, Precision.Int8).HlsSources().Values));
    }
}
