using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;
using FpgaGen.Model;

namespace FpgaGen.Codegen.Reference;

/// <summary>
/// Straightforward float forward pass of a network, layer by layer from the model's own definitions (PyTorch
/// semantics), independent of the lowering and the kernels. It is the oracle tests compare the accelerator with, and
/// it records the value ranges that fixed-point designs are calibrated on. Products accumulate in double.
/// </summary>
public static class NetworkReference
{
    /// <summary>
    /// Runs <paramref name="input"/> (batch samples back to back) and returns every layer's output by layer name,
    /// batch-major, plus "input" and the attention parts "layer/qkv", "layer/scores" (before the 1/√d scale),
    /// "layer/probs" and "layer/context".
    /// </summary>
    /// <summary>y[r][o] = bias[o] + Σ_i x[r][i]·w[o][i] for <paramref name="rows"/> rows (PyTorch's nn.Linear layout).</summary>
    public delegate float[] LinearKernel(float[] x, int rows, int k, int n, float[] w, float[]? bias);

    /// <param name="linear">Computes linear layers and attention projections; the default is the double-accumulating
    /// loop below (simulate can pass a tuned OpenCL GEMM for speed on large models).</param>
    /// <param name="progress">Called after each layer with (layers done, layers in all).</param>
    public static IReadOnlyDictionary<string, float[]> Run(Network net, IReadOnlyDictionary<string, float[]> weights, float[] input, int batch,
        LinearKernel? linear = null, Action<int, int>? progress = null)
    {
        linear ??= Linear;
        ModelParameters.Check(net, weights);
        if (input.LongLength != net.Input.Elements * batch)
            throw new InputException($"input has {input.LongLength} values, expected {net.Input.Elements * batch} ({batch} x {net.Input})");
        var values = new Dictionary<string, float[]> { [Network.InputName] = input };
        var done = 0;
        foreach (var layer in net.Layers)
        {
            var xs = layer.Inputs.Select(n => values[n]).ToList();
            values[layer.Name] = Layer(layer, xs, weights, batch, values, linear);
            progress?.Invoke(++done, net.Layers.Count);
        }
        return values;
    }

    /// <summary>Largest |value| of every recorded tensor: the calibration ranges of <see cref="WeightPacker"/>.</summary>
    public static IReadOnlyDictionary<string, double> Ranges(IReadOnlyDictionary<string, float[]> values) =>
        values.ToDictionary(kv => kv.Key, kv => kv.Value.Length == 0 ? 0.0 : kv.Value.Max(v => Math.Abs((double)v)));

    private static float[] Layer(Layer layer, List<float[]> xs, IReadOnlyDictionary<string, float[]> w, int batch, Dictionary<string, float[]> record,
        LinearKernel linear)
    {
        var x = xs[0];
        var inShape = layer.InputShapes[0];
        var n = layer.Name;
        switch (layer)
        {
            case ConvLayer c:
                return Conv(x, batch, inShape, c.Output, w[$"{n}.weight"], c.Bias ? w[$"{n}.bias"] : null, c.KH, c.KW, c.Stride, c.PadH, c.PadW, c.Dilation, c.Groups);
            case PatchEmbedLayer p:
            {
                var grid = new Shape(p.Dim, inShape[1] / p.Patch, inShape[2] / p.Patch);
                var maps = Conv(x, batch, inShape, grid, w[$"{n}.weight"], p.Bias ? w[$"{n}.bias"] : null, p.Patch, p.Patch, p.Patch, 0, 0, 1, 1);
                return Transpose(maps, batch, p.Dim, grid[1] * grid[2]);
            }
            case LinearLayer l:
                return linear(x, batch * (inShape.Rank == 2 ? inShape[0] : 1), inShape[^1], l.OutFeatures, w[$"{n}.weight"], l.Bias ? w[$"{n}.bias"] : null);
            case BatchNormLayer:
            {
                var y = new float[x.Length];
                var channels = inShape.Channels;
                var per = inShape.Rank == 3 ? inShape[1] * inShape[2] : 1;
                var (g, b, mean, variance) = (w[$"{n}.weight"], w[$"{n}.bias"], w[$"{n}.running_mean"], w[$"{n}.running_var"]);
                for (var i = 0; i < x.Length; i++)
                {
                    var ch = inShape.Rank == 3 ? i / per % channels : i % channels;
                    y[i] = (float)((x[i] - mean[ch]) / Math.Sqrt(variance[ch] + WeightsLayout.BatchNormEps) * g[ch] + b[ch]);
                }
                return y;
            }
            case ActivationLayer a:
                return x.Select(v => (float)Activation(a.Function, v)).ToArray();
            case PoolLayer p:
                return Pool(x, batch, inShape, layer.Output, p.Max, p.Kernel, p.Kernel, p.Stride, p.Pad, adaptive: false);
            case AdaptiveAvgPoolLayer:
                return Pool(x, batch, inShape, layer.Output, false, 0, 0, 1, 0, adaptive: true);
            case LrnLayer lrn:
                return Lrn(x, batch, inShape, lrn.Size);
            case AddLayer:
            {
                var y = (float[])x.Clone();
                foreach (var other in xs.Skip(1))
                    for (var i = 0; i < y.Length; i++) y[i] += other[i];
                return y;
            }
            case ConcatLayer cat:
                return Concat(xs, cat, batch);
            case FlattenLayer:
                return x;
            case RequantizeLayer:
                // The reference is the model without activation quantization (its QuantizeLinear nodes are identities).
                return x;
            case SoftmaxLayer:
                return Softmax(x, inShape[^1], 1);
            case LayerNormLayer { Stats: LayerNormStats.Stored }:
                return StoredLayerNorm(x, inShape[^1], w[$"{n}.weight"], w[$"{n}.bias"], w[$"{n}.running_mean"], w[$"{n}.running_var"]);
            case LayerNormLayer:
                return LayerNorm(x, inShape[^1], w[$"{n}.weight"], w[$"{n}.bias"]);
            case AttentionLayer a:
                return Attention(x, batch, inShape[0], inShape[1], a, w, record, linear);
            case ClassTokenLayer:
            {
                int t = inShape[0], d = inShape[1];
                var y = new float[batch * (t + 1) * d];
                var token = w[$"{n}.weight"];
                for (var b = 0; b < batch; b++)
                {
                    Array.Copy(token, 0, y, b * (t + 1) * d, d);
                    Array.Copy(x, b * t * d, y, b * (t + 1) * d + d, t * d);
                }
                return y;
            }
            case PositionEmbedLayer:
            {
                var pos = w[$"{n}.weight"];
                return x.Select((v, i) => v + pos[i % pos.Length]).ToArray();
            }
            case SelectTokenLayer st:
            {
                int t = inShape[0], d = inShape[1];
                var y = new float[batch * d];
                for (var b = 0; b < batch; b++) Array.Copy(x, (b * t + st.Index) * d, y, b * d, d);
                return y;
            }
        }
        throw new InputException($"the reference has no implementation of layer kind '{layer.Kind}' (layer '{layer.Name}')");
    }

    public static double Activation(ActivationKind f, double v) => f switch
    {
        ActivationKind.Relu => Math.Max(v, 0),
        ActivationKind.Relu6 => Math.Min(Math.Max(v, 0), 6),
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-v)),
        _ => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))),
    };

    /// <summary>erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, far under float resolution of GELU's output).</summary>
    public static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }

    /// <summary>
    /// Direct convolution, one (sample, output channel) plane per task. For each weight w[o][ci][ky][kx] the plane
    /// accumulates w · (the shifted input row) over the output columns whose input column is inside the image, so
    /// the inner loop is a plain multiply-add along a row (padding is the skipped range, not a branch per product).
    /// </summary>
    private static float[] Conv(float[] x, int batch, Shape inS, Shape outS, float[] w, float[]? bias, int kh, int kw, int stride, int padH, int padW, int dil, int groups)
    {
        int cin = inS[0], h = inS[1], wd = inS[2], m = outS[0], oh = outS[1], ow = outS[2];
        int ng = cin / groups, mg = m / groups;
        var y = new float[batch * m * oh * ow];
        Parallel.For(0, batch * m, () => new double[oh * ow], (bm, _, acc) =>
        {
            int b = bm / m, o = bm % m, g = o / mg;
            Array.Fill(acc, bias?[o] ?? 0);
            for (var ci = 0; ci < ng; ci++)
            {
                var plane = (b * cin + g * ng + ci) * h * wd;
                for (var ky = 0; ky < kh; ky++)
                    for (var kx = 0; kx < kw; kx++)
                    {
                        double weight = w[((o * ng + ci) * kh + ky) * kw + kx];
                        // Output columns ox whose input column ix = ox·stride − padW + kx·dil lies in [0, wd).
                        var shift = kx * dil - padW;
                        var ox0 = Math.Max(0, (-shift + stride - 1) / stride);
                        var ox1 = Math.Min(ow, (wd - 1 - shift) / stride + 1);
                        if (wd - 1 - shift < 0) continue;
                        for (var oy = 0; oy < oh; oy++)
                        {
                            var iy = oy * stride - padH + ky * dil;
                            if (iy < 0 || iy >= h) continue;
                            var row = plane + iy * wd + shift;
                            var outRow = oy * ow;
                            if (stride == 1 && ox1 > ox0)
                                MultiplyAdd(acc.AsSpan(outRow + ox0, ox1 - ox0), x.AsSpan(row + ox0, ox1 - ox0), weight);
                            else
                                for (var ox = ox0; ox < ox1; ox++) acc[outRow + ox] += weight * x[row + ox * stride];
                        }
                    }
            }
            var dst = (b * m + o) * oh * ow;
            for (var i = 0; i < acc.Length; i++) y[dst + i] = (float)acc[i];
            return acc;
        }, _ => { });
        return y;
    }

    /// <summary>acc[i] += weight · x[i] in double, a SIMD vector at a time (the same sums as the scalar loop).</summary>
    private static void MultiplyAdd(Span<double> acc, ReadOnlySpan<float> x, double weight)
    {
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var w = new System.Numerics.Vector<double>(weight);
            var half = System.Numerics.Vector<double>.Count;
            for (; i <= x.Length - System.Numerics.Vector<float>.Count; i += System.Numerics.Vector<float>.Count)
            {
                System.Numerics.Vector.Widen(new System.Numerics.Vector<float>(x[i..]), out var lo, out var hi);
                (new System.Numerics.Vector<double>(acc[i..]) + lo * w).CopyTo(acc[i..]);
                (new System.Numerics.Vector<double>(acc[(i + half)..]) + hi * w).CopyTo(acc[(i + half)..]);
            }
        }
        for (; i < x.Length; i++) acc[i] += weight * x[i];
    }

    private static float[] Transpose(float[] maps, int batch, int channels, int pixels)
    {
        var y = new float[maps.Length];
        for (var b = 0; b < batch; b++)
            for (var c = 0; c < channels; c++)
                for (var p = 0; p < pixels; p++)
                    y[(b * pixels + p) * channels + c] = maps[(b * channels + c) * pixels + p];
        return y;
    }

    private static float[] Linear(float[] x, int rows, int k, int n, float[] w, float[]? bias)
    {
        var y = new float[rows * n];
        Parallel.For(0, (long)rows * n, ro =>
        {
            int r = (int)(ro / n), o = (int)(ro % n);
            double acc = bias?[o] ?? 0;
            for (var i = 0; i < k; i++) acc += (double)x[r * k + i] * w[o * k + i];
            y[r * n + o] = (float)acc;
        });
        return y;
    }

    private static float[] Pool(float[] x, int batch, Shape inS, Shape outS, bool max, int kh, int kw, int stride, int pad, bool adaptive)
    {
        int c = inS[0], h = inS[1], wd = inS[2], oh = outS[1], ow = outS[2];
        var y = new float[batch * c * oh * ow];
        for (var bc = 0; bc < batch * c; bc++)
            for (var oy = 0; oy < oh; oy++)
                for (var ox = 0; ox < ow; ox++)
                {
                    int y0, y1, x0, x1;
                    double divisor;
                    if (adaptive)
                    {
                        (y0, y1) = (oy * h / oh, ((oy + 1) * h + oh - 1) / oh);
                        (x0, x1) = (ox * wd / ow, ((ox + 1) * wd + ow - 1) / ow);
                        divisor = (y1 - y0) * (x1 - x0);
                    }
                    else
                    {
                        // PyTorch: the average divides by the window clipped to the padded input (count_include_pad).
                        y0 = oy * stride - pad;
                        x0 = ox * stride - pad;
                        y1 = Math.Min(y0 + kh, h + pad);
                        x1 = Math.Min(x0 + kw, wd + pad);
                        divisor = (y1 - y0) * (x1 - x0);
                        (y0, x0, y1, x1) = (Math.Max(y0, 0), Math.Max(x0, 0), Math.Min(y1, h), Math.Min(x1, wd));
                    }
                    double acc = max ? double.NegativeInfinity : 0;
                    for (var iy = y0; iy < y1; iy++)
                        for (var ix = x0; ix < x1; ix++)
                        {
                            var v = x[(bc * h + iy) * wd + ix];
                            acc = max ? Math.Max(acc, v) : acc + v;
                        }
                    y[(bc * oh + oy) * ow + ox] = (float)(max ? acc : acc / divisor);
                }
        return y;
    }

    /// <summary>
    /// Local response normalization as torch.nn.LocalResponseNorm(size) with its defaults α = 1e-4, β = 0.75, k = 1:
    /// the squares are zero-padded by ⌊n/2⌋ channels before and ⌊(n−1)/2⌋ after and averaged over n (count_include_pad),
    /// so b_c = a_c / (k + α/n · Σ a_c'²)^β (torch.nn.functional.local_response_norm).
    /// </summary>
    private static float[] Lrn(float[] x, int batch, Shape s, int size)
    {
        int c = s[0], plane = s[1] * s[2];
        var y = new float[x.Length];
        for (var b = 0; b < batch; b++)
            for (var ch = 0; ch < c; ch++)
                for (var p = 0; p < plane; p++)
                {
                    double sum = 0;
                    for (var cc = Math.Max(0, ch - size / 2); cc <= Math.Min(c - 1, ch + (size - 1) / 2); cc++)
                    {
                        double v = x[(b * c + cc) * plane + p];
                        sum += v * v;
                    }
                    var i = (b * c + ch) * plane + p;
                    y[i] = (float)(x[i] / Math.Pow(1 + 1e-4 / size * sum, 0.75));
                }
        return y;
    }

    private static float[] Concat(List<float[]> xs, ConcatLayer cat, int batch)
    {
        var outE = (int)cat.Output.Elements;
        var y = new float[batch * outE];
        var rows = cat.Output.Rank == 2 ? cat.Output[0] : 1;
        var outRow = outE / rows;
        var offset = 0;
        for (var k = 0; k < xs.Count; k++)
        {
            var inRow = (int)cat.InputShapes[k].Elements / rows;
            for (var b = 0; b < batch; b++)
                for (var r = 0; r < rows; r++)
                    Array.Copy(xs[k], (b * rows + r) * inRow, y, b * outE + r * outRow + offset, inRow);
            offset += inRow;
        }
        return y;
    }

    private static float[] Softmax(float[] x, int len, double factor)
    {
        var y = new float[x.Length];
        for (var r = 0; r < x.Length / len; r++)
        {
            var max = double.NegativeInfinity;
            for (var i = 0; i < len; i++) max = Math.Max(max, x[r * len + i] * factor);
            double sum = 0;
            for (var i = 0; i < len; i++) sum += Math.Exp(x[r * len + i] * factor - max);
            for (var i = 0; i < len; i++) y[r * len + i] = (float)(Math.Exp(x[r * len + i] * factor - max) / sum);
        }
        return y;
    }

    private static float[] LayerNorm(float[] x, int len, float[] gamma, float[] beta)
    {
        var y = new float[x.Length];
        for (var r = 0; r < x.Length / len; r++)
        {
            double mean = 0, variance = 0;
            for (var i = 0; i < len; i++) mean += x[r * len + i];
            mean /= len;
            for (var i = 0; i < len; i++) variance += (x[r * len + i] - mean) * (x[r * len + i] - mean);
            var rstd = 1 / Math.Sqrt(variance / len + WeightsLayout.LayerNormEps);
            for (var i = 0; i < len; i++) y[r * len + i] = (float)((x[r * len + i] - mean) * rstd * gamma[i] + beta[i]);
        }
        return y;
    }

    /// <summary>
    /// LayerNorm with stored statistics, computed as the model defines it (not folded):
    /// y = γ·(x − μ)/√(σ² + ε) + β with the per-feature running mean μ and variance σ².
    /// </summary>
    private static float[] StoredLayerNorm(float[] x, int len, float[] gamma, float[] beta, float[] mean, float[] variance)
    {
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var k = i % len;
            y[i] = (float)((x[i] - (double)mean[k]) / Math.Sqrt(variance[k] + WeightsLayout.LayerNormEps) * gamma[k] + beta[k]);
        }
        return y;
    }

    private static float[] Attention(float[] x, int batch, int t, int d, AttentionLayer a, IReadOnlyDictionary<string, float[]> w, Dictionary<string, float[]> record,
        LinearKernel linear)
    {
        var n = a.Name;
        int h = a.Heads, hd = d / h;
        var qkv = linear(x, batch * t, d, 3 * d, w[$"{n}.in_proj_weight"], a.Bias ? w[$"{n}.in_proj_bias"] : null);
        var scores = new float[batch * h * t * t];
        var context = new float[batch * t * d];
        for (var b = 0; b < batch; b++)
            for (var head = 0; head < h; head++)
                for (var i = 0; i < t; i++)
                    for (var j = 0; j < t; j++)
                    {
                        double acc = 0;
                        for (var k = 0; k < hd; k++)
                            acc += (double)qkv[(b * t + i) * 3 * d + head * hd + k] * qkv[(b * t + j) * 3 * d + d + head * hd + k];
                        scores[((b * h + head) * t + i) * t + j] = (float)acc;
                    }
        var probs = Softmax(scores, t, 1 / Math.Sqrt(hd));
        for (var b = 0; b < batch; b++)
            for (var head = 0; head < h; head++)
                for (var i = 0; i < t; i++)
                    for (var k = 0; k < hd; k++)
                    {
                        double acc = 0;
                        for (var j = 0; j < t; j++)
                            acc += (double)probs[((b * h + head) * t + i) * t + j] * qkv[(b * t + j) * 3 * d + 2 * d + head * hd + k];
                        context[(b * t + i) * d + head * hd + k] = (float)acc;
                    }
        record[$"{n}/qkv"] = qkv;
        record[$"{n}/scores"] = scores;
        record[$"{n}/probs"] = probs;
        record[$"{n}/context"] = context;
        return linear(context, batch * t, d, d, w[$"{n}.out_proj.weight"], a.Bias ? w[$"{n}.out_proj.bias"] : null);
    }
}
