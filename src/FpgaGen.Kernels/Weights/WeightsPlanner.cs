using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using FpgaGen.Model;

namespace FpgaGen.Kernels.Weights;

/// <summary>Places every step's sections in the weights blob, in step order, and writes the packing recipe.</summary>
internal static class WeightsPlanner
{
    private sealed record MacWeights(string? Weight, int[]? Shape, string? Bias, string? FoldBn, string? FoldLn, string? FoldStoredLn, bool HasBias,
        int ChannelRun);

    private sealed record Param(string Source, int[] Shape, bool First);

    /// <summary>
    /// Records the static weights of a MAC step (null <paramref name="weight"/> for activation operands). A step that
    /// normalizes its input (<paramref name="foldLn"/>, ln_linear) gets LayerNorm correction vectors instead of a bias
    /// section; a stored-statistics LayerNorm folded into it (<paramref name="foldStoredLn"/>) transforms its weights
    /// and bias.
    /// </summary>
    public static void Attach(MacStep step, string? weight, int[]? shape, string? bias, string? foldBn, string? foldLn, string? foldStoredLn, bool hasBias,
        int channelRun = 0) =>
        step.Pending = new MacWeights(weight, shape, bias, foldBn, foldLn, foldStoredLn, hasBias, channelRun);

    /// <summary>Records a learned tensor a map step reads as its first (class token) or second (position embedding) operand.</summary>
    public static void AttachParam(MapStep step, string source, int[] shape, bool first) => step.Pending = new Param(source, shape, first);

    public static WeightsLayout Plan(Network net, Precision precision, IReadOnlyList<Step> steps, IReadOnlyList<ActivationTensor> tensors,
        ActivationTensor input, ActivationTensor output, WeightTile? tile)
    {
        var alloc = new SectionAllocator(precision.Bytes(), 4);
        var header = alloc.Add(SectionType.Float, 2);
        var records = new List<StepRecord>();
        var modelInputs = net.Layers.Where(l => l.Quantization is not null && l.Inputs.Count > 0).Select(l => l.Inputs[0]).ToHashSet();
        foreach (var step in steps)
        {
            var record = step switch
            {
                MacStep m => Mac(m, alloc, tile, PlanBuilder.ElementsPerBeat(precision.Bytes())),
                MapStep m => Map(m, alloc),
                PoolStep p => new StepRecord { Name = p.Name, Op = "pool", Layers = p.Layers, X = p.X.Calibration, Y = p.Y.Calibration, MapOp = p.Max ? "max" : "avg" },
                RowStep r => new StepRecord
                {
                    Name = r.Name, Op = "row", Layers = r.Layers, X = r.X.Calibration, Y = r.Y.Calibration, InputFactor = r.InputFactor,
                    MapOp = r.LayerNorm ? "layernorm" : "softmax",
                },
                _ => throw new InvalidOperationException(step.GetType().Name),
            };
            if (step is RowStep { LayerNorm: true } ln)
                record.Affine = ln.Affine = alloc.Add(SectionType.Float, 2L * ln.Len, [2, ln.Len], source: ln.Layers[0]);
            // A quantized model's MAC step: [0, -1, lo, hi] then its own (mult, shift) per output (WeightsLayout).
            // So is a float layer's step whose output the model quantizes (the QuantizeLinear before an int8 layer).
            var quantized = precision.IsFixedPoint() && step is MacStep { Normalizes: false } q
                && (q.Layers.Any(l => net.Layers.Any(n => n.Name == l && n.Quantization is not null)) || modelInputs.Contains(q.Y.Calibration));
            record.Ints = alloc.Add(SectionType.Int, quantized ? 4 + 2L * ((MacStep)step).Shape.Groups * ((MacStep)step).Shape.MOut : 2);
            record.ModelQuantized = quantized;
            // A requantization at fixed point also holds its output scale and stored range [lo, hi] (floats 3 to 5).
            record.Floats = alloc.Add(SectionType.Float, precision.IsFixedPoint() && step is MapStep { Op: MapOp.Requantize } ? 6 : 4);
            step.Record = record;
            step.Pending = null;
            records.Add(record);
        }
        return new WeightsLayout
        {
            // A requantization (fixed point) is the model's own scales too: tools/pack_weights.py must not calibrate it.
            Format = records.Any(r => r.ModelQuantized || r.Floats.Count == 6) ? WeightsLayout.ModelQuantizedFormatId
                : records.Any(r => r.Weight?.FoldStoredLayerNorm is not null) ? WeightsLayout.StoredLayerNormFormatId : WeightsLayout.FormatId,
            Precision = precision.Id(),
            DataType = DataTypeName(precision),
            BiasType = precision.IsFixedPoint() ? "int32" : "float32",
            TotalBytes = alloc.Total,
            Header = header,
            Tensors = tensors.Select(t => new TensorRecord(t.Name, t.Calibration, t.Shape, t.Offset, t.Elements)).ToList(),
            Steps = records,
            InputKey = input.Calibration,
            OutputKey = output.Calibration,
        };
    }

    public static string DataTypeName(Precision p) => p switch
    {
        Precision.Fp32 => "float32",
        Precision.Fp16 => "float16",
        Precision.Int16 => "int16",
        _ => "int8",
    };

    private static StepRecord Mac(MacStep m, SectionAllocator alloc, WeightTile? tile, long beat)
    {
        var w = (MacWeights)m.Pending!;
        var record = new StepRecord
        {
            Name = m.Name, Op = "mac", Layers = m.Layers, X = m.X.Calibration, W = m.WTensor?.Calibration, Y = m.Y.Calibration,
            Activation = m.Activation switch { FusedActivation.Relu => "relu", FusedActivation.Relu6 => "relu6", _ => null },
        };
        var outputs = (long)m.Shape.Groups * m.Shape.MOut;
        // Per engine tile (WeightTile), every static weight tensor; a linear layer read pixel by pixel (after a flatten
        // of an H×W×C map: channel runs of C) keeps that order in its reduction.
        if (w.Weight is not null && tile is { } t && t.Pays(beat))
        {
            var s = m.Shape;
            long taps = (long)s.KH * s.KW, block = t.Block(beat), oTile = (s.NIn + t.Inputs - 1) / t.Inputs * taps * block;
            long gStride = (s.MOut + t.Outputs - 1) / t.Outputs * oTile;
            var pixelMajor = taps == 1 ? w.ChannelRun : 0;
            record.Weight = m.Weight = alloc.Add(SectionType.Data, s.Groups * gStride, w.Shape, w.Weight, w.FoldBn, w.FoldLn, w.FoldStoredLn,
                tile: new SectionTile(t.Outputs, t.Inputs, block, s.Groups, pixelMajor));
            m.WAddr = new Addressing(0, 0, gStride, oTile, 0, block);
            m.Shape = s with { ChannelRun = 0, WeightTile = t };
        }
        else if (w.Weight is not null)
        {
            // Channels innermost: per output and tap one run of ChannelRun elements (the in-channels, then zeros).
            var count = w.ChannelRun > 0 ? (long)w.Shape![0] * w.Shape[2] * w.Shape[3] * w.ChannelRun : w.Shape!.Aggregate(1L, (a, d) => a * d);
            record.Weight = m.Weight = alloc.Add(SectionType.Data, count, w.Shape, w.Weight, w.FoldBn, w.FoldLn, w.FoldStoredLn, w.ChannelRun);
        }
        if (m.Normalizes)
            record.LnVectors = m.LayerNormVectors = alloc.Add(SectionType.Float, 2 * outputs, [(int)outputs, 2], w.Bias, foldLn: w.FoldLn);
        else if (w.HasBias)
            record.Bias = m.Bias = alloc.Add(SectionType.Bias, outputs, [(int)outputs], w.Bias, w.FoldBn, foldStoredLn: w.FoldStoredLn);
        return record;
    }

    private static StepRecord Map(MapStep m, SectionAllocator alloc)
    {
        var p = m.Pending as Param;
        var record = new StepRecord
        {
            Name = m.Name, Op = "map", Layers = m.Layers, X = m.A?.Calibration, S = m.S?.Calibration, Y = m.Y.Calibration,
            MapOp = m.Op.ToString().ToLowerInvariant(),
        };
        if (p is not null)
        {
            var section = alloc.Add(SectionType.Data, p.Shape.Aggregate(1L, (a, d) => a * d), p.Shape, p.Source);
            if (p.First) record.AParam = m.AParam = section;
            else record.SParam = m.SParam = section;
        }
        return record;
    }
}
