using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace FpgaGen.Exploration.Documents;

/// <summary>
/// A design's kernel parameters (Tm=64, Tn=7, ...), in the kernel space's order: the one type every design document
/// uses for them (designs.json entries, a project's design.json, sweep records). In JSON an object of NAME: integer;
/// in text "Tm=64,Tn=7" (the explorer's notation and the key of a sweep record). Names are C identifiers (they become
/// -D defines) and values positive 32-bit integers; anything else is refused when read.
/// </summary>
[JsonConverter(typeof(DesignParametersJsonConverter))]
public sealed partial class DesignParameters : IReadOnlyList<KeyValuePair<string, int>>, IEquatable<DesignParameters>
{
    private readonly KeyValuePair<string, int>[] items;

    public DesignParameters(IEnumerable<KeyValuePair<string, int>> values)
    {
        items = values.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in items)
        {
            if (!NamePattern().IsMatch(name)) throw new ArgumentException($"parameter name '{name}' is not an identifier", nameof(values));
            if (!seen.Add(name)) throw new ArgumentException($"parameter {name} is given twice", nameof(values));
            if (value < 1) throw new ArgumentException($"parameter {name} must be positive, got {value}", nameof(values));
        }
    }

    public static DesignParameters From(IReadOnlyDictionary<string, int> values) => new(values);

    public int Count => items.Length;

    public KeyValuePair<string, int> this[int index] => items[index];

    public int? this[string name] => items.FirstOrDefault(p => p.Key == name) is { Key: not null } p ? p.Value : null;

    public IReadOnlyDictionary<string, int> AsDictionary() => items.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>"Tm=64,Tn=7,...".</summary>
    public override string ToString() => string.Join(",", items.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));

    public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, int>>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    public bool Equals(DesignParameters? other) => other is not null && items.SequenceEqual(other.items);

    public override bool Equals(object? obj) => Equals(obj as DesignParameters);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Reads the JSON object of a document; every problem names the field.</summary>
    public static DesignParameters Read(JNode node)
    {
        if (!node.IsObject) throw node.Error($"expected an object of NAME: integer such as {{\"Tm\": 64}}, found {node.Describe()}");
        var values = new List<KeyValuePair<string, int>>();
        foreach (var (name, value) in node.Properties())
        {
            if (!NamePattern().IsMatch(name)) throw node.Error($"parameter name \"{InputException.OneLine(name)}\" is not an identifier (letters, digits, '_')");
            if (values.Any(v => v.Key == name)) throw node.Error($"parameter {name} is given twice");
            var v = value.Element.ValueKind == System.Text.Json.JsonValueKind.Number ? value.TryNumber() : null;
            if (v is not { } x || x < 1 || x > int.MaxValue || x != Math.Floor(x))
                throw value.Error($"expected a positive integer (at most {int.MaxValue}), got {value.Describe()}");
            values.Add(new(name, (int)x));
        }
        return new DesignParameters(values);
    }

    /// <summary>Parses "Tm=64,Tn=7"; null when the text is not in that form (the legacy form of sweep records).</summary>
    public static DesignParameters? TryParse(string text)
    {
        var values = new List<KeyValuePair<string, int>>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || !NamePattern().IsMatch(kv[0]) || values.Any(v => v.Key == kv[0])
                || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
                return null;
            values.Add(new(kv[0], v));
        }
        return new DesignParameters(values);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}\z")]
    private static partial Regex NamePattern();
}

/// <summary>JSON form of <see cref="DesignParameters"/>: writes an object; reads an object, or the "Tm=64,Tn=7" text older sweep records hold.</summary>
public sealed class DesignParametersJsonConverter : JsonConverter<DesignParameters>
{
    public override DesignParameters Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return DesignParameters.TryParse(reader.GetString()!) ?? throw new JsonException("params: expected NAME=VALUE,... with positive integer values");
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("params: expected an object of NAME: integer");
        var values = new List<KeyValuePair<string, int>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var v) || v < 1)
                throw new JsonException($"params.{name}: expected a positive integer");
            values.Add(new(name, v));
        }
        try
        {
            return new DesignParameters(values);
        }
        catch (ArgumentException e)
        {
            throw new JsonException("params: " + e.Message);
        }
    }

    public override void Write(Utf8JsonWriter writer, DesignParameters value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, v) in value) writer.WriteNumber(name, v);
        writer.WriteEndObject();
    }
}
