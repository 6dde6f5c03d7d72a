using System.Globalization;
using System.Text;
using System.Text.Json;
using FpgaGen.Codegen.Reference;
using FpgaGen.Model;

namespace FpgaGen.Simulation;

/// <summary>
/// Calibration of fixed-point designs on real inputs: the largest |value| every tensor of the network reaches over a
/// set of inputs, measured with the float reference (<see cref="NetworkReference"/>). Written as the ranges file that
/// int8/int16 weight packing reads (a JSON object, calibration key → largest |value|: the `--calibration` file of a
/// generated project's tools/pack_weights.py, and <see cref="Codegen.Weights.WeightPacker"/>'s ranges). Keys are
/// layer names, "input", and attention parts ("layer/qkv", …).
/// </summary>
public static class ActivationRanges
{
    public const long MaxFileBytes = InputFile.DocumentBytes;

    /// <summary>The largest |value| of each tensor over all inputs; progress is reported after each input.</summary>
    public static IReadOnlyDictionary<string, double> Measure(Network net, IReadOnlyDictionary<string, float[]> weights, IReadOnlyList<Func<float[]>> inputs,
        int batch = 1, IProgress<(int Done, int Total)>? progress = null, NetworkReference.LinearKernel? linear = null)
    {
        if (inputs.Count == 0) throw new InputException("calibration needs at least one input");
        var ranges = new Dictionary<string, double>();
        for (var i = 0; i < inputs.Count; i++)
        {
            foreach (var (key, range) in NetworkReference.Ranges(NetworkReference.Run(net, weights, inputs[i](), batch, linear)))
                ranges[key] = Math.Max(ranges.GetValueOrDefault(key), range);
            progress?.Report((i + 1, inputs.Count));
        }
        return ranges;
    }

    /// <summary>The ranges as the JSON object the packers read, keys in ordinal order.</summary>
    public static string ToJson(IReadOnlyDictionary<string, double> ranges)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            foreach (var (key, value) in ranges.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteNumber(key, value);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Reads a ranges file: an object of finite, non-negative numbers.</summary>
    public static IReadOnlyDictionary<string, double> Read(string path)
    {
        var root = JNode.Parse(InputFile.ReadAllText(path, MaxFileBytes, "ranges file"), path, "the ranges file", rejectDuplicateKeys: true);
        if (!root.IsObject) throw root.Error("expected an object of tensor name → largest |value| (as `fpgagen calibrate` writes)");
        var ranges = new Dictionary<string, double>();
        foreach (var (name, value) in root.Properties())
        {
            var v = value.Number();
            if (v < 0) throw value.Error($"a range is the largest |value|, so not negative; got {v.ToString(CultureInfo.InvariantCulture)}");
            ranges[name] = v;
        }
        if (ranges.Count == 0) throw root.Error("no tensor ranges in the file");
        return ranges;
    }

    /// <summary>Checks that <paramref name="ranges"/> covers every tensor the network records, naming the first it lacks.</summary>
    public static void CheckCovers(IReadOnlyDictionary<string, double> ranges, IEnumerable<string> keys, string path)
    {
        foreach (var key in keys)
            if (!ranges.ContainsKey(key))
                throw new InputException($"{path}: no range for tensor '{key}'; was it measured for another model? (`fpgagen calibrate` writes one for this one)");
    }
}
