namespace FpgaGen.Estimation.Kernels;

/// <summary>
/// The streaming unit every design carries for the layers that are not multiply-accumulate: pooling, element-wise
/// add, unfused activations, softmax and unfused LayerNorm. <see cref="Lanes"/> elements per cycle, each lane a
/// pipelined datapath (compare, add, multiply; exp/erf/rsqrt where the network needs them).
/// </summary>
public sealed class VectorUnit(int lanes, NetworkProfile profile, Target target, ResourceUse resources)
{
    /// <summary>Special functions (exp for softmax, erf for GELU, rsqrt) cost about three multiply-adds per lane.</summary>
    public const double SpecialFunctionMacs = 3;

    public int Lanes { get; } = lanes;

    public void AddResources()
    {
        var macsPerLane = 1 + (profile.NeedsSpecialFunctions ? SpecialFunctionMacs : 0);
        resources.Dsp += Lanes * macsPerLane * target.DspPerMac;
        resources.Logic += Lanes * macsPerLane * target.Lane.Logic + Engine.ControlLogic;
        resources.Registers += Lanes * macsPerLane * target.Lane.Registers + Engine.ControlRegisters;
        // A row buffer so that softmax and LayerNorm read each row from memory once for their two passes.
        if (profile.Ops.Any(o => o.Kind == OpKind.Row))
            resources.AddBuffer(Lanes, (profile.MaxRowLength + Lanes - 1) / Lanes, target.DataBits);
        // Line buffer for pooling windows, channels innermost: (kernel − 1) input rows.
        resources.AddBuffer(Lanes, (profile.MaxPoolLineWords + Lanes - 1) / Lanes, target.DataBits, copies: 1);
    }

    /// <summary>
    /// Element-wise or windowed layers: one input element per lane per cycle (a window is read through a line
    /// buffer, so each input is read from memory once); memory traffic is every input once plus the output.
    /// </summary>
    public OpCost Stream(in Op op, int batch, double bytesPerCycle)
    {
        var elements = (double)op.E * batch;
        var compute = elements * Math.Max(1, op.ReadFactor) / Lanes + Engine.PipelineDepth;
        var bytes = (op.Inputs * op.ReadFactor + 1) * elements * target.Bytes;
        return new OpCost(compute, bytes / bytesPerCycle, 0, bytes);
    }

    /// <summary>
    /// Softmax and LayerNorm: a reduction pass (max and sum of exp, or mean and variance) then a scaling pass over the
    /// row held in the row buffer; the row is read once and written once.
    /// </summary>
    public OpCost Row(in Op op, int batch, double bytesPerCycle)
    {
        var rows = (double)op.Rows * batch;
        var compute = 2 * rows * Math.Ceiling((double)op.Cols / Lanes) + Engine.PipelineDepth;
        var bytes = 2 * rows * op.Cols * target.Bytes;
        return new OpCost(compute, bytes / bytesPerCycle, 0, bytes);
    }
}
