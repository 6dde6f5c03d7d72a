using System.Buffers.Binary;
using Google.Protobuf;

namespace FpgaGen.Onnx;

/// <summary>
/// Reads the values of chosen initializers (the weights) of an ONNX model. The importer keeps only small tensors
/// (shape arithmetic); this second, streaming pass over the file decodes the named ones in full, as float32:
/// float, double, float16 and bfloat16 tensors, stored in raw_data, in the typed fields, or in an external data file
/// next to the model (data_location = EXTERNAL, as exporters write models over 2 GiB). Field numbers are onnx.proto's:
/// ModelProto.graph = 7; GraphProto.initializer = 5; TensorProto dims = 1, data_type = 2, float_data = 4,
/// int32_data = 5 (float16/bfloat16 bits), name = 8, raw_data = 9, double_data = 10, external_data = 13,
/// data_location = 14; StringStringEntryProto key = 1, value = 2.
/// </summary>
public static class OnnxInitializers
{
    /// <summary>The values of the initializers named in <paramref name="names"/> that the file holds, by name.</summary>
    public static IReadOnlyDictionary<string, float[]> Read(string path, IReadOnlySet<string> names)
    {
        using var stream = InputFile.OpenRead(path, InputFile.OnnxBytes, "ONNX model");
        var found = new Dictionary<string, float[]>();
        try
        {
            var input = new CodedInputStream(stream, leaveOpen: true);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 7 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                    Message(input, () => ReadGraph(input, path, names, found));
                else input.SkipLastField();
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException($"{path}: not a valid ONNX model: the protobuf data is truncated or corrupt ({InputException.OneLine(e.Message)})");
        }
        catch (IOException e)
        {
            throw new InputException($"{path}: cannot read: {InputException.OneLine(e.Message)}");
        }
        return found;
    }

    private static void ReadGraph(CodedInputStream input, string path, IReadOnlySet<string> names, Dictionary<string, float[]> found)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 5 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                Message(input, () =>
                {
                    var t = ReadTensor(input, names);
                    if (t.Name is { } name && names.Contains(name)) found[name] = t.Decode(path);
                });
            else input.SkipLastField();
        }
    }

    private static Tensor ReadTensor(CodedInputStream input, IReadOnlySet<string> names)
    {
        var t = new Tensor();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            // Exporters write the name (8) after the values (9); values of unwanted tensors are kept as the
            // ByteString protobuf reads anyway and dropped with the tensor.
            switch (field)
            {
                case 1: t.Dims.AddEntriesFrom(input, FieldCodec.ForInt64(tag)); break;
                case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint: t.DataType = input.ReadInt32(); break;
                case 4: t.Floats.AddEntriesFrom(input, FieldCodec.ForFloat(tag)); break;
                case 5: t.Int32s.AddEntriesFrom(input, FieldCodec.ForInt32(tag)); break;
                case 8 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited: t.Name = input.ReadString(); break;
                case 9 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited: t.Raw = input.ReadBytes(); break;
                case 10: t.Doubles.AddEntriesFrom(input, FieldCodec.ForDouble(tag)); break;
                case 13 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    Message(input, () => ReadEntry(input, t.External));
                    break;
                case 14 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint: t.ExternalLocation = input.ReadInt32() == 1; break;
                default: input.SkipLastField(); break;
            }
            if (t.Name is { } n && !names.Contains(n)) t.DropValues();
        }
        return t;
    }

    private static void ReadEntry(CodedInputStream input, Dictionary<string, string> entries)
    {
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited: key = input.ReadString(); break;
                case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited: value = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        entries[key] = value;
    }

    /// <summary>Reads one length-delimited message with <paramref name="body"/>, bounded by its length prefix.</summary>
    private static void Message(CodedInputStream input, Action body) => input.ReadMessage(new SubMessage(body));

    /// <summary>Lets <see cref="CodedInputStream.ReadMessage"/> call a hand-written field loop; read-only.</summary>
    private sealed class SubMessage(Action body) : IMessage
    {
        public void MergeFrom(CodedInputStream input) => body();
        public void WriteTo(CodedOutputStream output) => throw new NotSupportedException("read-only");
        public int CalculateSize() => throw new NotSupportedException("read-only");
        public Google.Protobuf.Reflection.MessageDescriptor Descriptor => throw new NotSupportedException("no descriptors");
    }

    // ONNX TensorProto.DataType numbers (onnx.proto): FLOAT 1, FLOAT16 10, DOUBLE 11, BFLOAT16 16.
    private const int Float = 1, Float16 = 10, Double = 11, BFloat16 = 16;

    private sealed class Tensor
    {
        public string? Name;
        public int DataType;
        public readonly Google.Protobuf.Collections.RepeatedField<long> Dims = [];
        public Google.Protobuf.Collections.RepeatedField<float> Floats = [];
        public Google.Protobuf.Collections.RepeatedField<int> Int32s = [];
        public Google.Protobuf.Collections.RepeatedField<double> Doubles = [];
        public ByteString? Raw;
        public bool ExternalLocation;
        public readonly Dictionary<string, string> External = [];

        public void DropValues()
        {
            Raw = null;
            Floats = [];
            Int32s = [];
            Doubles = [];
        }

        public float[] Decode(string path)
        {
            var where = $"{path}: initializer '{InputException.OneLine(Name ?? "")}'";
            var size = DataType switch
            {
                Float => 4, Double => 8, Float16 or BFloat16 => 2,
                _ => throw new InputException($"{where} has ONNX data type {DataType}, not a floating-point type (float, double, float16, bfloat16) the simulation reads as weights"),
            };
            long count = 1;
            foreach (var d in Dims)
            {
                if (d < 0) throw new InputException($"{where} has a negative dimension");
                count = checked(count * d);
            }
            if (count > Array.MaxLength) throw new InputException($"{where} has {count} values, more than one array holds");
            var n = (int)count;
            if (ExternalLocation) return FromBytes(ReadExternal(path, where, (long)n * size), n, where);
            if (Raw is { } raw) return FromBytes(raw.Span, n, where);
            var values = DataType switch
            {
                Float => Floats.ToArray(),
                Double => Doubles.Select(v => (float)v).ToArray(),
                Float16 => Int32s.Select(b => (float)BitConverter.UInt16BitsToHalf((ushort)b)).ToArray(),
                _ => Int32s.Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray(),
            };
            if (values.Length != n) throw new InputException($"{where} holds {values.Length} values for a shape of {n} elements");
            return values;
        }

        private float[] FromBytes(ReadOnlySpan<byte> raw, int n, string where)
        {
            var size = DataType switch { Float => 4, Double => 8, _ => 2 };
            if (raw.Length != (long)n * size)
                throw new InputException($"{where}: its data holds {raw.Length} bytes, but {n} values need {(long)n * size}");
            var r = new float[n];
            for (var i = 0; i < n; i++)
                r[i] = DataType switch
                {
                    Float => BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]),
                    Double => (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]),
                    Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]),
                    _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16),
                };
            return r;
        }

        /// <summary>
        /// The bytes of external data: "location" is a path relative to the model's folder (onnx/docs/ExternalData.md),
        /// refused if it leaves that folder; "offset" and "length" are optional.
        /// </summary>
        private byte[] ReadExternal(string path, string where, long bytes)
        {
            if (!External.TryGetValue("location", out var location) || location.Length == 0)
                throw new InputException($"{where} is stored externally but names no 'location'");
            var folder = Path.GetFullPath(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var file = Path.GetFullPath(Path.Combine(folder, location));
            if (Path.IsPathRooted(location) || !file.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InputException($"{where}: external data location '{InputException.OneLine(location)}' is not a file inside the model's folder");
            long offset = 0;
            if (External.TryGetValue("offset", out var o) && (!long.TryParse(o, out offset) || offset < 0))
                throw new InputException($"{where}: external data offset '{InputException.OneLine(o)}' is not a byte offset");
            if (External.TryGetValue("length", out var l) && (!long.TryParse(l, out var length) || length != bytes))
                throw new InputException($"{where}: external data length '{InputException.OneLine(l)}' is not the {bytes} bytes the tensor needs");
            using var s = InputFile.OpenRead(file, InputFile.OnnxBytes * 8, "ONNX external data file");
            if (offset + bytes > s.Length)
                throw new InputException($"{file}: {s.Length} bytes, but initializer '{InputException.OneLine(Name ?? "")}' needs {bytes} at offset {offset}; is it cut off?");
            s.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[bytes];
            s.ReadExactly(buffer);
            return buffer;
        }
    }
}
