namespace FpgaGen.Model;

public enum ActivationKind { Relu, Relu6, Gelu, Sigmoid }

/// <summary>Element-wise activation; shape-preserving, no parameters.</summary>
public sealed class ActivationLayer(string name, IReadOnlyList<string> inputs, ActivationKind function) : Layer(name, inputs)
{
    public ActivationKind Function { get; } = function;

    public override string Kind => Function.ToString().ToLowerInvariant();

    protected override Shape InferShape(IReadOnlyList<Shape> inputs) => inputs[0];

    /// <summary>Operations per element: ReLU a compare, ReLU6 two, sigmoid exp+add+div, GELU an erf polynomial (~10).</summary>
    private double OpsPerElement => Function switch
    {
        ActivationKind.Relu => 1,
        ActivationKind.Relu6 => 2,
        ActivationKind.Sigmoid => 4,
        _ => 10,
    };

}

/// <summary>
/// Batch normalization with learned scale and shift (2 parameters per channel; running statistics are buffers, not
/// parameters, as in PyTorch). At inference it folds into the preceding convolution's weights and bias.
/// </summary>
public sealed class BatchNormLayer(string name, IReadOnlyList<string> inputs) : Layer(name, inputs)
{
    public override string Kind => "batchnorm";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs) => inputs[0];
    protected override long CountParams() => 2L * In.Channels;
}

/// <summary>Local response normalization across Size neighbouring channels (AlexNet 2012).</summary>
public sealed class LrnLayer(string name, IReadOnlyList<string> inputs, int size) : Layer(name, inputs)
{
    public int Size { get; } = size > 0 ? size : throw new ShapeException($"LRN size must be positive, got {size}");

    public override string Kind => "lrn";
    public override string Details => $"size {Size}";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs) => RequireRank(inputs[0], "a feature map", 3);

    /// <summary>Square-sum over the window (2 per neighbour), then a power and a divide (~4).</summary>
}

/// <summary>Element-wise sum of two or more tensors of equal shape (residual connections).</summary>
public sealed class AddLayer(string name, IReadOnlyList<string> inputs) : Layer(name, inputs)
{
    public override string Kind => "add";
    public override int Arity => 0;

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        foreach (var s in inputs.Skip(1))
            if (!s.Equals(inputs[0]))
                throw new ShapeException($"cannot add tensors of shapes {string.Join(" and ", inputs.Select(x => x.ToString()).Distinct())} (a residual add needs equal shapes)");
        return inputs[0];
    }

}

/// <summary>Concatenation along channels (feature maps) or features (sequences, vectors).</summary>
public sealed class ConcatLayer(string name, IReadOnlyList<string> inputs) : Layer(name, inputs)
{
    public override string Kind => "concat";
    public override int Arity => 0;

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var first = inputs[0];
        var axis = first.Rank == 3 ? 0 : first.Rank - 1;
        long total = 0;
        foreach (var s in inputs)
        {
            var same = s.Rank == first.Rank && Enumerable.Range(0, s.Rank).All(i => i == axis || s[i] == first[i]);
            if (!same) throw new ShapeException($"cannot concatenate shapes {string.Join(", ", inputs)} (all dimensions but the {(axis == 0 ? "channel" : "feature")} axis must match)");
            total += s[axis];
        }
        if (total > int.MaxValue) throw new ShapeException($"concatenated size {total} is too large");
        var dims = first.Dims.ToArray();
        dims[axis] = (int)total;
        return new Shape(dims);
    }

}

/// <summary>Flattens a feature map to a vector in channel-major order; a view, no arithmetic.</summary>
public sealed class FlattenLayer(string name, IReadOnlyList<string> inputs) : Layer(name, inputs)
{
    public override string Kind => "flatten";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs) =>
        inputs[0].Elements <= int.MaxValue ? new Shape((int)inputs[0].Elements) : throw new ShapeException($"flattened size {inputs[0].Elements} is too large");

}

/// <summary>Softmax over the last axis (classifier output).</summary>
public sealed class SoftmaxLayer(string name, IReadOnlyList<string> inputs) : Layer(name, inputs)
{
    public override string Kind => "softmax";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs) => inputs[0];

}

public enum ElementwiseOp { Add, Sub, Mul, Div }

/// <summary>
/// Element-wise arithmetic other than a residual sum: a tensor with a second tensor that equals it or broadcasts
/// over size-1 axes (squeeze-and-excitation gating), or with an operand the layer holds (a constant, or
/// <see cref="Parameters"/> learned values such as a per-channel scale). One operation per output element.
/// </summary>
public sealed class ElementwiseLayer(string name, IReadOnlyList<string> inputs, ElementwiseOp op, long parameters = 0) : Layer(name, inputs)
{
    public ElementwiseOp Op { get; } = op;
    public long Parameters { get; } = parameters >= 0 ? parameters : throw new ShapeException($"parameters must be zero or more, got {parameters}");

    public override string Kind => "eltwise";
    public override string Details => Op.ToString().ToLowerInvariant() + (InputShapes.Count == 1 ? (Parameters > 0 ? $" {Parameters} params" : " const") : "");
    public override int Arity => Inputs.Count == 1 ? 1 : 2;

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        if (inputs.Count == 1) return inputs[0];
        var (a, b) = (inputs[0], inputs[1]);
        if (a.Rank != b.Rank || Enumerable.Range(0, a.Rank).Any(i => a[i] != b[i] && a[i] != 1 && b[i] != 1))
            throw new ShapeException($"cannot combine shapes {a} and {b} element-wise (axes must match or be 1)");
        return new Shape(Enumerable.Range(0, a.Rank).Select(i => Math.Max(a[i], b[i])).ToArray());
    }

    protected override long CountParams() => Parameters;
}

/// <summary>
/// A contiguous range of channels (feature maps) or features (sequences, vectors), on the axis
/// <see cref="ConcatLayer"/> joins: one output of a split. A view, no arithmetic.
/// </summary>
public sealed class SliceLayer(string name, IReadOnlyList<string> inputs, int start, int length) : Layer(name, inputs)
{
    public int Start { get; } = start >= 0 ? start : throw new ShapeException($"slice start must be zero or more, got {start}");
    public int Length { get; } = length > 0 ? length : throw new ShapeException($"slice length must be positive, got {length}");

    public override string Kind => "slice";
    public override string Details => $"[{Start}:{Start + Length}]";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = inputs[0];
        var axis = x.Rank == 3 ? 0 : x.Rank - 1;
        if ((long)Start + Length > x[axis])
            throw new ShapeException($"slice [{Start}:{Start + Length}] is outside the {x[axis]} {(axis == 0 ? "channels" : "features")}");
        var dims = x.Dims.ToArray();
        dims[axis] = Length;
        return new Shape(dims);
    }

}
