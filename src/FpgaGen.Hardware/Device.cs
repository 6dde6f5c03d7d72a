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
