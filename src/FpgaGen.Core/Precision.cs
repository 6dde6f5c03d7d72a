namespace FpgaGen;

/// <summary>Data type of weights and activations. Fixed-point types accumulate in int32.</summary>
public enum Precision { Fp32, Fp16, Int16, Int8 }

public static class PrecisionExtensions
{
    public static int Bytes(this Precision p) => p switch
    {
        Precision.Fp32 => 4,
        Precision.Fp16 => 2,
        Precision.Int16 => 2,
        Precision.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    public static string Id(this Precision p) => p.ToString().ToLowerInvariant();

    public static bool IsFixedPoint(this Precision p) => p is Precision.Int8 or Precision.Int16;

    public static readonly IReadOnlyList<Precision> All = [Precision.Fp32, Precision.Fp16, Precision.Int16, Precision.Int8];

    public static bool TryParse(string text, out Precision precision)
    {
        foreach (var p in All)
            if (string.Equals(p.Id(), text, StringComparison.OrdinalIgnoreCase)) { precision = p; return true; }
        precision = default;
        return false;
    }

    public static Precision Parse(string text) => TryParse(text, out var p)
        ? p
        : throw new InputException($"unknown precision '{text}' (expected one of: {string.Join(", ", All.Select(x => x.Id()))})");
}
