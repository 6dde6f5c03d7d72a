using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace FpgaGen;

/// <summary>
/// A YAML document as a small tree that remembers where each node came from, so every error can name file, line
/// and column. Built from YamlDotNet's representation model; aliases are expanded under a node budget so that an
/// "alias bomb" (a billion laughs) fails with a clear message instead of eating memory.
/// </summary>
public abstract class YNode
{
    protected YNode(string? file, SourceMark mark) { File = file; Mark = mark; }

    public string? File { get; }
    public SourceMark Mark { get; }

    public abstract string Describe();

    public InputException Error(string message) => InputException.At(File, Mark, message);

    public YMap AsMap() => this as YMap ?? throw Error($"expected a mapping (key: value), got {Describe()}");

    public YSeq AsSeq() => this as YSeq ?? throw Error($"expected a list, got {Describe()}");

    public YScalar AsScalar() => this as YScalar ?? throw Error($"expected a single value, got {Describe()}");

    public string AsString() => AsScalar().Value;

    /// <summary>
    /// The value as a name or other one-line text (<paramref name="what"/>: "layer name"): control characters (line
    /// breaks, tabs, terminal escapes) are refused, since such text is shown in tables and messages line by line.
    /// </summary>
    public string AsOneLine(string what)
    {
        var v = AsString();
        if (v.Any(char.IsControl)) throw Error($"{what} '{InputException.OneLine(v)}' has control characters (line breaks, tabs, escapes); it must be one line of text");
        return v;
    }

    public long AsLong()
    {
        var s = AsScalar().Value.Replace("_", "");
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        throw Error($"expected an integer, got '{AsScalar().Value}'");
    }

    public int AsInt()
    {
        var v = AsLong();
        if (v is < int.MinValue or > int.MaxValue) throw Error($"integer {v} is out of range (at most {int.MaxValue})");
        return (int)v;
    }

    public double AsDouble()
    {
        var s = AsScalar().Value.Replace("_", "");
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
        throw Error($"expected a number, got '{AsScalar().Value}'");
    }

    public bool AsBool() => AsScalar().Value.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => throw Error($"expected true or false, got '{AsScalar().Value}'"),
    };

    public IReadOnlyList<string> AsStringList() => this is YScalar s ? [s.Value] : AsSeq().Items.Select(i => i.AsString()).ToList();
}

public sealed class YScalar(string? file, SourceMark mark, string value, bool quoted) : YNode(file, mark)
{
    public string Value { get; } = value;

    /// <summary>True when the scalar was quoted in the source, so "$x" is text and not an expression.</summary>
    public bool Quoted { get; } = quoted;

    public override string Describe() => $"'{Value}'";
}

public sealed class YSeq(string? file, SourceMark mark, IReadOnlyList<YNode> items) : YNode(file, mark)
{
    public IReadOnlyList<YNode> Items { get; } = items;

    public override string Describe() => $"a list of {Items.Count}";
}

public sealed class YMap(string? file, SourceMark mark, IReadOnlyList<KeyValuePair<YScalar, YNode>> entries) : YNode(file, mark)
{
    public IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries { get; } = entries;

    public IEnumerable<string> Keys => Entries.Select(e => e.Key.Value);

    public override string Describe() => "a mapping";

    public YNode? Get(string key)
    {
        foreach (var e in Entries)
            if (e.Key.Value == key) return e.Value;
        return null;
    }

    public bool Has(string key) => Get(key) is not null;

    public YNode Require(string key, string? what = null) =>
        Get(key) ?? throw Error($"missing field '{key}'{(what is null ? "" : $" ({what})")}");

    /// <summary>Rejects keys outside <paramref name="allowed"/>, naming the offending key and the accepted ones.</summary>
    public void CheckKeys(string context, IEnumerable<string> allowed)
    {
        var set = allowed as ICollection<string> ?? allowed.ToList();
        foreach (var e in Entries)
            if (!set.Contains(e.Key.Value))
                throw e.Key.Error($"{context}: unknown field '{e.Key.Value}' (expected one of: {string.Join(", ", set)})");
    }

    public long GetLong(string key, long fallback) => Get(key)?.AsLong() ?? fallback;
    public int GetInt(string key, int fallback) => Get(key)?.AsInt() ?? fallback;
    public double GetDouble(string key, double fallback) => Get(key)?.AsDouble() ?? fallback;
    public bool GetBool(string key, bool fallback) => Get(key)?.AsBool() ?? fallback;
    public string? GetString(string key) => Get(key)?.AsString();
}

public static class YamlTree
{
    /// <summary>Largest file we read: designs and device files are a few KiB.</summary>
    public const long MaxFileBytes = InputFile.YamlBytes;

    /// <summary>Most nodes after alias expansion; real files have a few thousand.</summary>
    public const int MaxNodes = 200_000;

    /// <summary>
    /// Deepest nesting of lists and mappings, in the text and after alias expansion; real files nest about 6 deep.
    /// YamlDotNet builds its tree recursively, so a deeper file would overflow the stack instead of failing clearly.
    /// </summary>
    public const int MaxDepth = 100;

    public static YNode LoadFile(string path) => Parse(InputFile.ReadAllText(path, MaxFileBytes, "YAML file"), path);

    public static YNode Parse(string text, string? file = null)
    {
        var stream = new YamlStream();
        try
        {
            CheckDepth(text, file);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var mark = new SourceMark((int)e.Start.Line, (int)e.Start.Column);
            throw InputException.At(file, mark, "malformed YAML: " + FirstLine(e.InnerException?.Message ?? e.Message));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (without a position) on some unterminated flow collections.
            throw InputException.At(file, LastGoodMark(text), "malformed YAML: unterminated [list] or {mapping} after this point");
        }
        catch (ArgumentException)
        {
            // YamlDotNet's representation model throws this on an event sequence it does not expect (a damaged file).
            throw InputException.At(file, LastGoodMark(text), "malformed YAML: an unexpected structure after this point");
        }
        if (stream.Documents.Count == 0) throw new InputException($"{file ?? "input"}: empty YAML document");
        if (stream.Documents.Count > 1) throw new InputException($"{file ?? "input"}: expected one YAML document, found {stream.Documents.Count}");
        var budget = MaxNodes;
        return Convert(stream.Documents[0].RootNode, file, ref budget, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
    }

    /// <summary>Walks the parser's events (no recursion) and fails on nesting deeper than <see cref="MaxDepth"/>.</summary>
    private static void CheckDepth(string text, string? file)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case SequenceStart or MappingStart:
                    if (++depth > MaxDepth)
                        throw InputException.At(file, new SourceMark((int)parser.Current.Start.Line, (int)parser.Current.Start.Column),
                            $"YAML nested more than {MaxDepth} lists or mappings deep");
                    break;
                case SequenceEnd or MappingEnd:
                    depth--;
                    break;
            }
        }
    }

    /// <param name="path">The collections being converted, outermost first: an alias to one of them is a cycle.</param>
    private static YNode Convert(YamlNode node, string? file, ref int budget, HashSet<YamlNode> path)
    {
        if (--budget < 0)
            throw InputException.At(file, MarkOf(node), $"YAML expands to more than {MaxNodes} nodes (are aliases nested too deeply?)");
        if (node is YamlScalarNode s)
            return new YScalar(file, MarkOf(s), s.Value ?? "", s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted);
        if (!path.Add(node))
            throw InputException.At(file, MarkOf(node), $"YAML alias '*{node.Anchor}' refers to a node that contains it (a cycle)");
        if (path.Count > MaxDepth)
            throw InputException.At(file, MarkOf(node), $"YAML nested more than {MaxDepth} lists or mappings deep after expanding aliases");
        try
        {
            switch (node)
            {
                case YamlSequenceNode seq:
                {
                    var items = new List<YNode>(seq.Children.Count);
                    foreach (var child in seq.Children) items.Add(Convert(child, file, ref budget, path));
                    return new YSeq(file, MarkOf(seq), items);
                }
                case YamlMappingNode map:
                {
                    var entries = new List<KeyValuePair<YScalar, YNode>>(map.Children.Count);
                    var seen = new HashSet<string>();
                    foreach (var (k, v) in map.Children)
                    {
                        if (k is not YamlScalarNode key) throw InputException.At(file, MarkOf(k), "mapping keys must be plain names");
                        var keyNode = (YScalar)Convert(key, file, ref budget, path);
                        if (!seen.Add(keyNode.Value)) throw keyNode.Error($"duplicate key '{keyNode.Value}'");
                        entries.Add(new(keyNode, Convert(v, file, ref budget, path)));
                    }
                    return new YMap(file, MarkOf(map), entries);
                }
                default:
                    throw InputException.At(file, MarkOf(node), "unsupported YAML node");
            }
        }
        finally
        {
            path.Remove(node);
        }
    }

    /// <summary>Where parsing last succeeded, for errors that YamlDotNet reports without a position.</summary>
    private static SourceMark LastGoodMark(string text)
    {
        var parser = new Parser(new StringReader(text));
        var mark = SourceMark.None;
        try
        {
            while (parser.MoveNext())
                if (parser.Current is { } e) mark = new SourceMark((int)e.Start.Line, (int)e.Start.Column);
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException)
        {
        }
        return mark;
    }

    private static SourceMark MarkOf(YamlNode n) => new((int)n.Start.Line, (int)n.Start.Column);

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }
}
