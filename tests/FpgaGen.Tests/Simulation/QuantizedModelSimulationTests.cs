using FpgaGen.Codegen;
using FpgaGen.Codegen.Weights;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;
using FpgaGen.Onnx;
using FpgaGen.Simulation;
using FpgaGen.Tests.Codegen;
using FpgaGen.Tests.OpenCl;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Simulation;

/// <summary>
/// Simulating a quantized (QDQ) ONNX model with its own scales and zero points (tests/fixtures/onnx/export_qdq.py):
/// the kernels on PoCL equal the integer reference bit for bit on every MAC step, and the integer reference equals
/// ONNX's definition of the model (QuantizeLinear(Conv(DequantizeLinear(x), DequantizeLinear(w)) + b), rounding half
/// to even, saturating), computed here independently in double from the ONNX file's float weights and scales.
/// </summary>
[Collection(CodegenOpenClCollection.Name)]
public class QuantizedModelSimulationTests(CodegenOpenClFixture fixture, ITestOutputHelper output)
{
    private static (AcceleratorDesign Design, IReadOnlyDictionary<string, float[]> Weights, float[] Input) Load(string file, string kernel, string parameters,
        string precision = "int16", double amplitude = 1, string device = "a10_385a")
    {
        var path = UserModelTests.Fixture("onnx", file);
        var import = OnnxImporter.Import(path);
        var weights = ModelWeights.FromOnnx(import, path)!;
        var design = AcceleratorDesign.Create(import.Network, kernel, CodegenSupport.Params(parameters), PrecisionExtensions.Parse(precision), 1, DeviceCatalog.Default.Get(device));
        var rng = new Random(11);
        var input = Enumerable.Range(0, (int)import.Network.Input.Elements).Select(_ => (float)((rng.NextDouble() * 2 - 1) * amplitude)).ToArray();
        return (design, weights, input);
    }

    [OpenClTheory]
    [InlineData("qdq_int8.onnx", "conv_systolic", "rows=4,cols=8,simd=4,tile_h=4,vu=8", 4)]
    [InlineData("qdq_int8.onnx", "conv_tiled", "Tm=8,Tn=4,Tr=8,Tc=8,vu=8", 4)]
    [InlineData("qdq_mixed.onnx", "conv_systolic", "rows=4,cols=8,simd=4,tile_h=4,vu=8", 3)]
    [InlineData("qdq_mixed.onnx", "conv_tiled", "Tm=8,Tn=4,Tr=8,Tc=8,vu=8", 3)]
    [InlineData("qdq_int8.onnx", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", 4)]
    [InlineData("qdq_mixed.onnx", "gemm", "Tm=8,Tn=4,Tk=8,vu=8", 3)]
    // The operator form with a requantization between its two layers (0.05 -> 0.04, a vector-unit step).
    [InlineData("qlinear_ops.onnx", "conv_systolic", "rows=4,cols=8,simd=4,tile_h=4,vu=8", 2)]
    [InlineData("qlinear_ops.onnx", "conv_tiled", "Tm=8,Tn=4,Tr=8,Tc=8,vu=8", 2)]
    [InlineData("qlinear_ops.onnx", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", 2)]
    // A DSP48E2 device: the gemm engines pair their columns, two products a multiplier on the int8 layers (narrow
    // steps), one on the int16 ones (two iterations a row).
    [InlineData("qdq_int8.onnx", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", 4, "u250")]
    [InlineData("qdq_int8.onnx", "ln_linear", "Tm=16,Tn=8,Tk=4,vu=8", 4, "u250")]
    public void KernelsMatchTheIntegerReferenceBitForBit(string file, string kernel, string parameters, int modelSteps, string device = "a10_385a")
    {
        var (design, weights, input) = Load(file, kernel, parameters, device: device);
        if (device != "a10_385a")
        {
            Assert.Equal(2, design.Plan.Define("PAIRS"));
            Assert.Contains(design.Lowered.MacSteps, m => m.Narrow);
            Assert.Contains(design.Lowered.MacSteps, m => !m.Narrow);
        }
        var report = Simulator.Run(design, fixture.Session, weights, input, "test", new Dictionary<string, double>());
        var steps = design.Lowered.Steps.ToDictionary(s => s.Name);
        var macs = 0;
        foreach (var s in report.Steps)
        {
            output.WriteLine($"{s.Step,-12} LSB {s.LsbError} ({s.LsbDiffering} of {s.Elements} differ), float error {s.MaxAbsError:E2} of {s.Magnitude:E2}");
            Assert.True(s.Problem is null, s.Problem);
            if (steps[s.Step] is MacStep or MapStep { Op: MapOp.Requantize })
            {
                macs += steps[s.Step] is MacStep ? 1 : 0;
                Assert.True(s.LsbError == 0, $"{file} on {kernel}: step {s.Step} differs by {s.LsbError} LSB in {s.LsbDiffering} elements");
            }
            Assert.True(s.Pass, $"{s.Step}: float error {s.MaxAbsError:E3} of {s.Magnitude:E3}, {s.LsbError} LSB");
        }
        Assert.Equal(file == "qlinear_ops.onnx" ? 2 : 4, macs);
        Assert.Equal(file == "qlinear_ops.onnx" ? 1 : 0, design.Lowered.Steps.Count(st => st is MapStep { Op: MapOp.Requantize }));
        // The model's quantized layers (and, in the mixed model, the float conv1 whose output the model quantizes).
        Assert.Equal(modelSteps, design.Lowered.Weights.Steps.Count(r => r.ModelQuantized));
        Assert.True(report.Pass);
    }

    [Fact]
    public void Int8StorageRefusesZeroPointsItCannotHold()
    {
        // uint8 with zero point 123 is q − zp in [−123, 132]: 9 bits.
        var (design, weights, _) = Load("qdq_int8.onnx", "conv_tiled", "Tm=8,Tn=4,Tr=8,Tc=8,vu=8", "int8");
        var e = Assert.Throws<InputException>(() => WeightPacker.Pack(design.Portable().Weights, weights, null, null, ModelQuantization.Of(design.Network)));
        Assert.Contains("[-123, 132]", e.Message);
        Assert.Contains("--precision int16", e.Message);
    }

    [Fact]
    public void ARescaleWithoutAQuantizeLinearIsRefused()
    {
        // A QLinearMatMul that reads the integers at another scale than their writer's (no QuantizeLinear in between
        // says how to rescale them): qlinear_ops with fc's input scale changed after import.
        var import = OnnxImporter.Import(UserModelTests.Fixture("onnx", "qlinear_ops.onnx"));
        var fc = import.Network["fc"];
        fc.Quantization = fc.Quantization! with { Input = fc.Quantization.Input with { Scales = [0.03] } };
        var e = Assert.Throws<InputException>(() => ModelQuantization.Of(import.Network));
        Assert.Contains("layer fc reads 'quant2' at scale 0.03 zero point 0, but it is written at scale 0.04 zero point 0", e.Message);
    }

    /// <summary>
    /// Every quantized MAC step of the reference against ONNX's definition on the same quantized input. The two may
    /// differ only where the exact value lies within the reference's own approximation (the bias rounded to the
    /// accumulator's scale, the 31-bit multiplier) of a rounding boundary, and then by one.
    /// </summary>
    [Theory]
    [InlineData("qdq_int8.onnx")]
    [InlineData("qdq_mixed.onnx")]
    [InlineData("qlinear_ops.onnx")]
    public void TheIntegerReferenceIsOnnxsQuantizedArithmetic(string file)
    {
        // Inputs up to ±4: beyond the input's quantization range (about ±3.3), so saturation is exercised too.
        var (design, weights, input) = Load(file, "conv_tiled", "Tm=8,Tn=4,Tr=8,Tc=8,vu=8", amplitude: 4);
        var portable = design.Portable();
        var model = ModelQuantization.Of(design.Network)!;
        var ranges = FpgaGen.Codegen.Reference.NetworkReference.Ranges(FpgaGen.Codegen.Reference.NetworkReference.Run(design.Network, weights, input, 1));
        var blob = WeightPacker.Pack(portable.Weights, weights, ranges, null, model);
        var reference = IntegerReference.For(design, blob);
        // The mixed model's input is float (its first convolution too): FpgaGen's own scale there.
        reference.SetInput(model.Tensor("input") is { } iq ? Simulator.EncodeModelInput(portable, input, iq) : portable.EncodeInput(input, blob));
        long compared = 0, ties = 0, saturated = 0;
        var checkedLayers = new List<string>();
        for (var i = 0; i < design.Lowered.Steps.Count; i++)
        {
            var step = design.Lowered.Steps[i];
            var x = step switch
            {
                MacStep mac => Values(reference.TensorBytes(mac.X)),
                MapStep { Op: MapOp.Requantize } map => Values(reference.TensorBytes(map.A!)),
                _ => null,
            };
            reference.Run(i);
            if (step is MapStep { Op: MapOp.Requantize } rq)
            {
                var (rc, rt, rs) = CheckRequantize((RequantizeLayer)design.Network[rq.Layers[0]], x!, Values(reference.TensorBytes(rq.Y)), design.Lowered.Batch);
                output.WriteLine($"{rq.Name}: {rc} compared, {rt} near ties, {rs} saturated");
                compared += rc;
                ties += rt;
                saturated += rs;
                checkedLayers.Add(rq.Layers[0]);
                continue;
            }
            if (step is not MacStep m || m.Layers.Select(model.Layer).FirstOrDefault(q => q is not null) is not { } lq) continue;
            var y = Values(reference.TensorBytes(m.Y));
            var layer = design.Network[m.Layers[0]];
            var (c, t, s) = CheckStep(m, layer, lq, weights, x!, y);
            output.WriteLine($"{m.Name}: {c} compared, {t} near ties, {s} saturated");
            compared += c;
            ties += t;
            saturated += s;
            checkedLayers.Add(layer.Name);
        }
        output.WriteLine($"{file}: {compared} outputs of {string.Join(", ", checkedLayers)}; {ties} within the approximation of a rounding boundary differ by one; {saturated} saturated");
        // qlinear_ops: conv, the requantization quant2 and fc.
        Assert.Equal(file switch { "qdq_int8.onnx" => 4, "qlinear_ops.onnx" => 3, _ => 2 }, checkedLayers.Count);
        Assert.True(saturated > 0, "the inputs should drive some outputs into saturation");
        Assert.True(ties <= compared / 1000, $"{ties} of {compared} outputs differ from ONNX's rounding");
    }

    /// <summary>One step against ONNX: (outputs compared, explained near-tie differences, saturated outputs).</summary>
    private static (long, long, long) CheckStep(MacStep m, Layer layer, LayerQuantization lq, IReadOnlyDictionary<string, float[]> weights, int[] x, int[] y)
    {
        var a = m.Args;
        int A(string n) => checked((int)a[n]);
        Assert.Equal(1, A("groups"));
        int mOut = A("m_out"), nIn = A("n_in"), ih = A("ih"), iw = A("iw"), oh = A("oh"), ow = A("ow");
        int kh = A("kh"), kw = A("kw"), stride = A("stride"), padH = A("pad_h"), padW = A("pad_w"), dil = A("dil");
        long xOff = a["x_off"] - m.X.Offset, yOff = a["y_off"] - m.Y.Offset;
        var w = weights[$"{layer.Name}.weight"];
        var b = weights.GetValueOrDefault($"{layer.Name}.bias");
        var sx = (float)lq.Input.Scales[0];
        var yq = lq.Output!;
        var (sy, zy) = (yq.Scales[0], yq.ZeroPoints[0]);
        var relu = m.Activation != FusedActivation.None;
        var taps = kh * kw;
        long compared = 0, ties = 0, saturated = 0;
        for (var mo = 0; mo < mOut; mo++)
        {
            var sw = lq.Weights.Scales[lq.Weights.Scales.Count == 1 ? 0 : mo];
            for (var oy = 0; oy < oh; oy++)
                for (var ox = 0; ox < ow; ox++)
                {
                    // ONNX: DequantizeLinear of the input (float32 (q − zp)·s), Conv on the model's dequantized weights
                    // plus its float bias, in double here; then QuantizeLinear: round half to even, + zp, saturate.
                    double acc = b?[mo] ?? 0;
                    for (var ci = 0; ci < nIn; ci++)
                        for (var tap = 0; tap < taps; tap++)
                        {
                            int yy = oy * stride - padH + tap / kw * dil, xx = ox * stride - padW + tap % kw * dil;
                            if (yy < 0 || yy >= ih || xx < 0 || xx >= iw) continue; // padding: the real 0
                            var stored = x[xOff + ci * a["x_c"] + yy * a["x_y"] + xx * a["x_x"]];
                            var real = stored * sx; // float32, as DequantizeLinear computes it
                            acc += real * (double)w[(mo * nIn + ci) * taps + tap];
                        }
                    if (relu) acc = Math.Max(acc, 0);
                    var v = acc / sy;
                    var q = Math.Clamp((long)Math.Round(v, MidpointRounding.ToEven) + zy, yq.QMin, yq.QMax) - zy;
                    var got = y[yOff + mo * a["y_c"] + oy * a["y_y"] + ox * a["y_x"]];
                    compared++;
                    if (q + zy == yq.QMin && !relu || q + zy == yq.QMax) saturated++;
                    if (got == q) continue;
                    // The reference's value differs from v by at most half an accumulator step (the bias rounded to
                    // sx·sw) plus the multiplier's 2^-31 relative error.
                    var slack = 0.5 * sx * sw / sy + Math.Abs(v) * Math.ScaleB(1, -29) + 1e-9;
                    var boundary = Math.Floor(v) + 0.5;
                    Assert.True(Math.Abs(got - q) == 1 && Math.Abs(v - boundary) <= slack,
                        $"{layer.Name}[{mo},{oy},{ox}]: reference {got}, ONNX {q} (exact {v:R}, {Math.Abs(v - boundary):E2} from a boundary, slack {slack:E2})");
                    ties++;
                }
        }
        return (compared, ties, saturated);
    }

    /// <summary>
    /// A requantization against ONNX: QuantizeLinear(DequantizeLinear(q)) in float32 as the operators compute it,
    /// (q − zp)·s_from, then ÷ s_to, rounded half to even, + zp, saturated. The vector unit does the same float32
    /// operations, so every value is equal (no rounding-boundary allowance): (outputs compared, 0, saturated).
    /// </summary>
    private static (long, long, long) CheckRequantize(RequantizeLayer layer, int[] x, int[] y, int batch)
    {
        var (from, to) = (layer.From, layer.To);
        var (sFrom, sTo, zTo) = ((float)from.Scales[0], (float)to.Scales[0], to.ZeroPoints[0]);
        var n = layer.Output.Elements * batch;
        long saturated = 0;
        for (var i = 0; i < n; i++)
        {
            var real = x[i] * sFrom;          // DequantizeLinear, float32; x is already q − zp
            var v = real / sTo;               // QuantizeLinear's division, float32
            var q = Math.Clamp((long)MathF.Round(v, MidpointRounding.ToEven) + zTo, to.QMin, to.QMax);
            if (q == to.QMin || q == to.QMax) saturated++;
            Assert.True(y[i] == q - zTo, $"{layer.Name}[{i}]: reference {y[i]}, ONNX {q - zTo} (x {x[i]}, quotient {v:R})");
        }
        return (n, 0, saturated);
    }

    private static int[] Values(byte[] bytes) =>
        Enumerable.Range(0, bytes.Length / 2).Select(i => (int)System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(2 * i))).ToArray();
}
