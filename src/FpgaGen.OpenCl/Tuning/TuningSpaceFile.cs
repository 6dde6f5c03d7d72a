using System.Text;
using System.Text.Json;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>
/// A tuner's <see cref="ParameterSpace"/> as JSON (a user's space file):
/// <c>{"kernel": "gemm", "parameters": [{"name": "MWG", "values": [16, 32]}, …], "constraints": ["MWG % MDIMC == 0", …]}</c>.
/// Constraints may read the tuning environment (<see cref="TuningEnvironment"/> and the kernel's shape constants).
/// </summary>
public static class TuningSpaceFile
{
    public static string ToJson(ParameterSpace space)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("kernel", space.Kernel);
            w.WriteStartArray("parameters");
            foreach (var p in space.Parameters)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WriteStartArray("values");
                foreach (var v in p.Values) w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("constraints");
            foreach (var c in space.Constraints) w.WriteStringValue(c.Text);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads a space written by <see cref="ToJson"/>; anything malformed is one <see cref="InputException"/>.</summary>
    public static ParameterSpace FromJson(string json, string? source = null)
    {
        var file = source ?? "tuning space";
        var root = JNode.Parse(json, file, rejectDuplicateKeys: true);
        var parameters = root.Prop("parameters").Items()
            .Select(p => new Parameter(p.Prop("name").String(), p.Prop("values").Items().Select(v => v.Int()).ToList()))
            .ToList();
        var constraints = root.TryProp("constraints")?.Items().Select(c => c.String()).ToList() ?? [];
        return new ParameterSpace(root.Prop("kernel").String(), parameters, constraints, file);
    }
}
