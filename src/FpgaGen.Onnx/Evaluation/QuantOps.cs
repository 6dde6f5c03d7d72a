namespace FpgaGen.Onnx;

// QuantizeLinear, DequantizeLinear, QLinearConv and QLinearMatMul: shapes, and the values of constant tensors
// (weights quantized or dequantized at export), following the ONNX operator definitions (opsets 10 to 17):
//   QuantizeLinear:   y = saturate(round(x / y_scale) + y_zero_point), round half to even, to uint8 (default) or int8
//   DequantizeLinear: y = (x - x_zero_point) * x_scale
// with a scalar scale and zero point (per tensor) or 1-D ones along `axis` (per channel, opset 13; default axis 1).
internal sealed partial class Evaluator
{
    private Value QuantizeLinear(OnnxNode n)
    {
        var (x, scale, zero) = (In(n, 0), QuantScale(n, 1), Optional(n, 2));
        var type = zero?.Type ?? DataType.UInt8;
        if (type is not (DataType.UInt8 or DataType.Int8)) throw n.Error($"quantizes to {type}; only uint8 and int8 are supported");
        var axis = QuantAxis(n, x, scale, zero);
        return Result(x.Dims, type, [x, scale, zero], () =>
        {
            var (lo, hi) = type == DataType.Int8 ? (-128L, 127L) : (0L, 255L);
            var q = new long[x.Count];
            for (var i = 0; i < q.Length; i++)
            {
                var c = Channel(x.Dims, axis, i);
                q[i] = FpgaGen.Model.TensorQuantization.QuantizeLinear((float)x.At(i), (float)scale.At(c), zero is null ? 0 : zero.IntAt(c), lo, hi);
            }
            return Value.OfInts(x.Dims, q, type);
        });
    }

    private Value DequantizeLinear(OnnxNode n)
    {
        var (x, scale, zero) = (In(n, 0), QuantScale(n, 1), Optional(n, 2));
        if (x.Type is not (DataType.UInt8 or DataType.Int8 or DataType.Int32))
            throw n.Error($"dequantizes {x.Type}; only uint8, int8 and int32 are supported");
        if (zero is not null && zero.Type != x.Type) throw n.Error($"the zero point is {zero.Type} but the input is {x.Type}; they must have one type");
        var axis = QuantAxis(n, x, scale, zero);
        return Result(x.Dims, DataType.Float, [x, scale, zero], () =>
        {
            var y = new double[x.Count];
            for (var i = 0; i < y.Length; i++)
            {
                var c = Channel(x.Dims, axis, i);
                // Single-precision arithmetic, as the operator is defined for float32 outputs.
                y[i] = (float)((float)(x.IntAt(i) - (zero is null ? 0 : zero.IntAt(c))) * (float)scale.At(c));
            }
            return Value.OfFloats(x.Dims, y);
        }) is var v && v.IsActivation ? v : v with { Learned = v.Learned || x.Learned };
    }

    /// <summary>QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): a Conv on quantized tensors.</summary>
    private Value QLinearConv(OnnxNode n)
    {
        var (x, w, b) = (In(n, 0), In(n, 3), Optional(n, 8));
        QuantScale(n, 1); QuantScale(n, 4); QuantScale(n, 6);
        var yZero = Optional(n, 7);
        if (x.Rank < 3) throw n.Error($"expects an input of rank 3 or more (batch, channels, spatial axes), got {x.ShapeText}");
        if (w.Rank != x.Rank) throw n.Error($"weight shape {w.ShapeText} does not match input rank {x.Rank}");
        var groups = n.Int("group", 1);
        if (groups <= 0 || x.Dims[1] != w.Dims[1] * groups)
            throw n.Error($"input channels {x.Dims[1]} do not match weights {w.ShapeText} with group {groups}");
        if (b is not null && (b.Elements != w.Dims[0] || b.Type != DataType.Int32))
            throw n.Error($"bias {b.ShapeText} {b.Type} must be int32 with one value per output channel ({w.Dims[0]})");
        var window = Window.Of(n, x.Dims[2..], w.Dims[2..]);
        Windows[n] = window;
        long[] dims = [x.Dims[0], w.Dims[0], .. window.Output(n, x.Dims[2..])];
        var type = yZero?.Type ?? DataType.UInt8;
        return Result(dims, type, [x, w, b, In(n, 2), In(n, 5), yZero], () => x.Rank == 4
            ? Value.OfInts(dims, QuantizedConv2d(n, x, w, b, window, dims, (int)groups), type)
            : throw n.Error($"folding a QLinearConv of rank {x.Rank} is not supported (2-D only)"));
    }

    /// <summary>
    /// The integer convolution QLinearConv defines: acc = Σ (x − x_zp)(w − w_zp) + B in int32, then
    /// y = saturate(round_half_even(acc · x_scale · w_scale / y_scale) + y_zp), w_scale and w_zp per output channel.
    /// </summary>
    private long[] QuantizedConv2d(OnnxNode n, Value x, Value w, Value? b, Window window, long[] dims, int groups)
    {
        var (xs, xz, ys, yz) = (In(n, 1).At(0), ZeroAt(n, 2), In(n, 6).At(0), ZeroAt(n, 7));
        var (cIn, h, wd) = ((int)x.Dims[1], (int)x.Dims[2], (int)x.Dims[3]);
        var (m, kh, kw) = ((int)w.Dims[0], (int)w.Dims[2], (int)w.Dims[3]);
        var (oh, ow) = ((int)dims[2], (int)dims[3]);
        var perGroupIn = cIn / groups;
        var perGroupOut = m / groups;
        var wScale = In(n, 4).AsDoubles();
        var wZero = n.Input(5) is null ? new long[wScale.Length] : In(n, 5).AsInts();
        var (lo, hi) = QuantRange(n, 7);
        var y = new long[dims.Aggregate(1L, (a, d) => a * d)];
        var i = 0;
        for (var bi = 0; bi < dims[0]; bi++)
            for (var oc = 0; oc < m; oc++)
            {
                var c = wScale.Length == 1 ? 0 : oc;
                var multiplier = xs * wScale[c] / ys;
                var g = oc / perGroupOut;
                for (var oy = 0; oy < oh; oy++)
                    for (var ox = 0; ox < ow; ox++)
                    {
                        long acc = b is null ? 0 : b.IntAt(oc);
                        for (var ic = 0; ic < perGroupIn; ic++)
                            for (var ky = 0; ky < kh; ky++)
                            {
                                var iy = oy * window.Strides[0] - window.PadBegin[0] + ky * window.Dilations[0];
                                if (iy < 0 || iy >= h) continue;
                                for (var kx = 0; kx < kw; kx++)
                                {
                                    var ix = ox * window.Strides[1] - window.PadBegin[1] + kx * window.Dilations[1];
                                    if (ix < 0 || ix >= wd) continue;
                                    var xv = x.IntAt((int)(((bi * cIn + g * perGroupIn + ic) * h + iy) * wd + ix)) - xz;
                                    var wv = w.IntAt(((oc * perGroupIn + ic) * kh + ky) * kw + kx) - wZero[c];
                                    acc += xv * wv;
                                }
                            }
                        y[i++] = Math.Clamp((long)Math.Round(acc * multiplier, MidpointRounding.ToEven) + yz, lo, hi);
                    }
            }
        return y;
    }

    /// <summary>QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): a MatMul on quantized tensors.</summary>
    private Value QLinearMatMul(OnnxNode n)
    {
        var (a, b) = (In(n, 0), In(n, 3));
        QuantScale(n, 1); QuantScale(n, 4); QuantScale(n, 6);
        var dims = MatMulDims(n, a, b);
        var type = Optional(n, 7)?.Type ?? DataType.UInt8;
        return Result(dims, type, [a, b, In(n, 2), In(n, 5), Optional(n, 7)], () => a.Rank >= 2 && (b.Rank == 2 || b.Dims[..^2].SequenceEqual(a.Dims[..^2]))
            ? Value.OfInts(dims, QuantizedMatMul(n, a, b), type)
            : throw n.Error($"folding a QLinearMatMul of {a.ShapeText} by {b.ShapeText} is not supported (one matrix, or one per batch, on the right)"));
    }

    /// <summary>
    /// QLinearMatMul: acc = Σ (a − a_zp)(b − b_zp) in int32, y = saturate(round_half_even(acc · a_scale · b_scale /
    /// y_scale) + y_zp); b_scale and b_zp per tensor or per column.
    /// </summary>
    private long[] QuantizedMatMul(OnnxNode n, Value a, Value b)
    {
        var (asc, az, ys, yz) = (In(n, 1).At(0), ZeroAt(n, 2), In(n, 6).At(0), ZeroAt(n, 7));
        var bScale = In(n, 4).AsDoubles();
        var bZero = n.Input(5) is null ? new long[bScale.Length] : In(n, 5).AsInts();
        var (k, cols) = ((int)b.Dims[^2], (int)b.Dims[^1]);
        var rows = (int)a.Dims[^2];
        var batches = (int)(a.Elements / ((long)rows * k));
        var bStride = b.Rank == 2 ? 0 : k * cols; // one right-hand matrix for all, or one per batch
        var (lo, hi) = QuantRange(n, 7);
        var y = new long[(long)batches * rows * cols];
        for (var t = 0; t < batches; t++)
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < cols; c++)
                {
                    var ci = bScale.Length == 1 ? 0 : c;
                    long acc = 0;
                    for (var j = 0; j < k; j++) acc += (a.IntAt((t * rows + r) * k + j) - az) * (b.IntAt(t * bStride + j * cols + c) - bZero[ci]);
                    y[(t * rows + r) * cols + c] = Math.Clamp((long)Math.Round(acc * (asc * bScale[ci] / ys), MidpointRounding.ToEven) + yz, lo, hi);
                }
        return y;
    }

    // The constant inputs of the QLinear operators (validated by QuantScale and Result's folding condition).
    private long ZeroAt(OnnxNode n, int i) => n.Input(i) is { } z ? values[z].IntAt(0) : 0;
    private (long Lo, long Hi) QuantRange(OnnxNode n, int zeroInput) =>
        (n.Input(zeroInput) is { } z ? values[z].Type : DataType.UInt8) == DataType.Int8 ? (-128, 127) : (0, 255);

    /// <summary>A scale input: a positive constant, scalar or 1-D.</summary>
    private Value QuantScale(OnnxNode n, int i)
    {
        var s = Known(n, i, "scale");
        if (s.Rank > 1) throw n.Error($"the scale (input {i}) has shape {s.ShapeText}; expected a scalar or a 1-D tensor");
        if (s.Count == 0 || s.AsDoubles().Any(v => !(v > 0) || !double.IsFinite(v)))
            throw n.Error($"the scale (input {i}, '{n.Inputs[i]}') must hold positive finite values");
        return s;
    }

    /// <summary>The quantization axis of a per-channel scale (null per tensor), checked against the tensor and zero point.</summary>
    private static int? QuantAxis(OnnxNode n, Value x, Value scale, Value? zero)
    {
        if (zero is not null && zero.Elements != scale.Elements)
            throw n.Error($"the zero point {zero.ShapeText} and the scale {scale.ShapeText} differ in size");
        if (scale.Rank == 0) return null;
        var axis = Axis(n, n.Int("axis", 1), x.Rank);
        if (scale.Elements == 1 && x.Dims[axis] != 1) return null; // a one-element 1-D scale, per tensor as some exporters write it
        if (x.Dims[axis] != scale.Elements)
            throw n.Unsupported("axis", axis.ToString(), $"the scale has {scale.Elements} values but axis {axis} of {x.ShapeText} has {x.Dims[axis]}");
        return axis;
    }

    /// <summary>The index along <paramref name="axis"/> of flat element <paramref name="i"/> (0 per tensor).</summary>
    private static int Channel(long[] dims, int? axis, int i)
    {
        if (axis is not { } a) return 0;
        var inner = 1L;
        for (var k = a + 1; k < dims.Length; k++) inner *= dims[k];
        return (int)(i / inner % dims[a]);
    }
}
