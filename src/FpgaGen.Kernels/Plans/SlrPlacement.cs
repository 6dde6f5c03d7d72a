using FpgaGen.Hardware;
using FpgaGen.Kernels.Lowering;

namespace FpgaGen.Kernels.Plans;

/// <summary>
/// One kernel instance (an HLS top function's, of compute unit <paramref name="Unit"/>, named Top_Unit+1 in
/// link.cfg) and the SLR it is placed in, null where v++ decides.
/// </summary>
public sealed record PlacedUnit(string Top, int? Slr, int Unit = 0)
{
    public string Instance => $"{Top}_{Unit + 1}";
}

/// <summary>
/// Where the compute units of a design go on a stacked-silicon device (link.cfg <c>slr=</c>). AMD recommends
/// assigning every CU to an SLR, in the SLR of the memory bank it connects to, so that its paths stay off the
/// SLR-crossing super long lines (UG1393, "Assigning Compute Units to SLRs on Alveo Accelerator Cards"). Each SLR is
/// taken to hold an equal share of what the platform leaves to kernels (<see cref="SlrLayout"/>).
/// <para>The engine goes to the SLR of its weights' bank when it fits there, the vector-unit units (which move
/// activations) to the SLR of the activations' bank when they fit there beside what is placed, else beside the engine.
/// An engine larger than one SLR cannot be assigned: v++ spreads it over several (<see cref="EngineSlrs"/>) and its
/// clock pays for the crossings; nothing is assigned then, since no SLR's free share is known.</para>
/// <para>Several compute units (<see cref="HardwarePlan.ComputeUnits"/>) need one SLR each, whole (engine and vector
/// unit): unit u goes to the SLR of its weights' bank, or the next SLR no unit has yet (the U280's HBM is in SLR0,
/// so its units spread over SLR0, 1, 2 as PG367 places the DPU's cores); if a unit does not fit one SLR, the design
/// does not fit (<see cref="UnitsFit"/>).</para>
/// </summary>
public sealed class SlrPlacement
{
    private SlrPlacement(IReadOnlyList<PlacedUnit> units, double engineShare, bool unitsFit)
    {
        Units = units;
        EngineShare = engineShare;
        UnitsFit = unitsFit;
    }

    public IReadOnlyList<PlacedUnit> Units { get; }

    /// <summary>The engine's most used resource as a share of one SLR (above 1: it spans SLRs).</summary>
    public double EngineShare { get; }

    /// <summary>SLRs the engine needs at least.</summary>
    public int EngineSlrs => Math.Max(1, (int)Math.Ceiling(EngineShare - 1e-9));

    public bool EngineFits => EngineShare <= 1;

    /// <summary>False when several compute units are asked for and one does not fit an SLR of its own.</summary>
    public bool UnitsFit { get; }

    /// <summary>The placement on a device with SLRs, or null for a device of one die.</summary>
    public static SlrPlacement? Of(HardwarePlan plan, Target target, BankPlacement banks)
    {
        if (target.Device.Slrs is not { } slrs) return null;
        var (engine, others) = PlanResources.ByUnit(plan, target);
        int SlrOf(BufferKind kind, int unit) => slrs.SlrOfBank(banks.Buffers.First(b => b.Buffer == kind && b.Unit == unit).Banks.First);
        var engineShare = Share(engine, null, slrs.Count);
        if (plan.ComputeUnits > 1)
        {
            // One whole unit per SLR.
            var fits = Share(others, engine, slrs.Count) <= 1;
            var taken = new HashSet<int>();
            var placed = new List<PlacedUnit>();
            for (var u = 0; u < plan.ComputeUnits; u++)
            {
                var slr = SlrOf(BufferKind.Weights, u);
                while (!taken.Add(slr)) slr = (slr + 1) % slrs.Count;
                placed.AddRange(plan.Groups.Select(g => new PlacedUnit(g.Top, fits ? slr : null, u)));
            }
            return new SlrPlacement(placed, engineShare, fits);
        }
        int? engineSlr = null, othersSlr = null;
        if (engineShare <= 1)
        {
            var home = SlrOf(BufferKind.Weights, 0);
            engineSlr = home;
            var activations = SlrOf(BufferKind.Activations, 0);
            othersSlr = activations != home && Share(others, null, slrs.Count) <= 1 ? activations
                : Share(others, engine, slrs.Count) <= 1 ? home : null;
        }
        var units = plan.Groups.Select((g, i) => new PlacedUnit(g.Top, i == 0 ? engineSlr : othersSlr)).ToList();
        return new SlrPlacement(units, engineShare, true);
    }

    /// <summary>The most used resource of <paramref name="use"/> (on top of <paramref name="beside"/>) as a share of one SLR.</summary>
    private static double Share(ResourceUse use, ResourceUse? beside, int count)
    {
        var d = use.Device;
        var p = d.Platform;
        double Of(double used, double besideUsed, double total, double platform) => (used + besideUsed) / ((total - platform) / count);
        var share = Math.Max(Of(use.Dsp, beside?.Dsp ?? 0, d.Dsp.Count, p.Dsp),
            Math.Max(Of(use.Logic, beside?.Logic ?? 0, d.Logic.Count, p.Logic), Of(use.Registers, beside?.Registers ?? 0, d.Registers, p.Registers)));
        for (var k = 0; k < d.Ram.Count; k++)
            share = Math.Max(share, Of(use.Ram[k], beside?.Ram[k] ?? 0, d.Ram[k].Count, p.Ram.GetValueOrDefault(d.Ram[k].Kind)));
        return share;
    }

    /// <summary>
    /// What a user should know, or null when every unit is placed: the engine spans SLRs (how many), or the vector
    /// unit could not be placed.
    /// </summary>
    public string? Note(string device)
    {
        if (!UnitsFit)
            return $"one compute unit (its engine {EngineShare:0.0}x one SLR of the {device}, with its vector unit) does not fit an SLR: "
                   + "several compute units need one SLR each";
        if (!EngineFits)
            return $"the engine needs {EngineShare:0.0}x one SLR of the {device} (at least {EngineSlrs} of its SLRs): v++ spreads it over them and "
                   + "the paths between SLRs cost clock, so link.cfg assigns it no SLR (an engine that fits one SLR is placed in the SLR of the bank holding its weights)";
        return Units.Any(u => u.Slr is null) ? $"the vector-unit compute units fit no SLR of the {device} beside the engine; v++ places them" : null;
    }
}
