namespace FpgaGen.Onnx;

// Operators that move data without arithmetic: the shape-computing subgraphs PyTorch emits, and reshapes of weights.
internal sealed partial class Evaluator
{
    private Value Constant(OnnxNode n)
    {
        var a = n.Message.Attributes.Count == 1 ? n.Message.Attributes[0] : throw n.Error("expects exactly one value attribute");
        switch (a.Name)
        {
            case "value":
                var t = a.T ?? throw n.Error("attribute 'value' has no tensor");
                var (ints, floats) = TensorData.Decode(t, n.Describe);
                if (ints is null && floats is null) throw n.Unsupported("value", $"a {t.DataType} tensor", "only numeric constants are supported");
                return new Value([.. t.Dims], t.DataType, ValueKind.Constant) { Ints = ints, Floats = floats };
            case "value_float": return Value.OfFloats([], [a.F]);
            case "value_floats": return Value.OfFloats([a.Floats.Count], a.Floats.Select(f => (double)f).ToArray());
            case "value_int": return Value.OfInts([], [a.I]);
            case "value_ints": return Value.OfInts([a.Ints.Count], [.. a.Ints]);
            default: throw n.Unsupported(a.Name, "(given)", "only numeric constants are supported");
        }
    }

    private Value[] Dropout(OnnxNode n)
    {
        // Inference removes dropout; training_mode (opset 12+, input 2) must not be true.
        if (Optional(n, 2) is { HasData: true, Count: > 0 } training && training.At(0) != 0)
            throw n.Error("training_mode is true; only inference graphs are supported");
        var x = In(n, 0);
        return [Same(x), new Value(x.Dims, DataType.Bool, x.Kind == ValueKind.Activation ? ValueKind.Activation : ValueKind.Static)];
    }

    private Value Cast(OnnxNode n)
    {
        var x = In(n, 0);
        var to = (DataType)n.Int("to", (long)x.Type);
        if (!x.HasData) return x with { Type = to };
        if (to.IsFloat()) return Value.OfFloats(x.Dims, x.AsDoubles(), to);
        if (to.IsInteger()) return Value.OfInts(x.Dims, x.Ints ?? x.Floats!.Select(f => to == DataType.Bool ? (f != 0 ? 1L : 0L) : (long)Math.Truncate(f)).ToArray(), to);
        throw n.Unsupported("to", to.ToString(), "casting constants to this type is not supported");
    }

    private Value ShapeOf(OnnxNode n)
    {
        var x = In(n, 0);
        var (start, end) = ((int)n.Int("start", 0), (int)n.Int("end", x.Rank));
        start = Math.Clamp(start < 0 ? start + x.Rank : start, 0, x.Rank);
        end = Math.Clamp(end < 0 ? end + x.Rank : end, 0, x.Rank);
        var dims = x.Dims[start..Math.Max(start, end)];
        return Value.OfInts([dims.Length], dims);
    }

    private Value Gather(OnnxNode n)
    {
        var (data, indices) = (In(n, 0), In(n, 1));
        var axis = Axis(n, n.Int("axis", 0), data.Rank);
        var dims = data.Dims[..axis].Concat(indices.Dims).Concat(data.Dims[(axis + 1)..]).ToArray();
        return Result(dims, data.Type, [data, indices], () =>
        {
            var strides = Indexing.Strides(data.Dims);
            var picks = indices.AsInts().Select(i => i < 0 ? i + data.Dims[axis] : i).ToArray();
            if (picks.Any(i => i < 0 || i >= data.Dims[axis])) throw n.Error($"an index is outside axis {axis} of size {data.Dims[axis]}");
            var istrides = Indexing.Strides(indices.Dims);
            return Indexing.Remap(data, dims, o =>
            {
                long flat = 0, pick = 0;
                for (var j = 0; j < indices.Rank; j++) pick += o[axis + j] * istrides[j];
                for (var j = 0; j < axis; j++) flat += o[j] * strides[j];
                flat += picks[pick] * strides[axis];
                for (var j = axis + 1; j < data.Rank; j++) flat += o[j + indices.Rank - 1] * strides[j];
                return flat;
            });
        });
    }

    /// <summary>Axes from the attribute (before opset 13) or from input 1 (opset 13 on).</summary>
    private long[]? AxesOf(OnnxNode n, int inputIndex, int sinceOpset)
    {
        if (opset < sinceOpset || n.Has("axes")) return n.Ints("axes");
        return n.Input(inputIndex) is null ? null : Known(n, inputIndex, "axes").AsInts();
    }

    private Value Unsqueeze(OnnxNode n)
    {
        var x = In(n, 0);
        var axes = AxesOf(n, 1, 13) ?? throw n.Error("has no axes");
        var rank = x.Rank + axes.Length;
        var at = axes.Select(a => Axis(n, a, rank, "axis")).ToHashSet();
        if (at.Count != axes.Length) throw n.Error("repeats an axis");
        var dims = new long[rank];
        for (int i = 0, j = 0; i < rank; i++) dims[i] = at.Contains(i) ? 1 : x.Dims[j++];
        return x with { Dims = dims };
    }

    private Value Squeeze(OnnxNode n)
    {
        var x = In(n, 0);
        var axes = AxesOf(n, 1, 13);
        var drop = axes is null
            ? Enumerable.Range(0, x.Rank).Where(i => x.Dims[i] == 1).ToHashSet()
            : axes.Select(a => Axis(n, a, x.Rank)).ToHashSet();
        foreach (var a in drop)
            if (x.Dims[a] != 1) throw n.Error($"cannot squeeze axis {a} of size {x.Dims[a]} (shape {x.ShapeText})");
        return x with { Dims = x.Dims.Where((_, i) => !drop.Contains(i)).ToArray() };
    }

    private Value Concat(OnnxNode n)
    {
        if (n.Inputs.Count == 0) throw n.Error("has no inputs");
        var parts = Enumerable.Range(0, n.Inputs.Count).Select(i => In(n, i)).ToList();
        var first = parts[0];
        var axis = Axis(n, n.Int("axis", 0), first.Rank);
        foreach (var p in parts)
            if (p.Rank != first.Rank || Enumerable.Range(0, p.Rank).Any(i => i != axis && p.Dims[i] != first.Dims[i]))
                throw n.Error($"cannot concatenate shapes {string.Join(" and ", parts.Select(v => v.ShapeText).Distinct())} on axis {axis}");
        var dims = (long[])first.Dims.Clone();
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        var type = parts.Any(p => p.Type.IsFloat()) ? parts.First(p => p.Type.IsFloat()).Type : first.Type;
        return Result(dims, type, parts, () =>
        {
            var offsets = new List<long> { 0 };
            foreach (var p in parts) offsets.Add(offsets[^1] + p.Dims[axis]);
            var floats = parts.Any(p => p.Floats is not null);
            var joined = floats
                ? first with { Type = type, Floats = parts.SelectMany(p => p.AsDoubles()).ToArray(), Ints = null }
                : first with { Type = type, Ints = parts.SelectMany(p => p.Ints!).ToArray() };
            var bases = new List<long> { 0 };
            foreach (var p in parts) bases.Add(bases[^1] + p.Elements);
            return Indexing.Remap(joined, dims, o =>
            {
                var k = 0;
                while (o[axis] >= offsets[k + 1]) k++;
                var p = parts[k];
                var strides = Indexing.Strides(p.Dims);
                long flat = 0;
                for (var j = 0; j < p.Rank; j++) flat += (j == axis ? o[j] - offsets[k] : o[j]) * strides[j];
                return bases[k] + flat;
            });
        });
    }

    private Value ConstantOfShape(OnnxNode n)
    {
        var dims = Known(n, 0, "shape").AsInts();
        if (dims.Any(d => d < 0)) throw n.Error($"negative dimension in [{string.Join(", ", dims)}]");
        var fill = n.Attribute("value")?.T;
        var (ints, floats) = fill is null ? (null, new[] { 0.0 }) : TensorData.Decode(fill, n.Describe);
        if ((ints?.Length ?? floats?.Length) == 0) throw n.Unsupported("value", "an empty tensor", "it needs one value to fill with");
        var type = fill?.DataType ?? DataType.Float;
        var count = Product(dims);
        if (count > MaxFoldedElements || (ints is null && floats is null)) return new Value(dims, type, ValueKind.Static);
        return ints is not null
            ? Value.OfInts(dims, Enumerable.Repeat(ints[0], (int)count).ToArray(), type)
            : Value.OfFloats(dims, Enumerable.Repeat(floats![0], (int)count).ToArray(), type);
    }

    private Value Expand(OnnxNode n)
    {
        var x = In(n, 0);
        var shape = Known(n, 1, "shape").AsInts();
        var dims = Indexing.BroadcastShape(x.Dims, shape) ?? throw n.Error($"cannot expand {x.ShapeText} to [{string.Join(", ", shape)}]");
        if (!x.HasData && !x.IsActivation) return x with { Dims = dims, Kind = ValueKind.Static };
        return Result(dims, x.Type, [x], () =>
        {
            var strides = Indexing.Strides(x.Dims);
            return Indexing.Remap(x, dims, o => Indexing.Broadcast(o, x.Dims, strides));
        });
    }

    private Value Slice(OnnxNode n)
    {
        var x = In(n, 0);
        long[] starts, ends, axes, steps;
        if (opset < 10)
        {
            starts = n.Ints("starts") ?? throw n.Error("has no starts");
            ends = n.Ints("ends") ?? throw n.Error("has no ends");
            axes = n.Ints("axes") ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        else
        {
            starts = Known(n, 1, "starts").AsInts();
            ends = Known(n, 2, "ends").AsInts();
            axes = n.Input(3) is null ? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray() : Known(n, 3, "axes").AsInts();
            steps = n.Input(4) is null ? Enumerable.Repeat(1L, starts.Length).ToArray() : Known(n, 4, "steps").AsInts();
        }
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw n.Error("starts, ends, axes and steps differ in length");
        var first = x.Dims.Select(_ => 0L).ToArray();
        var step = x.Dims.Select(_ => 1L).ToArray();
        var dims = (long[])x.Dims.Clone();
        for (var k = 0; k < axes.Length; k++)
        {
            var a = Axis(n, axes[k], x.Rank);
            var (s, e, d, size) = (starts[k], ends[k], steps[k], x.Dims[a]);
            if (d == 0) throw n.Error("a step is zero");
            s = s < 0 ? s + size : s;
            e = e < 0 ? e + size : e;
            (s, e) = d > 0 ? (Math.Clamp(s, 0, size), Math.Clamp(e, 0, size)) : (Math.Clamp(s, 0, size - 1), Math.Clamp(e, -1, size - 1));
            dims[a] = d > 0 ? Math.Max(0, (e - s + d - 1) / d) : Math.Max(0, (s - e - d - 1) / -d);
            (first[a], step[a]) = (s, d);
        }
        SliceInfo[n] = (first, step);
        return Result(dims, x.Type, [x], () =>
        {
            var strides = Indexing.Strides(x.Dims);
            return Indexing.Remap(x, dims, o => o.Select((v, j) => (first[j] + v * step[j]) * strides[j]).Sum());
        });
    }

    private Value[] Split(OnnxNode n)
    {
        var x = In(n, 0);
        var axis = Axis(n, n.Int("axis", 0), x.Rank);
        var sizes = opset < 13 || n.Has("split") ? n.Ints("split") : n.Input(1) is null ? null : Known(n, 1, "split").AsInts();
        var count = n.Outputs.Count;
        if (sizes is null)
        {
            if (x.Dims[axis] % count != 0) throw n.Error($"axis {axis} of size {x.Dims[axis]} does not split into {count} equal parts");
            sizes = Enumerable.Repeat(x.Dims[axis] / count, count).ToArray();
        }
        if (sizes.Length != count || sizes.Sum() != x.Dims[axis] || sizes.Any(s => s < 0))
            throw n.Error($"split sizes [{string.Join(", ", sizes)}] do not cover axis {axis} of size {x.Dims[axis]} in {count} outputs");
        var result = new Value[count];
        long offset = 0;
        for (var k = 0; k < count; k++)
        {
            var dims = (long[])x.Dims.Clone();
            dims[axis] = sizes[k];
            var start = offset;
            result[k] = Result(dims, x.Type, [x], () =>
            {
                var strides = Indexing.Strides(x.Dims);
                return Indexing.Remap(x, dims, o => o.Select((v, j) => (j == axis ? v + start : v) * strides[j]).Sum());
            });
            offset += sizes[k];
        }
        return result;
    }

    private Value Reshape(OnnxNode n)
    {
        var x = In(n, 0);
        var target = Known(n, 1, "target shape").AsInts();
        var allowZero = n.Int("allowzero", 0) != 0;
        var dims = new long[target.Length];
        var infer = -1;
        for (var i = 0; i < target.Length; i++)
        {
            if (target[i] == -1)
            {
                if (infer >= 0) throw n.Error($"target shape [{string.Join(", ", target)}] has more than one -1");
                infer = i;
                continue;
            }
            if (target[i] < -1) throw n.Error($"target shape [{string.Join(", ", target)}] has a negative dimension");
            dims[i] = target[i] == 0 && !allowZero
                ? (i < x.Rank ? x.Dims[i] : throw n.Error($"target shape [{string.Join(", ", target)}] copies axis {i}, which the input does not have"))
                : target[i];
        }
        if (infer >= 0)
        {
            var known = dims.Where((_, i) => i != infer).Aggregate(1L, (a, d) => a * d);
            if (known == 0 || x.Elements % known != 0) throw n.Error($"cannot reshape {x.ShapeText} to [{string.Join(", ", target)}]");
            dims[infer] = x.Elements / known;
        }
        if (Product(dims) != x.Elements) throw n.Error($"cannot reshape {x.ShapeText} ({x.Elements} elements) to [{string.Join(", ", dims)}]");
        return x with { Dims = dims };
    }

    private Value Flatten(OnnxNode n)
    {
        var x = In(n, 0);
        var axis = n.Int("axis", 1);
        var a = (int)(axis < 0 ? axis + x.Rank : axis);
        if (a < 0 || a > x.Rank) throw n.Error($"axis {axis} is outside a tensor of rank {x.Rank}");
        return x with { Dims = [Product(x.Dims[..a]), Product(x.Dims[a..])] };
    }

    private Value Transpose(OnnxNode n)
    {
        var x = In(n, 0);
        var perm = n.Ints("perm") ?? Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != x.Rank || perm.OrderBy(p => p).Where((p, i) => p != i).Any())
            throw n.Unsupported("perm", $"[{string.Join(", ", perm)}]", $"not a permutation of the {x.Rank} axes");
        var dims = perm.Select(p => x.Dims[p]).ToArray();
        if (!x.HasData) return x with { Dims = dims };
        var strides = Indexing.Strides(x.Dims);
        return Indexing.Remap(x, dims, o => o.Select((v, j) => v * strides[perm[j]]).Sum());
    }

    private Value Range(OnnxNode n)
    {
        var (start, limit, delta) = (Known(n, 0, "start"), Known(n, 1, "limit"), Known(n, 2, "delta"));
        if (delta.At(0) == 0) throw n.Error("delta is zero");
        var count = (long)Math.Max(Math.Ceiling((limit.At(0) - start.At(0)) / delta.At(0)), 0);
        if (count > MaxFoldedElements) return new Value([count], start.Type, ValueKind.Static);
        return start.Ints is not null
            ? Value.OfInts([count], Enumerable.Range(0, (int)count).Select(i => start.Ints[0] + i * delta.IntAt(0)).ToArray(), start.Type)
            : Value.OfFloats([count], Enumerable.Range(0, (int)count).Select(i => start.At(0) + i * delta.At(0)).ToArray(), start.Type);
    }
}
