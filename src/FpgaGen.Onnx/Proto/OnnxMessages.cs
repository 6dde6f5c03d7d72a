namespace FpgaGen.Onnx;

/// <summary>TensorProto.DataType of onnx.proto (the element type of a tensor).</summary>
internal enum DataType
{
    Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9,
    Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, Complex64 = 14, Complex128 = 15, BFloat16 = 16,
}

internal static class DataTypes
{
    public static bool IsFloat(this DataType t) => t is DataType.Float or DataType.Double or DataType.Float16 or DataType.BFloat16;

    public static bool IsInteger(this DataType t) => t is DataType.UInt8 or DataType.Int8 or DataType.UInt16 or DataType.Int16
        or DataType.Int32 or DataType.Int64 or DataType.UInt32 or DataType.UInt64 or DataType.Bool;
}

/// <summary>The parts of ModelProto the importer uses; everything else in the file is skipped.</summary>
internal sealed class ModelMessage
{
    public long IrVersion { get; set; }
    public string ProducerName { get; set; } = "";
    public string ProducerVersion { get; set; } = "";
    public GraphMessage? Graph { get; set; }
    public List<(string Domain, long Version)> Opsets { get; } = [];
}

internal sealed class GraphMessage
{
    public string Name { get; set; } = "";
    public List<NodeMessage> Nodes { get; } = [];
    public List<TensorMessage> Initializers { get; } = [];
    public List<ValueInfoMessage> Inputs { get; } = [];
    public List<ValueInfoMessage> Outputs { get; } = [];
}

internal sealed class NodeMessage
{
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];
    public string Name { get; set; } = "";
    public string OpType { get; set; } = "";
    public string Domain { get; set; } = "";
    public List<AttributeMessage> Attributes { get; } = [];
}

/// <summary>AttributeProto.AttributeType of onnx.proto.</summary>
internal enum AttributeType
{
    Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7, Strings = 8, Tensors = 9,
    Graphs = 10, SparseTensor = 11, SparseTensors = 12, TypeProto = 13, TypeProtos = 14,
}

internal sealed class AttributeMessage
{
    public string Name { get; set; } = "";
    public AttributeType Type { get; set; }
    public float F { get; set; }
    public long I { get; set; }
    public string S { get; set; } = "";
    public TensorMessage? T { get; set; }
    public List<float> Floats { get; } = [];
    public List<long> Ints { get; } = [];

    /// <summary>Which value fields were present, for files that leave <see cref="Type"/> unset (IR version 1).</summary>
    public bool HasF, HasI, HasS, HasSubgraph;
}

internal sealed class TensorMessage
{
    public string Name { get; set; } = "";
    public List<long> Dims { get; } = [];
    public DataType DataType { get; set; }
    public byte[]? RawData { get; set; }
    public List<float> FloatData { get; } = [];
    public List<int> Int32Data { get; } = [];
    public List<long> Int64Data { get; } = [];
    public List<double> DoubleData { get; } = [];
    public List<ulong> UInt64Data { get; } = [];

    /// <summary>data_location = EXTERNAL: the values live in another file, which the importer never needs.</summary>
    public bool External { get; set; }

    /// <summary>The values were present but larger than the importer keeps (weights); only the shape is known.</summary>
    public bool ValuesSkipped { get; set; }

    public long Elements => Dims.Aggregate(1L, (a, d) => d < 0 || a > long.MaxValue / Math.Max(d, 1) ? long.MaxValue : a * d);
}

/// <summary>One axis of a TensorShapeProto: a number, a symbolic name (dim_param), or neither.</summary>
internal readonly record struct DimMessage(long? Value, string? Param);

internal sealed class ValueInfoMessage
{
    public string Name { get; set; } = "";
    public DataType ElemType { get; set; }

    /// <summary>Null when the type has no shape (rank unknown).</summary>
    public List<DimMessage>? Shape { get; set; }
}
