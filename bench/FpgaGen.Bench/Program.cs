using BenchmarkDotNet.Running;
using FpgaGen.Bench;

// `--quick` prints the explorer's headline figures with a stopwatch, `--schedule [device]` the schedule check on the
// zoo; anything else goes to BenchmarkDotNet (e.g. `--filter '*'`).
if (args.Length > 0 && args[0] == "--schedule")
{
    ScheduleFigures.Run(args.Length > 1 ? args[1] : null);
    return;
}
if (args.Contains("--quick"))
{
    QuickFigures.Run();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(ExplorerBenchmarks).Assembly).Run(args);
