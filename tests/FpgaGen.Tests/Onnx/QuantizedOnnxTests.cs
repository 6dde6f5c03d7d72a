using System.Text.Json;
using FpgaGen.Model;
using FpgaGen.Onnx;
using FpgaGen.Tests.Cli;

namespace FpgaGen.Tests.Onnx;

/// <summary>
/// Quantized ONNX (issue 17): QDQ exports of PyTorch's quantization-aware training (tests/fixtures/onnx/export_qdq.py;
/// one fully int8, one mixed) and the operator form (QLinearConv, QLinearMatMul) import with their scales, zero
/// points and per-layer precisions; the four operators' integer semantics match ONNX's own backend node tests exactly.
/// </summary>
public class QuantizedOnnxTests
{
    private static Network Load(string name) => OnnxFixtures.Import(name).Network;

    private static IEnumerable<Layer> MacLayers(Network n) => n.Layers.Where(l => l.Macs > 0);

    [Fact]
    public void FullyQuantizedModelIsInt8Throughout()
    {
        var net = Load("qdq_int8");
        Assert.All(MacLayers(net), l => Assert.NotNull(l.Quantization));
        // Pooling and ReLU between quantized layers are quantized too: int8, or int16 where the stored values
        // q − zero point need 9 bits (conv2 reads [0, 127] and stores [0, 109] after its fused ReLU; conv1 reads the
        // input at zero point 123, [-123, 132]).
        Assert.All(net.Layers, l => Assert.True(l.Precision is Precision.Int8 or Precision.Int16, $"{l.Name}: {l.Precision}"));
        Assert.Equal(Precision.Int8, net["conv2"].Precision);
        Assert.Equal(Precision.Int16, net["conv1"].Precision);
        var conv2 = (ConvLayer)net["conv2"];
        var q = conv2.Quantization!;
        // Activations uint8 per tensor (PyTorch's quint8 observer), weights int8 per output channel, symmetric.
        Assert.False(q.Input.Signed);
        Assert.Null(q.Input.Axis);
        Assert.InRange(q.Input.ZeroPoints[0], 0, 255);
        Assert.True(q.Weights.Signed);
        Assert.Equal(0, q.Weights.Axis);
        Assert.Equal(conv2.OutChannels, q.Weights.Scales.Count);
        Assert.All(q.Weights.ZeroPoints, z => Assert.Equal(0, z));
        Assert.All(q.Weights.Scales, s => Assert.True(s > 0));
        Assert.NotNull(q.Output);
        Assert.Contains(OnnxFixtures.Import("qdq_int8").Notes, n => n.Contains("4 of 4 MAC layers are quantized"));
    }

    [Fact]
    public void MixedModelKeepsItsFloatLayersFloat()
    {
        var net = Load("qdq_mixed");
        Assert.Null(net["conv1"].Precision);
        Assert.Null(net["fc"].Precision);
        Assert.Null(net["conv1"].Quantization);
        // conv2 reads the float conv1's output at zero point 0 ([0, 255]: int16); conv3 stores [0, 139] (zero point 116).
        Assert.Equal(Precision.Int16, net["conv2"].Precision);
        Assert.Equal(Precision.Int16, net["conv3"].Precision);
        Assert.Equal(Precision.Int8, net["pool"].Precision);

        // analyze: a precision per layer; --precision applies one type to all.
        var r = CliRunner.Run("analyze", OnnxFixtures.PathOf("qdq_mixed"), "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("mixed", doc.RootElement.GetProperty("precision").GetString());
        var layers = doc.RootElement.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.Equal("fp32", layers["conv1"].GetProperty("precision").GetString());
        Assert.Equal("int16", layers["conv2"].GetProperty("precision").GetString());
        Assert.Equal("int8", layers["pool"].GetProperty("precision").GetString());
        Assert.Equal(2 * 1168, layers["conv2"].GetProperty("weight_bytes").GetInt64());
        Assert.Equal(4 * 224, layers["conv1"].GetProperty("weight_bytes").GetInt64());
        Assert.StartsWith("int8 per-channel (axis 0, 16 scales)", layers["conv2"].GetProperty("quantization").GetProperty("weights").GetString());
        var table = CliRunner.Run("analyze", OnnxFixtures.PathOf("qdq_mixed"));
        Assert.Contains("mixed precision", table.Out);
        var uniform = CliRunner.Run("analyze", OnnxFixtures.PathOf("qdq_mixed"), "--precision", "fp16", "--format", "csv");
        Assert.Equal(0, uniform.Code);
        Assert.All(uniform.Out.Trim().Split('\n').Skip(1), line => Assert.EndsWith(",fp16", line.Trim()));
    }

    [Fact]
    public void OperatorFormImportsTheModelsScales()
    {
        var net = Load("qlinear_ops");
        var conv = (ConvLayer)net["conv"];
        // Its output is uint8 at zero point 0: [0, 255] zero-centred, 9 bits, so int16 storage.
        Assert.Equal(Precision.Int16, conv.Precision);
        Assert.True(conv.Bias);
        Assert.Equal(4 * 3 * 3 * 3 + 4, conv.Params);
        var q = conv.Quantization!;
        Assert.Equal(0.02, q.Input.Scales[0], 6);
        Assert.Equal(128, q.Input.ZeroPoints[0]);
        Assert.Equal(4, q.Weights.Scales.Count);
        Assert.Equal(0.05, q.Output!.Scales[0], 6);
        var fc = (LinearLayer)net["fc"];
        Assert.Equal(Precision.Int16, fc.Precision);
        Assert.Equal(5, fc.OutFeatures);
        Assert.False(fc.Quantization!.Weights.PerChannel);
        Assert.Equal(Precision.Int16, net["relu"].Precision);
    }

    public static TheoryData<string> NodeTests => new()
    {
        "test_quantizelinear", "test_quantizelinear_axis", "test_dequantizelinear", "test_dequantizelinear_axis",
        "test_qlinearconv", "test_qlinearmatmul_2D", "test_qlinearmatmul_3D",
    };

    /// <summary>ONNX's backend node tests, run on the importer's integer semantics: every value exactly.</summary>
    [Theory]
    [MemberData(nameof(NodeTests))]
    public void IntegerSemanticsMatchOnnxNodeTests(string test)
    {
        var dir = Path.Combine("/usr/share/libonnx-testdata/data/node", test);
        if (!Directory.Exists(dir)) Assert.Fail($"{dir} is missing: apt-get install -y libonnx-testdata");
        var data = Path.Combine(dir, "test_data_set_0");
        var inputs = Directory.GetFiles(data, "input_*.pb").Select(OnnxTensorFile.Read).ToDictionary(t => t.Name);
        var expected = OnnxTensorFile.Read(Path.Combine(data, "output_0.pb"));
        var got = OnnxConstantRun.Run(Path.Combine(dir, "model.onnx"), inputs)[0];
        Assert.Equal(expected.Dims, got.Dims);
        Assert.Equal(expected.Values, got.Values);
    }

    [Fact]
    public void QuantizeLinearRoundsHalfToEvenAndSaturates()
    {
        // x / 2 + 1 to int8: ties to even, then clamped to the type's range.
        var dir = FpgaGen.Tests.Codegen.CodegenSupport.TempDir("quant");
        try
        {
            var file = Path.Combine(dir, "q.onnx");
            File.WriteAllBytes(file, ModelWriter.OnnxModel(13,
                [
                    ModelWriter.Node("q", "QuantizeLinear", ["x", "s", "z"], ["y"]),
                    ModelWriter.Constant("s", 2f),
                    ModelWriter.Node("z", "Constant", [], ["z"], Int8Scalar("value", 1)),
                ],
                [ModelWriter.Tensor("x", 1, 8)], [ModelWriter.Tensor("y", 1, 8)]));
            var x = new OnnxTensor("x", [1, 8], [1f, 3f, 5f, -1f, -3f, 300f, -300f, 2.2f]);
            var y = OnnxConstantRun.Run(file, new Dictionary<string, OnnxTensor> { ["x"] = x })[0];
            // 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0, -1.5 -> -2 (ties to even), 1.1 -> 1, then + 1; 151 and -149 saturate.
            Assert.Equal([1f, 3f, 3f, 1f, -1f, 127f, -128f, 2f], y.Values);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AScaleComputedFromTheInputIsRefusedNamingTheNode()
    {
        var dir = FpgaGen.Tests.Codegen.CodegenSupport.TempDir("quant-bad");
        try
        {
            var file = Path.Combine(dir, "bad.onnx");
            File.WriteAllBytes(file, ModelWriter.OnnxModel(13,
                [
                    ModelWriter.Node("mean", "ReduceMean", ["x"], ["s"], ModelWriter.Ints("axes", 1), ModelWriter.Int("keepdims", 0)),
                    ModelWriter.Node("q", "QuantizeLinear", ["x", "s"], ["y"]),
                    ModelWriter.Node("relu", "Relu", ["y"], ["z"]),
                ],
                [ModelWriter.Tensor("x", 1, 8)], [ModelWriter.Tensor("z", 1, 8)]));
            var e = Assert.Throws<InputException>(() => OnnxImporter.Import(file));
            Assert.StartsWith(file + ":", e.Message);
            Assert.Contains("'q'", e.Message);
            Assert.Contains("scale (input 1, 's') must be a constant known when importing", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A tensor attribute holding one int8 scalar (TensorProto: data_type 3, int32_data).</summary>
    private static Proto Int8Scalar(string name, long value) =>
        new Proto().String(1, name).Message(5, new Proto().Varint(2, 3).Varint(5, value)).Varint(20, 4);
}
