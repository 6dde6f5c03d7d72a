namespace FpgaGen.Hardware;

/// <summary>
/// One FPGA device on one board, as described by a file in hw/. Everything here is data: the models in
/// FpgaGen.Estimation read these numbers and never branch on the vendor name.
/// </summary>
public sealed record Device
{
    /// <summary>File name without extension, e.g. "a10_385a".</summary>
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Vendor { get; init; }
    public required string Family { get; init; }
    public required string Part { get; init; }
    public required string Board { get; init; }
    public required Toolchain Toolchain { get; init; }
    public required DspInfo Dsp { get; init; }
    public required IReadOnlyList<RamKind> Ram { get; init; }
    public required LogicInfo Logic { get; init; }
    public required long Registers { get; init; }
    public required ExternalMemory Memory { get; init; }

    /// <summary>Typical clock (MHz) that compiled kernels of moderate size reach on this device and tool flow.</summary>
    public required double FmaxMhz { get; init; }

    /// <summary>Resources the board support package / shell occupies before any kernel is placed.</summary>
    public required PlatformOverhead Platform { get; init; }

    /// <summary>Soft logic and registers around one multiply-accumulate lane, per data type (model coefficients).</summary>
    public required IReadOnlyDictionary<Precision, LaneCost> LaneCosts { get; init; }

    /// <summary>The processor that runs the host program: a PC over PCIe unless the file says otherwise (SoC boards).</summary>
    public HostInfo Host { get; init; } = HostInfo.Pcie;

    /// <summary>The dies of a stacked-silicon device (AMD SLRs) and where its memory attaches; null for one die.</summary>
    public SlrLayout? Slrs { get; init; }

    /// <summary>Field path → "status: citation"; status is confirmed, secondary, derived or unconfirmed.</summary>
    public required IReadOnlyDictionary<string, string> Sources { get; init; }

    public string? File { get; init; }

    public IEnumerable<Precision> Precisions => Dsp.PerMac.Keys.OrderBy(p => p);

    public bool Supports(Precision p) => Dsp.PerMac.ContainsKey(p);

    public IEnumerable<string> Unconfirmed =>
        Sources.Where(s => s.Value.StartsWith("unconfirmed", StringComparison.OrdinalIgnoreCase)).Select(s => s.Key);

    /// <summary>Total on-chip RAM in bits over all block kinds.</summary>
    public long RamBits => Ram.Sum(r => r.Count * r.Bits);
}

/// <summary>
/// How the vendor tool names this target: aoc board (Intel FPGA SDK for OpenCL), v++ platform and HLS part (AMD
/// Vitis), or HLS part only (Vivado/Vitis HLS plus a Vivado block design, for boards without a v++ platform).
/// </summary>
public sealed record Toolchain(string Kind, string? AocBoard, string? Platform, string? HlsPart)
{
    /// <summary>Intel FPGA SDK for OpenCL; <see cref="AocBoard"/> is set.</summary>
    public const string Aoc = "aoc";

    /// <summary>AMD Vitis (v++, or SDAccel xocc for older boards); <see cref="Platform"/> and <see cref="HlsPart"/> are set.</summary>
    public const string Vitis = "vitis";

    /// <summary>Vitis/Vivado HLS kernels in a Vivado project (no v++ platform); only <see cref="HlsPart"/> is set.</summary>
    public const string Vivado = "vivado";
}

/// <param name="PerMac">DSP blocks needed for one multiply-accumulate per cycle, per supported data type.</param>
public sealed record DspInfo(long Count, string Kind, IReadOnlyDictionary<Precision, double> PerMac);

/// <summary>One kind of on-chip RAM block; <see cref="Shapes"/> are its depth×width configurations.</summary>
public sealed record RamKind(string Kind, long Count, long Bits, IReadOnlyList<RamShape> Shapes)
{
    public int MaxWidth => Shapes.Max(s => s.Width);
}

public readonly record struct RamShape(int Depth, int Width)
{
    public override string ToString() => $"{Depth}x{Width}";
}

public sealed record LogicInfo(string Kind, long Count);

/// <param name="GBps">Total peak bandwidth over all banks, in 10^9 bytes per second.</param>
/// <param name="GiB">Total capacity over all banks (GiB), when the device file gives it; a bank holds GiB / Banks.</param>
public sealed record ExternalMemory(string Kind, int Banks, double GBps, double? GiB = null)
{
    /// <summary>Bytes one bank (HBM: one pseudo channel) holds, when the capacity is known.</summary>
    public long? BankBytes => GiB is { } g ? (long)(g * (1L << 30) / Banks) : null;
}

/// <summary>What the board support package (Intel) or shell (Xilinx) takes; RAM in blocks per RAM kind.</summary>
public sealed record PlatformOverhead(long Dsp, long Logic, long Registers, IReadOnlyDictionary<string, long> Ram);

public sealed record LaneCost(double Logic, double Registers);

/// <summary>
/// A stacked-silicon device's super logic regions (AMD UG1393, "Assigning Compute Units to SLRs"): <see cref="Count"/>
/// dies, each holding an equal share of what the platform leaves to kernels, and the SLR each external memory bank is
/// attached to (<see cref="BankSlr"/>; one entry: every bank, as the HBM of a U280 in SLR0). A compute unit placed in
/// the SLR of the bank it reads avoids the slower SLR-crossing (SLL) routes.
/// </summary>
public sealed record SlrLayout(int Count, IReadOnlyList<int> BankSlr)
{
    public int SlrOfBank(int bank) => BankSlr.Count == 1 ? BankSlr[0] : BankSlr[bank];
}

/// <summary>
/// Where the host program runs. <see cref="Kind"/> <c>pcie</c>: a PC that reaches the card over PCIe (the default);
/// <c>soc</c>: the board's own hard processor (Arria 10 SoC, Zynq), for which the host is cross-compiled.
/// <see cref="Arch"/> is one of <see cref="HostArch.All"/>; what a build file does with it comes from that fixed table,
/// never from the device file's text.
/// </summary>
/// <param name="Cpu">Display text (the processor), for tables and comments only.</param>
public sealed record HostInfo(string Kind, HostArch Arch, string? Cpu)
{
    public const string PcieKind = "pcie";
    public const string SocKind = "soc";

    public static readonly HostInfo Pcie = new(PcieKind, HostArch.X86_64, null);

    public bool IsSoc => Kind == SocKind;
}

/// <summary>
/// A host instruction set and how a project builds for it. Cross prefixes are the Debian/GNU triplets; the aocl
/// flag is the SDK's: `aocl compile-config --arm` / `aocl link-config --arm` give the ARM host's include and library
/// flags (Intel FPGA SDK for OpenCL SoC board Makefiles, e.g. the Arria 10 SoC reference platform's board_test).
/// </summary>
public sealed record HostArch(string Id, string? CrossPrefix, string? AoclFlag)
{
    public static readonly HostArch X86_64 = new("x86_64", null, null);

    /// <summary>32-bit ARMv7-A with hard float (Cortex-A9 of the Arria 10 and Cyclone V HPS).</summary>
    public static readonly HostArch Arm32 = new("arm32", "arm-linux-gnueabihf-", "--arm");

    public static readonly IReadOnlyList<HostArch> All = [X86_64, Arm32];

    public bool Cross => CrossPrefix is not null;
}
