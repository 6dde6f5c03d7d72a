using System.Globalization;

namespace FpgaGen;

/// <summary>
/// CSV as RFC 4180 writes it: fields joined by commas, a field quoted when it holds a comma, quote or line break.
/// Numbers in invariant culture (doubles round-trip), booleans as true/false, null as an empty field.
/// </summary>
public static class CsvText
{
    public static string Line(IEnumerable<object?> fields) => string.Join(",", fields.Select(Field));

    public static string Field(object? value)
    {
        var s = value switch
        {
            null => "",
            bool b => b ? "true" : "false",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    /// <summary>Records with the same fields in the same order: a header of the first one's names, then one line each.</summary>
    public static string Table(IEnumerable<IReadOnlyList<KeyValuePair<string, object?>>> records)
    {
        var list = records.ToList();
        if (list.Count == 0) return "";
        var sb = new System.Text.StringBuilder(Line(list[0].Select(f => f.Key))).Append('\n');
        foreach (var r in list) sb.Append(Line(r.Select(f => f.Value))).Append('\n');
        return sb.ToString();
    }
}
