using FpgaGen.OpenCl.Kernels;
using FpgaGen.OpenCl.Tuning;

namespace FpgaGen.Tests.OpenCl;

public sealed class ConstraintTests
{
    private static long Eval(string text, params (string, long)[] vars)
    {
        var map = vars.ToDictionary(v => v.Item1, v => v.Item2);
        return ConstraintExpression.Parse(text).Evaluate(n => map[n]);
    }

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("7 / 2 + 7 % 2", 4)]
    [InlineData("-3 + 5", 2)]
    [InlineData("2 < 3 && 3 <= 3 && 4 > 3 && 4 >= 5 == 0", 1)]
    [InlineData("1 == 2 || 2 != 2", 0)]
    [InlineData("!0 + !5", 1)]
    [InlineData("min(4, 9) * max(2, -1)", 8)]
    [InlineData("10 - 4 - 3", 3)]
    public void EvaluatesWithCPrecedence(string text, long expected) => Assert.Equal(expected, Eval(text));

    [Fact]
    public void ReadsVariablesAndShortCircuits()
    {
        Assert.Equal(1, Eval("MWG % MDIMC == 0", ("MWG", 64), ("MDIMC", 8)));
        var c = ConstraintExpression.Parse("SA == 0 || KWG / SA > 1");
        Assert.Equal(new HashSet<string> { "SA", "KWG" }, c.Variables);
        Assert.True(c.Holds(n => n == "SA" ? 0 : 16));     // the division is never evaluated
        Assert.False(ConstraintExpression.Parse("X / Y > 0").Holds(n => n == "X" ? 4 : 0)); // divide by zero → false
    }

    [Theory]
    [InlineData("1 +")]
    [InlineData("(1 + 2")]
    [InlineData("A B")]
    [InlineData("a $ b")]
    [InlineData("min(1)")]
    public void SyntaxErrorsNameThePosition(string text)
    {
        var ex = Assert.Throws<FormatException>(() => ConstraintExpression.Parse(text));
        Assert.Contains("position", ex.Message);
    }

    [Fact]
    public void EnumerationPrunesExactlyLikeAFullFilter()
    {
        var space = new TuningSpace("t",
            [new("A", [1, 2, 3, 4]), new("B", [1, 2, 4, 8]), new("C", [0, 1])],
            ["B % A == 0", "A * B <= LIMIT", "C == 0 || A > 1"]);
        var env = new Dictionary<string, long> { ["LIMIT"] = 8 };
        var got = space.Enumerate(env).Select(p => p.Key).ToList();
        var expected = new List<string>();
        foreach (var a in new[] { 1, 2, 3, 4 })
        foreach (var b in new[] { 1, 2, 4, 8 })
        foreach (var c in new[] { 0, 1 })
            if (b % a == 0 && a * b <= 8 && (c == 0 || a > 1))
                expected.Add(KernelParameters.Parse($"A={a},B={b},C={c}").Key);
        Assert.Equal(expected, got);
        Assert.Equal(32, space.Combinations);
        Assert.True(space.Allows(KernelParameters.Parse("A=2,B=4,C=1"), env));
        Assert.False(space.Allows(KernelParameters.Parse("A=4,B=4,C=1"), env));
    }

    [Fact]
    public void SpacesRoundTripThroughJsonAndRejectUnknownNames()
    {
        var json = GemmTuning.CpuSpace.ToJson();
        var back = TuningSpace.FromJson(json);
        Assert.Equal(GemmTuning.CpuSpace.Parameters.Select(p => (p.Name, string.Join(",", p.Values))),
            back.Parameters.Select(p => (p.Name, string.Join(",", p.Values))));
        Assert.Equal(GemmTuning.CpuSpace.Constraints, back.Constraints);

        var bad = new TuningSpace("t", [new("A", [1])], ["A <= NOT_DEFINED"]);
        var ex = Assert.Throws<InputException>(() => bad.Enumerate(new Dictionary<string, long>()));
        Assert.Contains("NOT_DEFINED", ex.Message);
        Assert.Throws<InputException>(() => TuningSpace.FromJson("{\"kernel\":\"t\",\"parameters\":[],\"constraints\":[]}"));
        Assert.Throws<InputException>(() => TuningSpace.FromJson("not json"));
    }

    [Fact]
    public void BuiltInSpacesHoldValidKernelConfigurations()
    {
        var env = new Dictionary<string, long>
        {
            ["MAX_WG_SIZE"] = 1024, ["LOCAL_MEM_BYTES"] = 48 * 1024, ["COMPUTE_UNITS"] = 8, ["IS_GPU"] = 1,
            ["M"] = 197, ["N"] = 768, ["K"] = 3072, ["M_P2"] = 256, ["N_P2"] = 1024, ["K_P2"] = 4096,
        };
        foreach (var space in new[] { GemmTuning.CpuSpace, GemmTuning.GpuSpace })
        {
            var all = space.Enumerate(env);
            Assert.NotEmpty(all);
            foreach (var p in all) GemmKernel.Validate(p); // the space never proposes what the kernel rejects
        }
    }
}
