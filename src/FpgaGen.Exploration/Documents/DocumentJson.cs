using System.Text.Json;

namespace FpgaGen.Exploration.Documents;

/// <summary>How the design documents are written: snake_case names, indented.</summary>
public static class DocumentJson
{
    /// <summary>designs.json and pareto.json, as explore has always written them.</summary>
    public static readonly JsonSerializerOptions Explore = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A project's design.json: also keeps '+' and similar characters as they are (the file is not HTML).</summary>
    public static readonly JsonSerializerOptions Project = new(Explore) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads a document as JSON, refusing duplicate keys (which value would count is a guess).</summary>
    public static JNode Parse(string path, long limit, string what) =>
        JNode.Parse(InputFile.ReadAllText(path, limit, what), path, what, rejectDuplicateKeys: true);
}
