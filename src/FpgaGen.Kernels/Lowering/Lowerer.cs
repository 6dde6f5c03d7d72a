using FpgaGen.Kernels.Plans;
using FpgaGen.Kernels.Weights;
using FpgaGen.Model;

namespace FpgaGen.Kernels.Lowering;

/// <summary>
/// The one lowering of a network, for the estimate and the generated code alike: the network becomes the steps the
/// accelerator runs, for one data type and batch. Execution modes come from <see cref="ExecutionModes"/>: ReLU fused
/// into the producing engine (or a residual add), batch norm folded into the convolution before it, LayerNorm fused into the next linear
/// layer when the kind asks for it, LayerNorm with stored statistics folded into the linear layers after it (their
/// weights and biases absorb it when packed), flatten a view. Everything else becomes engine or vector-unit steps.
/// With <see cref="LoweringOptions.ChannelsInnermost"/> the feature maps between steps are stored H×W×C: convolutions
/// read and write them so, pooling and concatenation keep them so, a linear layer after a flatten reads its weights
/// permuted to match. Steps that keep their inputs' layout (pooling, element-wise, concatenation) tie their tensors
/// together (<see cref="LayoutClasses"/>); the tensors tied to the network input or to its output stay C×H×W, so the
/// host reads and writes C×H×W and no step ever converts a layout.
/// </summary>
public static class Lowerer
{
    public static LoweredNetwork Lower(Network network, LoweringOptions options, Precision precision, int batch)
    {
        if (batch <= 0) throw new InputException($"batch must be positive, got {batch}");
        return new Context(network, options, precision, batch).Run();
    }

    private sealed class Context(Network net, LoweringOptions options, Precision precision, int batch)
    {
        private readonly Execution[] modes = ExecutionModes.Classify(net, options);
        private readonly List<Step> steps = [];
        private readonly List<ActivationTensor> tensors = [];
        private readonly Dictionary<string, ActivationTensor> tensorOf = [];
        private readonly HashSet<string> absorbed = [];
        private readonly Dictionary<string, LayerNormLayer> fusedLayerNorms = [];

        /// <summary>Stored-statistics LayerNorms folded into their readers, by name (their tensor is their input's).</summary>
        private readonly Dictionary<string, LayerNormLayer> foldedLayerNorms = [];
        private readonly Dictionary<Layer, int> index = net.Layers.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);

        /// <summary>Maps between steps stored H×W×C: asked for, and no row operation (softmax, LayerNorm) runs along a map's last axis.</summary>
        private readonly bool channelsInnermost = options.ChannelsInnermost
            && !net.Layers.Any(l => l is SoftmaxLayer or LayerNormLayer && l.InputShapes[0].Rank == 3);

        private readonly string finalLayer = net.Layers[^1].Name;
        private readonly LayoutClasses layouts = new(net);

        /// <summary>Whether the output of <paramref name="layer"/> is stored H×W×C (a map outside the input's and output's classes).</summary>
        private bool ChannelsLast(string layer) =>
            channelsInnermost && !layouts.Pinned(layer) && !layouts.Joined(layer, Network.InputName) && !layouts.Joined(layer, finalLayer);

        public LoweredNetwork Run()
        {
            var input = NewTensor(Network.InputName, Network.InputName, net.Input.Dims);
            tensorOf[Network.InputName] = input;
            foreach (var layer in net.Layers)
            {
                if (absorbed.Contains(layer.Name)) continue;
                LowerLayer(layer);
            }
            for (var i = 0; i < steps.Count; i++)
            {
                steps[i].Index = i;
                foreach (var t in steps[i].Reads) t.Touch(i);
                steps[i].Output.Touch(i);
            }
            var output = tensorOf[net.Layers[^1].Name];
            input.FirstUse = -1;
            input.LastUse = Math.Max(input.LastUse, -1);
            output.LastUse = steps.Count;
            foreach (var t in tensors.Where(t => t.LastUse < 0 && t != input)) t.LastUse = t.FirstUse;
            var arena = ArenaAllocator.Place(tensors, batch);
            if (arena > int.MaxValue)
                throw new InputException($"{net.Name}: activations of batch {batch} need {arena:N0} elements, more than 32-bit kernel offsets address; use a smaller batch");
            var weights = WeightsPlanner.Plan(net, precision, steps, tensors, input, output, options.WeightTile);
            return new LoweredNetwork(net, options, modes, precision, batch, steps, tensors, input, output, arena, weights);
        }

        private ActivationTensor NewTensor(string name, string calibration, IReadOnlyList<int> shape)
        {
            var t = new ActivationTensor(name, calibration, shape);
            tensors.Add(t);
            return t;
        }

        private Execution Mode(Layer l) => modes[index[l]];

        private void LowerLayer(Layer layer)
        {
            if (layer is LayerNormLayer ln && Mode(ln) == Execution.FusedLayerNorm)
            {
                fusedLayerNorms[ln.Name] = ln;
                return;
            }
            if (layer is LayerNormLayer { Stats: LayerNormStats.Stored } stored)
            {
                if (Mode(stored) != Execution.Folded)
                    throw new InputException($"{stored.Origin ?? net.Source ?? net.Name}: layer '{stored.Name}' (layernorm, stats: stored): cannot fold: "
                        + $"{ExecutionModes.FoldOf(net, stored).Problem} (a LayerNorm with stored statistics folds only into the linear or attention layers that read it, "
                        + "and no kernel computes it on its own; use runtime statistics for this layer)");
                foldedLayerNorms[stored.Name] = stored;
                tensorOf[stored.Name] = tensorOf[stored.Inputs[0]];
                return;
            }
            switch (layer)
            {
                case FlattenLayer:
                    tensorOf[layer.Name] = tensorOf[layer.Inputs[0]];
                    return;
                case ConvLayer or PatchEmbedLayer or LinearLayer:
                    LowerMac(layer);
                    return;
                case AttentionLayer a:
                    LowerAttention(a);
                    return;
                case PoolLayer p:
                    LowerPool(p, p.Max, adaptive: false, p.Kernel, p.Kernel, p.Stride, p.Pad);
                    return;
                case AdaptiveAvgPoolLayer ap:
                    var x = ap.InputShapes[0];
                    // An adaptive pool whose output divides its input evenly, by one factor in both dimensions (every zoo
                    // network's), is the regular average pool of kernel = stride = that factor: no divider per window.
                    if (x[1] % ap.OutH == 0 && x[2] % ap.OutW == 0 && x[1] / ap.OutH == x[2] / ap.OutW)
                        LowerPool(ap, max: false, adaptive: false, x[1] / ap.OutH, x[1] / ap.OutH, x[1] / ap.OutH, 0);
                    else
                        LowerPool(ap, max: false, adaptive: true, MaxWindow(x[1], ap.OutH), MaxWindow(x[2], ap.OutW), 1, 0);
                    return;
                case LrnLayer lrn:
                    LowerLrn(lrn);
                    return;
                case ActivationLayer act when Mode(act) == Execution.Kernel:
                    LowerElementwise(act, act.Function switch
                    {
                        ActivationKind.Relu => MapOp.Relu,
                        ActivationKind.Relu6 => MapOp.Relu6,
                        ActivationKind.Gelu => MapOp.Gelu,
                        _ => MapOp.Sigmoid,
                    });
                    return;
                case AddLayer add:
                    LowerAdd(add);
                    return;
                case RequantizeLayer:
                    LowerElementwise(layer, MapOp.Requantize);
                    return;
                case SoftmaxLayer or LayerNormLayer:
                    LowerRow(layer);
                    return;
                case ClassTokenLayer ct:
                    LowerClassToken(ct);
                    return;
                case PositionEmbedLayer pe:
                    LowerPositionEmbed(pe);
                    return;
                case SelectTokenLayer st:
                    LowerSelectToken(st);
                    return;
                case ConcatLayer cat:
                    LowerConcat(cat);
                    return;
            }
            throw new InputException($"{layer.Origin ?? net.Source ?? net.Name}: layer '{layer.Name}' ({layer.Kind}, {Mode(layer).ToString().ToLowerInvariant()}): "
                + "no accelerator kernel implements it yet (supported: conv, linear, patch_embed, attention, batch norm and ReLU after a convolution, "
                + "pooling, lrn, add, concat, relu, relu6, gelu, sigmoid, requantize, softmax, layernorm, class_token, pos_embed, select_token, flatten)");
        }

        /// <summary>
        /// The input tensor of a MAC layer, looking through a LayerNorm fused into it (ln_linear normalizes on the fly)
        /// or a stored-statistics LayerNorm folded into its weights (directly, or through a token selection).
        /// </summary>
        private (ActivationTensor X, LayerNormLayer? Fused, LayerNormLayer? Stored) MacInput(Layer layer)
        {
            var name = layer.Inputs[0];
            if (fusedLayerNorms.TryGetValue(name, out var ln)) return (tensorOf[ln.Inputs[0]], ln, null);
            return (tensorOf[name], null, FoldedLayerNormBefore(name));
        }

        /// <summary>The folded LayerNorm whose output <paramref name="name"/> is, or that a token selection named so reads.</summary>
        private LayerNormLayer? FoldedLayerNormBefore(string name)
        {
            if (foldedLayerNorms.TryGetValue(name, out var ln)) return ln;
            return name != Network.InputName && net[name] is SelectTokenLayer st && foldedLayerNorms.TryGetValue(st.Inputs[0], out ln) ? ln : null;
        }

        /// <summary>The batch norm (folded) and ReLU (fused) that follow a MAC layer (an add: its ReLU), as <see cref="ExecutionModes"/> classified them.</summary>
        private (List<string> Layers, BatchNormLayer? Bn, FusedActivation Act, Layer Last) Absorb(Layer producer)
        {
            var names = new List<string> { producer.Name };
            BatchNormLayer? bn = null;
            var act = FusedActivation.None;
            var last = producer;
            var next = SingleConsumer(last);
            if (next is BatchNormLayer b && Mode(b) == Execution.Folded)
            {
                (bn, last) = (b, b);
                names.Add(b.Name);
                next = SingleConsumer(b);
            }
            if (next is ActivationLayer a && Mode(a) == Execution.Fused)
            {
                act = a.Function == ActivationKind.Relu6 ? FusedActivation.Relu6 : FusedActivation.Relu;
                last = a;
                names.Add(a.Name);
            }
            foreach (var n in names.Skip(1)) absorbed.Add(n);
            return (names, bn, act, last);
        }

        /// <summary>A step's layers with the stored-statistics LayerNorm folded into its weights, which it computes too.</summary>
        private static IReadOnlyList<string> WithFolded(IReadOnlyList<string> layers, LayerNormLayer? folded) =>
            folded is null ? layers : [.. layers, folded.Name];

        private Layer? SingleConsumer(Layer layer)
        {
            var consumers = net.Consumers(layer).Take(2).ToList();
            return consumers.Count == 1 ? consumers[0] : null;
        }

        private ActivationTensor Produce(Layer last, IEnumerable<string> names)
        {
            var t = NewTensor(last.Name, last.Name, last.Output.Dims);
            t.ChannelsInnermost = t.Shape.Count == 3 && ChannelsLast(last.Name);
            foreach (var n in names) tensorOf[n] = t;
            return t;
        }

        /// <summary>
        /// Element (g·channelsPerGroup + c, y, x) of a map tensor: C×H×W, or H×W×C for a tensor stored channels innermost.
        /// </summary>
        private static Addressing MapAddressing(ActivationTensor t, int channelsPerGroup)
        {
            long ch = t.Shape[0], h = t.Shape[1], w = t.Shape[2];
            return t.ChannelsInnermost
                ? new Addressing(0, ch * h * w, channelsPerGroup, 1, w * ch, ch)
                : new Addressing(0, ch * h * w, channelsPerGroup * h * w, h * w, w, 1);
        }

        /// <summary>
        /// Where a convolution's weights live: (group, output, input channel, tap) → element. The blob stores them
        /// channels innermost, each (output, tap) run of channels zero padded to <paramref name="run"/> elements: whole
        /// beats, or for fewer channels than a beat (a first layer's 3) the next power of two, which divides the beat. So
        /// the channel vector an engine consumes per tap is one aligned, contiguous read (PipeCNN's packing). A 1×1
        /// kernel keeps PyTorch's order (run = 0), which is then the same.
        /// </summary>
        private Addressing ConvWeights(int outputs, int channels, int taps, out int run)
        {
            var beat = (int)PlanBuilder.ElementsPerBeat(precision.Bytes());
            run = taps == 1 ? 0 : channels >= beat ? (channels + beat - 1) / beat * beat : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)channels);
            return run > 0
                ? new Addressing(0, 0, (long)outputs * taps * run, (long)taps * run, 1, run)
                : new Addressing(0, 0, (long)outputs * channels * taps, (long)channels * taps, taps, 1);
        }

        private void LowerMac(Layer layer)
        {
            var (names, bn, act, last) = Absorb(layer);
            var (x, ln, stored) = MacInput(layer);
            var y = Produce(last, names);
            MacStep step;
            switch (layer)
            {
                case ConvLayer c:
                {
                    var (cin, h, w) = (c.InputShapes[0][0], c.InputShapes[0][1], c.InputShapes[0][2]);
                    var (m, oh, ow) = (c.Output[0], c.Output[1], c.Output[2]);
                    int ng = cin / c.Groups, mg = m / c.Groups;
                    var weights = ConvWeights(mg, ng, c.KH * c.KW, out var run);
                    var shape = new MacShape(batch, c.Groups, mg, ng, h, w, oh, ow, c.KH, c.KW, c.Stride, c.PadH, c.PadW, c.Dilation) { ChannelRun = run };
                    step = new MacStep(c.Name, names, shape, x, MapAddressing(x, ng), null, weights, y, MapAddressing(y, mg), act, false);
                    WeightsPlanner.Attach(step, $"{c.Name}.weight", [m, ng, c.KH, c.KW], c.Bias ? $"{c.Name}.bias" : null, bn?.Name, null, null, c.Bias || bn is not null, run);
                    break;
                }
                case PatchEmbedLayer p:
                {
                    var (cin, h, w) = (p.InputShapes[0][0], p.InputShapes[0][1], p.InputShapes[0][2]);
                    int oh = h / p.Patch, ow = w / p.Patch, d = p.Dim;
                    var weights = ConvWeights(d, cin, p.Patch * p.Patch, out var run);
                    var shape = new MacShape(batch, 1, d, cin, h, w, oh, ow, p.Patch, p.Patch, p.Patch, 0, 0, 1) { ChannelRun = run };
                    // Output written token-major (token = oy·OW + ox, then features): the sequence layout later layers read.
                    step = new MacStep(p.Name, names, shape, x, MapAddressing(x, 0), null, weights,
                        y, new Addressing(0, (long)oh * ow * d, 0, 1, (long)ow * d, d), act, false);
                    WeightsPlanner.Attach(step, $"{p.Name}.weight", [d, cin, p.Patch, p.Patch], p.Bias ? $"{p.Name}.bias" : null, null, null, null, p.Bias, run);
                    break;
                }
                case LinearLayer l:
                {
                    var inShape = l.InputShapes[0];
                    var rows = inShape.Rank == 2 ? inShape[0] : 1;
                    step = Linear(l.Name, WithFolded(names, stored), x, y, rows, inShape[^1], l.OutFeatures, act, ln, 0);
                    // After a flatten of a map stored H×W×C the features come pixel by pixel: the weights are stored
                    // as a convolution over the whole map with its channels innermost ([O, C, H, W], runs of C), which
                    // is exactly that order.
                    bool pixelMajor = x is { ChannelsInnermost: true } && x.Shape[1] * x.Shape[2] > 1;
                    WeightsPlanner.Attach(step, $"{l.Name}.weight", pixelMajor ? [l.OutFeatures, .. x.Shape] : [l.OutFeatures, inShape[^1]],
                        l.Bias ? $"{l.Name}.bias" : null, null, ln?.Name, stored?.Name, l.Bias || stored is not null, pixelMajor ? x.Shape[0] : 0);
                    break;
                }
                default:
                    throw new InvalidOperationException(layer.Kind);
            }
            step.Narrow = NarrowOperands(layer);
            steps.Add(step);
        }

        /// <summary>
        /// Whether a MAC layer's operands are int8 values: every tensor of an int8 design is; in a wider fixed-point
        /// design, a quantized model's int8 layer (QuantizedStorage makes a layer int16 when a tensor it reads or
        /// writes needs more than 8 bits; its weights are the model's int8 values). Layers of a design-file precision
        /// alone are quantized at the design's type, so they are not.
        /// </summary>
        private bool NarrowOperands(Layer layer) =>
            precision == Precision.Int8 || (precision.IsFixedPoint() && layer.Precision == Precision.Int8 && layer.Quantization is not null);

        /// <summary>
        /// A linear layer on row-major rows × k input, rows × n output. The batch is folded into the rows (samples are
        /// contiguous), so one weight tile serves every sample's rows, as the estimate assumes.
        /// </summary>
        private MacStep Linear(string name, IReadOnlyList<string> layers, ActivationTensor x, ActivationTensor y, int rows, int k, int n,
            FusedActivation act, LayerNormLayer? ln, long yColumnOffset)
        {
            var all = checked(rows * batch);
            var shape = new MacShape(1, 1, n, k, 1, all, 1, all, 1, 1, 1, 0, 0, 1);
            return new MacStep(name, layers, shape, x, new Addressing(0, (long)rows * k, 0, 1, 0, k),
                null, new Addressing(0, 0, 0, k, 1, 0), y, new Addressing(yColumnOffset, (long)rows * n, 0, 1, 0, n), act, ln is not null);
        }

        /// <summary>
        /// Multi-head attention as five steps: packed QKV projection (T×3D), per-head scores QKᵀ (H×T×T, on the engine
        /// with K as right-hand operand), softmax over keys with the 1/√d scale, per-head context P·V (T×D, heads side by
        /// side), output projection.
        /// </summary>
        private void LowerAttention(AttentionLayer a)
        {
            var (x, ln, stored) = MacInput(a);
            int t = a.InputShapes[0][0], d = a.InputShapes[0][1], h = a.Heads, hd = d / h;
            var qkv = NewTensor($"{a.Name}/qkv", $"{a.Name}/qkv", [t, 3 * d]);
            var scores = NewTensor($"{a.Name}/scores", $"{a.Name}/scores", [h, t, t]);
            var probs = NewTensor($"{a.Name}/probs", $"{a.Name}/probs", [h, t, t]);
            var context = NewTensor($"{a.Name}/context", $"{a.Name}/context", [t, d]);
            var y = Produce(a, [a.Name]);
            string[] layers = [a.Name];

            var proj = Linear($"{a.Name}/qkv", WithFolded(layers, stored), x, qkv, t, d, 3 * d, FusedActivation.None, ln, 0);
            WeightsPlanner.Attach(proj, $"{a.Name}.in_proj_weight", [3 * d, d], a.Bias ? $"{a.Name}.in_proj_bias" : null, null, ln?.Name, stored?.Name,
                a.Bias || stored is not null);
            proj.Narrow = NarrowOperands(a);
            steps.Add(proj);

            long seq = (long)t * 3 * d;
            var qk = new MacStep($"{a.Name}/scores", layers, new MacShape(batch, h, t, hd, 1, t, 1, t, 1, 1, 1, 0, 0, 1),
                qkv, new Addressing(0, seq, hd, 1, 0, 3L * d),
                qkv, new Addressing(d, seq, hd, 3L * d, 1, 0),
                scores, new Addressing(0, (long)h * t * t, (long)t * t, 1, 0, t), FusedActivation.None, false);
            WeightsPlanner.Attach(qk, null, null, null, null, null, null, false);
            qk.Narrow = precision == Precision.Int8; // scores and probabilities are the design's type
            steps.Add(qk);

            var softmax = new RowStep($"{a.Name}/softmax", layers, false, (long)batch * h * t, t, 1 / Math.Sqrt(hd), scores, probs);
            steps.Add(softmax);

            var av = new MacStep($"{a.Name}/context", layers, new MacShape(batch, h, hd, t, 1, t, 1, t, 1, 1, 1, 0, 0, 1),
                probs, new Addressing(0, (long)h * t * t, (long)t * t, 1, 0, t),
                qkv, new Addressing(2L * d, seq, hd, 1, 3L * d, 0),
                context, new Addressing(0, (long)t * d, hd, 1, 0, d), FusedActivation.None, false);
            WeightsPlanner.Attach(av, null, null, null, null, null, null, false);
            av.Narrow = precision == Precision.Int8;
            steps.Add(av);

            var output = Linear($"{a.Name}", layers, context, y, t, d, d, FusedActivation.None, null, 0);
            WeightsPlanner.Attach(output, $"{a.Name}.out_proj.weight", [d, d], a.Bias ? $"{a.Name}.out_proj.bias" : null, null, null, null, a.Bias);
            output.Narrow = precision == Precision.Int8; // it reads the context, at the design's type
            steps.Add(output);
        }

        private static int MaxWindow(int size, int outSize) =>
            Enumerable.Range(0, outSize).Max(i => (int)(((long)(i + 1) * size + outSize - 1) / outSize - (long)i * size / outSize));

        private void LowerPool(Layer layer, bool max, bool adaptive, int kh, int kw, int stride, int pad)
        {
            var x = tensorOf[layer.Inputs[0]];
            var y = Produce(layer, [layer.Name]);
            var s = layer.InputShapes[0];
            steps.Add(new PoolStep(layer.Name, [layer.Name], max, adaptive, batch, s[0], s[1], s[2], layer.Output[1], layer.Output[2],
                kh, kw, stride, pad, x, y));
        }

        /// <summary>Local response normalization: a vu_pool step whose window of Size runs across channels.</summary>
        private void LowerLrn(LrnLayer layer)
        {
            var s = layer.InputShapes[0];
            if (s.Rank != 3)
                throw new InputException($"{layer.Origin ?? net.Source ?? net.Name}: layer '{layer.Name}' (lrn): the vector unit normalizes C×H×W maps, got {s}");
            var x = tensorOf[layer.Inputs[0]];
            var y = Produce(layer, [layer.Name]);
            steps.Add(new PoolStep(layer.Name, [layer.Name], max: false, adaptive: false, batch, s[0], s[1], s[2], s[1], s[2],
                layer.Size, 1, 1, 0, x, y, lrn: true));
        }

        /// <summary>Element-wise over the whole tensor, lanes along its flat index.</summary>
        private static Addressing Flat(long elements, long offset = 0) => new(offset, elements, 0, 0, 0, 1);

        /// <summary>
        /// Elements of the layer's output over the whole batch: the samples are back to back, so an element-wise step
        /// over dense tensors is one contiguous run (one burst) rather than one per sample.
        /// </summary>
        private int FlatSize(Layer layer) => checked((int)(layer.Output.Elements * batch));

        private void LowerElementwise(Layer layer, MapOp op)
        {
            var x = tensorOf[layer.Inputs[0]];
            var y = Produce(layer, [layer.Name]);
            var e = FlatSize(layer);
            steps.Add(new MapStep(layer.Name, [layer.Name], op, 1, 1, 1, e, x, Flat(e), null, null, y, Flat(e)));
        }

        private void LowerAdd(AddLayer add)
        {
            // A ReLU after it (classified fused) is applied by the last add step.
            var (names, _, act, last) = Absorb(add);
            var y = Produce(last, names);
            var e = FlatSize(add);
            // Two or more inputs: y = in0 + in1, then y += in_k (element-wise in place, each element read before written).
            var first = tensorOf[add.Inputs[0]];
            for (var k = 1; k < add.Inputs.Count; k++)
            {
                var name = k == 1 ? add.Name : $"{add.Name}/{k}";
                var op = act != FusedActivation.None && k == add.Inputs.Count - 1 ? MapOp.AddRelu : MapOp.Add;
                steps.Add(new MapStep(name, k == add.Inputs.Count - 1 ? names : [add.Name], op, 1, 1, 1, e, k == 1 ? first : y, Flat(e),
                    tensorOf[add.Inputs[k]], Flat(e), y, Flat(e)));
            }
        }

        private void LowerRow(Layer layer)
        {
            var x = tensorOf[layer.Inputs[0]];
            var y = Produce(layer, [layer.Name]);
            var len = layer.Output[^1];
            steps.Add(new RowStep(layer.Name, [layer.Name], layer is LayerNormLayer, batch * (layer.Output.Elements / len), len, 1, x, y));
        }

        private void LowerClassToken(ClassTokenLayer ct)
        {
            var x = tensorOf[ct.Inputs[0]];
            var y = Produce(ct, [ct.Name]);
            int t = ct.InputShapes[0][0], d = ct.InputShapes[0][1];
            long outSample = (long)(t + 1) * d;
            var token = new MapStep($"{ct.Name}/token", [ct.Name], MapOp.Copy, batch, 1, 1, d, null, new Addressing(0, 0, 0, 0, 0, 1),
                null, null, y, new Addressing(0, outSample, 0, 0, 0, 1));
            WeightsPlanner.AttachParam(token, $"{ct.Name}.weight", [d], first: true);
            steps.Add(token);
            steps.Add(new MapStep(ct.Name, [ct.Name], MapOp.Copy, batch, 1, 1, t * d, x, Flat((long)t * d), null, null, y,
                new Addressing(d, outSample, 0, 0, 0, 1)));
        }

        private void LowerPositionEmbed(PositionEmbedLayer pe)
        {
            var x = tensorOf[pe.Inputs[0]];
            var y = Produce(pe, [pe.Name]);
            int t = pe.InputShapes[0][0], d = pe.InputShapes[0][1];
            var step = new MapStep(pe.Name, [pe.Name], MapOp.Add, batch, 1, 1, t * d, x, Flat((long)t * d), null,
                new Addressing(0, 0, 0, 0, 0, 1), y, Flat((long)t * d));
            WeightsPlanner.AttachParam(step, $"{pe.Name}.weight", [t, d], first: false);
            steps.Add(step);
        }

        private void LowerSelectToken(SelectTokenLayer st)
        {
            var x = tensorOf[st.Inputs[0]];
            ActivationTensor y;
            if (foldedLayerNorms.TryGetValue(st.Inputs[0], out var ln))
            {
                // Selects from the LayerNorm's input; its readers fold the LayerNorm in. The values have the range of
                // that input (a subset of it), and the model has no tensor to compare them with.
                y = NewTensor(st.Name, x.Calibration, st.Output.Dims);
                y.BeforeFoldedLayerNorm = ln.Name;
                tensorOf[st.Name] = y;
            }
            else y = Produce(st, [st.Name]);
            int t = st.InputShapes[0][0], d = st.InputShapes[0][1];
            steps.Add(new MapStep(st.Name, [st.Name], MapOp.Copy, batch, 1, 1, d, x, new Addressing((long)st.Index * d, (long)t * d, 0, 0, 0, 1),
                null, null, y, Flat(d)));
        }

        private void LowerConcat(ConcatLayer cat)
        {
            var y = Produce(cat, [cat.Name]);
            var outShape = cat.Output;
            long offset = 0;
            for (var k = 0; k < cat.Inputs.Count; k++)
            {
                var s = cat.InputShapes[k];
                var x = tensorOf[cat.Inputs[k]];
                var name = k == 0 ? cat.Name : $"{cat.Name}/{k}";
                MapStep step;
                if (s.Rank == 2 || y.ChannelsInnermost)
                {
                    // Token sequences join along features, and so do maps stored H×W×C along channels: row (token,
                    // pixel) by row into a column offset.
                    int rows = s.Rank == 2 ? s[0] : s[1] * s[2], cols = s.Rank == 2 ? s[1] : s[0], outCols = s.Rank == 2 ? outShape[1] : outShape[0];
                    step = new MapStep(name, [cat.Name], MapOp.Copy, batch, 1, rows, cols, x, new Addressing(0, s.Elements, 0, 0, cols, 1),
                        null, null, y, new Addressing(offset, outShape.Elements, 0, 0, outCols, 1));
                    offset += cols;
                }
                else
                {
                    // Channel-major maps (and vectors) join as contiguous blocks.
                    var e = checked((int)s.Elements);
                    step = new MapStep(name, [cat.Name], MapOp.Copy, batch, 1, 1, e, x, Flat(e), null, null, y,
                        new Addressing(offset, outShape.Elements, 0, 0, 0, 1));
                    offset += e;
                }
                steps.Add(step);
            }
        }
    }
}

/// <summary>
/// Tensors that must share a layout: a step that keeps its inputs' layout (pooling, LRN, element-wise, addition,
/// concatenation, requantization, and the views flatten and folded batch norm or fused activation) ties its output to
/// each input. Engines (convolution, linear, attention) read and write any layout, so they separate classes. A class
/// with a flatten that anything but linear layers reads is pinned to C×H×W: the flattened values must be in the
/// model's order (a linear layer instead reads its weights permuted).
/// </summary>
internal sealed class LayoutClasses
{
    private readonly Dictionary<string, string> parent = [];
    private readonly HashSet<string> pinned = [];

    public LayoutClasses(Network net)
    {
        foreach (var layer in net.Layers)
            if (layer is not (ConvLayer or PatchEmbedLayer or LinearLayer or AttentionLayer))
                foreach (var input in layer.Inputs) Union(layer.Name, input);
        foreach (var flatten in net.Layers.OfType<FlattenLayer>())
            if (net.Consumers(flatten).Any(c => c is not LinearLayer)) pinned.Add(flatten.Name);
        foreach (var name in pinned.ToList()) pinned.Add(Find(name));
    }

    public bool Joined(string a, string b) => Find(a) == Find(b);

    /// <summary>The layer's class must keep the model's C×H×W order.</summary>
    public bool Pinned(string layer) => pinned.Contains(Find(layer));

    private string Find(string x)
    {
        while (parent.TryGetValue(x, out var p) && p != x)
        {
            if (parent.TryGetValue(p, out var gp)) parent[x] = gp;
            x = p;
        }
        return x;
    }

    private void Union(string a, string b)
    {
        string ra = Find(a), rb = Find(b);
        if (ra != rb) parent[ra] = rb;
    }
}
