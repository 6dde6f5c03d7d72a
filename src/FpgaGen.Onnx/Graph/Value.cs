namespace FpgaGen.Onnx;

/// <summary>How a tensor depends on the network input.</summary>
internal enum ValueKind
{
    /// <summary>Known values (Constant nodes, small initializers, folded shape arithmetic).</summary>
    Constant,

    /// <summary>Independent of the input but with values the importer does not have: weights.</summary>
    Static,

    /// <summary>Computed from the network input: becomes an IR layer's output.</summary>
    Activation,
}

/// <summary>
/// What the importer knows about one ONNX tensor: its full shape (batch axis included, a symbolic batch taken as 1),
/// element type, kind, and for constants the values (integers as longs, floating point as doubles).
/// </summary>
internal sealed record Value(long[] Dims, DataType Type, ValueKind Kind)
{
    public long[]? Ints { get; init; }
    public double[]? Floats { get; init; }

    /// <summary>Comes from an initializer or a weight input (learned), possibly reshaped or transposed.</summary>
    public bool Learned { get; init; }

    public int Rank => Dims.Length;
    public long Elements => Dims.Aggregate(1L, (a, d) => a * d);
    public bool IsActivation => Kind == ValueKind.Activation;
    public bool HasData => Ints is not null || Floats is not null;
    public int Count => Ints?.Length ?? Floats?.Length ?? 0;

    public double At(int i) => Ints is not null ? Ints[i] : Floats![i];
    public long IntAt(int i) => Ints is not null ? Ints[i] : (long)Floats![i];
    public long[] AsInts() => Ints ?? Floats!.Select(f => (long)f).ToArray();
    public double[] AsDoubles() => Floats ?? Ints!.Select(i => (double)i).ToArray();

    /// <summary>A single value (a scalar or a one-element tensor) equal to <paramref name="x"/> within a relative 1e-3.</summary>
    public bool IsScalar(double x) => HasData && Count == 1 && Math.Abs(At(0) - x) <= 1e-3 * Math.Max(1, Math.Abs(x));

    public static Value OfInts(long[] dims, long[] values, DataType type = DataType.Int64) =>
        new(dims, type, ValueKind.Constant) { Ints = values };

    public static Value OfFloats(long[] dims, double[] values, DataType type = DataType.Float) =>
        new(dims, type, ValueKind.Constant) { Floats = values };

    public string ShapeText => "[" + string.Join(", ", Dims) + "]";
}
