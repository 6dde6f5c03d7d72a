using System.Text;
using System.Text.Json;

namespace FpgaGen.Exploration.Compiles;

/// <summary>
/// The append-only results log of a compile sweep (results.jsonl: one JSON record per line). A record is written
/// as one append of a whole line, then flushed to disk, so a kill at any moment leaves every earlier record intact
/// and at worst one unfinished last line, which readers skip and the next append closes off.
/// </summary>
public static class ResultsLog
{
    public const string FileName = "results.jsonl";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly object Gate = new();

    public static void Append(string path, CompileRecord record)
    {
        var line = JsonSerializer.Serialize(record, Json);
        lock (Gate)
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            // A previous writer killed mid-line left no newline: start on a fresh line so both stay readable.
            var prefix = stream.Length > 0 && !EndsWithNewline(path) ? "\n" : "";
            var bytes = Encoding.UTF8.GetBytes(prefix + line + "\n");
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Reads every complete record; unreadable lines (a torn last write) are counted, not fatal.</summary>
    public static (IReadOnlyList<CompileRecord> Records, int Skipped) Read(string path)
    {
        if (!File.Exists(path)) return ([], 0);
        var records = new List<CompileRecord>();
        var skipped = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize<CompileRecord>(line, Json) is { } r) records.Add(r);
                else skipped++;
            }
            catch (JsonException)
            {
                skipped++;
            }
        }
        return (records, skipped);
    }

    private static bool EndsWithNewline(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (s.Length == 0) return true;
        s.Seek(-1, SeekOrigin.End);
        return s.ReadByte() == '\n';
    }
}
