using FpgaGen.OpenCl.Kernels;
using FpgaGen.OpenCl.Tuning;

namespace FpgaGen.Tests.OpenCl;

public sealed class ConstraintTests
{
    private static string Eval(string text, params (string, long)[] vars)
    {
        var map = vars.ToDictionary(v => v.Item1, v => (ExpressionValue)v.Item2);
        return Expression.Parse(text).Evaluate(map).ToString();
    }

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("7 / 2 + 7 % 2", "4")]
    [InlineData("-3 + 5", "2")]
    [InlineData("2 < 3 && 3 <= 3 && 4 > 3 && (4 >= 5) == false", "true")]
    [InlineData("1 == 2 || 2 != 2", "false")]
    [InlineData("!(1 > 0) || !false", "true")]
    [InlineData("min(4, 9) * max(2, -1)", "8")]
    [InlineData("10 - 4 - 3", "3")]
    public void EvaluatesWithCPrecedence(string text, string expected) => Assert.Equal(expected, Eval(text));

    [Theory]
    [InlineData("!0 + !5", "'!' needs true or false")]
    [InlineData("MWG + (MDIMC > 1)", "'+' needs numbers")]
    [InlineData("MWG * 2", "must be true or false")]
    [InlineData("(MWG > 1) == 1", "'==' needs two numbers or two true/false values")]
    public void ConstraintsOfTheWrongKindFailWhenTheSpaceIsMade(string constraint, string message)
    {
        var e = Assert.Throws<InputException>(() => new ParameterSpace("t", [new("MWG", [1]), new("MDIMC", [1])], [constraint]));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ReadsVariablesAndShortCircuits()
    {
        Assert.Equal("true", Eval("MWG % MDIMC == 0", ("MWG", 64), ("MDIMC", 8)));
        var c = Expression.Parse("SA == 0 || KWG / SA > 1");
        Assert.Equal(new HashSet<string> { "SA", "KWG" }, c.Variables);
        Assert.True(c.Evaluate(n => n == "SA" ? 0 : 16).AsBool()); // the division is never evaluated
        var divide = Assert.Throws<ExpressionException>(() => Expression.Parse("X / Y > 0").Evaluate(n => n == "X" ? 4 : 0));
        Assert.True(divide.Arithmetic);
        // In a space, a constraint that divides by zero on a point does not hold there.
        var space = new ParameterSpace("t", [new("X", [4]), new("Y", [0, 2])], ["X / Y > 0"]);
        Assert.Equal(["X=4,Y=2"], space.Enumerate().Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("1 +")]
    [InlineData("(1 + 2")]
    [InlineData("A B")]
    [InlineData("a $ b")]
    [InlineData("min(1)")]
    public void SyntaxErrorsNameThePosition(string text)
    {
        var ex = Assert.Throws<FormatException>(() => Expression.Parse(text));
        Assert.Contains("position", ex.Message);
    }

    [Fact]
    public void EnumerationPrunesExactlyLikeAFullFilter()
    {
        var space = new ParameterSpace("t",
            [new("A", [1, 2, 3, 4]), new("B", [1, 2, 4, 8]), new("C", [0, 1])],
            ["B % A == 0", "A * B <= LIMIT", "C == 0 || A > 1"]);
        var env = new Dictionary<string, long> { ["LIMIT"] = 8 };
        var got = space.Enumerate(env).Select(p => new KernelParameters(p.AsDictionary()).Key).ToList();
        var expected = new List<string>();
        foreach (var a in new[] { 1, 2, 3, 4 })
        foreach (var b in new[] { 1, 2, 4, 8 })
        foreach (var c in new[] { 0, 1 })
            if (b % a == 0 && a * b <= 8 && (c == 0 || a > 1))
                expected.Add(KernelParameters.Parse($"A={a},B={b},C={c}").Key);
        Assert.Equal(expected, got);
        Assert.Equal(32, space.Size);
        Assert.Null(space.FirstBroken([2, 4, 1], env));
        Assert.Equal("A * B <= LIMIT", space.FirstBroken([4, 4, 1], env)?.Text);
    }

    [Fact]
    public void SpacesRoundTripThroughJsonAndRejectUnknownNames()
    {
        var json = TuningSpaceFile.ToJson(GemmTuning.CpuSpace);
        var back = TuningSpaceFile.FromJson(json);
        Assert.Equal(GemmTuning.CpuSpace.Parameters.Select(p => (p.Name, string.Join(",", p.Values))),
            back.Parameters.Select(p => (p.Name, string.Join(",", p.Values))));
        Assert.Equal(GemmTuning.CpuSpace.Constraints.Select(c => c.Text), back.Constraints.Select(c => c.Text));

        var bad = new ParameterSpace("t", [new("A", [1])], ["A <= NOT_DEFINED"]);
        var ex = Assert.Throws<InputException>(() => bad.Enumerate(new Dictionary<string, long>()).ToList());
        Assert.Contains("NOT_DEFINED", ex.Message);
        Assert.ThrowsAny<InputException>(() => TuningSpaceFile.FromJson("{\"kernel\":\"t\",\"parameters\":[],\"constraints\":[]}"));
        Assert.ThrowsAny<InputException>(() => TuningSpaceFile.FromJson("not json"));
        Assert.ThrowsAny<InputException>(() => TuningSpaceFile.FromJson("{\"kernel\":\"t\",\"parameters\":[{\"name\":\"A\",\"values\":[1]}],\"constraints\":[\"A <\"]}"));
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
            foreach (var p in all) GemmKernel.Validate(new KernelParameters(p.AsDictionary())); // the space never proposes what the kernel rejects
        }
    }
}
