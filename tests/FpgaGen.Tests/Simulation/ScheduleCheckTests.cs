using FpgaGen.Codegen.Portable;
using FpgaGen.OpenCl;
using FpgaGen.Simulation;
using FpgaGen.Tests.OpenCl;

namespace FpgaGen.Tests.Simulation;

/// <summary>
/// The schedule check on small kernels, each seeded with one defect of the expert review (a scalar gather on one
/// port, load phases in sequence, a float accumulation at a distance below the adder latency, a stream read twice per
/// iteration), run instrumented on OpenCL: the check must report the II and cycles the defect costs, and II=1 when the
/// kernel is written the right way.
/// </summary>
[Collection(OpenClCollection.Name)]
public class ScheduleCheckTests(OpenClFixture cl)
{
    private const int Trips = 64;

    /// <summary>The probes' prelude, channels as plain buffers (one access counted per read or write), then the kernels.</summary>
    private static string Program(ScheduleProbes probes, string kernels) => """
        typedef float DTYPE;
        #define BEAT 16
        typedef struct { DTYPE v[BEAT]; } fg_beat;

        """ + probes.Prelude() + """
        #define CH_READ(c) (FG_TOUCH(FG_CH_##c), c##_fifo[c##_pos++])
        #define CH_WRITE(c, v) do { FG_TOUCH(FG_CH_##c); c##_fifo[c##_pos++] = (v); } while (0)

        """ + kernels;

    /// <summary>Builds and runs one kernel (x, y, fifo, scratch, counters) and sums its loops.</summary>
    private IReadOnlyList<LoopSchedule> Run(ScheduleProbes probes, string source, string kernel, int latency, out double kernelCycles) =>
        Run(probes, source, kernel, latency, out kernelCycles, out _);

    private IReadOnlyList<LoopSchedule> Run(ScheduleProbes probes, string source, string kernel, int latency, out double kernelCycles, out double bytes) =>
        Run(probes, source, kernel, latency, out kernelCycles, out bytes, out _);

    private IReadOnlyList<LoopSchedule> Run(ScheduleProbes probes, string source, string kernel, int latency, out double kernelCycles, out double bytes,
        out double memoryCycles, double peakBytesPerCycle = 0)
    {
        var s = cl.Session;
        using var program = s.Build(source, "-cl-std=CL1.2");
        using var k = program.CreateKernel(kernel);
        using var x = s.Context.CreateBuffer(64L * Trips * 2);
        using var y = s.Context.CreateBuffer(4L * Trips * 8);
        using var fifo = s.Context.CreateBuffer(4L * Trips * 8);
        using var scratch = s.Context.CreateBuffer<byte>(new byte[8 * Trips * 8]);
        using var table = s.Context.CreateBuffer<ulong>(new ulong[probes.Rows * probes.Stride]);
        k.SetArg(0, x).SetArg(1, y).SetArg(2, fifo).SetArg(3, scratch).SetArg(4, table);
        using (var e = s.Queue.EnqueueTask(k)) e.Wait();
        var counters = new LoopCounters(probes, latency);
        var counts = s.Queue.ReadAll<ulong>(table);
        kernelCycles = counters.Add(kernel, counts);
        bytes = counters.Bytes(counts);
        memoryCycles = counters.MemoryCycles(counts, peakBytesPerCycle);
        return counters.Loops();
    }

    /// <summary>
    /// A kernel with x on gmem0, y on gmem2, a FIFO "ch", an on-chip buffer "acc" in registers (its shadow at offset 0)
    /// and an on-chip RAM "ram" of 64 words in 8 banks (cyclic), read and written as RAM(ram, index).
    /// </summary>
    private static (ScheduleProbes Probes, string Source) Kernel(string name, params string[] loopBodies)
    {
        var probes = new ScheduleProbes(["gmem0", "gmem2"], ["ch"], ["acc", "ram"]);
        var begin = probes.BeginKernel(name, [("x", "gmem0"), ("y", "gmem2")], [("acc", 0, 0, 1024), ("ram", 1024, 8, 1536)]);
        var loops = string.Concat(loopBodies.Select(body => $$"""
                for (int i = 0; i < {{Trips}}; i++) {
                    {{probes.MarkLoop(name + "/loop")}}
                    {{body}}
                }

            """));
        var text = $$"""
            __kernel void {{name}}(__global const float* restrict x, __global float* restrict y, __global float* restrict ch_fifo,
                __global uchar* restrict fg_scratch, __global ulong* restrict fg_sched)
            {
            {{begin}}
                int ch_pos = 0;
                float acc[8], ram[64];
                for (int j = 0; j < 8; j++) acc[j] = 0.0f;
                for (int j = 0; j < 64; j++) ram[j] = 0.0f;
            {{loops}}
                GM(y, 0) = acc[0];
            {{probes.EndKernel(["x", "y"])}}
            }

            """;
        return (probes, Program(probes, text));
    }

    [OpenClFact]
    public void AScalarGatherOnOnePortCostsOneCyclePerLoad()
    {
        var (probes, source) = Kernel("gather", "float s = 0.0f;\n#pragma unroll\nfor (int k = 0; k < 6; k++) s += GM(x, i * 6 + k);\nGM(y, i) = s;");
        var loop = Assert.Single(Run(probes, source, "gather", DependenceLatency.Float, out var cycles));
        Assert.Equal((Trips, 6.0), (loop.Trips, loop.Ii));
        Assert.Equal(6.0 * Trips, cycles);
        Assert.Equal("6 requests on port gmem0 per iteration", loop.Limit);
    }

    [OpenClFact]
    public void OneWideAccessPerPortPerIterationIsIiOne()
    {
        var (probes, source) = Kernel("wide", "GM(y, i) = GM(x, i) * 2.0f;");
        var loop = Assert.Single(Run(probes, source, "wide", DependenceLatency.Float, out var cycles));
        Assert.Equal((1.0, "II=1"), (loop.Ii, loop.Limit));
        Assert.Equal(Trips, cycles);
    }

    [OpenClFact]
    public void AWholeBeatIsOneRequestOfSixtyFourBytes()
    {
        // GMB reads 16 floats in one request; the scalar store is one request of 4 bytes; the final store outside the loop 4 more.
        var (probes, source) = Kernel("beats", "const fg_beat b = GMB(x, i % 2); GM(y, i) = b.v[i % 16];");
        var loop = Assert.Single(Run(probes, source, "beats", DependenceLatency.Float, out var cycles, out var bytes));
        Assert.Equal((1.0, "II=1"), (loop.Ii, loop.Limit));
        Assert.Equal(Trips, cycles);
        Assert.Equal(Trips * (64.0 + 4) + 4, bytes);
    }

    [OpenClFact]
    public void MemoryTimeFollowsTheBurstsTheAccessesForm()
    {
        // 64 beats one after another are one 4 KB burst; every other beat, 64 bursts of 64 bytes: the same bytes take
        // the time MemoryTiming gives each burst length (the estimate's formula), at 64 bytes a cycle nominal.
        static double Memory(ScheduleCheckTests t, string body)
        {
            var (probes, source) = Kernel("bursts", body);
            t.Run(probes, source, "bursts", DependenceLatency.Float, out _, out var bytes, out var memory, peakBytesPerCycle: 64);
            Assert.Equal(64.0 * Trips + 4, bytes);
            return memory;
        }
        var contiguous = Memory(this, "acc[i % 8] += GMB(x, i).v[0];");
        var strided = Memory(this, "acc[i % 8] += GMB(x, 2 * i).v[0];");
        // (the final 4-byte store outside the loop is one more burst on y)
        Assert.Equal(FpgaGen.Kernels.Kinds.MemoryTiming.Cycles(64.0 * Trips, 64.0 * Trips, 64) + FpgaGen.Kernels.Kinds.MemoryTiming.Cycles(4, 4, 64), contiguous, 6);
        Assert.Equal(FpgaGen.Kernels.Kinds.MemoryTiming.Cycles(64.0 * Trips, 64, 64) + FpgaGen.Kernels.Kinds.MemoryTiming.Cycles(4, 4, 64), strided, 6);
        Assert.True(strided > 1.8 * contiguous);
    }

    [OpenClFact]
    public void LoadPhasesInOneKernelRunInSequence()
    {
        // Load the tile, then compute on it: two loops of one kernel, 2 x 64 cycles, where a reader kernel feeding the
        // compute kernel through a channel would overlap them.
        var (probes, source) = Kernel("phases", "acc[i % 8] = GM(x, i);", "GM(y, i) = acc[i % 8] * 2.0f;");
        var loops = Run(probes, source, "phases", DependenceLatency.Float, out var cycles);
        Assert.Equal(2, loops.Count);
        Assert.All(loops, l => Assert.Equal(1.0, l.Ii));
        Assert.Equal(2.0 * Trips, cycles);
        Assert.Equal(Trips, ScheduleCheck.RoundCycles([new("reader", Trips), new("compute", Trips)], stagesPerRound: 2));
        Assert.Equal(2.0 * Trips, ScheduleCheck.RoundCycles([new("reader", Trips), new("compute", Trips)], stagesPerRound: 1));
        // Kernels running together share the external memory: its cycles add up.
        Assert.Equal(2.0 * Trips, ScheduleCheck.RoundCycles([new("reader", Trips, Trips), new("writer", Trips, Trips)], stagesPerRound: 2));
    }

    [Fact]
    public void TheCheckUsesTheEstimatesAdderLatency()
    {
        Assert.Equal(DependenceLatency.Float, FpgaGen.Kernels.Kinds.EngineTiming.AccumulateLatency(FpgaGen.Precision.Fp32));
        Assert.Equal(DependenceLatency.Integer, FpgaGen.Kernels.Kinds.EngineTiming.AccumulateLatency(FpgaGen.Precision.Int8));
    }

    [OpenClTheory]
    [InlineData(1, DependenceLatency.Float, 5.0)] // an FC layer: the same accumulator every iteration
    [InlineData(2, DependenceLatency.Float, 3.0)] // an II is whole cycles: ceil(5 / 2)
    [InlineData(5, DependenceLatency.Float, 1.0)] // interleaved partial sums as deep as the adder latency
    [InlineData(1, DependenceLatency.Integer, 2.0)] // an integer accumulator in RAM: its read, then the add
    [InlineData(2, DependenceLatency.Integer, 1.0)]
    public void AnAccumulatorUpdatedBeforeTheAdderLatencyPassedRaisesTheIi(int distance, int latency, double ii)
    {
        var (probes, source) = Kernel("accumulate", $"FG_DEP(acc, i % {distance});\nacc[i % {distance}] += GM(x, i);");
        var loop = Assert.Single(Run(probes, source, "accumulate", latency, out var cycles));
        Assert.Equal(ii, loop.Ii);
        Assert.Equal(ii * Trips, cycles);
        if (ii > 1) Assert.Equal($"accumulator updated again after {distance} iteration(s), the adder needs {latency}", loop.Limit);
    }

    /// <summary>
    /// Sixteen runs of a 4-trip loop, each updating accumulators 0-3 once: within a run no accumulator is updated twice,
    /// and a run starts after the one before has drained, so with FG_DEP_BEGIN before the loop (the templates' dep_loop)
    /// the loop is at II = 1; without it the runs' updates 4 trips apart would read as a dependence below the float
    /// adder's 5.
    /// </summary>
    [OpenClTheory]
    [InlineData(true, 1.0)]
    [InlineData(false, 2.0)]
    public void ADependenceIsWithinOneRunOfALoop(bool epochs, double ii)
    {
        var probes = new ScheduleProbes(["gmem0", "gmem2"], ["ch"], ["acc", "ram"]);
        var begin = probes.BeginKernel("runs", [("x", "gmem0"), ("y", "gmem2")], [("acc", 0, 0, 1024), ("ram", 1024, 8, 1536)]);
        var text = $$"""
            __kernel void runs(__global const float* restrict x, __global float* restrict y, __global float* restrict ch_fifo,
                __global uchar* restrict fg_scratch, __global ulong* restrict fg_sched)
            {
            {{begin}}
                float acc[8];
                for (int j = 0; j < 8; j++) acc[j] = 0.0f;
                for (int r = 0; r < {{Trips / 4}}; r++) {
                    {{(epochs ? "FG_DEP_BEGIN(acc);" : "")}}
                    for (int i = 0; i < 4; i++) {
                        {{probes.MarkLoop("runs/loop")}}
                        FG_DEP(acc, i);
                        acc[i] += GM(x, r * 4 + i);
                    }
                }
                GM(y, 0) = acc[0];
            {{probes.EndKernel(["x", "y"])}}
            }

            """;
        var loop = Assert.Single(Run(probes, Program(probes, text), "runs", DependenceLatency.Float, out _));
        Assert.Equal(ii, loop.Ii);
    }

    [OpenClFact]
    public void AStreamReadTwicePerIterationIsIiTwo()
    {
        var (probes, source) = Kernel("twice", "const float a = CH_READ(ch), b = CH_READ(ch);\nGM(y, i) = a + b;");
        var loop = Assert.Single(Run(probes, source, "twice", DependenceLatency.Float, out _));
        Assert.Equal((2.0, "2 accesses of channel ch per iteration"), (loop.Ii, loop.Limit));
    }

    [OpenClFact]
    public void AnUnrolledReadOfOneBankIsIiOfItsAccessesOverTwoPorts()
    {
        // Four lanes read words 8 apart: all in bank 0 of the 8 (cyclic), which serves two accesses a cycle.
        var (probes, source) = Kernel("conflict", "float s = 0.0f;\n#pragma unroll\nfor (int k = 0; k < 4; k++) s += RAM(ram, (i % 2) + 8 * k);\nGM(y, i) = s;");
        var loop = Assert.Single(Run(probes, source, "conflict", DependenceLatency.Float, out var cycles));
        Assert.Equal((2.0, 2.0 * Trips), (loop.Ii, cycles));
        Assert.Equal("4 accesses of one bank of ram in one iteration (2 ports per bank)", loop.Limit);
        // The same four reads from four banks, and a write beside them: II=1.
        var (p2, s2) = Kernel("spread", "float s = 0.0f;\n#pragma unroll\nfor (int k = 0; k < 4; k++) s += RAM(ram, k);\nRAM(ram, 8 + (i % 8)) = s;\nGM(y, i) = s;");
        Assert.Equal(1.0, Assert.Single(Run(p2, s2, "spread", DependenceLatency.Float, out _)).Ii);
    }
}
