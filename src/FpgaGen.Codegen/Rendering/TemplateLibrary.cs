using System.Collections;
using System.Collections.Concurrent;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace FpgaGen.Codegen.Rendering;

/// <summary>Which text a kernel template renders: aoc source, the portable OpenCL 1.2 form, or Vitis HLS C++.</summary>
public enum Flavor { Intel, Portable, Hls, Text }

/// <summary>
/// The Scriban templates under templates/ (*.sbn), parsed once. A template includes another by its path without
/// ".sbn" and without a trailing .inc/.cl/.cpp (<c>{{ include 'conv_tiled/body/read' }}</c>). A flavor differs only in
/// its pragma globals: <c>{{ unroll }}</c> (the line before a loop) is "#pragma unroll" for aoc and PoCL,
/// <c>{{ unroll_body }}</c> (the first line of the loop's body) "#pragma HLS UNROLL" for Vitis HLS, <c>{{ pipeline }}</c>
/// (first line of a pipelined loop's body) "#pragma HLS PIPELINE II=1" for Vitis HLS, and nothing where the tool pipelines on its own
/// (a line holding only such an empty value is dropped). Nothing is escaped; a name the context lacks is an error.
/// </summary>
public sealed class TemplateLibrary
{
    private const string Drop = "\u0001";

    /// <summary>A context value that renders as nothing, its line included.</summary>
    public const string DropLine = Drop;

    /// <summary>What <c>{{ pipeline }}</c> renders for Vitis HLS (a group template may set a stage's own, e.g. with style=frp).</summary>
    public const string HlsPipeline = "#pragma HLS PIPELINE II=1";

    private static readonly ConcurrentDictionary<string, TemplateLibrary> Cache = new();

    private readonly string root;
    private readonly IReadOnlyDictionary<string, string> partials;
    private readonly ConcurrentDictionary<string, Template> parsed = new();

    private TemplateLibrary(string root)
    {
        this.root = root;
        partials = Directory.EnumerateFiles(root, "*.sbn", SearchOption.AllDirectories)
            .ToDictionary(f => PartialName(Path.GetRelativePath(root, f)), f => f, StringComparer.Ordinal);
    }

    /// <summary>The library for a templates folder (default: the installed templates/), loaded once per process.</summary>
    public static TemplateLibrary Load(string? dir = null) => Cache.GetOrAdd(Path.GetFullPath(dir ?? DataPaths.Templates), d =>
        Directory.Exists(d) ? new TemplateLibrary(d) : throw new InputException($"templates folder not found: {d}"));

    /// <summary>
    /// Renders the template file <paramref name="path"/> (relative to templates/, with .sbn). <paramref name="functions"/>
    /// add or replace globals by functions (the schedule probes' <c>pipeline</c>, <c>dep</c> and kernel hooks); a
    /// function whose first parameter is a <see cref="TemplateContext"/> sees where it is called.
    /// </summary>
    public string Render(Flavor flavor, string path, IReadOnlyDictionary<string, object> values, IReadOnlyDictionary<string, Delegate>? functions = null)
    {
        var template = Parse(Path.Combine(root, path));
        var globals = Convert(values);
        // aoc's "#pragma unroll" precedes the loop it unrolls; an HLS pragma applies to the loop whose body holds it
        // (UG1399, pragma HLS unroll), so HLS gets it as the first line of the body ({{ unroll_body }}).
        var (unroll, unrollBody, pipeline) = flavor switch
        {
            Flavor.Hls => (Drop, "#pragma HLS UNROLL", HlsPipeline),
            Flavor.Text => (Drop, Drop, Drop),
            _ => ("#pragma unroll", Drop, Drop),
        };
        globals["unroll"] = unroll;
        globals["unroll_body"] = unrollBody;
        globals["pipeline"] = pipeline;
        // A buffer whose updates of one address are at least n iterations apart: aoc's ivdep with safelen precedes
        // the loop (Intel FPGA SDK for OpenCL Best Practices Guide 6.1.5), HLS's DEPENDENCE sits in the pipelined
        // loop's body (UG1399, pragma HLS dependence); numbers, not macros, since pragma arguments are not expanded.
        // A distance of 1 (integer adders) promises nothing the tools do not see themselves.
        globals.Import("dep_loop", new Func<string, long, string>((buffer, n) =>
            flavor == Flavor.Intel && n > 1 ? $"#pragma ivdep safelen({n}) array({buffer})" : Drop));
        globals.Import("dep_body", new Func<string, long, string>((buffer, n) =>
            flavor == Flavor.Hls && n > 1 ? $"#pragma HLS DEPENDENCE variable={buffer} type=inter direction=RAW dependent=true distance={n}" : Drop));
        // Accumulator-dependence probes render only in the instrumented build.
        globals.Import("dep", new Func<string, string, string>((_, _) => Drop));
        foreach (var (name, f) in functions ?? new Dictionary<string, Delegate>())
        {
            globals.Remove(name);
            globals.Import(name, f);
        }
        var context = new TemplateContext { StrictVariables = true, TemplateLoader = new Loader(this), MemberRenamer = m => m.Name, LoopLimit = 0 };
        context.PushGlobal(globals);
        string text;
        try
        {
            text = template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new InvalidOperationException($"template {path} ({flavor}): {e.Message}", e);
        }
        return string.Join('\n', text.Split('\n').Where(l => l.Trim() != Drop));
    }

    /// <summary>Where a function is called from: the template's path under templates/ without .sbn, and the line.</summary>
    public string Location(TemplateContext context)
    {
        var file = context.CurrentSpan.FileName ?? "?";
        var relative = Path.IsPathRooted(file) ? Path.GetRelativePath(root, file) : file;
        return $"{PartialName(relative)}:{context.CurrentSpan.Start.Line + 1}";
    }

    /// <summary>A file under templates/ verbatim (static headers, the host program, the weight packer).</summary>
    public string Raw(string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, path));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
            throw new InvalidOperationException($"template file not found: {path} (in {root})");
        return File.ReadAllText(full);
    }

    private Template Parse(string file) => parsed.GetOrAdd(Path.GetFullPath(file), f =>
    {
        if (!File.Exists(f)) throw new InvalidOperationException($"template file not found: {f}");
        var t = Template.Parse(File.ReadAllText(f), f);
        if (t.HasErrors) throw new InvalidOperationException($"template {f}: {string.Join("; ", t.Messages)}");
        return t;
    });

    /// <summary>Contexts are plain dictionaries and lists; Scriban reads them as script objects and arrays.</summary>
    private static ScriptObject Convert(IReadOnlyDictionary<string, object> values)
    {
        var o = new ScriptObject();
        foreach (var (key, value) in values) o[key] = ConvertValue(value);
        return o;
    }

    private static object ConvertValue(object value) => value switch
    {
        IReadOnlyDictionary<string, object> d => Convert(d),
        string s => s,
        IEnumerable list => new ScriptArray(list.Cast<object>().Select(ConvertValue)),
        _ => value,
    };

    private static string PartialName(string relative)
    {
        var name = relative.Replace('\\', '/')[..^".sbn".Length];
        foreach (var suffix in new[] { ".inc", ".cl", ".cpp" })
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }

    private sealed class Loader(TemplateLibrary library) : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
            library.partials.TryGetValue(templateName, out var file) ? file : throw new InvalidOperationException($"no template '{templateName}' to include");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => File.ReadAllText(templatePath);

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) => new(Load(context, callerSpan, templatePath));
    }
}
