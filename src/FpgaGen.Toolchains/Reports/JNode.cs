using System.Globalization;
using System.Text.Json;

namespace FpgaGen.Toolchains.Reports;

/// <summary>
/// A JSON value that knows its file and its path inside the document, so every missing key or wrong type becomes a
/// <see cref="ReportFormatException"/> such as "summary.json: estimatedResources.children[3].data is missing",
/// never a KeyNotFound or Index exception.
/// </summary>
internal readonly record struct JNode(JsonElement Element, string File, string Path)
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static JNode Parse(string json, string file, string what = "the file")
    {
        try
        {
            // Clone so the element outlives the document (reports are small; the pooled memory is returned).
            using var doc = JsonDocument.Parse(json, Options);
            return new JNode(doc.RootElement.Clone(), file, "");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new ReportFormatException(file, $"{what} is not valid JSON{where}; is it cut off? {e.Message}", e);
        }
    }

    public ReportFormatException Error(string problem) => new(File, $"{(Path == "" ? "the top level" : Path)}: {problem}");

    public JNode Prop(string name) =>
        TryProp(name) ?? throw new ReportFormatException(File, $"{Join(name)} is missing");

    public JNode? TryProp(string name)
    {
        Expect(JsonValueKind.Object, "an object");
        return Element.TryGetProperty(name, out var value) ? new JNode(value, File, Join(name)) : null;
    }

    public IReadOnlyList<JNode> Items()
    {
        Expect(JsonValueKind.Array, "a list");
        var file = File;
        var path = Path;
        return Element.EnumerateArray().Select((e, i) => new JNode(e, file, $"{path}[{i}]")).ToList();
    }

    public string String()
    {
        Expect(JsonValueKind.String, "a string");
        return Element.GetString()!;
    }

    /// <summary>A number, also when written as a string ("234.85"); aoc's Quartus JSON uses strings.</summary>
    public double Number() => TryNumber() ?? throw Error($"expected a number, found {Describe()}");

    public double? TryNumber() => Element.ValueKind switch
    {
        JsonValueKind.Number => Element.GetDouble(),
        JsonValueKind.String when double.TryParse(Element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };

    /// <summary>Text of a string, number or boolean, or null for anything else.</summary>
    public string? Text() => Element.ValueKind switch
    {
        JsonValueKind.String => Element.GetString(),
        JsonValueKind.Number => Element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private void Expect(JsonValueKind kind, string what)
    {
        if (Element.ValueKind != kind) throw Error($"expected {what}, found {Describe()}");
    }

    private string Describe() => Element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string \"{Element.GetString()}\"",
        JsonValueKind.Null => "null",
        _ => Element.GetRawText(),
    };

    private string Join(string name) => Path == "" ? name : $"{Path}.{name}";
}
