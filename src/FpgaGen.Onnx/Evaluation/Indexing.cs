namespace FpgaGen.Onnx;

/// <summary>Row-major index arithmetic for folding small constant tensors.</summary>
internal static class Indexing
{
    public static long[] Strides(IReadOnlyList<long> dims)
    {
        var s = new long[dims.Count];
        long acc = 1;
        for (var i = dims.Count - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /// <summary>Advances a multi-index over <paramref name="dims"/> in row-major order.</summary>
    public static void Next(long[] index, IReadOnlyList<long> dims)
    {
        for (var i = index.Length - 1; i >= 0; i--)
        {
            if (++index[i] < dims[i]) return;
            index[i] = 0;
        }
    }

    /// <summary>
    /// A constant of shape <paramref name="dims"/> whose element at each multi-index is the element of
    /// <paramref name="source"/> at the flat position <paramref name="from"/> returns.
    /// </summary>
    public static Value Remap(Value source, long[] dims, Func<long[], long> from)
    {
        var n = dims.Aggregate(1L, (a, d) => a * d);
        var index = new long[dims.Length];
        if (source.Ints is { } ints)
        {
            var r = new long[n];
            for (var k = 0; k < n; k++, Next(index, dims)) r[k] = ints[from(index)];
            return source with { Dims = dims, Ints = r, Kind = ValueKind.Constant };
        }
        var floats = source.Floats!;
        var f = new double[n];
        for (var k = 0; k < n; k++, Next(index, dims)) f[k] = floats[from(index)];
        return source with { Dims = dims, Floats = f, Kind = ValueKind.Constant };
    }

    /// <summary>Flat position in a tensor of <paramref name="dims"/> that numpy broadcasting reads for an output index.</summary>
    public static long Broadcast(long[] outIndex, IReadOnlyList<long> dims, long[] strides)
    {
        long flat = 0;
        var offset = outIndex.Length - dims.Count;
        for (var j = 0; j < dims.Count; j++)
            if (dims[j] != 1) flat += outIndex[j + offset] * strides[j];
        return flat;
    }

    /// <summary>Numpy broadcasting of shapes; null when they are incompatible.</summary>
    public static long[]? BroadcastShape(params IReadOnlyList<long>[] shapes)
    {
        var rank = shapes.Max(s => s.Count);
        var r = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            long d = 1;
            foreach (var s in shapes)
            {
                var j = i - (rank - s.Count);
                if (j < 0 || s[j] == 1) continue;
                if (d != 1 && d != s[j]) return null;
                d = s[j];
            }
            r[i] = d;
        }
        return r;
    }
}
