namespace FpgaGen.Estimation.Kernels;

/// <summary>
/// Tiled convolution engine after Zhang et al., "Optimizing FPGA-based Accelerator Design for Deep Convolutional
/// Neural Networks", FPGA 2015: Tm output × Tn input channels of MACs unrolled, output tiles of Tr×Tc pixels in
/// on-chip buffers, loops ordered output-channel tile → input-channel tile (input reuse across Tm, output
/// accumulated on chip across the Tn tiles).
/// </summary>
public sealed class ConvTiledModel(ParameterSpace space) : KernelModel(space)
{
    public override string Title => "tiled convolution engine (Zhang et al., FPGA 2015)";
    public override double ClockDerating => 0.2;

    public override Engine Build(KernelConfig c, NetworkProfile p, Target t) =>
        new ConvTiledEngine(c, p, t, c["Tm"], c["Tn"], c["Tr"], c["Tc"], c["vu"]);
}

public sealed class ConvTiledEngine : Engine
{
    private readonly int tm, tn, tr, tc;

    public ConvTiledEngine(KernelConfig config, NetworkProfile profile, Target target, int tm, int tn, int tr, int tc, int vu)
        : base(config, profile, target, vu)
    {
        (this.tm, this.tn, this.tr, this.tc) = (tm, tn, tr, tc);
        AddLanesAndOverheads(Lanes);
        // Buffers sized for the largest kernel and stride of the network; all double buffered.
        var k = profile.MaxKernel;
        var s = profile.MaxStride;
        Resources.AddBuffer(tn, (long)((tr - 1) * s + k) * ((tc - 1) * s + k), target.DataBits); // input tile, Tn banks
        Resources.AddBuffer((long)tm * tn, (long)k * k, target.DataBits); // weights, one bank per MAC lane
        Resources.AddBuffer(tm, (long)tr * tc, target.AccumulatorBits); // output accumulators, Tm banks
    }

    public override long Lanes => (long)tm * tn;

    /// <summary>
    /// compute = G·⌈M/Tm⌉·(⌈N/Tn⌉·R·C·K² + tiles·depth): Zhang's cycle count, with padding waste in the unrolled
    /// channel dimensions (loop bounds in R and C follow the real size), the pipeline filled once per output tile
    /// (input-channel tiles stream back to back), and at least the accumulate latency per tile. External traffic per (row, col, Tm) tile:
    /// ⌈N/Tn⌉ input tiles of Tn·((Tr−1)S+K)·((Tc−1)S+K) and weight tiles of Tm·Tn·K², one output tile of Tm·Tr·Tc.
    /// </summary>
    public override OpCost Conv(in Op op, int batch, double bytesPerCycle)
    {
        long mT = Ceil(op.M, tm), nT = Ceil(op.N, tn), rT = Ceil(op.R, tr), cT = Ceil(op.C, tc);
        long rows = Math.Min(tr, op.R), cols = Math.Min(tc, op.C);
        // Each input-channel tile updates the same Tm×Tr×Tc accumulators; tiles smaller than the adder latency stall.
        double work = Math.Max((double)op.R * op.C * op.KH * op.KW, (double)rT * cT * AccumulateLatency);
        double compute = (double)op.G * mT * (nT * work + rT * cT * PipelineDepth);
        var p = Target.Bytes;
        double inTile = (double)Math.Min(tn, op.N) * ((rows - 1) * op.S + op.KH) * ((cols - 1) * op.S + op.KW) * p;
        double wTile = (double)Math.Min(tm, op.M) * Math.Min(tn, op.N) * op.KH * op.KW * p;
        double outTile = (double)Math.Min(tm, op.M) * rows * cols * p;
        double bytes = (double)op.G * rT * cT * mT * (nT * (inTile + wTile) + outTile);
        return new OpCost(compute * batch, bytes * batch / bytesPerCycle, (inTile + wTile) / bytesPerCycle, bytes * batch);
    }

    public override OpCost Gemm(in Op op, int batch, double bytesPerCycle) => Conv(GemmAsConv(op, batch), 1, bytesPerCycle);
}
