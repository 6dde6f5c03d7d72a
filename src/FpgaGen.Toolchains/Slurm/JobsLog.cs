using System.Text;
using System.Text.Json;

namespace FpgaGen.Toolchains.Slurm;

/// <summary>One design of a submitted array: its task id is its rank in designs.json.</summary>
public sealed record SubmittedDesign(int Rank, string Key, string Project);

/// <summary>One `sbatch --array` of a sweep, as sweep/slurm/jobs.jsonl records it.</summary>
public sealed record SubmittedArray
{
    public required long JobId { get; init; }
    public required DateTime SubmittedUtc { get; init; }
    public required string Target { get; init; }

    /// <summary>The --array value given to sbatch, e.g. "1-4%2".</summary>
    public required string Array { get; init; }
    public required IReadOnlyList<SubmittedDesign> Designs { get; init; }
}

/// <summary>
/// sweep/slurm/jobs.jsonl: one line per submitted job array, appended with <see cref="LineLog"/> (whole lines,
/// flushed, safe with several writers), so `fpgagen sweep status` and `cancel` and a resume know the sweep's jobs,
/// and nothing else of the user's. A torn last line is skipped.
/// </summary>
public static class JobsLog
{
    public const string FileName = "jobs.jsonl";

    private const string What = "a sweep's Slurm job list (jobs.jsonl)";

    // Required constructor parameters too: a design record without its "project" (a damaged line) would otherwise
    // come back with a null one, which the sweep's resume then uses as a path.
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true,
    };

    public static void Append(string path, SubmittedArray array) => LineLog.Append(path, JsonSerializer.Serialize(array, Json), What);

    public static IReadOnlyList<SubmittedArray> Read(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return [];
        var arrays = new List<SubmittedArray>();
        using var stream = InputFile.OpenRead(path, InputFile.ResultsLogBytes, What);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize<SubmittedArray>(line, Json) is { JobId: > 0 } a && Whole(a)) arrays.Add(a);
            }
            catch (JsonException)
            {
                // A line cut off by a kill: that submission is unknown, as if it had not been recorded.
            }
        }
        return arrays;
    }

    /// <summary>Every design there, with its key and project (list elements are not covered by the nullable checks).</summary>
    private static bool Whole(SubmittedArray a) =>
        a.Designs.All(d => d is { Rank: > 0, Key.Length: > 0, Project.Length: > 0 });
}
