using System.Text.Json;
using System.Text.Json.Serialization;
using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>
/// The JSON file `fpgagen tune --export` writes and `--import` reads, for sharing tuned parameters between machines
/// the way CLBlast ships its database as files: {"format": "fpgagen-opencl-tuning", "version": 1, "entries": [...]},
/// each entry with its device, shape, every trial and, for readers, the best. It is the layout of the JSON tuning
/// database of earlier fpgagen versions, so those files import as they are.
/// </summary>
public static class TuningExchange
{
    public const string Format = "fpgagen-opencl-tuning";
    public const int Version = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

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
            model = JsonSerializer.Deserialize<FileModel>(text, Json);
        }
        catch (JsonException e)
        {
            throw new InputException($"{file}: not a tuning export ({e.Message})");
        }
        if (model is null || model.Format != Format)
            throw new InputException($"{file}: not a tuning export (expected \"format\": \"{Format}\")");
        if (model.Version != Version)
            throw new InputException($"{file}: tuning export version {model.Version}, this build reads version {Version}");
        var entries = model.Entries ?? [];
        for (var i = 0; i < entries.Count; i++) Check(file, i, entries[i]);
        return entries;
    }

    private static void Check(string file, int index, TuningEntry? e)
    {
        var where = $"{file}: entry {index}";
        if (e is null) throw new InputException($"{where} is null");
        // required members are enforced by the serializer, but JSON null still gets through for reference types
        if (string.IsNullOrWhiteSpace(e.Kernel) || string.IsNullOrWhiteSpace(e.Shape) || e.ShapeClass is null || e.Features is null)
            throw new InputException($"{where}: needs kernel, shape, shapeClass and features");
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
                throw new InputException($"{where} ({e.Kernel} {e.Shape}): trial '{key}' has neither a positive medianNs nor an error");
            // JSON reads 1e400 as infinity: such a figure could not be written back out.
            if (trial.MedianNs is { } m && !double.IsFinite(m) || trial.Gflops is { } g && !double.IsFinite(g))
                throw new InputException($"{where} ({e.Kernel} {e.Shape}): trial '{key}': medianNs and gflops must be finite numbers");
        }
        if (e.Features.Any(f => !double.IsFinite(f)))
            throw new InputException($"{where} ({e.Kernel} {e.Shape}): features must be finite numbers");
    }

    private sealed record FileModel(string Format, int Version, List<TuningEntry>? Entries);
}
