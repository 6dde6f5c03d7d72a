namespace FpgaGen.Estimation.Kernels;

/// <summary>
/// Tiled matrix-multiply engine: a Tn × Tk array of MACs holds a Tk×Tn tile of the right-hand matrix and streams
/// Tm rows of the left-hand matrix through it, one row per cycle. Runs linear layers, attention products, and
/// convolutions lowered by on-chip im2col (rows = output pixels, reduction = in-channels·K²).
/// </summary>
public class GemmModel(ParameterSpace space) : KernelModel(space)
{
    public override string Title => "tiled GEMM engine";
    public override double ClockDerating => 0.2;

    public override Engine Build(KernelConfig c, NetworkProfile p, Target t) =>
        new GemmEngine(c, p, t, c["Tm"], c["Tn"], c["Tk"], c["vu"], fuseLayerNorm: false);
}

public class GemmEngine : Engine
{
    private readonly int tm, tn, tk;

    public GemmEngine(KernelConfig config, NetworkProfile profile, Target target, int tm, int tn, int tk, int vu, bool fuseLayerNorm)
        : base(config, profile, target, vu)
    {
        (this.tm, this.tn, this.tk) = (tm, tn, tk);
        FusesLayerNorm = fuseLayerNorm;
        if (fuseLayerNorm) AddLayerNormFusion();
        AddLanesAndOverheads(Lanes);
        // Left-hand block Tm × (longest reduction), Tk banks; output accumulators Tm × Tn, Tn banks; both double buffered.
        Resources.AddBuffer(tk, tm * Ceil(profile.MaxReduction, tk), target.DataBits);
        Resources.AddBuffer(tn, tm, target.AccumulatorBits);
        // The right-hand tile lives in the array's registers, double buffered so the next tile loads during this one.
        Resources.Registers += 2.0 * tn * tk * target.DataBits;
    }

    public override long Lanes => (long)tn * tk;
    public override bool FusesLayerNorm { get; }

    /// <summary>
    /// Fused LayerNorm + linear: with γ, β folded into the weights (W' = W·diag(γ), b' = W·β + b), the engine runs
    /// W'x on the raw input and corrects at the end, y = (W'x − μ·(W'·1))/σ + b'. The extra hardware: Tk squarers and
    /// two Tk-wide accumulations for Σx and Σx² on the input stream, one rsqrt, and a multiply-subtract-multiply
    /// per output lane (3 per lane over Tn lanes). Each counts as one MAC lane of the data type.
    /// </summary>
    private void AddLayerNormFusion()
    {
        var extraLanes = 2L * tk + 3L * tn + (long)VectorUnit.SpecialFunctionMacs;
        Resources.Dsp += extraLanes * Target.DspPerMac;
        Resources.Logic += extraLanes * Target.Lane.Logic;
        Resources.Registers += extraLanes * Target.Lane.Registers;
    }

    /// <summary>Latency of the row epilogue (mean, variance, rsqrt) of a fused LayerNorm, per row block.</summary>
    public const int NormalizeLatency = 40;

    /// <summary>
    /// compute = Count·(⌈N/Tn⌉·⌈K/Tk⌉·M + row blocks·⌈N/Tn⌉·depth): every (n, k) tile streams the M rows of its
    /// row block; padding waste when N or K do not divide. Traffic: the left matrix once, the right matrix once per
    /// row block of Tm rows (batching rows amortizes weights), the result once.
    /// </summary>
    public override OpCost Gemm(in Op op, int batch, double bytesPerCycle)
    {
        var m = op.StaticWeights ? op.GM * batch : op.GM;
        var count = op.StaticWeights ? op.Count : op.Count * batch;
        return Product(count, m, op.GN, op.GK, leftBytes: (double)count * m * op.GK * Target.Bytes, op.NormalizesInput, bytesPerCycle);
    }

    /// <summary>Convolution by im2col built on chip from a line buffer, so the input feature map is read once.</summary>
    public override OpCost Conv(in Op op, int batch, double bytesPerCycle)
    {
        var m = (long)op.R * op.C * batch;
        var left = (double)op.G * op.N * op.IH * op.IW * batch * Target.Bytes;
        return Product(op.G, m, op.M, (long)op.N * op.KH * op.KW, left, normalizes: false, bytesPerCycle);
    }

    private OpCost Product(long count, long m, long n, long k, double leftBytes, bool normalizes, double bytesPerCycle)
    {
        long blocks = Ceil(m, tm), nT = Ceil(n, tn), kT = Ceil(k, tk);
        // Every (n, k) tile revisits the block's accumulators after its rows: blocks shorter than the adder latency stall.
        double compute = (double)count * (nT * kT * Math.Max((double)m, (double)blocks * AccumulateLatency) + blocks * nT * PipelineDepth);
        if (normalizes) compute += (double)count * blocks * NormalizeLatency;
        var p = Target.Bytes;
        double bytes = leftBytes + (double)count * blocks * k * n * p + (double)count * m * n * p;
        double fill = ((double)Math.Min(tm, m) * k * p + (double)tn * tk * p) / bytesPerCycle;
        return new OpCost(compute, bytes / bytesPerCycle, fill, bytes);
    }
}

/// <summary>The GEMM engine with LayerNorm folded into the linear layer that follows it (see <see cref="GemmEngine"/>).</summary>
public sealed class LnLinearModel(ParameterSpace space) : GemmModel(space)
{
    public override string Title => "fused LayerNorm + linear GEMM engine";

    public override bool AppliesTo(NetworkProfile profile) => profile.HasFusableLayerNorm;

    public override Engine Build(KernelConfig c, NetworkProfile p, Target t) =>
        new GemmEngine(c, p, t, c["Tm"], c["Tn"], c["Tk"], c["vu"], fuseLayerNorm: true);
}
