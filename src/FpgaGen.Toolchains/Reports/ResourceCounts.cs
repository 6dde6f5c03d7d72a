namespace FpgaGen.Toolchains.Reports;

/// <summary>
/// FPGA resources under the names the tools use. Intel estimates count ALUTs, Quartus counts ALMs ("Logic
/// utilization") and AMD counts LUTs, so these stay separate instead of being merged into one "logic" number.
/// Values are doubles because aoc's area report gives fractional shares (e.g. 5.33333 ALUTs for a shared line).
/// Null means the report does not give that resource.
/// </summary>
public sealed record ResourceCounts
{
    public double? Aluts { get; init; }

    public double? Alms { get; init; }

    public double? Luts { get; init; }

    /// <summary>Intel FFs/Registers, AMD FF.</summary>
    public double? Registers { get; init; }

    /// <summary>Intel M20K (or M10K) blocks, AMD BRAM_18K.</summary>
    public double? RamBlocks { get; init; }

    public double? Mlabs { get; init; }

    public double? Urams { get; init; }

    public double? Dsps { get; init; }

    public static ResourceCounts operator +(ResourceCounts a, ResourceCounts b) => new()
    {
        Aluts = Add(a.Aluts, b.Aluts),
        Alms = Add(a.Alms, b.Alms),
        Luts = Add(a.Luts, b.Luts),
        Registers = Add(a.Registers, b.Registers),
        RamBlocks = Add(a.RamBlocks, b.RamBlocks),
        Mlabs = Add(a.Mlabs, b.Mlabs),
        Urams = Add(a.Urams, b.Urams),
        Dsps = Add(a.Dsps, b.Dsps),
    };

    private static double? Add(double? x, double? y) => x is null && y is null ? null : (x ?? 0) + (y ?? 0);
}
