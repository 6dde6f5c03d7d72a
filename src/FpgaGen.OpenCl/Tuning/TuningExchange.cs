using System.Text.Json;
using System.Text.Json.Serialization;
using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>
/// The JSON file `fpgagen tune --export` writes and `--import` reads, for sharing tuned parameters between machines
/// the way CLBlast ships its database as files: {"format": "fpgagen-opencl-tuning", "version": 1, "entries": [...]},
/// each entry with its device, shape, every trial and, for readers, the best. Version 2 names its fields in
/// snake_case like every other fpgagen document (docs/formats.md); version 1, the camelCase layout of the JSON tuning
/// database of earlier fpgagen versions and of their exports, still imports as it is.
/// </summary>
public static class TuningExchange
{
    public const string Format = "fpgagen-opencl-tuning";
    public const int Version = 2;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Version 1 files: the same fields in camelCase.</summary>
    private static readonly JsonSerializerOptions JsonVersion1 = new(Json) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Writes <paramref name="entries"/> atomically; an unwritable path is an <see cref="InputException"/>.</summary>
    public static void Write(string file, IReadOnlyList<TuningEntry> entries)
    {
        // Like --db, the folder must exist: a mistyped path is an error, not a new folder tree.
        var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (!Directory.Exists(dir)) throw new InputException($"{file}: cannot write the export: folder {dir} does not exist");
        if (Directory.Exists(file)) throw new InputException($"{file}: is a folder; name the export file");
        var model = new FileModel(Format, Version, entries.OrderBy(e => e.Kernel, StringComparer.Ordinal)
            .ThenBy(e => e.Device.Name, StringComparer.Ordinal).ThenBy(e => e.Shape, StringComparer.Ordinal).ToList());
        try
        {
            AtomicFile.WriteAllText(file, JsonSerializer.Serialize(model, Json) + "\n");
        }
        catch (IOException e) when (OutputException.IsDiskFull(e))
        {
            throw OutputException.Writing(file, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{file}: cannot write the export ({InputException.OneLine(e.Message)})");
        }
    }

    /// <summary>Reads and checks a file: every entry names its kernel, device and shape, every trial key parses.</summary>
    public static IReadOnlyList<TuningEntry> Read(string file)
    {
        var text = InputFile.ReadAllText(file, InputFile.TuningExportBytes, "tuning export (JSON)");
        FileModel? model;
        try
        {
            // format and version are named alike in both versions; the version says how the rest is named.
            var header = JsonSerializer.Deserialize<FileHeader>(text, Json);
            if (header is null || header.Format != Format)
                throw new InputException($"{file}: not a tuning export (expected \"format\": \"{Format}\")");
            if (header.Version is not (1 or Version))
                throw new InputException($"{file}: tuning export version {header.Version}, this build reads versions 1 and {Version}");
            model = JsonSerializer.Deserialize<FileModel>(text, header.Version == 1 ? JsonVersion1 : Json);
        }
        catch (JsonException e)
        {
            throw new InputException($"{file}: not a tuning export ({e.Message})");
        }
        var entries = model?.Entries ?? [];
        for (var i = 0; i < entries.Count; i++) Check(file, i, entries[i], model!.Version);
        return entries;
    }

    private static void Check(string file, int index, TuningEntry? e, int version)
    {
        var where = $"{file}: entry {index}";
        if (e is null) throw new InputException($"{where} is null");
        // required members are enforced by the serializer, but JSON null still gets through for reference types
        if (string.IsNullOrWhiteSpace(e.Kernel) || string.IsNullOrWhiteSpace(e.Shape) || e.ShapeClass is null || e.Features is null)
            throw new InputException($"{where}: needs kernel, shape, {(version == 1 ? "shapeClass" : "shape_class")} and features");
        if (e.Device is null || string.IsNullOrWhiteSpace(e.Device.Name) || e.Device.Vendor is null || e.Device.Type is null)
            throw new InputException($"{where} ({e.Kernel} {e.Shape}): needs a device with name, vendor and type");
        foreach (var (key, trial) in e.Trials ?? [])
        {
            try
            {
                _ = KernelParameters.Parse(key);
            }
            catch (Exception x) when (x is FormatException or ArgumentException)
            {
                throw new InputException($"{where} ({e.Kernel} {e.Shape}): trial '{key}': {x.Message}");
            }
            if (trial is null || (trial.MedianNs is not > 0 && trial.Error is null))
                throw new InputException($"{where} ({e.Kernel} {e.Shape}): trial '{key}' has neither a positive {(version == 1 ? "medianNs" : "median_ns")} nor an error");
            // JSON reads 1e400 as infinity: such a figure could not be written back out.
            if (trial.MedianNs is { } m && !double.IsFinite(m) || trial.Gflops is { } g && !double.IsFinite(g))
                throw new InputException($"{where} ({e.Kernel} {e.Shape}): trial '{key}': the time and GFLOPS must be finite numbers");
        }
        if (e.Features.Any(f => !double.IsFinite(f)))
            throw new InputException($"{where} ({e.Kernel} {e.Shape}): features must be finite numbers");
    }

    private sealed record FileHeader(string? Format, int Version);

    private sealed record FileModel(string Format, int Version, List<TuningEntry>? Entries);
}
