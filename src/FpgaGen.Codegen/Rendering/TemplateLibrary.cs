using System.Collections.Concurrent;
using HandlebarsDotNet;

namespace FpgaGen.Codegen.Rendering;

/// <summary>Which text a kernel template renders: aoc source, the portable OpenCL 1.2 form, or Vitis HLS C++.</summary>
public enum Flavor { Intel, Portable, Hls, Text }

/// <summary>
/// The templates under templates/ (every *.hbs, registered as a partial named by its path without ".hbs" and without a
/// trailing .inc/.cl/.cpp: "conv_tiled/body/read"), compiled once per flavor. A flavor differs only in its pragma
/// helpers: <c>{{unroll}}</c> and <c>{{pipeline}}</c> become "#pragma unroll" for aoc and PoCL, "#pragma HLS UNROLL" and
/// "#pragma HLS PIPELINE II=1" for Vitis HLS, and nothing where the tool pipelines on its own (an empty helper line is
/// dropped). Rendering never HTML-escapes, and fails on a name the context lacks.
/// </summary>
public sealed class TemplateLibrary
{
    private const string Drop = "\u0001";

    /// <summary>A context value that renders as nothing, its line included.</summary>
    public const string DropLine = Drop;
    private static readonly ConcurrentDictionary<string, TemplateLibrary> Cache = new();

    private readonly string root;
    private readonly Dictionary<Flavor, IHandlebars> environments = [];
    private readonly ConcurrentDictionary<(Flavor, string), HandlebarsTemplate<object, object>> compiled = new();

    private TemplateLibrary(string root)
    {
        this.root = root;
        var sources = Directory.EnumerateFiles(root, "*.hbs", SearchOption.AllDirectories)
            .ToDictionary(f => PartialName(Path.GetRelativePath(root, f)), File.ReadAllText);
        foreach (var flavor in Enum.GetValues<Flavor>())
        {
            var hb = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true, ThrowOnUnresolvedBindingExpression = true });
            var (unroll, pipeline) = flavor switch
            {
                Flavor.Hls => ("#pragma HLS UNROLL", "#pragma HLS PIPELINE II=1"),
                Flavor.Text => (Drop, Drop),
                _ => ("#pragma unroll", Drop),
            };
            hb.RegisterHelper("unroll", (w, _, _) => w.WriteSafeString(unroll));
            hb.RegisterHelper("pipeline", (w, _, _) => w.WriteSafeString(pipeline));
            foreach (var (name, text) in sources) hb.RegisterTemplate(name, text);
            environments[flavor] = hb;
        }
    }

    /// <summary>The library for a templates folder (default: the repository's templates/), loaded once per process.</summary>
    public static TemplateLibrary Load(string? dir = null) => Cache.GetOrAdd(Path.GetFullPath(dir ?? DataPaths.Templates), d =>
        Directory.Exists(d) ? new TemplateLibrary(d) : throw new InputException($"templates folder not found: {d}"));

    /// <summary>Renders the template file <paramref name="path"/> (relative to templates/, with .hbs).</summary>
    public string Render(Flavor flavor, string path, object context)
    {
        var template = compiled.GetOrAdd((flavor, path), key => environments[key.Item1].Compile(Raw(key.Item2)));
        string text;
        try
        {
            text = template(context);
        }
        catch (HandlebarsException e)
        {
            throw new InvalidOperationException($"template {path} ({flavor}): {e.Message}", e);
        }
        return string.Join('\n', text.Split('\n').Where(l => l.Trim() != Drop));
    }

    /// <summary>A file under templates/ verbatim (static headers, the host program, the weight packer).</summary>
    public string Raw(string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, path));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
            throw new InvalidOperationException($"template file not found: {path} (in {root})");
        return File.ReadAllText(full);
    }

    private static string PartialName(string relative)
    {
        var name = relative.Replace('\\', '/')[..^".hbs".Length];
        foreach (var suffix in new[] { ".inc", ".cl", ".cpp" })
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }
}
