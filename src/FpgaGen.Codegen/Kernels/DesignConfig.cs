using FpgaGen.Codegen.Lowering;
using FpgaGen.Estimation.Kernels;
using FpgaGen.Model.Designs;

namespace FpgaGen.Codegen.Kernels;

/// <summary>A configuration macro: overridable (<c>#ifndef</c>) with a value, or derived from others by a C expression.</summary>
public sealed record Define(string Name, long Value, string? Expression = null)
{
    public bool Derived => Expression is not null;
}

/// <summary>
/// The macros of one design: the engine's tiling parameters (names as in templates/&lt;kind&gt;/space.yaml), the
/// network maxima the on-chip buffers are sized for, and sizes derived from both. Evaluates the C size expressions of
/// the catalog with the same values, so the portable form's scratch and FIFO sizes match what the kernels index.
/// </summary>
public sealed class DesignConfig
{
    private readonly Dictionary<string, object> values = new(StringComparer.Ordinal);

    private DesignConfig(LoweredNetwork net, IReadOnlyList<Define> defines)
    {
        Network = net;
        Defines = defines;
        foreach (var d in defines) values[d.Name] = d.Value;
        Groups = net.Groups.Select(KernelCatalog.Group).ToList();
    }

    public LoweredNetwork Network { get; }
    public IReadOnlyList<Define> Defines { get; }
    public IReadOnlyList<KernelGroup> Groups { get; }
    public KernelGroup Engine => Groups[0];

    public long this[string name] => (long)values[name];

    public static DesignConfig For(LoweredNetwork net, IReadOnlyDictionary<string, int> parameters)
    {
        var defines = new List<Define>();
        var known = new Dictionary<string, object>(StringComparer.Ordinal);
        void Add(string name, long value) { defines.Add(new Define(name, value)); known[name] = value; }
        void Derive(string name, string expression)
        {
            var v = Convert.ToInt64(Expression.Evaluate(expression, known));
            defines.Add(new Define(name, v, expression));
            known[name] = v;
        }

        var space = KernelModels.Get(net.Engine).Space;
        foreach (var p in space.Parameters)
        {
            if (!parameters.TryGetValue(p.Name, out var v) || v <= 0)
                throw new InputException($"design: kernel {net.Engine} needs a positive value for parameter '{p.Name}'");
            Add(p.Name, v);
        }
        var macs = net.MacSteps.Select(s => s.Shape).ToList();
        int Max(Func<MacShape, int> f, int fallback = 1) => macs.Count == 0 ? fallback : Math.Max(fallback, macs.Max(f));
        switch (net.Engine)
        {
            case "conv_tiled":
                Add("KMAX", Max(s => Math.Max(s.KH, s.KW)));
                Add("SMAX", Max(s => s.Stride));
                Add("DMAX", Max(s => s.Dil));
                Derive("ITH", "(Tr - 1) * SMAX + (KMAX - 1) * DMAX + 1");
                Derive("ITW", "(Tc - 1) * SMAX + (KMAX - 1) * DMAX + 1");
                break;
            case "conv_systolic":
                Add("KMAX", Max(s => Math.Max(s.KH, s.KW)));
                Add("SMAX", Max(s => s.Stride));
                Add("DMAX", Max(s => s.Dil));
                // The input patch holds one block of channels: enough for the widest real convolution; linear layers
                // and attention products (1x1) run their longer reductions in several blocks.
                var convs = macs.Where(s => s.KH * s.KW > 1).ToList();
                Add("CONVNMAX", convs.Count > 0 ? convs.Max(s => s.NIn) : Math.Min(Max(s => s.NIn), 1024));
                Derive("CWB", "(CONVNMAX + simd - 1) / simd");
                Derive("PTH", "(tile_h - 1) * SMAX + (KMAX - 1) * DMAX + 1");
                Derive("PTW", "(cols - 1) * SMAX + (KMAX - 1) * DMAX + 1");
                break;
            default:
                Add("REDMAX", macs.Count == 0 ? 1 : checked((int)macs.Max(s => s.Reduction)));
                Derive("KTMAX", "(REDMAX + Tk - 1) / Tk");
                break;
        }
        var rows = net.Steps.OfType<RowStep>().ToList();
        if (rows.Count > 0)
        {
            Add("ROWLEN", rows.Max(r => r.Len));
            Derive("ROWMAX", "(ROWLEN + vu - 1) / vu * vu");
        }
        return new DesignConfig(net, defines);
    }

    /// <summary>Output channels the engine computes side by side (Tm, rows or Tn): the natural unit of a channel slice.</summary>
    public int OutputLanes => (int)(Network.Engine switch { "conv_tiled" => this["Tm"], "conv_systolic" => this["rows"], _ => this["Tn"] });

    /// <summary>Evaluates a C size expression of the catalog (integer + - * / and parentheses over the macros).</summary>
    public long Evaluate(string expression) => Convert.ToInt64(Expression.Evaluate(expression, values));

    /// <summary>Bytes of one element of a type name used in kernels.</summary>
    public int TypeBytes(string type) => type switch
    {
        "DTYPE" => Network.Precision.Bytes(),
        "ACC_T" => Network.Precision == Precision.Int16 ? 8 : 4,
        "BIAS_T" or "float" or "int" => 4,
        _ => throw new ArgumentException($"unknown element type {type}"),
    };

    /// <summary>Bytes of one channel item (the struct types the templates declare).</summary>
    public long ItemBytes(string structType) => structType switch
    {
        "ct_vec" => TypeBytes("DTYPE") * this["Tn"],
        "ct_ovec" => TypeBytes("ACC_T") * this["Tm"],
        "cs_xvec" => TypeBytes("DTYPE") * this["cols"] * this["simd"],
        "cs_wvec" => TypeBytes("DTYPE") * this["rows"] * this["simd"],
        "cs_ovec" => TypeBytes("ACC_T") * this["rows"],
        "gm_avec" => TypeBytes("DTYPE") * this["Tk"],
        "gm_wvec" => TypeBytes("DTYPE") * this["Tn"],
        "gm_ovec" => TypeBytes("ACC_T") * this["Tn"],
        "gm_stat" => 8,
        "vu_vec" => 4 * this["vu"],
        _ => throw new ArgumentException($"unknown channel type {structType}"),
    };

    /// <summary>Bytes of an on-chip buffer.</summary>
    public long BufferBytes(BufferDef b) => checked(TypeBytes(b.Type) * Evaluate(b.Size));
}
