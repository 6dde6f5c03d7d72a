using System.Globalization;

namespace FpgaGen;

/// <summary>The two kinds of value an <see cref="Expression"/> computes with.</summary>
public enum ValueKind
{
    Number,
    Boolean,
}

/// <summary>A value of the expression language: a 64-bit integer or true/false, never both.</summary>
public readonly struct ExpressionValue : IEquatable<ExpressionValue>
{
    private readonly long bits;

    private ExpressionValue(long bits, ValueKind kind)
    {
        this.bits = bits;
        Kind = kind;
    }

    public ValueKind Kind { get; }

    public static ExpressionValue Of(long number) => new(number, ValueKind.Number);
    public static ExpressionValue Of(bool value) => new(value ? 1 : 0, ValueKind.Boolean);

    public static implicit operator ExpressionValue(long number) => Of(number);
    public static implicit operator ExpressionValue(bool value) => Of(value);

    public long AsNumber() => Kind == ValueKind.Number ? bits : throw new ExpressionException($"expected a number, got {this}");
    public bool AsBool() => Kind == ValueKind.Boolean ? bits != 0 : throw new ExpressionException($"expected true or false, got {this}");

    public bool Equals(ExpressionValue other) => Kind == other.Kind && bits == other.bits;
    public override bool Equals(object? obj) => obj is ExpressionValue v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Kind, bits);

    /// <summary>As it is written in the language: <c>42</c>, <c>true</c>, <c>false</c>.</summary>
    public override string ToString() => Kind == ValueKind.Boolean ? (bits != 0 ? "true" : "false") : bits.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// An expression that parsed but cannot be evaluated on these values. <see cref="Arithmetic"/> marks a division by
/// zero or an overflow, which a search treats as "this point does not hold" rather than as a broken space.
/// </summary>
public sealed class ExpressionException(string message, bool arithmetic = false) : FormatException(message)
{
    public bool Arithmetic { get; } = arithmetic;
}
