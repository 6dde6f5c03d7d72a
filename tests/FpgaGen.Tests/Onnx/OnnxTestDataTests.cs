using FpgaGen.Model;
using FpgaGen.Onnx;

namespace FpgaGen.Tests.Onnx;

/// <summary>
/// Full models (weights as initializers, or as extra graph inputs) from Debian's libonnx-testdata: PyTorch 0.3
/// conversions at opset 6 and the ONNX backend node tests at opsets 11 to 17. CI installs the package first.
/// Batches differ (1, 2, 4); figures are per sample.
/// </summary>
public class OnnxTestDataTests
{
    private const string Root = "/usr/share/libonnx-testdata/data";

    private static string Model(string test)
    {
        var path = Path.Combine(Root, test, "model.onnx");
        if (!File.Exists(path))
            Assert.Fail($"{path} is missing: these tests need Debian's ONNX test data (apt-get install -y libonnx-testdata)");
        return path;
    }

    [Theory]
    // x [2,3,7,5] * W [4,3,3,2]: 4x5x4 outputs of 3*3*2 products; 72 weights + 4 biases.
    [InlineData("pytorch-converted/test_Conv2d", "conv", 4 * 5 * 4 * 18, 76)]
    // x [2,3,6,5]: 4x4x4 outputs.
    [InlineData("pytorch-converted/test_Conv2d_no_bias", "conv", 4 * 4 * 4 * 18, 72)]
    // x [2,4,6,6], 4 groups of one channel, 3x3 stride 2: 4x2x2 outputs of 9 products.
    [InlineData("pytorch-converted/test_Conv2d_depthwise_strided", "conv", 4 * 2 * 2 * 9, 40)]
    // x [2,3,8,8], 3x3 dilation 2 (span 5), pad 1, stride 2: 2x3x3 outputs of 27 products.
    [InlineData("pytorch-converted/test_Conv2d_dilated", "conv", 2 * 3 * 3 * 27, 56)]
    [InlineData("pytorch-converted/test_Conv2d_groups", "conv", 6 * 4 * 4 * 2 * 3 * 2, 6 * 2 * 3 * 2 + 6)]
    [InlineData("pytorch-converted/test_Linear", "linear", 10 * 8, 88)]
    [InlineData("pytorch-converted/test_BatchNorm2d_eval", "batchnorm", 0, 6)]
    [InlineData("pytorch-converted/test_MaxPool2d", "maxpool", 0, 0)]
    [InlineData("pytorch-converted/test_AvgPool2d", "avgpool", 0, 0)]
    [InlineData("pytorch-converted/test_ReLU", "relu", 0, 0)]
    [InlineData("pytorch-converted/test_Sigmoid", "sigmoid", 0, 0)]
    [InlineData("pytorch-converted/test_Softmax", "softmax", 0, 0)]
    [InlineData("pytorch-operator/test_operator_flatten", "flatten", 0, 0)]
    [InlineData("pytorch-operator/test_operator_addconstant", "eltwise", 0, 0)]
    [InlineData("node/test_basic_conv_with_padding", "conv", 5 * 5 * 9, 9)]
    // SAME_LOWER, 3x3 stride 2 on 5x5: 3x3 outputs, padding 1 on each side.
    [InlineData("node/test_conv_with_autopad_same", "conv", 3 * 3 * 9, 9)]
    [InlineData("node/test_conv_with_strides_padding", "conv", 4 * 3 * 9, 9)]
    // pads [1, 0, 1, 0]: 1 above and below, none left and right (symmetric per axis): 4x2 outputs.
    [InlineData("node/test_conv_with_strides_and_asymmetric_padding", "conv", 4 * 2 * 9, 9)]
    [InlineData("node/test_gemm_default_no_bias", "linear", 10 * 3, 30)]
    [InlineData("node/test_matmul_2d", "linear", 4 * 3, 12)]
    [InlineData("node/test_batchnorm_example", "batchnorm", 0, 6)]
    [InlineData("node/test_layer_normalization_2d_axis_negative_1", "layernorm", 0, 8)]
    [InlineData("node/test_maxpool_2d_ceil", "maxpool", 0, 0)]
    [InlineData("node/test_maxpool_2d_precomputed_same_upper", "maxpool", 0, 0)]
    [InlineData("node/test_maxpool_2d_strides", "maxpool", 0, 0)]
    [InlineData("node/test_averagepool_2d_default", "avgpool", 0, 0)]
    [InlineData("node/test_softmax_example", "softmax", 0, 0)]
    [InlineData("node/test_flatten_axis1", "flatten", 0, 0)]
    [InlineData("node/test_relu", "relu", 0, 0)]
    public void SingleOperatorModelsImport(string test, string kind, long macs, long parameters)
    {
        var network = OnnxImporter.Load(Model(test));
        var layer = Assert.Single(network.Layers);
        Assert.Equal(kind, layer.Kind);
        Assert.Equal(macs, network.Macs);
        Assert.Equal(parameters, network.Params);
    }

    [Theory]
    [InlineData("node/test_maxpool_2d_ceil", new[] { 1, 2, 2 })]
    [InlineData("node/test_maxpool_2d_precomputed_same_upper", new[] { 1, 3, 3 })]
    [InlineData("node/test_maxpool_2d_strides", new[] { 3, 10, 10 })]
    [InlineData("pytorch-converted/test_MaxPool2d", new[] { 3, 4, 4 })]
    [InlineData("node/test_relu", new[] { 4, 5 })]
    public void PoolingAndShapesFollowOnnx(string test, int[] shape) =>
        Assert.Equal(new Shape(shape), OnnxImporter.Load(Model(test)).Layers[^1].Output);

    [Theory]
    [InlineData("node/test_averagepool_2d_same_upper", "(AveragePool): attribute 'pads'")]
    [InlineData("node/test_maxpool_2d_dilations", "(MaxPool): attribute 'dilations' = [2, 2]")]
    [InlineData("node/test_gemm_transposeA", "(Gemm): attribute 'transA' = 1")]
    [InlineData("node/test_flatten_axis2", "(Flatten): attribute 'axis' = 2")]
    [InlineData("node/test_layer_normalization_4d_axis1", "(LayerNormalization): attribute 'axis' = 1")]
    // The kernels' LayerNorm and average pooling match ONNX only with these attributes at their PyTorch values.
    [InlineData("node/test_layer_normalization_3d_axis_negative_1_epsilon", "(LayerNormalization): attribute 'epsilon' = 0.1")]
    [InlineData("node/test_averagepool_2d_precomputed_pads", "(AveragePool): attribute 'count_include_pad' = 0")]
    [InlineData("node/test_gemm_default_matrix_bias", "(Gemm): the bias C [3, 4] differs between rows")]
    [InlineData("node/test_transpose_all_permutations_0", "no operator of the graph becomes a layer")]
    [InlineData("node/test_softmax_axis_1", "(Softmax): attribute 'axis' = 1")]
    [InlineData("node/test_maxpool_3d_default", "network input 'x' has rank 5")]
    [InlineData("node/test_clip_default_min", "node 'Clip_0' (Clip): the minimum (input 1, 'min') must be a constant")]
    [InlineData("node/test_globalaveragepool", "opset 1 is not supported")]
    [InlineData("pytorch-converted/test_ELU", "operator 'Elu' is not supported")]
    [InlineData("pytorch-operator/test_operator_chunk", "network input '0' has rank 1")]
    public void UnsupportedModelsNameTheProblem(string test, string expected)
    {
        var e = Assert.Throws<InputException>(() => OnnxImporter.Load(Model(test)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TensorFilesDecode()
    {
        // x = arange(25) as a 1x1x5x5 float tensor in raw_data; the weights are ones.
        using (var x = File.OpenRead(Path.Combine(Path.GetDirectoryName(Model("node/test_basic_conv_with_padding"))!, "test_data_set_0", "input_0.pb")))
        {
            var t = OnnxReader.ReadTensorFile(x);
            Assert.Equal([1L, 1, 5, 5], t.Dims);
            var (ints, floats) = TensorData.Decode(t, "input_0.pb");
            Assert.Null(ints);
            Assert.Equal(Enumerable.Range(0, 25).Select(i => (double)i), floats!);
        }
        using var w = File.OpenRead(Path.Combine(Path.GetDirectoryName(Model("node/test_basic_conv_with_padding"))!, "test_data_set_0", "input_1.pb"));
        Assert.Equal(Enumerable.Repeat(1.0, 9), TensorData.Decode(OnnxReader.ReadTensorFile(w), "input_1.pb").Floats!);
    }
}
