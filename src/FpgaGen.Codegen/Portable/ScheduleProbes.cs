using System.Text;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Codegen.Portable;

/// <summary>
/// The instrumentation of the portable program for the schedule check (`simulate --schedule`). The kernels are the
/// generated text with three kinds of probes, counted into one table of 64-bit counters while they run:
/// <list type="bullet">
/// <item>every pipelined loop (where the templates write <c>{{ pipeline }}</c>, the first line of its body) counts its
/// trips and is the loop the accesses in its body are charged to;</item>
/// <item>every external memory access (<c>GM(pointer, index)</c>, or <c>GMB(pointer, beat)</c> for a whole 512-bit beat) counts one request on the pointer's port (its
/// plan interface, the AXI master in HLS), every channel read or write one access of that channel;</item>
/// <item>every accumulator update through on-chip memory (<c>{{ dep 'buffer' 'index' }}</c>) records the smallest
/// distance, in trips of its loop, between two updates of one address;</item>
/// <item>every access of an on-chip buffer (<c>RAM(buffer, index)</c>) counts, per trip, the accesses of the bank the
/// index falls in (the plan's cyclic partition: bank = index mod banks; a buffer in registers has no banks), and the
/// loop keeps the most one bank saw in one trip and which buffer that was.</item>
/// </list>
/// Row 0 of the table collects accesses outside any pipelined loop; loop ids start at 1. A row is
/// [trips, one count per resource…, bytes moved per port…, bursts per port…, last address per port…, most accesses
/// of one on-chip bank in one trip, that buffer's id, smallest dependence distance (0: none)]. A burst is a run of accesses on one port each starting at the byte after the
/// previous one ends, as a burst-coalescing load-store unit or an AXI master merges them; row 0's last-address
/// columns hold, per port, the address after its latest access (the other rows leave them unused).
/// </summary>
public sealed class ScheduleProbes
{
    /// <summary>A pipelined loop of the generated code: the kernel it is in and where the template wrote it.</summary>
    public sealed record Loop(int Id, string Kernel, string Location);

    private readonly List<Loop> loops = [];
    private readonly Dictionary<string, int> resourceIndex, bufferIds;
    private string? kernel;

    /// <param name="interfaces">External memory ports (AXI masters: gmem0…).</param>
    /// <param name="channels">Streams between kernels.</param>
    /// <param name="buffers">On-chip buffer names (their ids in the bank columns).</param>
    public ScheduleProbes(IEnumerable<string> interfaces, IEnumerable<string> channels, IEnumerable<string>? buffers = null)
    {
        var ports = interfaces.Distinct().Order(StringComparer.Ordinal).ToList();
        PortCount = ports.Count;
        Resources = [.. ports, .. channels];
        resourceIndex = Resources.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i, StringComparer.Ordinal);
        Buffers = (buffers ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
        bufferIds = Buffers.Select((b, i) => (b, i)).ToDictionary(x => x.b, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>The probes of a design: the ports of all its stages, all its streams and all its buffers.</summary>
    public static ScheduleProbes For(HardwarePlan plan) =>
        new(plan.Groups.SelectMany(g => g.Stages).SelectMany(s => s.Ports).Select(p => p.Interface), plan.Streams.Select(s => s.Name),
            plan.Buffers.Select(b => b.Name));

    /// <summary>Accesses one bank of an on-chip RAM serves per cycle: two (true dual-port BRAM/URAM, AMD UG573; M20K, Intel 683241).</summary>
    public const int BankPorts = 2;

    /// <summary>On-chip buffer names, by id.</summary>
    public IReadOnlyList<string> Buffers { get; }

    /// <summary>Banks the probes count for a buffer: its cyclic partition's, none for one in registers.</summary>
    public static long ProbedBanks(BufferPlan b) => b.InRegisters ? 0 : b.Banks;

    /// <summary>Bytes of a buffer's word shadow: the last trip that updated each word (64 bits).</summary>
    public static long WordShadowBytes(BufferPlan b) => b.Words * b.Copies * 8;

    /// <summary>Bytes of the bank shadow after a buffer's word shadow: a (trip stamp, count) pair per bank.</summary>
    public static long BankShadowBytes(BufferPlan b) => ProbedBanks(b) * 16;

    /// <summary>External memory ports, then channels: the columns of a counter row after the trips.</summary>
    public IReadOnlyList<string> Resources { get; }

    /// <summary>Resources [0, PortCount) are external memory ports, the rest channels.</summary>
    public int PortCount { get; }

    public IReadOnlyList<Loop> Loops => loops;

    /// <summary>64-bit counters in one row.</summary>
    public int Stride => Resources.Count + 3 * PortCount + 4;

    /// <summary>Column of a row's most accesses of one on-chip bank in one trip; the buffer's id is in the next.</summary>
    public int BankColumn => Stride - 3;

    /// <summary>Column of a row's external-memory bytes on a port.</summary>
    public int BytesColumn(int port) => 1 + Resources.Count + port;

    /// <summary>Column of a row's bursts on a port.</summary>
    public int BurstsColumn(int port) => 1 + Resources.Count + PortCount + port;

    /// <summary>Rows of the table: the "outside any loop" row and one per loop.</summary>
    public int Rows => loops.Count + 1;

    /// <summary>The macros of the instrumented build (after the configuration, before the kernels).</summary>
    public string Prelude()
    {
        var s = new StringBuilder("/* Schedule probes (simulate --schedule): see ScheduleProbes.cs. */\n");
        s.Append($"#define FG_SCHED_STRIDE {Stride}\n");
        for (var i = PortCount; i < Resources.Count; i++) s.Append($"#define FG_CH_{Resources[i]} {i}\n");
        // The loop's own fg_cur shadows the kernel's (0) in its body only, so accesses after the loop are not charged to it.
        s.Append("#define FG_LOOP(id) const int fg_cur = (id); fg_sched[(id) * FG_SCHED_STRIDE]++\n");
        s.Append("#define FG_TOUCH(r) (fg_sched[fg_cur * FG_SCHED_STRIDE + 1 + (r)]++)\n");
        // An external access is one request on its port and moves its bytes; a wide access (GMB) one whole beat.
        s.Append($"#define FG_SCHED_RESOURCES {Resources.Count}\n#define FG_SCHED_PORTS {PortCount}\n");
        s.Append("#define FG_MEM(r, a, n) (FG_TOUCH(r), fg_burst(fg_sched + fg_cur * FG_SCHED_STRIDE, fg_sched + 1 + FG_SCHED_RESOURCES + 2 * FG_SCHED_PORTS, (r), (ulong)(a), (n)))\n");
        s.Append("#define GM(p, i) (*(FG_MEM(FG_PORT_##p, &(p)[i], sizeof((p)[0])), &(p)[i]))\n");
        s.Append("#define GMB(p, b) (*(FG_MEM(FG_PORT_##p, &((__global const fg_beat*)(p))[b], sizeof(fg_beat)), &((__global const fg_beat*)(p))[b]))\n");
        s.Append("#define GMB_PUT(p, b, val) (FG_MEM(FG_PORT_##p, &((__global fg_beat*)(p))[b], sizeof(fg_beat)), ((__global fg_beat*)(p))[b] = (val))\n");
        s.Append("#define GMB_PUT_PART(p, b, val, lo, hi) (FG_MEM(FG_PORT_##p, &((__global fg_beat*)(p))[b], sizeof(fg_beat)), fg_beat_put_part(p, b, val, lo, hi))\n");
        // A dependence is within one run of a loop: FG_DEP_BEGIN (before the loop) starts a new epoch at its next update,
        // so the last updates of an earlier run (a pipeline that has drained) are not counted.
        s.Append("#define FG_DEP_BEGIN(buf) (buf##_epoch = ~0UL)\n");
        s.Append("#define FG_DEP(buf, i) fg_dep(fg_sched + fg_cur * FG_SCHED_STRIDE, buf##_last, (i), &buf##_epoch)\n");
        s.Append($"#define FG_BANK_COL {BankColumn}\n");
        s.Append("#define RAM(b, i) (*(fg_bank(fg_sched + fg_cur * FG_SCHED_STRIDE, b##_bank, b##_nbank, b##_bid, fg_cur, (i)), &(b)[i]))\n");
        s.Append("""
            /* An access of n bytes at address a on port r: its bytes, and a new burst unless it starts where the port's
               previous access ended. */
            void fg_burst(__global ulong* restrict row, __global ulong* restrict last, int r, ulong a, ulong n)
            {
                row[1 + FG_SCHED_RESOURCES + r] += n;
                if (last[r] != a) row[1 + FG_SCHED_RESOURCES + FG_SCHED_PORTS + r]++;
                last[r] = a + n;
            }

            /* One access of on-chip buffer bid at index i in the current trip of loop cur: the count of its bank this
               trip, and the row's most of any bank (a buffer in registers, nbank 0, has no banks; outside loops, none). */
            void fg_bank(__global ulong* restrict row, __global ulong* restrict bank, int nbank, int bid, int cur, int i)
            {
                if (nbank <= 0 || cur == 0) return;
                __global ulong* restrict b = bank + 2 * (i % nbank);
                const ulong stamp = ((ulong)cur << 40) | row[0];
                if (b[0] != stamp) { b[0] = stamp; b[1] = 0; }
                const ulong n = ++b[1];
                if (n > row[FG_BANK_COL]) { row[FG_BANK_COL] = n; row[FG_BANK_COL + 1] = (ulong)bid; }
            }

            /* Smallest distance (in trips of the current loop) between two updates of one accumulator address in one run of
               the loop (updates before the epoch, the run's first trip, belong to an earlier run). */
            void fg_dep(__global ulong* restrict row, __global ulong* restrict last, int i, ulong* epoch)
            {
                const ulong t = row[0], prev = last[i];
                if (*epoch == ~0UL) *epoch = t;
                if (prev != 0 && prev >= *epoch && t > prev && (row[FG_SCHED_STRIDE - 1] == 0 || t - prev < row[FG_SCHED_STRIDE - 1])) row[FG_SCHED_STRIDE - 1] = t - prev;
                last[i] = t;
            }

            """);
        return s.ToString();
    }

    /// <summary>
    /// Declarations at the top of a kernel body: the current loop, the port of each pointer, and each on-chip buffer's
    /// shadow at its offset in the kernel's fg_scratch argument. Loops marked until <see cref="EndKernel"/> belong to it.
    /// </summary>
    /// <param name="shadows">Each buffer: its word shadow's offset, its banks (0: registers) and its bank shadow's offset.</param>
    public string BeginKernel(string name, IEnumerable<(string Pointer, string Interface)> ports, IEnumerable<(string Buffer, long Offset, long Banks, long BankOffset)> shadows)
    {
        kernel = name;
        var s = new StringBuilder("    int fg_cur = 0;\n");
        foreach (var (pointer, port) in ports) s.Append($"#define FG_PORT_{pointer} {resourceIndex[port]}\n");
        foreach (var (buffer, offset, banks, bankOffset) in shadows)
        {
            s.Append($"    __global ulong* restrict {buffer}_last = (__global ulong*)(fg_scratch + {offset});\n");
            s.Append($"    __global ulong* restrict {buffer}_bank = (__global ulong*)(fg_scratch + {bankOffset});\n");
            var id = bufferIds.GetValueOrDefault(buffer, -1);
            s.Append($"    const int {buffer}_nbank = {(id < 0 ? 0 : banks)}, {buffer}_bid = {Math.Max(0, id)};\n");
            s.Append($"    ulong {buffer}_epoch = 0;\n");
        }
        return s.ToString().TrimEnd('\n');
    }

    public string BeginKernel(StagePlan stage, Func<string, long> shadowOffset) =>
        BeginKernel(stage.Name, stage.Ports.Select(p => (p.Name, p.Interface)), stage.Buffers.Select(b =>
            (b.Name, shadowOffset(b.Name), ProbedBanks(b), shadowOffset(b.Name) + WordShadowBytes(b))));

    public string EndKernel(IEnumerable<string> pointers)
    {
        kernel = null;
        return string.Join("\n", pointers.Select(p => $"#undef FG_PORT_{p}"));
    }

    /// <summary>A pipelined loop at a template location: its probe statement.</summary>
    public string MarkLoop(string location)
    {
        var id = loops.Count + 1;
        loops.Add(new Loop(id, kernel ?? throw new InvalidOperationException($"pipelined loop at {location} outside a kernel"), location));
        return $"FG_LOOP({id});";
    }
}
