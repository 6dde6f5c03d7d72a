using FpgaGen.Cli;

namespace FpgaGen.Tests.Cli;

/// <summary>Runs the fpgagen CLI in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record Result(int Code, string Out, string Err);

    public static Result Run(params string[] args) => Run(null, args);

    /// <summary>Runs with <paramref name="tools"/> as the vendor tools' environment (e.g. fakes first on their PATH).</summary>
    public static Result Run(FpgaGen.Toolchains.Discovery.ToolEnvironment? tools, params string[] args) => Run(tools, null, args);

    /// <summary>Runs as on a terminal <paramref name="width"/> characters wide.</summary>
    public static Result RunAtWidth(int width, params string[] args) => Run(null, width, args);

    /// <summary>
    /// Starts the CLI on another thread, for tests that watch what it prints while it runs (a sweep waiting on
    /// Slurm); <see cref="Live.Out"/> is what it printed so far.
    /// </summary>
    public static Live Start(FpgaGen.Toolchains.Discovery.ToolEnvironment? tools, params string[] args) => new(tools, args);

    public sealed class Live
    {
        private readonly LockedWriter stdout = new();
        private readonly LockedWriter stderr = new();

        internal Live(FpgaGen.Toolchains.Discovery.ToolEnvironment? tools, string[] args) =>
            Exit = Task.Factory.StartNew(() => Program.Run(args, stdout, stderr, tools), TaskCreationOptions.LongRunning);

        public Task<int> Exit { get; }

        public string Out => stdout.Text;

        public string Err => stderr.Text;

        /// <summary>Waits for the command to end (at most <paramref name="seconds"/>); its result.</summary>
        public Result Wait(int seconds = 120)
        {
            if (!Exit.Wait(TimeSpan.FromSeconds(seconds))) Assert.Fail($"the command did not end within {seconds} s; so far:\n{Out}{Err}");
            return new Result(Exit.Result, Out, Err);
        }
    }

    /// <summary>A writer that another thread may read while the command writes.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly System.Text.StringBuilder text = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public string Text
        {
            get { lock (text) return text.ToString(); }
        }

        public override void Write(char value)
        {
            lock (text) text.Append(value);
        }

        public override void Write(string? value)
        {
            lock (text) text.Append(value);
        }
    }

    /// <summary>Runs with the given tools environment as on a terminal <paramref name="width"/> characters wide (null: not a terminal).</summary>
    public static Result Run(FpgaGen.Toolchains.Discovery.ToolEnvironment? tools, int? width, string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr, tools, width);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
