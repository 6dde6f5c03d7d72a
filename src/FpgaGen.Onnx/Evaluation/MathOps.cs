namespace FpgaGen.Onnx;

// Element-wise arithmetic and reductions: shapes by numpy broadcasting, values folded for constants.
internal sealed partial class Evaluator
{
    private Value Binary(OnnxNode n)
    {
        var (a, b) = (In(n, 0), LegacyBroadcast(n, In(n, 0), In(n, 1)));
        var dims = Indexing.BroadcastShape(a.Dims, b.Dims)
            ?? throw n.Error($"cannot broadcast shapes {a.ShapeText} and {b.ShapeText}");
        var type = n.OpType == "Equal" ? DataType.Bool : a.Type;
        return Result(dims, type, [a, b], () => Elementwise(n, dims, type, [a, b], x => n.OpType switch
        {
            "Add" => x[0] + x[1],
            "Sub" => x[0] - x[1],
            "Mul" => x[0] * x[1],
            "Div" => x[0] / x[1],
            "Pow" => Math.Pow(x[0], x[1]),
            _ => x[0] == x[1] ? 1 : 0,
        }));
    }

    /// <summary>
    /// Opsets before 7 broadcast only with broadcast = 1, aligning B to A at 'axis' (default: the trailing axes).
    /// Appending size-1 axes to B expresses that in numpy terms without moving its values.
    /// </summary>
    private Value LegacyBroadcast(OnnxNode n, Value a, Value b)
    {
        if (opset >= 7 || n.Int("broadcast", 0) == 0) return b;
        if (!n.Has("axis")) return b;
        var axis = Axis(n, n.Int("axis", 0), a.Rank);
        var trailing = a.Rank - axis - b.Rank;
        if (trailing < 0) throw n.Unsupported("axis", axis.ToString(), $"input B of shape {b.ShapeText} does not fit there");
        return b with { Dims = b.Dims.Concat(Enumerable.Repeat(1L, trailing)).ToArray() };
    }

    private Value Where(OnnxNode n)
    {
        var (c, x, y) = (In(n, 0), In(n, 1), In(n, 2));
        var dims = Indexing.BroadcastShape(c.Dims, x.Dims, y.Dims)
            ?? throw n.Error($"cannot broadcast shapes {c.ShapeText}, {x.ShapeText} and {y.ShapeText}");
        return Result(dims, x.Type, [c, x, y], () => Elementwise(n, dims, x.Type, [c, x, y], v => v[0] != 0 ? v[1] : v[2]));
    }

    private Value Unary(OnnxNode n)
    {
        var x = In(n, 0);
        return Result(x.Dims, x.Type, [x], () => Elementwise(n, x.Dims, x.Type, [x], v => n.OpType switch
        {
            "Relu" => Math.Max(v[0], 0),
            "Sigmoid" => 1 / (1 + Math.Exp(-v[0])),
            "Sqrt" => Math.Sqrt(v[0]),
            "Neg" => -v[0],
            _ => Erf(v[0]),
        }));
    }

    private Value Clip(OnnxNode n)
    {
        var x = In(n, 0);
        var (min, max) = ClipBounds(n);
        return Result(x.Dims, x.Type, [x], () => Elementwise(n, x.Dims, x.Type, [x], v => Math.Clamp(v[0], min, max)));
    }

    /// <summary>Clip's bounds: attributes before opset 11, optional constant inputs 1 and 2 from opset 11.</summary>
    public (double Min, double Max) ClipBounds(OnnxNode n)
    {
        if (opset < 11) return (n.Float("min", float.NegativeInfinity), n.Float("max", float.PositiveInfinity));
        var min = n.Input(1) is null ? double.NegativeInfinity : Known(n, 1, "minimum").At(0);
        var max = n.Input(2) is null ? double.PositiveInfinity : Known(n, 2, "maximum").At(0);
        return (min, max);
    }

    private Value ReduceMean(OnnxNode n)
    {
        var x = In(n, 0);
        var axes = (n.Ints("axes") ?? Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray()).Select(a => Axis(n, a, x.Rank)).ToHashSet();
        var keep = n.Int("keepdims", 1) != 0;
        var dims = x.Dims.Select((d, i) => axes.Contains(i) ? (keep ? 1 : -1) : d).Where(d => d >= 0).ToArray();
        return Result(dims, x.Type, [x]);
    }

    /// <summary>
    /// Folds an element-wise function over broadcast operands. Integer operands stay in 64-bit integers (shape
    /// arithmetic uses INT64_MAX as "to the end", which doubles cannot hold); anything else goes through doubles.
    /// </summary>
    private static Value Elementwise(OnnxNode n, long[] dims, DataType type, Value[] operands, Func<double[], double> f)
    {
        var count = Product(dims);
        var strides = operands.Select(o => Indexing.Strides(o.Dims)).ToArray();
        var index = new long[dims.Length];
        if (!type.IsFloat() && operands.All(o => o.Ints is not null))
        {
            var ints = new long[operands.Length];
            var longs = new long[count];
            for (var k = 0; k < count; k++, Indexing.Next(index, dims))
            {
                for (var j = 0; j < operands.Length; j++) ints[j] = operands[j].Ints![Indexing.Broadcast(index, operands[j].Dims, strides[j])];
                longs[k] = IntegerOp(n, ints) ?? ToLong(n, f(ints.Select(i => (double)i).ToArray()));
            }
            return Value.OfInts(dims, longs, type);
        }
        var args = new double[operands.Length];
        var doubles = new double[count];
        for (var k = 0; k < count; k++, Indexing.Next(index, dims))
        {
            for (var j = 0; j < operands.Length; j++) args[j] = operands[j].At((int)Indexing.Broadcast(index, operands[j].Dims, strides[j]));
            doubles[k] = f(args);
        }
        return type.IsFloat() ? Value.OfFloats(dims, doubles, type) : Value.OfInts(dims, doubles.Select(d => ToLong(n, d)).ToArray(), type);
    }

    private static long? IntegerOp(OnnxNode n, long[] v) => n.OpType switch
    {
        "Add" => unchecked(v[0] + v[1]),
        "Sub" => unchecked(v[0] - v[1]),
        "Mul" => unchecked(v[0] * v[1]),
        "Div" => v[1] != 0 ? v[0] / v[1] : throw n.Error("integer division by zero in constant folding"),
        "Equal" => v[0] == v[1] ? 1 : 0,
        "Where" => v[0] != 0 ? v[1] : v[2],
        "Neg" => -v[0],
        "Relu" => Math.Max(v[0], 0),
        _ => null,
    };

    private static long ToLong(OnnxNode n, double d) =>
        double.IsFinite(d) && Math.Abs(d) < 9.2e18 ? (long)d : throw n.Error($"constant folding produced {d}, which is not a 64-bit integer");

    /// <summary>Abramowitz and Stegun 7.1.26 (error below 1.5e-7), enough for folding.</summary>
    private static double Erf(double x)
    {
        var t = 1 / (1 + 0.3275911 * Math.Abs(x));
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return Math.Sign(x) * y;
    }
}
