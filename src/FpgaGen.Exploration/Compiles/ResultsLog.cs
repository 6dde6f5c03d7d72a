using System.Text;
using System.Text.Json;

namespace FpgaGen.Exploration.Compiles;

/// <summary>
/// The append-only results log of a compile sweep (results.jsonl: one JSON record per line). A record is written
/// as one append of a whole line under a file lock (<see cref="LineLog"/>), then flushed to disk, so a kill at any
/// moment leaves every earlier record intact and at worst one unfinished last line, which readers skip and the next
/// append closes off; two writers at once never interleave their lines.
/// </summary>
public static class ResultsLog
{
    public const string FileName = "results.jsonl";

    private const string What = "a sweep results log (results.jsonl)";

    // RespectNullableAnnotations: a record whose required figures are null ("predicted": null) is not a record.
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, RespectNullableAnnotations = true };
    private static readonly JsonSerializerOptions Compact = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Append(string path, CompileRecord record) => LineLog.Append(path, JsonSerializer.Serialize(record, Compact), What);

    /// <summary>
    /// Reads every complete record; unreadable lines (a torn last write, a record edited by hand into something that
    /// is not one) are counted, not fatal. A missing log is empty; one that is not a regular file is an input error.
    /// </summary>
    public static (IReadOnlyList<CompileRecord> Records, int Skipped) Read(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return ([], 0);
        var records = new List<CompileRecord>();
        var skipped = 0;
        using var stream = InputFile.OpenRead(path, InputFile.ResultsLogBytes, What);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        try
        {
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0) continue;
                if (Parse(line) is { } r) records.Add(r);
                else skipped++;
            }
        }
        catch (IOException e)
        {
            throw new InputException($"{path}: cannot read: {InputException.OneLine(e.Message)}");
        }
        return (records, skipped);
    }

    private static CompileRecord? Parse(string line)
    {
        try
        {
            var r = JsonSerializer.Deserialize<CompileRecord>(line, Json);
            return r is { Key.Length: > 0, Kernel.Length: > 0, Status.Length: > 0 } ? r : null;
        }
        catch (Exception e) when (e is JsonException or InputException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }
}
