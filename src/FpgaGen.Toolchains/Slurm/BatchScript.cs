using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FpgaGen.Toolchains.Processes;

namespace FpgaGen.Toolchains.Slurm;

/// <summary>
/// The batch script of a Slurm sweep (sweep/slurm/sweep.sbatch), a file meant to be read, edited and submitted by
/// hand: "#SBATCH" lines from <see cref="SlurmSettings"/>, then a case over the array task id (the design's rank)
/// that picks the design's project, then `fpgagen sweep task`, which compiles it and appends its record to
/// results.jsonl. The only text in the shell part is single-quoted paths and names FpgaGen made itself (project
/// folders are "&lt;rank&gt;-&lt;kernel&gt;-&lt;hash&gt;", kernels checked against [A-Za-z0-9_]).
/// </summary>
public static partial class BatchScript
{
    public const string FileName = "sweep.sbatch";

    /// <param name="sweepDirectory">The explored folder (absolute), holding designs.json and results.jsonl.</param>
    /// <param name="fpgagen">The command that runs fpgagen on the nodes (the apphost, or dotnet and fpgagen.dll).</param>
    /// <param name="designs">Rank and project folder (relative to <paramref name="sweepDirectory"/>) of every design the script can run.</param>
    public static string Render(string title, string sweepDirectory, IReadOnlyList<string> fpgagen, string target, SlurmSettings settings,
        IReadOnlyList<(int Rank, string Project)> designs)
    {
        foreach (var path in fpgagen.Prepend(sweepDirectory))
            if (path.Any(char.IsControl)) throw new InputException($"{InputException.OneLine(path)}: a path with a control character cannot go into a batch script");
        foreach (var (_, project) in designs)
            if (!ProjectName().IsMatch(project)) throw new ArgumentException($"not a sweep project folder: {project}", nameof(designs));
        var timeout = settings.Timeout is { } t ? string.Create(CultureInfo.InvariantCulture, $" --timeout {Math.Ceiling(t.TotalSeconds)}s") : "";
        var ranks = string.Join(",", designs.Select(d => d.Rank));
        var s = new StringBuilder();
        s.Append($"""
            #!/bin/bash
            # FpgaGen compile sweep: {OneLine(title)}, target {target}.
            # Written by `fpgagen compile --sweep ... --executor slurm`, which submits it from this folder as
            #   sbatch --array=RANKS%J sweep.sbatch
            # One array task per design; the task id is the design's rank in designs.json, %J runs at most J at once.
            # To submit by hand (cd here first, the log paths are relative): sbatch --array={ranks}%{settings.Jobs} sweep.sbatch
            # Each task compiles the project the submission generated, in the environment of the submitting shell
            # (--export=ALL: PATH, FPGAGEN_TOOL_PATH, the vendors' setup variables), and appends one record to
            # results.jsonl. A task stopped by Slurm (scancel, its time limit, a node failure, preemption) records
            # nothing; the next `fpgagen compile --sweep ... --executor slurm` submits it again.
            #SBATCH --job-name=fpgagen-sweep
            #SBATCH --output=logs/%A_%a.out
            #SBATCH --export=ALL

            """);
        foreach (var d in settings.Directives()) s.Append("#SBATCH ").Append(d).Append('\n');
        s.Append($"""
            set -u
            sweep={ProcessSpec.ShellQuote(sweepDirectory)}
            fpgagen=({string.Join(' ', fpgagen.Select(ProcessSpec.ShellQuote))})
            case "${"{"}SLURM_ARRAY_TASK_ID:-{"}"}" in

            """);
        foreach (var (rank, project) in designs)
            s.Append(CultureInfo.InvariantCulture, $"  {rank}) project={project} ;;\n");
        s.Append($$"""
              *) echo "sweep.sbatch: no design of rank '${SLURM_ARRAY_TASK_ID:-}' here; submit it as sbatch --array={{ranks}} sweep.sbatch" >&2; exit 2 ;;
            esac
            echo "fpgagen sweep task: $project on $(hostname) (job ${SLURM_ARRAY_JOB_ID:-}_${SLURM_ARRAY_TASK_ID})"
            exec "${fpgagen[@]}" sweep task "$sweep" --project "$project" --target {{target}}{{timeout}}

            """);
        return s.ToString();
    }

    private static string OneLine(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [GeneratedRegex(@"^sweep/[0-9]+-[A-Za-z0-9_]+-[0-9a-f]{8}$")]
    private static partial Regex ProjectName();
}
