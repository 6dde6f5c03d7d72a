using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace FpgaGen.Simulation;

/// <summary>
/// Reads model weights from a NumPy .npz archive (np.savez of a PyTorch state_dict converted with .numpy()): one
/// .npy array per tensor, named "layer.param" as <see cref="FpgaGen.Codegen.Weights.ModelParameters"/> lists them.
/// Float32, float64 and float16 little-endian arrays in C order (the .npy format, version 1 to 3). Nothing in the
/// archive is trusted: an entry is read up to <see cref="MaxArrayBytes"/> whatever its zip header claims, and its
/// .npy header is checked against the bytes actually there.
/// </summary>
public static partial class NpzFile
{
    /// <summary>Largest array read (the .NET array limit); the largest weight of the zoo networks is ~400 MiB in fp64.</summary>
    public const int MaxArrayBytes = int.MaxValue - 64;

    /// <summary>Largest .npy header; NumPy writes 64 to a few hundred bytes (the format allows 4 GiB in v2).</summary>
    public const int MaxHeaderBytes = 1 << 16;

    /// <summary>Most arrays in one archive; a model has a few hundred tensors.</summary>
    public const int MaxArrays = 100_000;

    public static IReadOnlyDictionary<string, float[]> Read(string path)
    {
        var result = new Dictionary<string, float[]>();
        using var file = InputFile.OpenRead(path, InputFile.ArrayBytes, "NumPy .npz archive");
        try
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxArrays) throw new InputException($"{path}: {zip.Entries.Count} entries; at most {MaxArrays} arrays expected");
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                var where = $"{path}:{InputException.OneLine(entry.FullName)}";
                if (entry.Length > MaxArrayBytes) throw new InputException($"{where}: the array is larger than 2 GiB");
                using var s = entry.Open();
                var buffer = new MemoryStream((int)Math.Min(Math.Max(entry.Length, 0), 1 << 24));
                InputFile.CopyBounded(s, buffer, MaxArrayBytes, where, "array");
                if (buffer.Length != entry.Length)
                    throw new InputException($"{where}: the archive says {entry.Length} bytes but the entry holds {buffer.Length}; the archive is damaged");
                result[entry.FullName[..^4]] = ReadNpy(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), where);
            }
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path}: not a .npz (zip) archive or a damaged one: {InputException.OneLine(e.Message)}");
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            throw new InputException($"{path}: cannot read the archive (damaged or cut off?): {InputException.OneLine(e.Message)}");
        }
        if (result.Count == 0) throw new InputException($"{path}: no .npy arrays in the archive");
        return result;
    }

    /// <summary>One .npy array: magic, version, header length (2 bytes in v1, 4 in v2/v3), the header, the data.</summary>
    internal static float[] ReadNpy(ReadOnlySpan<byte> b, string where)
    {
        if (b.Length < 10 || b[0] != 0x93 || Encoding.ASCII.GetString(b.Slice(1, 5)) != "NUMPY")
            throw new InputException($"{where}: not a .npy array (missing \\x93NUMPY magic)");
        var major = b[6];
        if (major is < 1 or > 3) throw new InputException($"{where}: .npy format version {major} is not supported (expected 1 to 3)");
        var start = major == 1 ? 10 : 12;
        if (b.Length < start) throw new InputException($"{where}: truncated .npy header ({b.Length} bytes)");
        long headerLen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(b[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
        if (headerLen > MaxHeaderBytes) throw new InputException($"{where}: .npy header of {headerLen} bytes; at most {MaxHeaderBytes} expected");
        if (start + headerLen > b.Length) throw new InputException($"{where}: truncated .npy header ({headerLen} bytes announced, {b.Length - start} there)");
        var header = Encoding.Latin1.GetString(b.Slice(start, (int)headerLen));
        var descr = Descr().Match(header);
        if (!descr.Success) throw new InputException($"{where}: .npy header without 'descr'");
        if (header.Contains("'fortran_order': True")) throw new InputException($"{where}: Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
        var type = descr.Groups[1].Value;
        var size = type switch
        {
            "<f4" => 4, "<f8" => 8, "<f2" => 2,
            _ => throw new InputException($"{where}: data type '{InputException.OneLine(type)}' is not supported (expected <f4, <f8 or <f2)"),
        };
        var data = b[(start + (int)headerLen)..];
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
