using FpgaGen.Model.Designs;

namespace FpgaGen.Tests.Security;

/// <summary>
/// The expression language reads text from design files and space files: hostile nesting, long operator chains and
/// huge numbers are one clear error, never a stack overflow (which would kill the process) or a wrapped value.
/// </summary>
public sealed class ExpressionLimitTests
{
    public static TheoryData<string> Hostile => new()
    {
        new string('(', 100_000) + "1" + new string(')', 100_000),
        new string('-', 100_000) + "1",
        new string('!', 100_000) + "true",
        string.Join(" + ", Enumerable.Repeat("1", 100_000)),
        string.Join(" && ", Enumerable.Repeat("true", 100_000)),
        string.Concat(Enumerable.Repeat("min(1, ", 100_000)) + "1" + new string(')', 100_000),
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void DeepExpressionsAreRefusedWhenParsed(string text)
    {
        var e = Assert.Throws<FormatException>(() => Expression.Parse(text));
        Assert.Contains($"nested more than {Expression.MaxDepth} deep", e.Message);
    }

    [Fact]
    public void DepthUpToTheLimitEvaluates()
    {
        var depth = Expression.MaxDepth - 1;
        Assert.Equal(1, Expression.Parse(new string('(', depth) + "1" + new string(')', depth)).Evaluate(_ => null).AsNumber());
        Assert.Equal(depth, Expression.Parse(string.Join("+", Enumerable.Repeat("1", depth))).Evaluate(_ => null).AsNumber());
    }

    [Theory]
    [InlineData("99999999999999999999", "number too large")]
    [InlineData("9223372036854775807 + 1", "overflows")]
    [InlineData("3037000500 * 3037000500", "overflows")]
    [InlineData("1 / 0", "division by zero")]
    [InlineData("1 +\n", "unexpected end")]
    [InlineData("1 \u0007 2", "U+0007")]
    public void NumbersAndControlCharactersAreOneLineErrors(string text, string message)
    {
        var e = Assert.ThrowsAny<FormatException>(() => Expression.Parse(text).Evaluate(_ => null));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void DesignFileWithDeepExpressionIsOneError()
    {
        var deep = new string('(', 5000) + "c" + new string(')', 5000);
        var yaml = $"input: [3, 8, 8]\nblocks:\n  b:\n    args: {{c: 4}}\n    layers: [{{kind: conv, out: ${deep}, kernel: 1}}]\nlayers:\n  - {{repeat: b}}\n";
        var e = Assert.Throws<InputException>(() => DesignLoader.Parse(yaml, "deep.yaml"));
        Assert.Contains($"nested more than {Expression.MaxDepth} deep", e.Message);
        Assert.StartsWith("deep.yaml:", e.Message);
    }

    [Fact]
    public void SpaceFileWithDeepConstraintIsOneError()
    {
        var deep = new string('(', 5000) + "A > 0" + new string(')', 5000);
        var json = $$"""{"kernel": "t", "parameters": [{"name": "A", "values": [1]}], "constraints": ["{{deep}}"]}""";
        var e = Assert.Throws<InputException>(() => FpgaGen.OpenCl.Tuning.TuningSpaceFile.FromJson(json, "space.json"));
        Assert.Contains($"nested more than {Expression.MaxDepth} deep", e.Message);
        Assert.StartsWith("space.json:", e.Message);
    }
}
