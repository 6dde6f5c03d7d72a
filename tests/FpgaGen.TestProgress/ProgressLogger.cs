using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace FpgaGen.TestProgress;

/// <summary>
/// `dotnet test --logger progress`: prints each test class when its last test has finished (passed, failed and
/// skipped counts, seconds since the start), each failure's message at once, and the totals at the end. How many
/// tests a class has is read from the test assembly's metadata (<see cref="TestCounts"/>); a class whose theories
/// take data from members has no count known in advance and is printed when the run ends.
/// </summary>
[FriendlyName(FriendlyName)]
[ExtensionUri(Uri)]
public sealed class ProgressLogger : ITestLoggerWithParameters
{
    public const string FriendlyName = "progress";
    public const string Uri = "logger://fpgagen/progress";

    private sealed class ClassTally
    {
        public int Passed, Failed, Skipped;
        public int Done => Passed + Failed + Skipped;
        public bool Printed;
    }

    private readonly ConcurrentDictionary<string, ClassTally> classes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> expected = new(StringComparer.Ordinal);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly object gate = new();
    private int expectedTotal;
    private int finishedClasses;

    public void Initialize(TestLoggerEvents events, Dictionary<string, string?> parameters) => Initialize(events, "");

    public void Initialize(TestLoggerEvents events, string testRunDirectory)
    {
        events.TestRunStart += (_, e) => Start(e.TestRunCriteria.Sources ?? []);
        events.TestResult += (_, e) => Record(e.Result);
        events.TestRunComplete += (_, e) => Complete(e);
    }

    private void Start(IEnumerable<string> sources)
    {
        lock (gate)
        {
            foreach (var source in sources)
                foreach (var (name, count) in TestCounts.Read(source))
                    expected[name] = count;
            expectedTotal = expected.Values.Where(c => c > 0).Sum();
            Console.WriteLine($"running {expected.Count} test classes ({expectedTotal} tests counted ahead, plus theories with member data)");
        }
    }

    private void Record(TestResult result)
    {
        var name = ClassOf(result.TestCase.FullyQualifiedName);
        var tally = classes.GetOrAdd(name, _ => new ClassTally());
        lock (gate)
        {
            switch (result.Outcome)
            {
                case TestOutcome.Passed: tally.Passed++; break;
                case TestOutcome.Failed:
                    tally.Failed++;
                    Console.WriteLine($"  FAILED {result.TestCase.DisplayName}: {FirstLine(result.ErrorMessage)}");
                    break;
                default: tally.Skipped++; break;
            }
            if (!tally.Printed && expected.TryGetValue(name, out var count) && count > 0 && tally.Done >= count) Print(name, tally);
        }
    }

    private void Complete(TestRunCompleteEventArgs e)
    {
        lock (gate)
        {
            foreach (var (name, tally) in classes.OrderBy(c => c.Key, StringComparer.Ordinal).Where(c => !c.Value.Printed))
                Print(name, tally);
            // A class whose count was under its results (a data attribute not counted) was printed early: say so.
            foreach (var (name, tally) in classes.Where(c => c.Value.Printed && expected.GetValueOrDefault(c.Key) is > 0 and var n && c.Value.Done > n))
                Console.WriteLine($"  {Short(name)}: {tally.Done - expected[name]} more after it was listed");
            var s = e.TestRunStatistics;
            long Count(TestOutcome o) => s?.Stats is { } stats && stats.TryGetValue(o, out var n) ? n : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"total: {s?.ExecutedTests ?? 0} tests in {classes.Count} classes: {Count(TestOutcome.Passed)} passed, {Count(TestOutcome.Failed)} failed, {Count(TestOutcome.Skipped)} skipped; {e.ElapsedTimeInRunningTests.TotalSeconds:0} s"));
        }
    }

    private void Print(string name, ClassTally tally)
    {
        tally.Printed = true;
        finishedClasses++;
        var failed = tally.Failed > 0 ? $", {tally.Failed} FAILED" : "";
        var skipped = tally.Skipped > 0 ? $", {tally.Skipped} skipped" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{clock.Elapsed.TotalSeconds,4:0} s] {finishedClasses,3}/{expected.Count}  {Short(name)}: {tally.Passed} passed{failed}{skipped}"));
    }

    /// <summary>"Ns.Class.Method(args)" → "Ns.Class" (xunit names nested classes Outer+Inner).</summary>
    public static string ClassOf(string fullyQualifiedName)
    {
        var paren = fullyQualifiedName.IndexOf('(', StringComparison.Ordinal);
        var name = paren < 0 ? fullyQualifiedName : fullyQualifiedName[..paren];
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[..dot];
    }

    private static string Short(string name) => name.StartsWith("FpgaGen.Tests.", StringComparison.Ordinal) ? name["FpgaGen.Tests.".Length..] : name;

    private static string FirstLine(string? text) => text is null ? "" : text.Split('\n')[0].Trim();
}
