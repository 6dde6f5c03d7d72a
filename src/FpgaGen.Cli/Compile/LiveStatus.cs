using Spectre.Console;

namespace FpgaGen.Cli.Compile;

/// <summary>
/// A progress display on stderr for tool runs, drawn only when stderr is a terminal: elapsed time, a bar when the
/// amount of work is known, and a description (e.g. the tool's last line) that any thread may update.
/// </summary>
internal sealed class LiveStatus
{
    private const int LineWidth = 90;
    private readonly ProgressTask task;

    private LiveStatus(ProgressTask task) => this.task = task;

    /// <summary>Runs <paramref name="body"/>; it gets a status to update, or null when nothing is drawn (not a terminal).</summary>
    public static async Task<T> RunAsync<T>(CliIo io, string title, int? total, Func<LiveStatus?, Task<T>> body)
    {
        if (!io.Interactive) return await body(null);
        T result = default!;
        ProgressColumn[] columns = total is null
            ? [new SpinnerColumn(), new ElapsedTimeColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }]
            : [new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }];
        await io.ErrConsole.Progress().AutoClear(true).Columns(columns).StartAsync(async ctx =>
        {
            var task = ctx.AddTask(CliIo.Escape(title), maxValue: Math.Max(1, total ?? 1));
            if (total is null) task.IsIndeterminate();
            result = await body(new LiveStatus(task));
        });
        return result;
    }

    public void Describe(string text) => task.Description = CliIo.Escape(Shorten(text));

    public void Advance() => task.Increment(1);

    private static string Shorten(string text)
    {
        var line = text.Replace('\t', ' ').Trim();
        return line.Length <= LineWidth ? line : line[..(LineWidth - 1)] + "…";
    }
}
