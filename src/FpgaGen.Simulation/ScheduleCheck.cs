using FpgaGen.Codegen;
using FpgaGen.Codegen.Portable;
using FpgaGen.OpenCl;

namespace FpgaGen.Simulation;

/// <summary>What one external-memory port moved over a run: bytes, in how many bursts, and the cycles that takes.</summary>
public sealed record PortTraffic(string Port, double Bytes, long Bursts, double MemoryCycles)
{
    public double BytesPerBurst => Bursts > 0 ? Bytes / Bursts : 0;
}

/// <summary>One pipelined loop of the generated code over a run: trips, the initiation interval its accesses allow, and what limits it.</summary>
public sealed record LoopSchedule(string Name, string Kernel, long Trips, double Ii, double Cycles, string Limit);

/// <summary>
/// The generated code's cycles for a run of steps (those up to the step that finishes a layer), beside the
/// estimator's cycles of the layers finished there.
/// </summary>
public sealed record StepSchedule(string Name, IReadOnlyList<string> Layers, double Cycles, double EstimatedCycles, IReadOnlyList<LoopSchedule> Loops)
{
    /// <summary>External memory traffic per port: bytes and bursts (runs of contiguous accesses).</summary>
    public IReadOnlyList<PortTraffic> Ports { get; init; } = [];

    /// <summary>(cycles − estimated) / estimated; 0 when neither has cycles.</summary>
    public double Error => EstimatedCycles > 0 ? (Cycles - EstimatedCycles) / EstimatedCycles : Cycles > 0 ? double.PositiveInfinity : 0;
}

public sealed record ScheduleReport(double Cycles, double EstimatedCycles, IReadOnlyList<StepSchedule> Steps, IReadOnlyList<LoopSchedule> Loops,
    double Tolerance, double Seconds)
{
    /// <summary>Steps more than <see cref="Tolerance"/> off the estimate, and loops pipelined at II=1 that do not reach it.</summary>
    public IReadOnlyList<string> Problems =>
    [
        .. Steps.Where(s => Math.Abs(s.Error) > Tolerance).Select(s => $"step {s.Name}: {s.Cycles:N0} cycles, the estimate {s.EstimatedCycles:N0} ({s.Error:+0%;-0%})"),
        .. Loops.Where(l => l.Ii > 1).Select(l => $"loop {l.Name} in {l.Kernel}: II {l.Ii:0.##} ({l.Limit})"),
    ];

    public bool Pass => Problems.Count == 0;
}

/// <summary>
/// The schedule check: runs the design's instrumented portable kernels (<see cref="ScheduleProbes"/>) and derives
/// the generated code's own timing from what the loops did:
/// <list type="bullet">
/// <item>a pipelined loop issues one iteration per cycle unless an external memory port (one request per cycle at its
/// declared width), a channel (one read or write per cycle), a bank of an on-chip buffer (two accesses per cycle,
/// <see cref="ScheduleProbes.BankPorts"/>; the tools schedule for the worst iteration, so the most accesses one bank
/// saw in one trip sets the loop's II) or a loop-carried accumulator update (the adder's latency must have passed
/// before the same address is updated again) needs more: its cycles are
/// max(trips × max(⌈latency / distance⌉, ⌈bank accesses / 2⌉), requests on its busiest port or channel);</item>
/// <item>the loops of one kernel run in sequence; the kernels of one step, connected by channels, run concurrently,
/// so a step (or a slice of one) takes as long as its slowest kernel;</item>
/// <item>the kernels running together share the external memory: a round takes at least the time the bytes all of
/// them move need (every request's size, a whole beat for a wide access), each port's at the rate its bursts sustain
/// (<see cref="FpgaGen.Kernels.Kinds.MemoryTiming.Efficiency"/> of the port's bytes per burst, a burst being a run of
/// contiguous accesses, the estimate's own formula) of the nominal rate of the banks the buffers are placed in.</item>
/// </list>
/// Every step pays its pipelines' fill once, at the estimate's <see cref="FpgaGen.Kernels.Kinds.EngineTiming.PipelineDepth"/>
/// (the real depth is the tool's, known after synthesis); the control outside pipelined loops is not counted.
/// The data do not change the loops' trips, so weights and input are zeros.
/// </summary>
public static class ScheduleCheck
{
    public const double DefaultTolerance = 0.15;

    /// <param name="estimatedCycles">The estimator's cycles per layer name.</param>
    /// <param name="adderLatency">Cycles before an accumulator read-modify-write may see its previous update (<see cref="DependenceLatency"/>).</param>
    /// <param name="peakBytesPerCycle">Nominal external-memory bytes per kernel cycle of the design's banks (0: memory not limiting).</param>
    /// <param name="stepLatency">Cycles every step costs besides its loops: the wait for its first external access (the
    /// DDR/HBM latency of <see cref="FpgaGen.Kernels.Kinds.MemoryTiming.FirstBurstMicroseconds"/> at the design's clock)
    /// and the fill of its pipelines (<see cref="FpgaGen.Kernels.Kinds.EngineTiming.PipelineDepth"/>).</param>
    public static ScheduleReport Run(AcceleratorDesign design, OpenClSession session, IReadOnlyDictionary<string, double> estimatedCycles, int adderLatency,
        double peakBytesPerCycle, double stepLatency = 0, double tolerance = DefaultTolerance, IProgress<(int Done, int Total)>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var portable = PortableProgramBuilder.Build(design, probed: true);
        var probes = portable.Probes!;
        var missing = portable.RequiredExtensions.Where(e => !session.Device.Extensions.Contains(e)).ToList();
        if (missing.Count > 0)
            throw new InputException($"OpenCL device '{session.Device.Name}' lacks {string.Join(", ", missing)}, which {design.Lowered.Precision.Id()} kernels need; choose another device or data type");
        using var runner = new PlanRunner(session, portable);
        runner.Upload(new byte[Math.Max(4, portable.Weights.TotalBytes)], new byte[portable.Input.Count * portable.ElementBytes]);

        var stagesPerRound = design.Plan.Groups.ToDictionary(g => g.Name, g => g.Stages.Count);
        var lastStep = new Dictionary<string, int>();
        for (var i = 0; i < portable.Steps.Count; i++)
            foreach (var l in portable.Steps[i].Layers) lastStep[l] = i;
        var total = new LoopCounters(probes, adderLatency);
        var pending = new LoopCounters(probes, adderLatency);
        var steps = new List<StepSchedule>();
        double pendingCycles = 0;
        for (var i = 0; i < portable.Steps.Count; i++)
        {
            var step = portable.Steps[i];
            var kernelCycles = new List<KernelRun>();
            var (_, problem) = runner.RunStep(step, (launch, table) =>
            {
                kernelCycles.Add(new KernelRun(launch.Kernel, pending.Add(launch.Kernel, table), pending.AddTraffic(table, peakBytesPerCycle)));
                total.Add(launch.Kernel, table);
            });
            if (problem is not null) throw new InvalidOperationException($"schedule run, step {step.Name}: {problem}");
            pendingCycles += stepLatency + RoundCycles(kernelCycles, stagesPerRound[step.Group]);
            progress?.Report((i + 1, portable.Steps.Count));
            var finished = lastStep.Where(kv => kv.Value == i).Select(kv => kv.Key).ToList();
            if (finished.Count == 0 && i < portable.Steps.Count - 1) continue;
            steps.Add(new StepSchedule(step.Name, finished, pendingCycles, finished.Sum(l => estimatedCycles.GetValueOrDefault(l)), pending.Loops())
                { Ports = pending.Ports() });
            pending = new LoopCounters(probes, adderLatency);
            pendingCycles = 0;
        }
        return new ScheduleReport(steps.Sum(s => s.Cycles), steps.Sum(s => s.EstimatedCycles), steps, total.Loops(), tolerance, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// A step's cycles from its launches: launches are rounds (slices) of the group's stages in order, the stages of a
    /// round are connected by channels and run concurrently, so a round lasts as long as its slowest kernel, and at
    /// least as long as the external memory needs for what they all move (the memory is shared).
    /// </summary>
    public static double RoundCycles(IReadOnlyList<KernelRun> launches, int stagesPerRound) =>
        launches.Chunk(stagesPerRound).Sum(round => Math.Max(round.Max(k => k.Cycles), round.Sum(k => k.MemoryCycles)));
}

/// <summary>One launch of a kernel in the schedule run: its loops' cycles and the cycles external memory needs for what it moved.</summary>
public sealed record KernelRun(string Kernel, double Cycles, double MemoryCycles = 0);

/// <summary>The accumulator latency of <see cref="FpgaGen.Kernels.Kinds.EngineTiming.AccumulateLatency"/>, the estimate's own figure.</summary>
public static class DependenceLatency
{
    /// <summary>The same figures as constants, for tests' attributes (a test holds them equal).</summary>
    public const int Integer = 2, Float = 5;

    public static int For(Precision precision) => FpgaGen.Kernels.Kinds.EngineTiming.AccumulateLatency(precision);
}

/// <summary>
/// The schedule probes' counters summed per loop over launches: each loop's cycles are
/// max(trips × ⌈latency / distance⌉, requests on its busiest port or channel), a kernel's loops run in sequence.
/// </summary>
public sealed class LoopCounters(ScheduleProbes probes, int latency)
{
    private readonly long[] trips = new long[probes.Rows];
    private readonly double[] cycles = new double[probes.Rows];
    private readonly long[][] accesses = Enumerable.Range(0, probes.Rows).Select(_ => new long[probes.Resources.Count]).ToArray();
    private readonly long[] distance = new long[probes.Rows];
    private readonly long[] bankAccesses = new long[probes.Rows], bankBuffer = new long[probes.Rows];
    private readonly double[] portBytes = new double[probes.PortCount], portMemory = new double[probes.PortCount];
    private readonly long[] portBursts = new long[probes.PortCount];

    /// <summary>Adds one launch's table; returns the cycles of its kernel's loops (in sequence).</summary>
    public double Add(string kernel, ulong[] table)
    {
        double sum = 0;
        foreach (var loop in probes.Loops.Where(l => l.Kernel == kernel))
        {
            var row = loop.Id * probes.Stride;
            var t = (long)table[row];
            if (t == 0) continue;
            var d = (long)table[row + probes.Stride - 1];
            var bank = (long)table[row + probes.BankColumn];
            if (bank > bankAccesses[loop.Id]) (bankAccesses[loop.Id], bankBuffer[loop.Id]) = (bank, (long)table[row + probes.BankColumn + 1]);
            var busiest = 0L;
            for (var r = 0; r < probes.Resources.Count; r++)
            {
                var n = (long)table[row + 1 + r];
                accesses[loop.Id][r] += n;
                busiest = Math.Max(busiest, n);
            }
            var c = Math.Max(t * Math.Max(DependenceIi(d), BankIi(bank)), busiest);
            trips[loop.Id] += t;
            cycles[loop.Id] += c;
            if (d > 0) distance[loop.Id] = distance[loop.Id] == 0 ? d : Math.Min(distance[loop.Id], d);
            sum += c;
        }
        return sum;
    }

    /// <summary>External-memory bytes a launch moved, inside its loops and outside them.</summary>
    public double Bytes(ulong[] table) => PortTotals(table).Sum(p => p.Bytes);

    /// <summary>
    /// Cycles external memory needs for what a launch moved at <paramref name="peakBytesPerCycle"/> (0: not limiting):
    /// each port's bytes at the efficiency of its mean burst.
    /// </summary>
    public double MemoryCycles(ulong[] table, double peakBytesPerCycle) => PortTotals(table).Sum(p => PortCycles(p.Bytes, p.Bursts, peakBytesPerCycle));

    /// <summary>Adds a launch's traffic per port (what <see cref="Ports"/> reports); returns its <see cref="MemoryCycles"/>.</summary>
    public double AddTraffic(ulong[] table, double peakBytesPerCycle)
    {
        double sum = 0;
        var port = 0;
        foreach (var (bytes, bursts) in PortTotals(table))
        {
            var cycles = PortCycles(bytes, bursts, peakBytesPerCycle);
            portBytes[port] += bytes;
            portBursts[port] += (long)bursts;
            portMemory[port] += cycles;
            sum += cycles;
            port++;
        }
        return sum;
    }

    private static double PortCycles(double bytes, double bursts, double peakBytesPerCycle) =>
        peakBytesPerCycle <= 0 ? 0 : FpgaGen.Kernels.Kinds.MemoryTiming.Cycles(bytes, bytes / Math.Max(1, bursts), peakBytesPerCycle);

    /// <summary>The ports that moved anything, with their bytes, bursts and memory cycles summed over the launches added.</summary>
    public IReadOnlyList<PortTraffic> Ports() => Enumerable.Range(0, probes.PortCount).Where(p => portBytes[p] > 0)
        .Select(p => new PortTraffic(probes.Resources[p], portBytes[p], portBursts[p], portMemory[p])).ToList();

    private IEnumerable<(double Bytes, double Bursts)> PortTotals(ulong[] table) => Enumerable.Range(0, probes.PortCount).Select(port =>
    {
        double bytes = 0, bursts = 0;
        for (var r = 0; r < probes.Rows; r++)
        {
            bytes += table[r * probes.Stride + probes.BytesColumn(port)];
            bursts += table[r * probes.Stride + probes.BurstsColumn(port)];
        }
        return (bytes, bursts);
    });

    private long DependenceIi(long d) => d > 0 && d < latency ? (latency + d - 1) / d : 1;

    private static long BankIi(long accesses) => Math.Max(1, (accesses + ScheduleProbes.BankPorts - 1) / ScheduleProbes.BankPorts);

    public IReadOnlyList<LoopSchedule> Loops() => probes.Loops.Where(l => trips[l.Id] > 0).Select(l =>
    {
        var t = trips[l.Id];
        var ii = cycles[l.Id] / t;
        return new LoopSchedule(l.Location, l.Kernel, t, Math.Round(ii, 3), cycles[l.Id], Limit(l.Id, t, ii));
    }).ToList();

    private string Limit(int id, long t, double ii)
    {
        if (ii <= 1) return "II=1";
        var d = distance[id];
        if (d > 0 && DependenceIi(d) >= ii) return $"accumulator updated again after {d} iteration(s), the adder needs {latency}";
        if (BankIi(bankAccesses[id]) >= ii)
            return $"{bankAccesses[id]} accesses of one bank of {probes.Buffers[(int)bankBuffer[id]]} in one iteration ({ScheduleProbes.BankPorts} ports per bank)";
        var r = Enumerable.Range(0, probes.Resources.Count).MaxBy(r => accesses[id][r]);
        var kind = r < probes.PortCount ? "requests on port" : "accesses of channel";
        return $"{(double)accesses[id][r] / t:0.##} {kind} {probes.Resources[r]} per iteration";
    }
}
