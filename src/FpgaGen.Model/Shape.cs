namespace FpgaGen.Model;

/// <summary>
/// The shape of one sample's tensor, without the batch dimension. Rank 3 is an image-like feature map
/// (channels, height, width); rank 2 is a token sequence (tokens, features); rank 1 is a feature vector.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] dims;

    public Shape(params int[] dims)
    {
        if (dims.Length is < 1 or > 3) throw new ShapeException($"tensors of rank {dims.Length} are not supported (expected 1 to 3 dimensions)");
        foreach (var d in dims)
            if (d <= 0) throw new ShapeException($"dimension {d} in {string.Join("x", dims)} must be positive");
        this.dims = (int[])dims.Clone();
        long elements = 1;
        foreach (var d in dims) elements = checked(elements * d);
        Elements = elements;
    }

    public IReadOnlyList<int> Dims => dims;
    public int Rank => dims.Length;
    public long Elements { get; }
    public int this[int i] => dims[i];
    public int this[Index i] => dims[i];

    public bool IsFeatureMap => Rank == 3;
    public bool IsSequence => Rank == 2;

    /// <summary>Channels of a feature map, features of a sequence or vector: the last axis a linear layer reduces.</summary>
    public int Channels => Rank == 3 ? dims[0] : dims[^1];

    public override string ToString() => string.Join("x", dims);
    public bool Equals(Shape? other) => other is not null && dims.AsSpan().SequenceEqual(other.dims);
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode() => dims.Aggregate(17, (h, d) => h * 31 + d);
}

/// <summary>A layer's inputs do not fit what it needs; the network builder adds file, line and layer name.</summary>
public sealed class ShapeException(string message) : Exception(message);
