using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace FpgaGen.Simulation;

/// <summary>
/// Reads model weights from a NumPy .npz archive (np.savez of a PyTorch state_dict converted with .numpy()): one
/// .npy array per tensor, named "layer.param" as <see cref="FpgaGen.Codegen.Weights.ModelParameters"/> lists them.
/// Float32, float64 and float16 little-endian arrays in C order (the .npy format, version 1 to 3).
/// </summary>
public static partial class NpzFile
{
    public static IReadOnlyDictionary<string, float[]> Read(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: file not found");
        var result = new Dictionary<string, float[]>();
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                if (entry.Length > int.MaxValue) throw new InputException($"{path}: array {entry.FullName} is larger than 2 GiB");
                using var s = entry.Open();
                var bytes = new byte[entry.Length];
                s.ReadExactly(bytes);
                result[entry.FullName[..^4]] = ReadNpy(bytes, $"{path}:{entry.FullName}");
            }
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path}: not a .npz (zip) archive: {e.Message}");
        }
        if (result.Count == 0) throw new InputException($"{path}: no .npy arrays in the archive");
        return result;
    }

    private static float[] ReadNpy(byte[] b, string where)
    {
        if (b.Length < 10 || b[0] != 0x93 || Encoding.ASCII.GetString(b, 1, 5) != "NUMPY")
            throw new InputException($"{where}: not a .npy array (missing \\x93NUMPY magic)");
        var major = b[6];
        var (headerLen, start) = major == 1 ? (BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8)), 10) : ((int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8)), 12);
        if (start + headerLen > b.Length) throw new InputException($"{where}: truncated .npy header");
        var header = Encoding.Latin1.GetString(b, start, headerLen);
        var descr = Descr().Match(header);
        if (!descr.Success) throw new InputException($"{where}: .npy header without 'descr'");
        if (header.Contains("'fortran_order': True")) throw new InputException($"{where}: Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
        var type = descr.Groups[1].Value;
        var size = type switch { "<f4" => 4, "<f8" => 8, "<f2" => 2, _ => throw new InputException($"{where}: data type '{type}' is not supported (expected <f4, <f8 or <f2)") };
        var data = b.AsSpan(start + headerLen);
        if (data.Length % size != 0) throw new InputException($"{where}: data is not a whole number of {type} values");
        var values = new float[data.Length / size];
        for (var i = 0; i < values.Length; i++)
            values[i] = size switch
            {
                4 => BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]),
                8 => (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]),
                _ => (float)BinaryPrimitives.ReadHalfLittleEndian(data[(2 * i)..]),
            };
        return values;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex Descr();
}
