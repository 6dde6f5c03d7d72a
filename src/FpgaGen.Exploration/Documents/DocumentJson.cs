using System.Text.Json;

namespace FpgaGen.Exploration.Documents;

/// <summary>How the design documents are written: snake_case names, indented.</summary>
public static class DocumentJson
{
    /// <summary>
    /// designs.json and pareto.json: keeps '+', quotes and similar characters as they are, not \u0027 escapes (the
    /// files are not embedded in HTML).
    /// </summary>
    public static readonly JsonSerializerOptions Explore = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A project's design.json: written like the explore documents.</summary>
    public static readonly JsonSerializerOptions Project = new(Explore);

    /// <summary>Reads a document as JSON, refusing duplicate keys (which value would count is a guess).</summary>
    public static JNode Parse(string path, long limit, string what) =>
        JNode.Parse(InputFile.ReadAllText(path, limit, what), path, what, rejectDuplicateKeys: true);
}
