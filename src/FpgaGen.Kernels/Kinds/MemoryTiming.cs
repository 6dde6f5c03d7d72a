namespace FpgaGen.Kernels.Kinds;

/// <summary>
/// External memory as the engines' readers see it: the bandwidth a stream of bursts sustains depends on how long
/// each burst is, and every step pays fixed costs that no overlap hides.
/// </summary>
public static class MemoryTiming
{
    /// <summary>
    /// Fraction of peak DDR bandwidth long sequential bursts sustain: refresh and read/write turnarounds cost ~10%.
    /// Source for the behaviour: Wang et al., "Shuhai: Benchmarking High Bandwidth Memory on FPGAs" (FCCM 2020; IEEE
    /// TC 2021) measure DDR4 on the U280 below its nominal 19.2 GB/s even for long bursts; the value 0.9 is our
    /// assumption for that saturated fraction (the paper's exact figure was not read, only its abstract).
    /// </summary>
    public const double PeakEfficiency = 0.9;

    /// <summary>
    /// Burst length (bytes) at which half of <see cref="PeakEfficiency"/> is reached. Each burst pays a fixed cost
    /// (address phase, row activation when it opens a new DRAM page, arbitration) worth about one 64-byte beat group
    /// at peak rate, so 512 B bursts reach 89% of the saturated rate and 4 KB 98%. Shuhai shows the throughput growing
    /// with burst size; 64 B is our assumption for the half point, chosen before and not fitted to any design of the
    /// fidelity table (docs/fidelity.md).
    /// </summary>
    public const double HalfEfficiencyBurstBytes = 64;

    /// <summary>A burst long enough to count as streaming (vector-unit passes, contiguous tensors).</summary>
    public const double StreamingBurstBytes = 4096;

    /// <summary>
    /// Host cost of one step: enqueueing its kernels, sending their arguments and waiting for the completion event.
    /// Source: Xilinx SDAccel Environment User Guide (UG1023, "Reducing Overhead of Kernel Enqueing"): 30-60 µs per
    /// enqueue depending on the argument count; the low end is taken (the generated host enqueues a step's kernels
    /// together and waits once).
    /// </summary>
    public const double StepLaunchMicroseconds = 30;

    /// <summary>
    /// DRAM latency of a step's first burst (request to first data) that nothing overlaps: ~0.5 µs for an FPGA DDR
    /// controller path (Shuhai reports DDR4 page-hit latency in the low hundreds of ns plus the interconnect).
    /// </summary>
    public const double FirstBurstMicroseconds = 0.5;

    /// <summary>Sustained fraction of peak for bursts of <paramref name="burstBytes"/> bytes.</summary>
    public static double Efficiency(double burstBytes) => PeakEfficiency * burstBytes / (burstBytes + HalfEfficiencyBurstBytes);

    /// <summary>Cycles to move <paramref name="bytes"/> in bursts of <paramref name="burstBytes"/> at <paramref name="peakBytesPerCycle"/>.</summary>
    public static double Cycles(double bytes, double burstBytes, double peakBytesPerCycle) =>
        bytes <= 0 ? 0 : bytes / (peakBytesPerCycle * Efficiency(Math.Max(1, burstBytes)));

    /// <summary>Fixed cycles of one step at <paramref name="freqMhz"/>: launch and host sync, and the first burst's latency.</summary>
    public static double StepCycles(double freqMhz) => (StepLaunchMicroseconds + FirstBurstMicroseconds) * freqMhz;

    /// <summary>The host's share of <see cref="StepCycles"/>: launch and synchronisation, outside the kernels.</summary>
    public static double LaunchCycles(double freqMhz) => StepLaunchMicroseconds * freqMhz;
}
