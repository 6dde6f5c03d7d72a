using Spectre.Console;

namespace FpgaGen.Cli;

/// <summary>
/// A progress bar on stderr for long work, drawn only when stderr is a terminal (never into piped or JSON output).
/// The work reports (done, total) synchronously on its own thread; Progress&lt;T&gt; would post the updates to the
/// thread pool, where late ones can arrive after the bar has finished.
/// </summary>
internal static class ProgressBar
{
    public static T Run<T>(CliIo io, string title, Func<Action<double, double>, T> work)
    {
        if (!io.Interactive) return work((_, _) => { });
        T result = default!;
        io.ErrConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(CliIo.Escape(title));
                result = work((done, total) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = Math.Min(done, task.MaxValue);
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>
    /// A bar for work in phases: each report names its phase, shown after the title ("simulating vgg16: reference"),
    /// and the bar shows how far that phase is, so a long first phase never reads as a bar stuck at 0%.
    /// </summary>
    public static T RunPhased<T>(CliIo io, string title, Func<Action<string, double, double>, T> work)
    {
        if (!io.Interactive) return work((_, _, _) => { });
        T result = default!;
        io.ErrConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(CliIo.Escape(title));
                var current = "";
                result = work((phase, done, total) =>
                {
                    if (phase != current)
                    {
                        current = phase;
                        task.Description = CliIo.Escape($"{title}: {phase}");
                        task.Value = 0;
                    }
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = Math.Min(done, task.MaxValue);
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>An IProgress that calls back on the reporting thread.</summary>
    public sealed class Sync<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }
}
