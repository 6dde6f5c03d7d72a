namespace FpgaGen.Estimation.Kernels;

/// <summary>
/// Systolic convolution array after Wei et al., "Automated Systolic Array Architecture Synthesis for High
/// Throughput CNN Inference on FPGAs", DAC 2017: rows × cols processing elements, each a SIMD dot product of width
/// simd. Output channels map to rows, output columns to cols, input channels to the SIMD vector; weights flow down
/// the columns, input pixels across the rows, and partial sums stay in the PEs.
/// </summary>
public sealed class ConvSystolicModel(ParameterSpace space) : KernelModel(space)
{
    public override string Title => "systolic convolution array (Wei et al., DAC 2017)";
    public override double ClockDerating => 0.1;

    public override Engine Build(KernelConfig c, NetworkProfile p, Target t) =>
        new ConvSystolicEngine(c, p, t, c["rows"], c["cols"], c["simd"], c["tile_h"], c["vu"]);
}

public sealed class ConvSystolicEngine : Engine
{
    private readonly int rows, cols, simd, tileH;

    public ConvSystolicEngine(KernelConfig config, NetworkProfile profile, Target target, int rows, int cols, int simd, int tileH, int vu)
        : base(config, profile, target, vu)
    {
        (this.rows, this.cols, this.simd, this.tileH) = (rows, cols, simd, tileH);
        AddLanesAndOverheads(Lanes);
        var k = profile.MaxKernel;
        var s = profile.MaxStride;
        var channelWords = Ceil(profile.MaxConvInChannels, simd);
        // One tile = tile_h output rows × cols output columns × rows output channels, reducing over all input
        // channels: its input patch (one bank per SIMD lane), the weights of each PE row, and the outputs.
        Resources.AddBuffer(simd, (long)((tileH - 1) * s + k) * ((cols - 1) * s + k) * channelWords, target.DataBits);
        Resources.AddBuffer(rows, channelWords * k * k, simd * target.DataBits);
        Resources.AddBuffer(rows, (long)tileH * cols, target.AccumulatorBits);
    }

    public override long Lanes => (long)rows * cols * simd;

    /// <summary>
    /// compute = G·⌈M/rows⌉·⌈C/cols⌉·R·⌈N/simd⌉·K² plus, per tile, the array's fill and drain (rows + cols + depth):
    /// padding waste appears whenever M, C or N do not divide the array. Traffic per tile (tile_h × cols outputs of
    /// one PE-row group): its input patch over all channels, the weights of its output channels, its outputs.
    /// </summary>
    public override OpCost Conv(in Op op, int batch, double bytesPerCycle)
    {
        long mT = Ceil(op.M, rows), wT = Ceil(op.C, cols), nT = Ceil(op.N, simd), hT = Ceil(op.R, tileH);
        double compute = (double)op.G * mT * wT * ((double)op.R * nT * op.KH * op.KW + hT * (rows + cols + PipelineDepth));
        var p = Target.Bytes;
        long h = Math.Min(tileH, op.R), w = Math.Min(cols, op.C);
        double inTile = (double)op.N * ((h - 1) * op.S + op.KH) * ((w - 1) * op.S + op.KW) * p;
        double wTile = (double)Math.Min(rows, op.M) * op.N * op.KH * op.KW * p;
        double outTile = (double)Math.Min(rows, op.M) * h * w * p;
        double bytes = (double)op.G * mT * hT * wT * (inTile + wTile + outTile);
        return new OpCost(compute * batch, bytes * batch / bytesPerCycle, (inTile + wTile) / bytesPerCycle, bytes * batch);
    }

    public override OpCost Gemm(in Op op, int batch, double bytesPerCycle) => Conv(GemmAsConv(op, batch), 1, bytesPerCycle);
}
