using System.Globalization;
using System.Text.Json;

namespace FpgaGen;

/// <summary>
/// A JSON value that knows its file and its path inside the document, so every missing key or wrong type becomes a
/// <see cref="DocumentFormatException"/> such as "summary.json: estimatedResources.children[3].data is missing",
/// never a KeyNotFound, Format or Overflow exception. Numbers must be finite (1e400 is refused, not Infinity), and
/// integers must be whole and in range.
/// </summary>
public readonly record struct JNode(JsonElement Element, string File, string Path)
{
    /// <summary>Deepest nesting read; reports and documents nest under 20 deep.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = MaxDepth,
    };

    /// <param name="rejectDuplicateKeys">
    /// Fail on an object that names a key twice (our own documents: which value counts would be a guess). Vendor
    /// reports are read as they are.
    /// </param>
    public static JNode Parse(string json, string file, string what = "the file", bool rejectDuplicateKeys = false)
    {
        JNode root;
        try
        {
            // Clone so the element outlives the document (reports are small; the pooled memory is returned).
            using var doc = JsonDocument.Parse(json, Options);
            root = new JNode(doc.RootElement.Clone(), file, "");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new DocumentFormatException(file, $"{what} is not valid JSON{where}; is it cut off? {InputException.OneLine(e.Message)}", e);
        }
        catch (ArgumentException e)
        {
            // Text that is not valid Unicode (a lone surrogate) cannot be JSON.
            throw new DocumentFormatException(file, $"{what} is not valid JSON: {InputException.OneLine(e.Message)}", e);
        }
        if (rejectDuplicateKeys) root.CheckDuplicateKeys();
        return root;
    }

    public DocumentFormatException Error(string problem) => new(File, $"{(Path == "" ? "the top level" : Path)}: {problem}");

    public bool IsObject => Element.ValueKind == JsonValueKind.Object;

    public bool IsNull => Element.ValueKind == JsonValueKind.Null;

    public JNode Prop(string name) =>
        TryProp(name) ?? throw new DocumentFormatException(File, $"{Join(name)} is missing");

    /// <summary>The property, or null when it is missing or JSON null.</summary>
    public JNode? TryProp(string name)
    {
        Expect(JsonValueKind.Object, "an object");
        return Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? new JNode(value, File, Join(name)) : null;
    }

    public IReadOnlyList<JNode> Items()
    {
        Expect(JsonValueKind.Array, "a list");
        var file = File;
        var path = Path;
        return Element.EnumerateArray().Select((e, i) => new JNode(e, file, $"{path}[{i}]")).ToList();
    }

    /// <summary>Name and value of every property of an object, in document order.</summary>
    public IReadOnlyList<(string Name, JNode Value)> Properties()
    {
        Expect(JsonValueKind.Object, "an object");
        var file = File;
        var path = Path;
        return Element.EnumerateObject().Select(p => (p.Name, new JNode(p.Value, file, path == "" ? p.Name : $"{path}.{p.Name}"))).ToList();
    }

    public string String()
    {
        Expect(JsonValueKind.String, "a string");
        return Element.GetString()!;
    }

    public bool Bool() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error($"expected true or false, found {Describe()}"),
    };

    /// <summary>A finite number, also when written as a string ("234.85"); aoc's Quartus JSON uses strings.</summary>
    public double Number() => TryNumber() ?? throw Error(Element.ValueKind == JsonValueKind.Number
        ? $"{Describe()} is out of range (not a finite 64-bit number)"
        : $"expected a number, found {Describe()}");

    public double? TryNumber()
    {
        double v;
        var ok = Element.ValueKind switch
        {
            JsonValueKind.Number => Element.TryGetDouble(out v),
            JsonValueKind.String => double.TryParse(Element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out v),
            _ => (v = 0) != 0,
        };
        return ok && double.IsFinite(v) ? v : null;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], written as a JSON number.</summary>
    public long Integer(long min = long.MinValue, long max = long.MaxValue)
    {
        long v;
        if (Element.ValueKind != JsonValueKind.Number) throw Error($"expected a whole number, found {Describe()}");
        if (!Element.TryGetInt64(out v))
        {
            // 64.0 is whole; 1e300 and 1e400 are out of any range we accept.
            if (!Element.TryGetDouble(out var d) || !double.IsFinite(d) || Math.Abs(d) >= 9e15)
                throw Error($"{Describe()} is out of range (expected {min} to {max})");
            if (d != Math.Floor(d)) throw Error($"expected a whole number, found {Describe()}");
            v = (long)d;
        }
        return v >= min && v <= max ? v : throw Error($"{Describe()} is out of range (expected {min} to {max})");
    }

    public int Int(int min = int.MinValue, int max = int.MaxValue) => (int)Integer(min, max);

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

    public string Describe() => Element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string \"{Shorten(InputException.OneLine(Element.GetString()!))}\"",
        JsonValueKind.Null => "null",
        _ => Shorten(Element.GetRawText()),
    };

    private static string Shorten(string s) => s.Length > 80 ? s[..77] + "..." : s;

    private string Join(string name) => Path == "" ? name : $"{Path}.{name}";

    /// <summary>Walks the tree without recursion and fails on the first object that names a key twice.</summary>
    private void CheckDuplicateKeys()
    {
        var pending = new Stack<JNode>();
        pending.Push(this);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            switch (node.Element.ValueKind)
            {
                case JsonValueKind.Object:
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var (name, value) in node.Properties())
                    {
                        if (!seen.Add(name)) throw node.Error($"key \"{Shorten(InputException.OneLine(name))}\" appears twice");
                        pending.Push(value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in node.Items()) pending.Push(item);
                    break;
            }
        }
    }
}
