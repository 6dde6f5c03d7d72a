using System.Globalization;
using System.Text.Json;

namespace FpgaGen.Toolchains.Slurm;

/// <summary>
/// One task of a job array as Slurm reports it: its state (PENDING, RUNNING, COMPLETED, CANCELLED, TIMEOUT,
/// NODE_FAIL, …, as in squeue(1) "JOB STATE CODES"), why it waits, where and since when it runs.
/// </summary>
public sealed record SlurmTask(long ArrayJobId, int TaskId, long JobId, string State)
{
    public string? Reason { get; init; }
    public string? Node { get; init; }
    public DateTime? StartedUtc { get; init; }
    public DateTime? EndedUtc { get; init; }
    public int? ExitCode { get; init; }

    /// <summary>"&lt;array job id&gt;_&lt;task id&gt;", Slurm's name for an array task (as scancel and sacct take it).</summary>
    public string Name => Names.Task(ArrayJobId, TaskId);

    /// <summary>Still queued or running: Slurm may yet run it, so a resume must not submit its design again.</summary>
    public bool Active => !Ended.Contains(State);

    public bool Queued => State is "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD" or "SUSPENDED" or "STOPPED";

    /// <summary>Final states (squeue(1), "JOB STATE CODES"); every other state is queued or running.</summary>
    private static readonly HashSet<string> Ended =
        ["COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY", "SPECIAL_EXIT", "REVOKED"];
}

public static class Names
{
    public static string Task(long arrayJobId, int taskId) => string.Create(CultureInfo.InvariantCulture, $"{arrayJobId}_{taskId}");
}

/// <summary>
/// Reads the JSON of Slurm 22.05's `squeue --json` and `sacct --json` (data_parser 0.0.38) into array tasks. squeue
/// lists the live jobs (finished ones for MinJobAge, 300 s by default); sacct, with slurmdbd, all of them. Both list
/// an array's still pending tasks as one record: squeue with "array_task_string" ("3-6%2"), sacct with "array.task",
/// a hexadecimal bitmap of the task ids ("0x78" = 3 to 6).
/// </summary>
public static class SlurmJson
{
    public static IReadOnlyList<SlurmTask> ParseSqueue(string json, IReadOnlySet<long> arrayJobs) => Parse(json, "squeue --json", arrayJobs, job =>
    {
        var arrayJob = Long(job, "array_job_id");
        var state = Text(job, "job_state") ?? "UNKNOWN";
        var task = new SlurmTask(arrayJob ?? 0, 0, Long(job, "job_id") ?? 0, state)
        {
            Reason = Text(job, "state_reason") is { } r && r != "None" ? r : null,
            Node = Text(job, "nodes") is { Length: > 0 } n ? n : null,
            StartedUtc = Time(job, "start_time"),
            EndedUtc = state is "RUNNING" or "PENDING" ? null : Time(job, "end_time"),
            ExitCode = (int?)Long(job, "exit_code"),
        };
        return Long(job, "array_task_id") is { } id ? [task with { TaskId = (int)id }]
            : ExpandRanges(Text(job, "array_task_string")).Select(t => task with { TaskId = t });
    });

    public static IReadOnlyList<SlurmTask> ParseSacct(string json, IReadOnlySet<long> arrayJobs) => Parse(json, "sacct --json", arrayJobs, job =>
    {
        var array = job.TryGetProperty("array", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        var state = job.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var time = job.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        var current = Text(state, "current") ?? "UNKNOWN";
        var task = new SlurmTask(Long(array, "job_id") ?? 0, 0, Long(job, "job_id") ?? 0, current)
        {
            Reason = Text(state, "reason") is { } r && r != "None" ? r : null,
            Node = Text(job, "nodes") is { Length: > 0 } n && n != "None assigned" ? n : null,
            StartedUtc = Time(time, "start"),
            EndedUtc = Time(time, "end"),
            ExitCode = job.TryGetProperty("exit_code", out var e) && e.ValueKind == JsonValueKind.Object ? (int?)Long(e, "return_code") : null,
        };
        return Long(array, "task_id") is { } id ? [task with { TaskId = (int)id }] : ExpandBitmap(Text(array, "task")).Select(i => task with { TaskId = i });
    });

    private static List<SlurmTask> Parse(string json, string what, IReadOnlySet<long> arrayJobs, Func<JsonElement, IEnumerable<SlurmTask>> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            if (!doc.RootElement.TryGetProperty("jobs", out var jobs) || jobs.ValueKind != JsonValueKind.Array)
                throw new OutputException($"{what}: the output has no \"jobs\" list (Slurm 21.08 or later is needed)", new FormatException());
            return jobs.EnumerateArray().Where(j => j.ValueKind == JsonValueKind.Object).SelectMany(read)
                .Where(t => arrayJobs.Contains(t.ArrayJobId) && t.TaskId > 0).ToList();
        }
        catch (JsonException e)
        {
            throw new OutputException($"{what}: the output is not JSON ({InputException.OneLine(e.Message)})", e);
        }
    }

    /// <summary>"1,3,5-7%2" → 1, 3, 5, 6, 7 (the "%N" throttle and a ":step" are Slurm's array syntax, sbatch(1) --array).</summary>
    public static IEnumerable<int> ExpandRanges(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) yield break;
        foreach (var part in text.Split('%')[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split(':')[0].Split('-');
            var step = part.Contains(':') && int.TryParse(part.Split(':')[1], CultureInfo.InvariantCulture, out var st) && st > 0 ? st : 1;
            if (!int.TryParse(range[0], CultureInfo.InvariantCulture, out var from)) continue;
            var to = range.Length > 1 && int.TryParse(range[1], CultureInfo.InvariantCulture, out var end) ? end : from;
            for (var i = from; i <= to && i - from < 1_000_000; i += step) yield return i;
        }
    }

    /// <summary>"0x78" → 3, 4, 5, 6: bit i set means task i (sacct's array.task for pending tasks).</summary>
    public static IEnumerable<int> ExpandBitmap(string? hex)
    {
        if (hex is null || !hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) yield break;
        var digits = hex[2..];
        for (var d = 0; d < digits.Length && d < 250_000; d++)
        {
            if (!int.TryParse(digits.AsSpan(digits.Length - 1 - d, 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var nibble)) yield break;
            for (var b = 0; b < 4; b++)
                if ((nibble & (1 << b)) != 0) yield return d * 4 + b;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    /// <summary>Unix seconds; 0 means not yet.</summary>
    private static DateTime? Time(JsonElement e, string name) =>
        Long(e, name) is { } s and > 0 and < 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime : null;
}
