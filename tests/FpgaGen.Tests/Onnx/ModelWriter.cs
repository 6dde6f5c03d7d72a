using Google.Protobuf;

namespace FpgaGen.Tests.Onnx;

/// <summary>Writes one protobuf message field by field (tests build small ONNX models with it).</summary>
internal sealed class Proto
{
    private readonly MemoryStream buffer = new();
    private readonly CodedOutputStream output;

    public Proto() => output = new CodedOutputStream(buffer);

    public Proto Varint(int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
        return this;
    }

    public Proto Float(int field, float value)
    {
        output.WriteTag(field, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
        return this;
    }

    public Proto String(int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
        return this;
    }

    public Proto Message(int field, Proto message)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(message.ToBytes()));
        return this;
    }

    public byte[] ToBytes()
    {
        output.Flush();
        return buffer.ToArray();
    }
}

/// <summary>
/// Small ONNX models for the importer tests, on onnx.proto's field numbers: ModelProto ir_version 1, graph 7,
/// opset_import 8; GraphProto node 1, input 11, output 12; NodeProto input 1, output 2, name 3, op_type 4, attribute 5;
/// AttributeProto name 1, f 2, i 3, ints 8, type 20; ValueInfoProto name 1, type 2; TypeProto tensor_type 1;
/// Tensor elem_type 1, shape 2; TensorShapeProto dim 1; Dimension dim_value 1.
/// </summary>
internal static class ModelWriter
{
    public static Proto Node(string name, string op, string[] inputs, string[] outputs, params Proto[] attributes)
    {
        var node = new Proto();
        foreach (var i in inputs) node.String(1, i);
        foreach (var o in outputs) node.String(2, o);
        node.String(3, name).String(4, op);
        foreach (var a in attributes) node.Message(5, a);
        return node;
    }

    public static Proto Ints(string name, params long[] values)
    {
        var a = new Proto().String(1, name);
        foreach (var v in values) a.Varint(8, v);
        return a.Varint(20, 7);
    }

    public static Proto Int(string name, long value) => new Proto().String(1, name).Varint(3, value).Varint(20, 2);

    public static Proto FloatAttribute(string name, float value) => new Proto().String(1, name).Float(2, value).Varint(20, 1);

    /// <summary>A Constant node (opset 12+ value_float / value_ints attributes).</summary>
    public static Proto Constant(string output, float value) => Node(output, "Constant", [], [output], FloatAttribute("value_float", value));

    public static Proto Constant(string output, params long[] values) => Node(output, "Constant", [], [output], Ints("value_ints", values));

    public static Proto Tensor(string name, params long[] dims)
    {
        var shape = new Proto();
        foreach (var d in dims) shape.Message(1, new Proto().Varint(1, d));
        var tensorType = new Proto().Varint(1, 1).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    public static byte[] OnnxModel(int opset, Proto[] nodes, Proto[] inputs, Proto[] outputs)
    {
        var graph = new Proto();
        foreach (var n in nodes) graph.Message(1, n);
        graph.String(2, "test");
        foreach (var i in inputs) graph.Message(11, i);
        foreach (var o in outputs) graph.Message(12, o);
        return new Proto().Varint(1, 8).String(2, "tests").Message(7, graph).Message(8, new Proto().String(1, "").Varint(2, opset)).ToBytes();
    }

    /// <summary>conv (3→8, 3×3, pad 1) → relu on a 1×3×8×8 input: the base the error tests break.</summary>
    public static byte[] ConvRelu(Proto? convAttribute = null, string reluOp = "Relu", string reluInput = "c") => OnnxModel(13,
        [
            Node("conv", "Conv", ["x", "w"], ["c"], [Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), .. convAttribute is null ? Array.Empty<Proto>() : [convAttribute]]),
            Node("act", reluOp, [reluInput], ["y"]),
        ],
        [Tensor("x", 1, 3, 8, 8), Tensor("w", 8, 3, 3, 3)],
        [Tensor("y", 1, 8, 8, 8)]);
}

/// <summary>A temporary file that deletes itself.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(byte[] content, string extension = ".onnx")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fpgagen-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
