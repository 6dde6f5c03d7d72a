namespace FpgaGen.Onnx;

/// <summary>
/// The sliding window of a Conv, MaxPool or AveragePool over the spatial axes, with auto_pad resolved into explicit
/// padding. ONNX pads list all begins then all ends: [x1_begin, x2_begin, ..., x1_end, x2_end].
/// </summary>
internal sealed record Window(long[] Kernel, long[] Strides, long[] PadBegin, long[] PadEnd, long[] Dilations, bool Ceil)
{
    public static Window Of(OnnxNode n, long[] spatial, long[]? kernelFromWeights)
    {
        var rank = spatial.Length;
        var kernel = n.Ints("kernel_shape") ?? kernelFromWeights ?? throw n.Error("has no kernel_shape");
        if (kernel.Length != rank) throw n.Unsupported("kernel_shape", List(kernel), $"the input has {rank} spatial axes");
        var strides = n.Ints("strides") ?? Ones(rank);
        var dilations = n.Ints("dilations") ?? Ones(rank);
        if (strides.Length != rank || strides.Any(s => s <= 0)) throw n.Unsupported("strides", List(strides), $"expected {rank} positive values");
        if (dilations.Length != rank || dilations.Any(d => d <= 0)) throw n.Unsupported("dilations", List(dilations), $"expected {rank} positive values");
        if (kernel.Any(k => k <= 0)) throw n.Unsupported("kernel_shape", List(kernel), "sizes must be positive");
        var ceil = n.Int("ceil_mode", 0) != 0;
        var autoPad = n.String("auto_pad", "NOTSET");
        long[] begin, end;
        switch (autoPad)
        {
            case "NOTSET":
                var pads = n.Ints("pads") ?? new long[2 * rank];
                if (pads.Length != 2 * rank || pads.Any(p => p < 0)) throw n.Unsupported("pads", List(pads), $"expected {2 * rank} values of zero or more");
                (begin, end) = (pads[..rank], pads[rank..]);
                break;
            case "VALID":
                (begin, end) = (new long[rank], new long[rank]);
                break;
            case "SAME_UPPER" or "SAME_LOWER":
                (begin, end) = (new long[rank], new long[rank]);
                for (var i = 0; i < rank; i++)
                {
                    // Output size ceil(in / stride); the padding that needs goes mostly at the end (upper) or begin (lower).
                    var output = (spatial[i] + strides[i] - 1) / strides[i];
                    var total = Math.Max(0, (output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatial[i]);
                    var small = total / 2;
                    (begin[i], end[i]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
                }
                break;
            default:
                throw n.Unsupported("auto_pad", $"'{autoPad}'", "expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
        return new Window(kernel, strides, begin, end, dilations, ceil);
    }

    /// <summary>Output sizes; in ceil mode a last window starting inside the end padding is dropped, as in PyTorch.</summary>
    public long[] Output(OnnxNode n, long[] spatial)
    {
        var r = new long[spatial.Length];
        for (var i = 0; i < spatial.Length; i++)
        {
            var span = Dilations[i] * (Kernel[i] - 1) + 1;
            var room = spatial[i] + PadBegin[i] + PadEnd[i] - span;
            if (room < 0) throw n.Error($"window {span} is larger than the padded input {spatial[i]} + {PadBegin[i]} + {PadEnd[i]} on spatial axis {i}");
            r[i] = (Ceil ? (room + Strides[i] - 1) / Strides[i] : room / Strides[i]) + 1;
            if (Ceil && (r[i] - 1) * Strides[i] >= spatial[i] + PadBegin[i]) r[i]--;
        }
        return r;
    }

    private static long[] Ones(int n) => Enumerable.Repeat(1L, n).ToArray();

    public static string List(IEnumerable<long> values) => "[" + string.Join(", ", values) + "]";
}
