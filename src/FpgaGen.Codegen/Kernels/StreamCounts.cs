using FpgaGen.Codegen.Lowering;

namespace FpgaGen.Codegen.Kernels;

/// <summary>
/// How many items each channel carries during one step: the closed forms of the loops in the templates' bodies (the
/// reader writes and the consumer reads exactly this many). The portable form sizes its FIFO buffers with them, and
/// a runner compares them with the counts the kernels report.
/// </summary>
public static class StreamCounts
{
    public static IReadOnlyDictionary<string, long> For(Step step, DesignConfig c) => step switch
    {
        MacStep m => ForMac(m.Shape, m.Normalizes, c),
        MapStep m => Rows((long)m.Batch * m.D0 * m.D1 * Ceil(m.D2, c["vu"]), m.Binary),
        PoolStep p => Pool(p, c),
        RowStep r => new Dictionary<string, long> { ["vr_x"] = r.Rows * Ceil(r.Len, c["vu"]), ["vr_o"] = r.Rows * Ceil(r.Len, c["vu"]) },
        _ => throw new ArgumentException(step.GetType().Name),
    };

    private static long Ceil(long a, long b) => (a + b - 1) / b;

    private static Dictionary<string, long> Rows(long items, bool binary) =>
        new() { ["vm_a"] = items, ["vm_s"] = binary ? items : 0, ["vm_o"] = items };

    private static Dictionary<string, long> Pool(PoolStep p, DesignConfig c)
    {
        var outputs = (long)p.Batch * p.Channels * p.OH * Ceil(p.OW, c["vu"]);
        return new() { ["vp_x"] = outputs * (p.KH * p.KW + 1), ["vp_o"] = outputs };
    }

    /// <summary>Counts of a MAC operation of the given shape (a whole step, or a slice of its output channels).</summary>
    public static IReadOnlyDictionary<string, long> ForMac(MacShape s, bool normalizes, DesignConfig c)
    {
        long bg = (long)s.Batch * s.Groups, taps = (long)s.KH * s.KW, pixels = (long)s.OH * s.OW;
        switch (c.Network.Engine)
        {
            case "conv_tiled":
            {
                long tm = c["Tm"], tn = c["Tn"];
                long tiles = Ceil(s.OH, c["Tr"]) * Ceil(s.OW, c["Tc"]), mt = Ceil(s.MOut, tm), nt = Ceil(s.NIn, tn);
                return new Dictionary<string, long> { ["ct_w"] = bg * tiles * mt * nt * tm * taps, ["ct_x"] = bg * mt * nt * taps * pixels, ["ct_o"] = bg * mt * pixels };
            }
            case "conv_systolic":
            {
                long rows = c["rows"], cols = c["cols"];
                long mt = Ceil(s.MOut, rows), wt = Ceil(s.OW, cols), words = Ceil(s.NIn, c["simd"]);
                var steps = bg * mt * wt * words * taps * s.OH;
                return new Dictionary<string, long> { ["cs_x"] = steps, ["cs_w"] = steps, ["cs_o"] = bg * mt * wt * s.OH * cols };
            }
            default:
            {
                long tk = c["Tk"];
                long blocks = Ceil(pixels, c["Tm"]), nt = Ceil(s.MOut, c["Tn"]), kt = Ceil(s.Reduction, tk);
                var counts = new Dictionary<string, long>
                {
                    ["gm_w"] = bg * blocks * nt * kt * tk, ["gm_a"] = bg * nt * kt * pixels, ["gm_o"] = bg * nt * pixels,
                };
                if (c.Network.Engine == "ln_linear") counts["gm_s"] = normalizes ? bg * pixels : 0;
                return counts;
            }
        }
    }
}
