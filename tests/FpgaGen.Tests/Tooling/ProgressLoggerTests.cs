using FpgaGen.TestProgress;

namespace FpgaGen.Tests.Tooling;

/// <summary>The progress logger of ./test.sh: how it knows when a test class has finished.</summary>
public class ProgressLoggerTests
{
    private static readonly Dictionary<string, int> Counts =
        TestCounts.Read(typeof(ProgressLoggerTests).Assembly.Location).ToDictionary(c => c.Class, c => c.Count);

    [Fact]
    public void CountsFactsAndInlineTheoriesFromTheAssemblysMetadata()
    {
        Assert.Equal(4, Counts["FpgaGen.Tests.Tooling.ProgressLoggerTests"]); // this fact and a theory of 3 rows
        Assert.Equal(1, Counts["FpgaGen.Tests.Cli.ToolPackageTests"]);
        Assert.Equal(4, Counts["FpgaGen.Tests.Cli.OpenClCliTests"]); // 2 facts, a theory of 2 rows
        // Attributes derived from Fact count as facts ([OpenClFact]).
        Assert.True(Counts["FpgaGen.Tests.OpenCl.TunerTests"] >= 2);
        // A theory fed by [MemberData] has no count until its data is computed: unknown (-1), printed at the end.
        Assert.Equal(-1, Counts["FpgaGen.Tests.Cli.TableWidthTests"]);
    }

    [Theory]
    [InlineData("FpgaGen.Tests.Cli.TableWidthTests.DevicesKeepPartAndPlatformNamesWhole(width: 80)", "FpgaGen.Tests.Cli.TableWidthTests")]
    [InlineData("FpgaGen.Tests.Cli.ExploreCliTests.JsonOutputListsTopDesigns", "FpgaGen.Tests.Cli.ExploreCliTests")]
    [InlineData("Ns.Outer+Inner.Method(s: \"a.b\")", "Ns.Outer+Inner")]
    public void NamesTheClassOfATestCase(string testCase, string expected) => Assert.Equal(expected, ProgressLogger.ClassOf(testCase));
}
