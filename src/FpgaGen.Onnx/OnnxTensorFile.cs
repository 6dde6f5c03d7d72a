using Google.Protobuf;

namespace FpgaGen.Onnx;

/// <summary>One serialized TensorProto (.pb), as the ONNX backend tests store their inputs and expected outputs.</summary>
public sealed record OnnxTensor(string Name, long[] Dims, float[] Values);

public static class OnnxTensorFile
{
    /// <summary>Reads a tensor file; numeric values of any type come back as floats.</summary>
    public static OnnxTensor Read(string path)
    {
        using var stream = InputFile.OpenRead(path, InputFile.OnnxBytes, "ONNX tensor file");
        try
        {
            var t = OnnxReader.ReadTensorFile(stream);
            var (ints, floats) = TensorData.Decode(t, path);
            var values = floats?.Select(f => (float)f).ToArray() ?? ints?.Select(i => (float)i).ToArray()
                ?? throw new InputException($"{path}: the values of tensor '{t.Name}' ({t.DataType}) are not stored in the file or too many to read");
            return new OnnxTensor(t.Name, [.. t.Dims], values);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or CorruptModelException)
        {
            throw new InputException($"{path}: not a valid TensorProto file: {e.Message}");
        }
    }
}
