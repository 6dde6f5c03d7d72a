using FpgaGen.Hardware;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;

namespace FpgaGen.Kernels.Plans;

/// <summary>Banks First..Last of the external memory (DDR banks, HBM pseudo channels).</summary>
public sealed record BankRange(int First, int Last)
{
    public int Count => Last - First + 1;
    public BankRange Union(BankRange o) => new(Math.Min(First, o.First), Math.Max(Last, o.Last));
    public override string ToString() => First == Last ? $"{First}" : $"{First}:{Last}";
}

/// <summary>One of the host's two device buffers (the activation arena, the weights blob) of compute unit <paramref name="Unit"/> and the banks it occupies.</summary>
public sealed record PlacedBuffer(BufferKind Buffer, long Bytes, BankRange Banks, int Unit = 0);

/// <summary>One AXI master (HLS bundle) of a kernel group of compute unit <paramref name="Unit"/> and the banks of every buffer its arguments receive.</summary>
public sealed record PlacedPort(string Group, string Top, string Interface, IReadOnlyList<string> Arguments, BankRange Banks, int Unit = 0);

/// <summary>
/// Where the design's buffers live in external memory, and so what bandwidth its kernels can draw.
/// <para>Intel BSPs interleave global memory across all banks by default (aoc's burst-interleaved placement, Intel
/// FPGA SDK for OpenCL Best Practices Guide, "Global memory interleaving"), and the Zynq and Vivado IP flows have one
/// memory, so there the whole device bandwidth is reachable. On Vitis accelerator cards nothing is interleaved: a
/// buffer lives in one DDR bank, or in consecutive HBM pseudo channels that a sequential stream visits one at a time,
/// and a kernel port reaches only the banks `link.cfg` connects it to (AMD UG1393, "Mapping Kernel Ports to
/// Memory"; XRT places a buffer in the bank of the argument it is first bound to). The weights go to bank 0, the
/// activation arena to the next bank(s); when one port receives both (attention reads activations as its right-hand
/// operand), a DDR design keeps both buffers in one bank and an HBM design connects every port to one range spanning
/// both: XRT allocates a buffer in the memory group of the argument it is first bound to and refuses it on an argument
/// connected to another group (Xilinx/XRT#4224), so a buffer must see one group on all its ports. Within that group the
/// host binds the weights first and allocates them padded to whole pseudo channels (<see cref="WeightsAllocationBytes"/>),
/// so that the activations begin on a pseudo channel of their own (assumed: XRT's allocator places a group's buffers
/// bottom-up in the order they are bound).</para>
/// <para>Bandwidth: the reader streams the two buffers at once, so a design draws at most one bank's share of the
/// peak per buffer in its own bank, never more than the device's total.</para>
/// <para>Several compute units (<see cref="HardwarePlan.ComputeUnits"/>) each get an equal share of the banks, the
/// same placement within it, and their own copy of both buffers; <see cref="PeakBytesPerSecond"/> is one unit's.</para>
/// </summary>
public sealed class BankPlacement
{
    private BankPlacement(bool explicitBanks, IReadOnlyList<PlacedBuffer> buffers, IReadOnlyList<PlacedPort> ports, double peakBytesPerSecond,
        long weightsAllocationBytes)
    {
        WeightsAllocationBytes = weightsAllocationBytes;
        Explicit = explicitBanks;
        Buffers = buffers;
        Ports = ports;
        PeakBytesPerSecond = peakBytesPerSecond;
    }

    /// <summary>Whether the flow connects ports to banks itself (link.cfg sp= lines) rather than the platform interleaving them.</summary>
    public bool Explicit { get; }
    public IReadOnlyList<PlacedBuffer> Buffers { get; }
    public IReadOnlyList<PlacedPort> Ports { get; }

    /// <summary>Bytes the host allocates for each weights buffer: the blob, or on HBM with one shared range its whole pseudo channels.</summary>
    public long WeightsAllocationBytes { get; }

    /// <summary>The external-memory bandwidth the placed buffers can deliver together (bytes/s, peak before burst efficiency).</summary>
    public double PeakBytesPerSecond { get; }

    /// <summary>Whether this device's flow needs an explicit placement (Vitis on a card with DDR banks or HBM).</summary>
    public static bool NeedsBanks(Device device) =>
        device.Toolchain.Kind == Toolchain.Vitis && !device.Family.Contains("Zynq", StringComparison.OrdinalIgnoreCase);

    public static BankPlacement Of(HardwarePlan plan, LoweredNetwork network, Device device)
    {
        var mem = device.Memory;
        var weights = network.Weights.TotalBytes;
        var arena = Math.Max(1, network.ArenaElements) * network.Precision.Bytes();
        if (!NeedsBanks(device))
        {
            var all = new BankRange(0, mem.Banks - 1);
            return new(false, [new(BufferKind.Weights, weights, all), new(BufferKind.Activations, arena, all)], [], mem.GBps * 1e9, weights);
        }

        var uses = PortUses(plan, network);
        var mixed = uses.Values.Any(u => u.Buffers.Count > 1);
        var hbm = mem.Kind.StartsWith("HBM", StringComparison.OrdinalIgnoreCase);
        var bank = mem.BankBytes;
        var units = plan.ComputeUnits;
        var share = mem.Banks / units; // banks of each compute unit
        if (share == 0) throw new InputException($"device {device.Id}: {units} compute units need a memory bank each, it has {mem.Banks}");
        var buffers = new List<PlacedBuffer>();
        var ports = new List<PlacedPort>();
        BankRange w = new(0, 0), a = w;
        var separate = false; // the two buffers in different banks
        var allocation = weights;
        for (var u = 0; u < units; u++)
        {
            var first = u * share;
            if (hbm && bank is { } pc)
            {
                w = new BankRange(first, first + (int)((weights - 1) / pc));
                a = new BankRange(w.Last + 1, w.Last + (int)((arena - 1) / pc) + 1);
                if (a.Last >= first + share)
                    throw new InputException($"device {device.Id}: the weights ({Mib(weights)}) and activations ({Mib(arena)}) need {a.Last - first + 1} of "
                        + (units > 1 ? $"the {share} {mem.Kind} pseudo channels of {Mib(pc)} each of its {units} compute units has" : $"its {mem.Banks} {mem.Kind} pseudo channels of {Mib(pc)}"));
                // A port that receives both (the engine's right-hand operand: weights, or attention's K and V) must see one
                // memory group: XRT allocates a buffer in the group of the argument it is first set on and refuses it on a
                // port connected to another group (Xilinx/XRT#4224), so both buffers share the range, the weights padded to
                // whole pseudo channels (see the summary).
                separate = true;
                if (mixed)
                {
                    allocation = (long)w.Count * pc;
                    w = a = new BankRange(w.First, a.Last);
                }
            }
            else if (hbm)
            {
                // Capacity unknown (no external_memory.gib): connect every port to the unit's pseudo channels, as the platform's default.
                w = a = new BankRange(first, first + share - 1);
                separate = false;
            }
            else
            {
                w = new BankRange(first, first);
                a = mixed || share == 1 ? w : new BankRange(first + 1, first + 1);
                separate = a != w;
                var together = a == w ? weights + arena : Math.Max(weights, arena);
                if (bank is { } b && together > b)
                    throw new InputException($"device {device.Id}: {(a == w ? "the weights and activations together" : weights >= arena ? "the weights" : "the activations")} ({Mib(together)}) exceed one {mem.Kind} bank ({Mib(b)}): a Vitis buffer lives in one bank");
            }
            buffers.Add(new(BufferKind.Weights, weights, w, u));
            buffers.Add(new(BufferKind.Activations, arena, a, u));
            var (wu, au) = (w, a);
            ports.AddRange(uses.Select(kv => new PlacedPort(kv.Key.Group, kv.Key.Top, kv.Key.Interface, kv.Value.Arguments.Order(StringComparer.Ordinal).ToList(),
                kv.Value.Buffers.Select(k => k == BufferKind.Weights ? wu : au).Aggregate((x, y) => x.Union(y)), u)));
        }
        // Buffers in separate banks stream concurrently; buffers sharing a bank share its bandwidth.
        var perBank = mem.GBps * 1e9 / mem.Banks;
        var peak = Math.Min(mem.GBps * 1e9 / units, perBank * (separate ? 2 : 1));
        return new(true, buffers, ports, peak, allocation);
    }

    /// <summary>For every (group, AXI master): the pointer arguments on it and the buffers the network's steps bind to them.</summary>
    private static Dictionary<(string Group, string Top, string Interface), (HashSet<string> Arguments, HashSet<BufferKind> Buffers)> PortUses(HardwarePlan plan, LoweredNetwork network)
    {
        var uses = new Dictionary<(string, string, string), (HashSet<string>, HashSet<BufferKind>)>();
        foreach (var step in network.Steps)
        {
            var group = PlannedDesign.GroupFor(plan, step);
            foreach (var port in group.Stages.SelectMany(s => s.Ports))
            {
                var kind = Stages.BlobPointers.Contains(port.Name) ? BufferKind.Weights
                    : step.Pointers.TryGetValue(port.Name, out var k) ? k : (BufferKind?)null;
                var key = (group.Name, group.Top, port.Interface);
                if (!uses.TryGetValue(key, out var u)) uses[key] = u = ([], []);
                u.Item1.Add(port.Name);
                if (kind is { } b) u.Item2.Add(b);
            }
        }
        // A port no step binds (a group that runs no step) still needs a connection: give it the weights' banks.
        foreach (var u in uses.Values.Where(u => u.Item2.Count == 0)) u.Item2.Add(BufferKind.Weights);
        return uses;
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):0.#} MiB";
}
