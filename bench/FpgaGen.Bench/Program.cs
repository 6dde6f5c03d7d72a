using BenchmarkDotNet.Running;
using FpgaGen.Bench;

// `--quick` prints the explorer's headline figures with a stopwatch; anything else goes to BenchmarkDotNet
// (e.g. `--filter '*'`).
if (args.Contains("--quick"))
{
    QuickFigures.Run();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(ExplorerBenchmarks).Assembly).Run(args);
