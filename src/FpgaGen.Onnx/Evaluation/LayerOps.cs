namespace FpgaGen.Onnx;

// Shape rules of the network operators (convolution, pooling, normalization, matrix products).
internal sealed partial class Evaluator
{
    /// <summary>Resolved windows of Conv and pooling nodes, for the lowering.</summary>
    public Dictionary<OnnxNode, Window> Windows { get; } = new();

    /// <summary>Start and step on every axis of each Slice, for the lowering (which maps a slice of channels).</summary>
    public Dictionary<OnnxNode, (long[] Start, long[] Step)> SliceInfo { get; } = new();

    private Value Conv(OnnxNode n)
    {
        var (x, w, b) = (In(n, 0), In(n, 1), Optional(n, 2));
        if (x.Rank < 3) throw n.Error($"expects an input of rank 3 or more (batch, channels, spatial axes), got {x.ShapeText}");
        if (w.Rank != x.Rank) throw n.Error($"weight shape {w.ShapeText} does not match input rank {x.Rank}");
        var groups = n.Int("group", 1);
        if (groups <= 0 || x.Dims[1] != w.Dims[1] * groups)
            throw n.Error($"input channels {x.Dims[1]} do not match weights {w.ShapeText} with group {groups}");
        if (w.Dims[0] % groups != 0) throw n.Unsupported("group", groups.ToString(), $"output channels {w.Dims[0]} are not divisible by it");
        if (b is not null && b.Elements != w.Dims[0]) throw n.Error($"bias shape {b.ShapeText} does not match {w.Dims[0]} output channels");
        var window = Window.Of(n, x.Dims[2..], w.Dims[2..]);
        Windows[n] = window;
        return Result([x.Dims[0], w.Dims[0], .. window.Output(n, x.Dims[2..])], x.Type, [x, w, b]);
    }

    private Value[] Pool(OnnxNode n)
    {
        var x = In(n, 0);
        if (x.Rank < 3) throw n.Error($"expects an input of rank 3 or more (batch, channels, spatial axes), got {x.ShapeText}");
        var window = Window.Of(n, x.Dims[2..], null);
        Windows[n] = window;
        var dims = new[] { x.Dims[0], x.Dims[1] }.Concat(window.Output(n, x.Dims[2..])).ToArray();
        var y = Result(dims, x.Type, [x]);
        return n.OpType == "MaxPool" ? [y, y with { Type = DataType.Int64 }] : [y];
    }

    private Value GlobalPool(OnnxNode n)
    {
        var x = In(n, 0);
        if (x.Rank < 3) throw n.Error($"expects an input of rank 3 or more, got {x.ShapeText}");
        return Result(x.Dims.Select((d, i) => i < 2 ? d : 1).ToArray(), x.Type, [x]);
    }

    private Value[] BatchNorm(OnnxNode n)
    {
        var x = In(n, 0);
        if (x.Rank < 2) throw n.Error($"expects an input with a channel axis, got {x.ShapeText}");
        if (n.Int("training_mode", 0) != 0) throw n.Unsupported("training_mode", "1", "only inference graphs are supported");
        if (n.Int("spatial", 1) != 1) throw n.Unsupported("spatial", "0", "only per-channel statistics are supported");
        for (var i = 1; i <= 4; i++)
            if (In(n, i).Elements != x.Dims[1])
                throw n.Error($"input {i} has shape {In(n, i).ShapeText}, expected {x.Dims[1]} values (one per channel)");
        var stats = In(n, 3);
        return [Result(x.Dims, x.Type, [x]), stats, stats, stats, stats];
    }

    private Value[] LayerNorm(OnnxNode n)
    {
        var x = In(n, 0);
        var axis = Axis(n, n.Int("axis", -1), x.Rank);
        var y = Result(x.Dims, x.Type, [x]);
        var stats = y with { Dims = x.Dims.Select((d, i) => i < axis ? d : 1).ToArray(), Type = DataType.Float };
        return [y, stats, stats];
    }

    private Value Gemm(OnnxNode n)
    {
        var (a, b, c) = (In(n, 0), In(n, 1), Optional(n, 2));
        if (a.Rank != 2 || b.Rank != 2) throw n.Error($"expects matrices, got {a.ShapeText} and {b.ShapeText}");
        var (m, k) = n.Int("transA", 0) != 0 ? (a.Dims[1], a.Dims[0]) : (a.Dims[0], a.Dims[1]);
        var (k2, cols) = n.Int("transB", 0) != 0 ? (b.Dims[1], b.Dims[0]) : (b.Dims[0], b.Dims[1]);
        if (k != k2) throw n.Error($"inner dimensions differ: {a.ShapeText} and {b.ShapeText} (transA {n.Int("transA", 0)}, transB {n.Int("transB", 0)})");
        if (c is not null && (c.Rank > 2 || Indexing.BroadcastShape([m, cols], c.Dims) is not [var rows, var columns] || rows != m || columns != cols))
            throw n.Error($"bias shape {c.ShapeText} does not broadcast to [{m}, {cols}]");
        return Result([m, cols], a.Type, [a, b, c]);
    }

    /// <summary>numpy.matmul: rank-1 operands are promoted to matrices and leading axes broadcast.</summary>
    private Value MatMul(OnnxNode n)
    {
        var (a, b) = (In(n, 0), In(n, 1));
        return Result(MatMulDims(n, a, b), a.Type, [a, b]);
    }

    /// <summary>numpy.matmul's output shape (shared by MatMul and QLinearMatMul).</summary>
    private static long[] MatMulDims(OnnxNode n, Value a, Value b)
    {
        if (a.Rank == 0 || b.Rank == 0) throw n.Error("expects tensors of rank 1 or more");
        var ad = a.Rank == 1 ? [1, a.Dims[0]] : a.Dims;
        var bd = b.Rank == 1 ? [b.Dims[0], 1] : b.Dims;
        if (ad[^1] != bd[^2]) throw n.Error($"inner dimensions differ: {a.ShapeText} and {b.ShapeText}");
        var batch = Indexing.BroadcastShape(ad[..^2], bd[..^2]) ?? throw n.Error($"cannot broadcast the leading axes of {a.ShapeText} and {b.ShapeText}");
        return batch.Concat(a.Rank == 1 ? [] : [ad[^2]]).Concat(b.Rank == 1 ? [] : [bd[^1]]).ToArray();
    }
}
