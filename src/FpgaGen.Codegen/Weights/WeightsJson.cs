using System.Text.Json;
using System.Text.Json.Serialization;

using FpgaGen.Kernels.Weights;

namespace FpgaGen.Codegen.Weights;

/// <summary>weights.json: the layout in snake_case with enum names as text, as tools/pack_weights.py reads it.</summary>
public static class WeightsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(WeightsLayout layout) => JsonSerializer.Serialize(layout, Options) + "\n";
}
