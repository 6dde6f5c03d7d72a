using System.Buffers.Binary;

namespace FpgaGen.Onnx;

/// <summary>Decodes the values of a (small) TensorProto: raw_data little-endian, or the typed repeated fields.</summary>
internal static class TensorData
{
    /// <summary>Integer and bool tensors as longs, floating-point ones as doubles; null when the values are not kept.</summary>
    public static (long[]? Ints, double[]? Floats) Decode(TensorMessage t, string where)
    {
        if (t.ValuesSkipped || t.External || t.Elements > OnnxReader.MaxKeptElements) return (null, null);
        var n = checked((int)t.Elements);
        if (t.RawData is { } raw)
        {
            var size = ElementSize(t.DataType);
            if (size == 0) return (null, null);
            if (raw.Length != (long)n * size)
                throw new CorruptModelException($"{where}: raw_data holds {raw.Length} bytes, but {n} elements of {t.DataType} need {(long)n * size}");
            return t.DataType.IsFloat() ? (null, FloatsFromRaw(raw, t.DataType, n)) : (IntsFromRaw(raw, t.DataType, n), null);
        }
        (long[]? ints, double[]? floats) = t.DataType switch
        {
            DataType.Float => (null, t.FloatData.Select(f => (double)f).ToArray()),
            DataType.Double => (null, t.DoubleData.ToArray()),
            DataType.Float16 => (null, t.Int32Data.Select(b => (double)BitConverter.UInt16BitsToHalf((ushort)b)).ToArray()),
            DataType.BFloat16 => (null, t.Int32Data.Select(b => (double)BitConverter.Int32BitsToSingle(b << 16)).ToArray()),
            DataType.Int64 => (t.Int64Data.ToArray(), null),
            DataType.UInt32 or DataType.UInt64 => (t.UInt64Data.Select(v => unchecked((long)v)).ToArray(), null),
            DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.UInt16 or DataType.UInt8 or DataType.Bool =>
                (t.Int32Data.Select(v => (long)v).ToArray(), null),
            _ => ((long[]?)null, (double[]?)null),
        };
        var count = ints?.Length ?? floats?.Length ?? 0;
        if (ints is null && floats is null) return (null, null);
        if (count != n) throw new CorruptModelException($"{where}: holds {count} values for a shape of {n} elements");
        return (ints, floats);
    }

    public static int ElementSize(DataType t) => t switch
    {
        DataType.Float or DataType.Int32 or DataType.UInt32 => 4,
        DataType.Double or DataType.Int64 or DataType.UInt64 => 8,
        DataType.Float16 or DataType.BFloat16 or DataType.Int16 or DataType.UInt16 => 2,
        DataType.Int8 or DataType.UInt8 or DataType.Bool => 1,
        _ => 0,
    };

    private static double[] FloatsFromRaw(byte[] raw, DataType type, int n)
    {
        var r = new double[n];
        for (var i = 0; i < n; i++)
            r[i] = type switch
            {
                DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * i)),
                DataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(8 * i)),
                DataType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(raw.AsSpan(2 * i)),
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * i)) << 16),
            };
        return r;
    }

    private static long[] IntsFromRaw(byte[] raw, DataType type, int n)
    {
        var r = new long[n];
        for (var i = 0; i < n; i++)
            r[i] = type switch
            {
                DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(8 * i)),
                DataType.UInt64 => unchecked((long)BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(8 * i))),
                DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(4 * i)),
                DataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(4 * i)),
                DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(2 * i)),
                DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * i)),
                DataType.Int8 => (sbyte)raw[i],
                _ => raw[i],
            };
        return r;
    }
}
