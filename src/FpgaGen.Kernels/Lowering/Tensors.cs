namespace FpgaGen.Kernels.Lowering;

/// <summary>Where a kernel pointer argument points: the activation arena or the weights blob.</summary>
public enum BufferKind { Activations, Weights }

/// <summary>
/// One activation tensor of the lowered network: a region of the activation arena holding Batch samples back to
/// back (sample stride = <see cref="Elements"/>). Feature maps are channel-major (C, H, W) or, with
/// <see cref="ChannelsInnermost"/>, pixel-major (H, W, C); token sequences token-major (T, D), vectors plain.
/// </summary>
public sealed class ActivationTensor(string name, string calibration, IReadOnlyList<int> shape)
{
    /// <summary>The name steps and plans use: the last model layer whose output it holds, "input", or "layer/part".</summary>
    public string Name { get; } = name;

    /// <summary>Key of its value range in calibration data: the model layer (or attention part) whose output it is.</summary>
    public string Calibration { get; } = calibration;

    public IReadOnlyList<int> Shape { get; } = shape;
    public long Elements { get; } = shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>A C×H×W map stored H×W×C: element (c, y, x) at (y·W + x)·C + c (<see cref="LoweringOptions.ChannelsInnermost"/>).</summary>
    public bool ChannelsInnermost { get; internal set; }

    /// <summary>The arena index of model element <paramref name="i"/> (C×H×W order) within one sample.</summary>
    public long StoredIndex(long i)
    {
        if (!ChannelsInnermost) return i;
        long pixels = (long)Shape[1] * Shape[2], c = i / pixels, p = i % pixels;
        return p * Shape[0] + c;
    }

    /// <summary><paramref name="batch"/> samples of model-order (C×H×W) values in this tensor's stored order.</summary>
    public float[] InStoredOrder(float[] values, int batch)
    {
        if (!ChannelsInnermost) return values;
        var stored = new float[values.Length];
        for (long b = 0; b < batch; b++)
            for (long i = 0; i < Elements; i++)
                stored[b * Elements + StoredIndex(i)] = values[b * Elements + i];
        return stored;
    }

    /// <summary>Element offset in the arena (set by <see cref="ArenaAllocator"/>).</summary>
    public long Offset { get; internal set; } = -1;

    /// <summary>Elements of arena storage it owns from <see cref="Offset"/>: the batch, padded to whole beats of any data type.</summary>
    public long Storage { get; internal set; }

    /// <summary>
    /// Set when the tensor holds values before a stored-statistics LayerNorm (this name) that its readers fold in:
    /// a token selection moved ahead of the fold. The model has no such tensor, so nothing compares it with a reference.
    /// </summary>
    public string? BeforeFoldedLayerNorm { get; internal set; }

    /// <summary>First step that writes it (−1 for the network input) and last step that reads it.</summary>
    public int FirstUse { get; internal set; } = int.MaxValue;
    public int LastUse { get; internal set; } = -1;

    internal void Touch(int step)
    {
        FirstUse = Math.Min(FirstUse, step);
        LastUse = Math.Max(LastUse, step);
    }

    public override string ToString() => $"{Name} [{string.Join("x", Shape)}] @{Offset}";
}

/// <summary>
/// Places tensors in one activation arena, reusing the space of tensors no later step reads (first fit over the free
/// gaps, in step order). A tensor stays live from its first writer to its last reader, so a step's inputs and outputs
/// never overlap.
/// </summary>
public static class ArenaAllocator
{
    /// <summary>
    /// Offsets and sizes are multiples of this many elements: at least one 512-bit beat of every data type (64 int8),
    /// so a tensor starts on a beat and its last beat may be read or written whole.
    /// </summary>
    public const long Alignment = 64;

    public static long Place(IReadOnlyList<ActivationTensor> tensors, int batch)
    {
        var live = new List<(long Start, long End, ActivationTensor T)>();
        long top = 0;
        foreach (var t in tensors.OrderBy(t => t.FirstUse).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            live.RemoveAll(x => x.T.LastUse < t.FirstUse);
            var size = Align(checked(t.Elements * batch));
            long start = 0;
            foreach (var (s, e, _) in live.OrderBy(x => x.Start))
            {
                if (s - start >= size) break;
                start = Math.Max(start, e);
            }
            t.Offset = start;
            t.Storage = size;
            live.Add((start, start + size, t));
            top = Math.Max(top, start + size);
        }
        return top;
    }

    private static long Align(long n) => Padded(n);

    /// <summary><paramref name="n"/> elements rounded up to whole <see cref="Alignment"/> units: a tensor's storage.</summary>
    public static long Padded(long n) => (n + Alignment - 1) / Alignment * Alignment;
}
