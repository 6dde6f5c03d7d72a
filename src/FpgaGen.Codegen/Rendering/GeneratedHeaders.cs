using System.Globalization;
using System.Text;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Codegen.Rendering;

/// <summary>The two C dialects the kernels are written in (OpenCL C for aoc and PoCL, C++ for Vitis HLS and g++).</summary>
public enum Language { OpenCl, Cpp }

/// <summary>
/// C text written from C# so that nothing is retyped by hand in templates: the plan's macros, the scalar typedefs,
/// the op codes of the steps, and the stream item structs. Every value is a number or a name from the plan (model
/// text never reaches here).
/// </summary>
public static class GeneratedHeaders
{
    /// <summary>The plan's macros: tiling parameters and derived sizes, each with its formula.</summary>
    public static string Config(HardwarePlan plan)
    {
        var text = new StringBuilder();
        foreach (var d in plan.Defines)
            text.Append(CultureInfo.InvariantCulture, $"#define {d.Name} {d.Value} /* {CNames.CommentText(d.Formula)} */\n");
        return text.ToString();
    }

    /// <summary>DTYPE, ACC_T and BIAS_T of the design, fixed-point bounds, and the 64-bit integer used for requantization.</summary>
    public static string Types(HardwarePlan plan, Language language)
    {
        var p = PrecisionExtensions.Parse(plan.Precision);
        ScalarType data = ScalarType.Data(p), acc = ScalarType.Accumulator(p), bias = ScalarType.Bias(p);
        string Name(ScalarType t) => language == Language.OpenCl ? t.OpenCl : t.Cpp;
        var text = new StringBuilder();
        text.Append($"typedef {Name(data)} DTYPE; /* {data.Name} */\n");
        text.Append($"typedef {Name(acc)} ACC_T; /* {acc.Name} accumulator */\n");
        text.Append($"typedef {Name(bias)} BIAS_T; /* {bias.Name} */\n");
        text.Append($"typedef {Name(ScalarType.Int64)} FG_I64;\n");
        text.Append($"#define FG_FIXED {(data.Fixed ? 1 : 0)}\n");
        // One external-memory beat (BEAT is the plan's): the unit of the wide accesses GMB / GMB_PUT.
        text.Append("typedef struct { DTYPE v[BEAT]; } fg_beat;\n");
        if (data.Fixed)
        {
            var max = (1L << (data.Bits - 1)) - 1;
            text.Append(CultureInfo.InvariantCulture, $"#define QMIN ({-max - 1})\n#define QMAX {max}\n");
        }
        return text.ToString();
    }

    /// <summary>The op codes the launch plans pass and the bodies test, from the C# enums.</summary>
    public static string OpCodes()
    {
        var text = new StringBuilder();
        void Emit<T>(string prefix) where T : struct, Enum
        {
            foreach (var v in Enum.GetValues<T>())
                text.Append(CultureInfo.InvariantCulture, $"#define FG_{prefix}_{v.ToString().ToUpperInvariant()} {Convert.ToInt32(v, CultureInfo.InvariantCulture)}\n");
        }
        Emit<FusedActivation>("ACT");
        Emit<MapOp>("MAP");
        Emit<PoolMode>("POOL");
        Emit<RowOp>("ROW");
        return text.ToString();
    }

    /// <summary>The item structs of a group's streams that <paramref name="declared"/> does not hold yet (then it does).</summary>
    public static string Structs(GroupPlan group, ISet<string> declared)
    {
        var text = new StringBuilder();
        foreach (var s in group.Streams)
        {
            if (!declared.Add(s.Item)) continue;
            var fields = string.Join(" ", s.Fields.Select(f => f.Array
                ? string.Create(CultureInfo.InvariantCulture, $"{f.Element} {f.Name}[{f.Count}];")
                : $"{f.Element} {f.Name};"));
            text.Append(CultureInfo.InvariantCulture, $"typedef struct {{ {fields} }} {s.Item}; /* {s.WidthBits} bits */\n");
        }
        return text.ToString();
    }
}
