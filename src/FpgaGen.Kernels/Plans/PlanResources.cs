namespace FpgaGen.Kernels.Plans;

/// <summary>
/// The resource model: DSP, RAM, logic and registers of a plan, counted from its lanes and buffers and nothing else.
/// </summary>
public static class PlanResources
{
    /// <summary>Logic and registers of one block's control: loop counters, DDR load/store units (estimate).</summary>
    public const double ControlLogic = 4000, ControlRegisters = 8000;

    /// <summary>
    /// DSP = Σ lanes × MACs per lane × the device's DSP per MAC of the data type; logic and registers per MAC lane from
    /// the device's lane costs, plus control per block that has it; RAM = the blocks of every buffer; registers also
    /// hold the buffers mapped to registers. Times the compute units, then the board support package / shell.
    /// </summary>
    public static ResourceUse Of(HardwarePlan plan, Target target)
    {
        var r = Count(plan.Compute, plan.Buffers, target);
        r.Scale(plan.ComputeUnits);
        r.AddPlatform();
        return r;
    }

    /// <summary>
    /// The kernels' own resources (no platform) of the engine's compute unit (its lanes, its group's buffers) and of
    /// the other compute units together (the vector unit's groups), for placing them on a device's dies.
    /// </summary>
    public static (ResourceUse Engine, ResourceUse Others) ByUnit(HardwarePlan plan, Target target)
    {
        bool Vector(ComputePlan c) => c.Name.StartsWith(Kinds.Vector.VectorUnit.ComputeName, StringComparison.Ordinal);
        return (Count(plan.Compute.Where(c => !Vector(c)), plan.Engine.Stages.SelectMany(s => s.Buffers), target),
            Count(plan.Compute.Where(Vector), plan.Groups.Skip(1).SelectMany(g => g.Stages).SelectMany(s => s.Buffers), target));
    }

    private static ResourceUse Count(IEnumerable<ComputePlan> compute, IEnumerable<BufferPlan> buffers, Target target)
    {
        var r = new ResourceUse(target.Device);
        foreach (var c in compute)
        {
            var macs = c.Lanes * c.MacsPerLane;
            r.Dsp += macs * target.DspPerMac;
            r.Logic += macs * target.Lane.Logic + (c.Control ? ControlLogic : 0);
            r.Registers += macs * target.Lane.Registers + (c.Control ? ControlRegisters : 0);
        }
        foreach (var b in buffers)
        {
            r.BufferBits += b.Bits;
            if (b.InRegisters) r.Registers += b.Bits;
            else r.AddBlocks(b.Memory, b.Blocks);
        }
        return r;
    }
}
