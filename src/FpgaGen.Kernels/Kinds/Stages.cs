using System.Collections.Concurrent;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Kernels.Kinds;

/// <summary>
/// Interfaces shared by the kinds' stages: the argument lists of MAC steps (the names the templates' bodies use), and
/// how a stage's signature becomes its plan with ports. Every engine kind has a reader, a compute stage and a writer.
/// </summary>
public static class Stages
{
    public const int ChannelDepth = 64;

    public static KernelParam[] Ints(params string[] names) => names.Select(n => new KernelParam(n)).ToArray();

    private static readonly string[] MacShape = ["batch", "groups", "m_out", "n_in", "ih", "iw", "oh", "ow", "kh", "kw", "stride", "pad_h", "pad_w", "dil", "run"];
    private static readonly string[] XAddr = ["x_off", "x_b", "x_g", "x_c", "x_y", "x_x"];
    private static readonly string[] WAddr = ["w_off", "w_b", "w_g", "w_o", "w_i", "w_t"];
    private static readonly string[] YAddr = ["y_off", "y_b", "y_g", "y_c", "y_y", "y_x"];
    private static readonly string[] Epilogue = ["b_off", "act", "norm", "q_off", "f_off", "ln_off"];

    /// <summary>Pointer parameters that always address the weights blob (scales, biases, LayerNorm vectors).</summary>
    public static readonly IReadOnlySet<string> BlobPointers = new HashSet<string> { "bq", "fq", "fr", "fc", "iq" };

    /// <summary>
    /// The AXI master of a pointer: activations read (x, a) and the right-hand operand (w, s) on their own ports so a
    /// reader fetches both at once, the output on a third, the small per-step parameters on a fourth.
    /// </summary>
    public static string Interface(string pointer) => pointer switch
    {
        "x" or "a" => "gmem0",
        "w" or "s" => "gmem1",
        "y" => "gmem2",
        _ => "gmem3",
    };

    /// <summary>Which buffers a pointer may address: attention reads activations as its right-hand operand (w), and a map step a learned tensor (a, s).</summary>
    public static IReadOnlyList<string> Reaches(string pointer) => pointer switch
    {
        "x" or "y" => ["activations"],
        "w" or "a" or "s" => ["activations", "weights"],
        _ => ["weights"],
    };

    /// <summary>The interface of a stage does not depend on the configuration: built once per stage and data type.</summary>
    private static readonly ConcurrentDictionary<(string Stage, Precision Precision), StagePlan> Interfaces = new();

    /// <summary>
    /// A stage with its ports (one per pointer parameter, scalar accesses of the element type) and the buffers of this
    /// configuration. <paramref name="parameters"/> is only called the first time a stage is met.
    /// </summary>
    public static StagePlan Stage(PlanBuilder b, string name, string body, Func<IReadOnlyList<KernelParam>> parameters, string[] reads, string[] writes,
        params BufferPlan[] buffers)
    {
        var stage = Interfaces.GetOrAdd((name, b.Target.Precision), key =>
        {
            var ps = parameters();
            return new StagePlan(key.Stage, [], ps.Where(p => p.IsPointer)
                .Select(p => new PortPlan(p.Name, p.PointerType!, PortBits(b, p.PointerType!), Interface(p.Name), Reaches(p.Name), p.Writes)).ToList(), reads, writes)
            {
                Body = body,
                Params = ps,
            };
        });
        return buffers.Length == 0 ? stage : stage with { Buffers = buffers };
    }

    /// <summary>Tensor data moves in whole beats (GMB); the per-step parameters (scales, biases) are scalar reads.</summary>
    private static int PortBits(PlanBuilder b, string element) => element == Elements.Data ? PlanBuilder.BeatBits : b.Bits(element);

    public static StagePlan MacReader(PlanBuilder b, string group, string body, KernelParam[] extraPointers, string[] extraInts,
        string[] writes, params BufferPlan[] buffers) =>
        Stage(b, group + "_read", body,
            () => [new("x", Elements.Data), new("w", Elements.Data), .. extraPointers, .. Ints(MacShape), .. Ints(XAddr), .. Ints(WAddr), .. Ints(extraInts)],
            [], writes, buffers);

    public static StagePlan MacCompute(PlanBuilder b, string group, string body, string[] reads, string[] writes, params BufferPlan[] buffers) =>
        MacCompute(b, group, body, [], reads, writes, buffers);

    public static StagePlan MacCompute(PlanBuilder b, string group, string body, string[] extraInts, string[] reads, string[] writes, params BufferPlan[] buffers) =>
        Stage(b, group + "_compute", body, () => [.. Ints(MacShape), .. Ints(extraInts)], reads, writes, buffers);

    public static StagePlan MacWriter(PlanBuilder b, string group, string body, string[] reads, params BufferPlan[] buffers) =>
        Stage(b, group + "_write", body,
            () => [new("bq", Elements.Bias), new("fq", Elements.Float), new("iq", Elements.Int), new("y", Elements.Data, Writes: true),
                .. Ints(MacShape), .. Ints(YAddr), .. Ints(Epilogue)],
            reads, [], buffers);
}
