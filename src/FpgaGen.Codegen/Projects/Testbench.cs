using System.Globalization;
using System.Text;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Plans;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;

namespace FpgaGen.Codegen.Projects;

/// <summary>
/// C-simulation testbenches, one per kernel group (tb/tb_&lt;group&gt;.cpp): for representative steps of the network
/// (the smallest of each kind: convolution, matrix product, attention product, fused LayerNorm, every vector op), run
/// the HLS top function on deterministic random data and compare with fpgagen_ref.h. Each case uses the step's real
/// shapes and strides with its offsets rebased into arrays of its own, filled with a sentinel around the outputs so
/// stray writes show up as mismatches. Exit code 0 when every case passes.
/// </summary>
public static class Testbench
{
    public static IReadOnlyDictionary<string, string> Files(AcceleratorDesign design)
    {
        var files = new Dictionary<string, string>();
        foreach (var group in design.Plan.Groups)
        {
            var cases = Cases(design, group.Name);
            files[$"tb/tb_{group.Name}.cpp"] = Render(design, group, cases);
        }
        return files;
    }

    /// <summary>The smallest step of each kind the group runs.</summary>
    public static IReadOnlyList<Step> Cases(AcceleratorDesign design, string group) =>
        design.Lowered.Steps.Where(s => design.Planned.GroupFor(s).Name == group)
            .GroupBy(Kind)
            .Select(g => g.MinBy(s => s.Work)!)
            .OrderBy(s => s.Index)
            .ToList();

    private static string Kind(Step s) => s switch
    {
        // Attention's products differ in how they read their operand: K by rows (QK^T), V by columns (PV).
        MacStep m => string.Join("-", m.WTensor is not null ? (m.WAddr.C == 1 ? "operand-by-column" : "operand-by-row") : m.Shape.KH * m.Shape.KW > 1 ? "conv" : "linear",
            m.Shape.Groups > 1 && m.WTensor is null ? "grouped" : "", m.Normalizes ? "norm" : "", m.Narrow ? "narrow" : "", m.Activation.ToString(), m.Bias is null ? "" : "bias"),
        MapStep m => m.Op.ToString(),
        PoolStep p => p.Lrn ? "lrn" : (p.Max ? "max" : "avg") + (p.Adaptive ? "-adaptive" : ""),
        RowStep r => r.LayerNorm ? "layernorm" : "softmax",
        _ => s.GetType().Name,
    };

    private sealed record Array(string Name, string Type, long Size, string Fill);

    private static string Render(AcceleratorDesign design, GroupPlan group, IReadOnlyList<Step> cases)
    {
        var precision = design.Lowered.Precision;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $$"""
            /*
             * C-simulation testbench of {{group.Top}} ({{design.Title}}).
             * Build with Vitis HLS (make csim) or any C++17 compiler: g++ -std=c++17 -Isrc tb/tb_{{group.Name}}.cpp src/{{group.Name}}.cpp
             */
            #include <cstdio>
            #include <vector>
            #include "{{group.Name}}.h"
            #include "fpgagen_ref.h"

            /* Fills an array with deterministic values in [lo, hi] (whole numbers for fixed point). */
            template <typename T>
            static void fill(std::vector<T>& v, fg::Lcg& rng, float lo, float hi, bool whole)
            {
                for (auto& e : v) {
                    const float r = rng.uniform(lo, hi);
                    e = (T)(whole ? (float)(int)r : r);
                }
            }

            """);
        var tolerance = precision switch { Precision.Fp32 => "1e-4", Precision.Fp16 => "2e-2", _ => "1.0" };
        for (var i = 0; i < cases.Count; i++)
            sb.Append(Case(design, group, cases[i], i, tolerance));
        sb.Append("int main()\n{\n    int failures = 0;\n");
        for (var i = 0; i < cases.Count; i++) sb.Append(CultureInfo.InvariantCulture, $"    failures += case_{i}();\n");
        sb.Append(CultureInfo.InvariantCulture, $$"""
                std::printf("{{group.Top}}: %d of {{cases.Count}} cases failed\n", failures);
                return failures == 0 ? 0 : 1;
            }

            """);
        return sb.ToString();
    }

    private static string Case(AcceleratorDesign design, GroupPlan group, Step step, int index, string tolerance)
    {
        var fixedPoint = design.Lowered.Precision.IsFixedPoint();
        var args = step.Args.ToDictionary(kv => kv.Key, kv => kv.Value);
        // A narrow step's operands are int8 values whatever the design's type (MacStep.Narrow).
        bool int8 = design.Lowered.Precision == Precision.Int8 || args.GetValueOrDefault("narrow") == 1;
        var (lo, hi) = fixedPoint ? (int8 ? (-8f, 8f) : (-200f, 200f)) : (-1f, 1f);
        string data = F(lo, hi, fixedPoint);
        var arrays = new List<Array>();
        var fparams = new List<string>();
        var setup = new List<string>();
        string reference;
        long Extent(params (string Count, string Stride)[] dims) => dims.Sum(d => (args[d.Count] - 1) * args[d.Stride]);
        switch (step)
        {
            case MacStep m:
            {
                var s = m.Shape;
                arrays.Add(new("x", "DTYPE", Rebase(args, "x_off", Extent(("batch", "x_b"), ("groups", "x_g"), ("n_in", "x_c"), ("ih", "x_y"), ("iw", "x_x")) + 1), data));
                // Weights stored per engine tile: whole blocks, every group's (the padding is random too; the engine multiplies it by zeros).
                var wExtent = args["w_tn"] > 0 ? s.Groups * args["w_g"]
                    : Extent(("batch", "w_b"), ("groups", "w_g"), ("m_out", "w_o"), ("n_in", "w_i")) + ((long)s.KH * s.KW - 1) * args["w_t"] + 1;
                arrays.Add(new("w", "DTYPE", Rebase(args, "w_off", wExtent), data));
                var outputs = (long)s.Groups * s.MOut;
                var hasBias = args["b_off"] >= 0;
                if (hasBias) args["b_off"] = 0;
                arrays.Add(new("bq", "BIAS_T", hasBias ? outputs : 1, fixedPoint ? F(-100, 100, true) : F(-0.5f, 0.5f, false)));
                // fq: [act_hi, sw, eps_q, out_inv] then the LayerNorm vectors; iq: [mult, shift] for this reduction length.
                args["f_off"] = 0;
                args["ln_off"] = 4;
                args["q_off"] = 0;
                // Accumulators of random data are about sqrt(reduction) * hi^2 / 3: requantize that to about 30 and put
                // ReLU6's bound at half of it, so both the scaling and the clamp act on real values.
                var typical = Math.Sqrt(s.Reduction) * hi * hi / 3;
                var (mult, shift) = fixedPoint ? WeightPacker.Multiplier(30.0 / typical) : (1, 0);
                fparams.AddRange(fixedPoint
                    ? [string.Create(CultureInfo.InvariantCulture, $"{Math.Round(typical / 2)}.0f"), "0.02f", "0.5f", "1.0f"]
                    : ["6.0f", "1.0f", "1e-5f", "1.0f"]);
                arrays.Add(new("fq", "float", 4 + 2 * outputs, F(-1, 1, false)));
                arrays.Add(new("iq", "int", 2, ""));
                arrays.Add(new("y", "DTYPE", Rebase(args, "y_off", Extent(("batch", "y_b"), ("groups", "y_g"), ("m_out", "y_c"), ("oh", "y_y"), ("ow", "y_x")) + 1), ""));
                setup.Add($"iq[0] = {mult};");
                setup.Add($"iq[1] = {shift};");
                reference = "fg::ref_mac(a, x.data(), w.data(), bq.data(), fq.data(), fq.data(), iq.data(), y_ref.data());";
                break;
            }
            case MapStep m:
            {
                arrays.Add(new("a", "DTYPE", Rebase(args, "a_off", Extent(("batch", "a_b"), ("d0", "a_0"), ("d1", "a_1"), ("d2", "a_2")) + 1), data));
                arrays.Add(new("s", "DTYPE", Rebase(args, "s_off", Extent(("batch", "s_b"), ("d0", "s_0"), ("d1", "s_1"), ("d2", "s_2")) + 1), data));
                arrays.Add(new("y", "DTYPE", Rebase(args, "y_off", Extent(("batch", "y_b"), ("d0", "y_0"), ("d1", "y_1"), ("d2", "y_2")) + 1), ""));
                var requantizes = fixedPoint && m.Op == MapOp.Requantize;
                VectorParams(args, arrays, fparams, fixedPoint, requantizes ? 2 : 0);
                if (requantizes)
                {
                    // [sa, ss, 1/sy, sy, lo, hi]: the output scale divides (÷ 0.0625 as × 16 elsewhere), and a range
                    // narrower than the values reach, so the saturation acts.
                    var q = design.Lowered.Precision == Precision.Int8 ? 10 : 150;
                    fparams[3] = "0.0625f";
                    fparams.AddRange([string.Create(CultureInfo.InvariantCulture, $"{-q / 2}.0f"), string.Create(CultureInfo.InvariantCulture, $"{q}.0f")]);
                }
                reference = "fg::ref_map(a_, a.data(), s.data(), fq.data(), fq.data(), y_ref.data());";
                break;
            }
            case PoolStep p:
            {
                arrays.Add(new("x", "DTYPE", Rebase(args, "x_off", (long)p.Batch * p.Channels * p.IH * p.IW), data));
                arrays.Add(new("y", "DTYPE", Rebase(args, "y_off", (long)p.Batch * p.Channels * p.OH * p.OW), ""));
                VectorParams(args, arrays, fparams, fixedPoint, 0);
                reference = "fg::ref_pool(a, x.data(), fq.data(), fq.data(), y_ref.data());";
                break;
            }
            case RowStep r:
            {
                arrays.Add(new("x", "DTYPE", Rebase(args, "x_off", r.Rows * r.Len), data));
                arrays.Add(new("y", "DTYPE", Rebase(args, "y_off", r.Rows * r.Len), ""));
                args["g_off"] = 4;
                VectorParams(args, arrays, fparams, fixedPoint, 2 * r.Len);
                // A softmax row's values are about 1/len: an output scale of 16 (the map default) rounds them all to 0
                // on long rows (ViT's 197 tokens). Scale so a uniform row's 1/len is qmax/16 LSB.
                if (fixedPoint && !r.LayerNorm)
                    fparams[2] = string.Create(CultureInfo.InvariantCulture, $"{WeightPacker.QMax(design.Lowered.Precision.Id()) * (double)r.Len / 16:0.0}f");
                reference = "fg::ref_row(a, x.data(), fq.data(), fq.data(), y_ref.data());";
                break;
            }
            default:
                throw new InvalidOperationException(step.GetType().Name);
        }

        var argsName = step is MapStep ? "a_" : "a";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"/* Case {index}: step {CNames.CommentText(step.Name)} ({CNames.CommentText(Kind(step))}, {step.Work} operations). */\n");
        sb.Append(CultureInfo.InvariantCulture, $"static int case_{index}()\n{{\n    fg::Args {argsName};\n");
        foreach (var (name, value) in args.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append(CultureInfo.InvariantCulture, $"    {argsName}.{name} = {value};\n");
        sb.Append(CultureInfo.InvariantCulture, $"    fg::Lcg rng({1234 + index}u);\n");
        foreach (var a in arrays)
        {
            // Tensor arrays get the storage the arena gives a tensor (whole beats), which the kernels' wide accesses may touch.
            var size = a.Type == "DTYPE" ? Kernels.Lowering.ArenaAllocator.Padded(a.Size) : a.Size;
            sb.Append(CultureInfo.InvariantCulture, $"    std::vector<{a.Type}> {a.Name}({size});\n");
            if (a.Fill.Length > 0) sb.Append(CultureInfo.InvariantCulture, $"    fill({a.Name}, rng, {a.Fill});\n");
        }
        for (var i = 0; i < fparams.Count; i++) sb.Append(CultureInfo.InvariantCulture, $"    fq[{i}] = {fparams[i]};\n");
        foreach (var line in setup) sb.Append("    ").Append(line).Append('\n');
        // The sentinel: both output arrays start equal, so an element only one side writes is a mismatch.
        sb.Append("    for (auto& e : y) e = (DTYPE)3;\n    std::vector<DTYPE> y_ref(y);\n");
        var call = group.TopParams.Select(p => p.IsPointer ? PointerArray(p.Name) + ".data()" : $"{argsName}.{p.Name}");
        sb.Append(CultureInfo.InvariantCulture, $"    {group.Top}({string.Join(", ", call)});\n");
        sb.Append("    ").Append(reference).Append('\n');
        // The step's own elements are compared; a whole last beat may also write the padding after them.
        var compared = arrays.Last(a => a.Name == "y").Size;
        sb.Append(CultureInfo.InvariantCulture, $"    return fg::compare({CNames.StringLiteral(step.Name)}, y.data(), y_ref.data(), {compared}, {tolerance});\n}}\n\n");
        return sb.ToString();
    }

    /// <summary>Arrays the pointer parameters get: the per-step parameter pointers all share fq.</summary>
    private static string PointerArray(string pointer) => pointer is "fr" or "fc" ? "fq" : pointer;

    private static void VectorParams(Dictionary<string, long> args, List<Array> arrays, List<string> fparams, bool fixedPoint, long extra)
    {
        args["f_off"] = 0;
        arrays.Add(new("fq", "float", 4 + extra, F(0.5f, 1.5f, false)));
        fparams.AddRange(fixedPoint ? ["0.1f", "0.1f", "16.0f", "1e-3f"] : ["1.0f", "1.0f", "1.0f", "1e-5f"]);
    }

    /// <summary>Makes the offset argument 0 and returns the array length the step touches from it.</summary>
    private static long Rebase(Dictionary<string, long> args, string offsetArg, long extent)
    {
        args[offsetArg] = 0;
        return Math.Max(1, extent);
    }

    private static string F(float lo, float hi, bool whole) =>
        string.Create(CultureInfo.InvariantCulture, $"{lo:0.0###}f, {hi:0.0###}f, {(whole ? "true" : "false")}");
}
