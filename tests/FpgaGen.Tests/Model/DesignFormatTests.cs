using FpgaGen.Model;
using FpgaGen.Model.Designs;

namespace FpgaGen.Tests.Model;

public class DesignFormatTests
{
    [Fact]
    public void RepeatExpandsBlocksWithArgumentsAndFirstOverrides()
    {
        var net = DesignLoader.Parse("""
            input: [4, 16, 16]
            blocks:
              stage:
                args: {c: 8, s: 1, proj: false}
                layers:
                  - {kind: conv, name: a, out: $c, kernel: 3, stride: $s, pad: 1}
                  - {kind: conv, name: p, from: input, out: $c, kernel: 1, stride: $s, when: $proj}
                  - {kind: add, from: [a, p]}
            layers:
              - {repeat: stage, name: s1, times: 3, args: {c: $2*4}, first: {s: 2, proj: true}}
            """);
        Assert.Equal(["s1.0.a", "s1.0.p", "s1.0.add1", "s1.1.a", "s1.1.add1", "s1.2.a", "s1.2.add1"], net.Layers.Select(l => l.Name));
        Assert.Equal(new Shape(8, 8, 8), net.Layers[^1].Output);
        // With the projection switched off, its name stands for the block input.
        Assert.Equal(["s1.1.a", "s1.0.add1"], net["s1.1.add1"].Inputs);
    }

    [Theory]
    [InlineData("2+3*4", 14L)]
    [InlineData("(2+3)*4", 20L)]
    [InlineData("w*4/3", 21L)]
    [InlineData("-w%5", -1L)]
    public void ExpressionsFollowPrecedence(string text, long expected) =>
        Assert.Equal(expected, Expression.Parse(text).Evaluate(new Dictionary<string, ExpressionValue> { ["w"] = 16L }).AsNumber());

    [Theory]
    [InlineData("w >= 16 && !f", true)]
    [InlineData("w != 16 || f", false)]
    [InlineData("w <= 15", false)]
    public void BooleanExpressions(string text, bool expected) =>
        Assert.Equal(expected, Expression.Parse(text).Evaluate(new Dictionary<string, ExpressionValue> { ["w"] = 16L, ["f"] = false }).AsBool());

    [Fact]
    public void QuotedDollarIsText()
    {
        var net = DesignLoader.Parse("input: [3, 8, 8]\nlayers:\n  - {kind: relu, name: '$x'}\n");
        Assert.Equal("$x", net.Layers[0].Name);
    }
}
