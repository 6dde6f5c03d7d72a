using Google.Protobuf;
using Google.Protobuf.Collections;

namespace FpgaGen.Onnx;

/// <summary>
/// Reads an ONNX ModelProto from a stream with Google.Protobuf's <see cref="CodedInputStream"/>, by hand, on the
/// field numbers of onnx.proto (cited at each case). Only what the importer needs is kept; the rest is skipped as
/// raw bytes. Sizes are bounded: every nested message is read through <see cref="CodedInputStream.ReadMessage"/>,
/// which rejects a length prefix that runs past its enclosing message before reading anything, and tensor values are
/// kept only for small tensors (shape arithmetic); weights are skipped without being allocated.
/// </summary>
internal static class OnnxReader
{
    /// <summary>Tensors with more elements than this keep their shape only (shape tensors have a handful).</summary>
    public const int MaxKeptElements = 4096;

    public static ModelMessage ReadModel(Stream stream)
    {
        var input = new CodedInputStream(stream, leaveOpen: true);
        var model = new ModelMessage();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Want(tag, WireFormat.WireType.Varint, "ModelProto.ir_version"); model.IrVersion = input.ReadInt64(); break;
                case 2: Want(tag, WireFormat.WireType.LengthDelimited, "ModelProto.producer_name"); model.ProducerName = Text(input); break;
                case 3: Want(tag, WireFormat.WireType.LengthDelimited, "ModelProto.producer_version"); model.ProducerVersion = Text(input); break;
                case 7: Want(tag, WireFormat.WireType.LengthDelimited, "ModelProto.graph"); model.Graph = Message(input, ReadGraph); break;
                case 8: Want(tag, WireFormat.WireType.LengthDelimited, "ModelProto.opset_import"); model.Opsets.Add(Message(input, ReadOpset)); break;
                default: input.SkipLastField(); break;
            }
        }
        return model;
    }

    /// <summary>A serialized TensorProto on its own (the test_data_set files of the ONNX backend tests).</summary>
    public static TensorMessage ReadTensorFile(Stream stream) => ReadTensor(new CodedInputStream(stream, leaveOpen: true));

    // OperatorSetIdProto: domain = 1, version = 2.
    private static (string, long) ReadOpset(CodedInputStream input)
    {
        var (domain, version) = ("", 0L);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Want(tag, WireFormat.WireType.LengthDelimited, "OperatorSetIdProto.domain"); domain = Text(input); break;
                case 2: Want(tag, WireFormat.WireType.Varint, "OperatorSetIdProto.version"); version = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (domain, version);
    }

    // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12 (value_info = 13 is not needed:
    // the importer infers every intermediate shape itself).
    private static GraphMessage ReadGraph(CodedInputStream input)
    {
        var graph = new GraphMessage();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Want(tag, WireFormat.WireType.LengthDelimited, "GraphProto.node"); graph.Nodes.Add(Message(input, ReadNode)); break;
                case 2: Want(tag, WireFormat.WireType.LengthDelimited, "GraphProto.name"); graph.Name = Text(input); break;
                case 5: Want(tag, WireFormat.WireType.LengthDelimited, "GraphProto.initializer"); graph.Initializers.Add(Message(input, ReadTensor)); break;
                case 11: Want(tag, WireFormat.WireType.LengthDelimited, "GraphProto.input"); graph.Inputs.Add(Message(input, ReadValueInfo)); break;
                case 12: Want(tag, WireFormat.WireType.LengthDelimited, "GraphProto.output"); graph.Outputs.Add(Message(input, ReadValueInfo)); break;
                default: input.SkipLastField(); break;
            }
        }
        return graph;
    }

    // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7.
    private static NodeMessage ReadNode(CodedInputStream input)
    {
        var node = new NodeMessage();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Want(tag, WireFormat.WireType.LengthDelimited, "NodeProto.input"); node.Inputs.Add(Text(input)); break;
                case 2: Want(tag, WireFormat.WireType.LengthDelimited, "NodeProto.output"); node.Outputs.Add(Text(input)); break;
                case 3: Want(tag, WireFormat.WireType.LengthDelimited, "NodeProto.name"); node.Name = Text(input); break;
                case 4: Want(tag, WireFormat.WireType.LengthDelimited, "NodeProto.op_type"); node.OpType = Text(input); break;
                case 5: Want(tag, WireFormat.WireType.LengthDelimited, "NodeProto.attribute"); node.Attributes.Add(Message(input, ReadAttribute)); break;
                case 7: Want(tag, WireFormat.WireType.LengthDelimited, "NodeProto.domain"); node.Domain = Text(input); break;
                default: input.SkipLastField(); break;
            }
        }
        return node;
    }

    // AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, g = 6, floats = 7, ints = 8, type = 20. Graph-valued
    // attributes (If/Loop bodies) are skipped: no supported operator has one.
    private static AttributeMessage ReadAttribute(CodedInputStream input)
    {
        var a = new AttributeMessage();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Want(tag, WireFormat.WireType.LengthDelimited, "AttributeProto.name"); a.Name = Text(input); break;
                case 2: Want(tag, WireFormat.WireType.Fixed32, "AttributeProto.f"); a.F = input.ReadFloat(); a.HasF = true; break;
                case 3: Want(tag, WireFormat.WireType.Varint, "AttributeProto.i"); a.I = input.ReadInt64(); a.HasI = true; break;
                case 4: Want(tag, WireFormat.WireType.LengthDelimited, "AttributeProto.s"); a.S = Printable(input.ReadBytes().ToStringUtf8()); a.HasS = true; break;
                case 5: Want(tag, WireFormat.WireType.LengthDelimited, "AttributeProto.t"); a.T = Message(input, ReadTensor); break;
                case 6: a.HasSubgraph = true; input.SkipLastField(); break;
                case 7: Repeated(input, FieldCodec.ForFloat(tag), a.Floats); break;
                case 8: Repeated(input, FieldCodec.ForInt64(tag), a.Ints); break;
                case 20: Want(tag, WireFormat.WireType.Varint, "AttributeProto.type"); a.Type = (AttributeType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        return a;
    }

    // TensorProto: dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7, name = 8, raw_data = 9,
    // double_data = 10, uint64_data = 11, data_location = 14 (1 = EXTERNAL). Serializers write fields in number
    // order, so dims are known when the values arrive and a large tensor's values are skipped unread.
    private static TensorMessage ReadTensor(CodedInputStream input)
    {
        var t = new TensorMessage();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            if (field is 4 or 5 or 7 or 9 or 10 or 11 && t.Elements > MaxKeptElements)
            {
                t.ValuesSkipped = true;
                input.SkipLastField();
                continue;
            }
            switch (field)
            {
                case 1: Repeated(input, FieldCodec.ForInt64(tag), t.Dims); break;
                case 2: Want(tag, WireFormat.WireType.Varint, "TensorProto.data_type"); t.DataType = (DataType)input.ReadInt32(); break;
                case 4: Repeated(input, FieldCodec.ForFloat(tag), t.FloatData); break;
                case 5: Repeated(input, FieldCodec.ForInt32(tag), t.Int32Data); break;
                case 7: Repeated(input, FieldCodec.ForInt64(tag), t.Int64Data); break;
                case 8: Want(tag, WireFormat.WireType.LengthDelimited, "TensorProto.name"); t.Name = Text(input); break;
                case 9: Want(tag, WireFormat.WireType.LengthDelimited, "TensorProto.raw_data"); t.RawData = input.ReadBytes().ToByteArray(); break;
                case 10: Repeated(input, FieldCodec.ForDouble(tag), t.DoubleData); break;
                case 11: Repeated(input, FieldCodec.ForUInt64(tag), t.UInt64Data); break;
                case 14: Want(tag, WireFormat.WireType.Varint, "TensorProto.data_location"); t.External = input.ReadInt32() == 1; break;
                default: input.SkipLastField(); break;
            }
        }
        // Values that arrived before their dims (an unusual field order) are dropped here if the tensor is large.
        if (t.Elements > MaxKeptElements && (t.RawData ?? []).Length + t.FloatData.Count + t.Int32Data.Count + t.Int64Data.Count
                + t.DoubleData.Count + t.UInt64Data.Count > 0)
        {
            t.RawData = null;
            t.FloatData.Clear(); t.Int32Data.Clear(); t.Int64Data.Clear(); t.DoubleData.Clear(); t.UInt64Data.Clear();
            t.ValuesSkipped = true;
        }
        return t;
    }

    // ValueInfoProto: name = 1, type = 2. TypeProto: tensor_type = 1 (other kinds: sequences, maps, are not tensors).
    private static ValueInfoMessage ReadValueInfo(CodedInputStream input)
    {
        var v = new ValueInfoMessage();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Want(tag, WireFormat.WireType.LengthDelimited, "ValueInfoProto.name"); v.Name = Text(input); break;
                case 2: Want(tag, WireFormat.WireType.LengthDelimited, "ValueInfoProto.type"); Message(input, i => ReadType(i, v)); break;
                default: input.SkipLastField(); break;
            }
        }
        return v;
    }

    private static bool ReadType(CodedInputStream input, ValueInfoMessage v)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                Want(tag, WireFormat.WireType.LengthDelimited, "TypeProto.tensor_type");
                Message(input, i => ReadTensorType(i, v));
            }
            else input.SkipLastField();
        }
        return true;
    }

    // TypeProto.Tensor: elem_type = 1, shape = 2. TensorShapeProto: dim = 1. Dimension: dim_value = 1, dim_param = 2.
    private static bool ReadTensorType(CodedInputStream input, ValueInfoMessage v)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Want(tag, WireFormat.WireType.Varint, "TypeProto.Tensor.elem_type"); v.ElemType = (DataType)input.ReadInt32(); break;
                case 2: Want(tag, WireFormat.WireType.LengthDelimited, "TypeProto.Tensor.shape"); v.Shape = Message(input, ReadShape); break;
                default: input.SkipLastField(); break;
            }
        }
        return true;
    }

    private static List<DimMessage> ReadShape(CodedInputStream input)
    {
        var dims = new List<DimMessage>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                Want(tag, WireFormat.WireType.LengthDelimited, "TensorShapeProto.dim");
                dims.Add(Message(input, ReadDim));
            }
            else input.SkipLastField();
        }
        return dims;
    }

    private static DimMessage ReadDim(CodedInputStream input)
    {
        var dim = new DimMessage(null, null);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Want(tag, WireFormat.WireType.Varint, "Dimension.dim_value"); dim = new DimMessage(input.ReadInt64(), null); break;
                case 2: Want(tag, WireFormat.WireType.LengthDelimited, "Dimension.dim_param"); dim = new DimMessage(null, Text(input)); break;
                default: input.SkipLastField(); break;
            }
        }
        return dim;
    }

    /// <summary>
    /// A string field. Names end up in one-line error messages, so control characters (only a damaged or hostile
    /// file has them) become '?'; every reference to a name is read the same way, so the graph's wiring is kept.
    /// </summary>
    private static string Text(CodedInputStream input) => Printable(input.ReadString());

    private static string Printable(string s) => s.Any(char.IsControl) ? new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : s;

    /// <summary>A repeated scalar field, packed (one length-delimited run) or not (one tag per value).</summary>
    private static void Repeated<T>(CodedInputStream input, FieldCodec<T> codec, List<T> into)
    {
        var values = new RepeatedField<T>();
        values.AddEntriesFrom(input, codec);
        into.AddRange(values);
    }

    /// <summary>
    /// Reads one length-prefixed sub-message. <see cref="CodedInputStream"/>'s PushLimit is internal; ReadMessage with
    /// an <see cref="IMessage"/> is its public way to bound a sub-message: it fails on a length beyond the enclosing
    /// message before reading, ends ReadTag at the limit, and checks that the content ended exactly there.
    /// </summary>
    private static T Message<T>(CodedInputStream input, Func<CodedInputStream, T> parse)
    {
        var reader = new SubMessage<T>(parse);
        input.ReadMessage(reader);
        return reader.Value!;
    }

    private static void Want(uint tag, WireFormat.WireType expected, string field)
    {
        var actual = WireFormat.GetTagWireType(tag);
        if (actual != expected) throw new CorruptModelException($"field {field} has wire type {(int)actual}, expected {(int)expected}");
    }

    /// <summary>Adapter that lets <see cref="CodedInputStream.ReadMessage"/> call a hand-written field loop; read-only.</summary>
    private sealed class SubMessage<T>(Func<CodedInputStream, T> parse) : IMessage
    {
        public T? Value { get; private set; }
        public void MergeFrom(CodedInputStream input) => Value = parse(input);
        public void WriteTo(CodedOutputStream output) => throw new NotSupportedException("the ONNX reader only reads");
        public int CalculateSize() => throw new NotSupportedException("the ONNX reader only reads");
        public Google.Protobuf.Reflection.MessageDescriptor Descriptor => throw new NotSupportedException("the ONNX reader has no descriptors");
    }
}

/// <summary>The bytes are not a well-formed ONNX protobuf (wrong wire type for a known field).</summary>
internal sealed class CorruptModelException(string message) : Exception(message);
