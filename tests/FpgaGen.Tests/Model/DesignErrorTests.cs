using FpgaGen.Model.Designs;

namespace FpgaGen.Tests.Model;

/// <summary>Every kind of bad design file gives one clear line: file, line:column, what is wrong, what was expected.</summary>
public class DesignErrorTests
{
    private static string Error(string yaml)
    {
        var e = Assert.Throws<InputException>(() => DesignLoader.Parse(yaml, "bad.yaml"));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    private const string Header = "input: [3, 32, 32]\nlayers:\n";

    [Fact]
    public void MalformedYaml() =>
        Assert.StartsWith("bad.yaml:3:", Error(Header + "  - {kind: conv, out: 8\n  - relu\n"));

    [Fact]
    public void UnknownLayerKind()
    {
        var m = Error(Header + "  - {kind: convolution, out: 8, kernel: 3}\n");
        Assert.StartsWith("bad.yaml:3:", m);
        Assert.Contains("unknown layer kind 'convolution' (expected one of: conv, linear", m);
    }

    [Fact]
    public void UnknownField() =>
        Assert.Equal("bad.yaml:3:26: conv layer: unknown field 'kernal' (expected one of: kind, name, from, when, precision, out, kernel, stride, pad, dilation, groups, bias)",
            Error(Header + "  - {kind: conv, out: 8, kernal: 3}\n"));

    [Fact]
    public void MissingField() =>
        Assert.Equal("bad.yaml:3:5: missing field 'kernel'", Error(Header + "  - {kind: conv, out: 8}\n"));

    [Fact]
    public void MissingInput() =>
        Assert.Equal("bad.yaml:1:1: missing field 'input' (the input shape, e.g. [3, 224, 224])", Error("layers: [relu]\n"));

    [Fact]
    public void WrongType() =>
        Assert.Equal("bad.yaml:3:23: expected an integer, got 'many'", Error(Header + "  - {kind: conv, out: many, kernel: 3}\n"));

    [Fact]
    public void ResidualAddOfDifferentShapes()
    {
        var m = Error(Header + "  - {kind: conv, name: c, out: 8, kernel: 1}\n  - {kind: add, from: [c, input]}\n");
        Assert.Equal("bad.yaml:4:5: layer 'add1' (add): cannot add tensors of shapes 8x32x32 and 3x32x32 (a residual add needs equal shapes)", m);
    }

    [Fact]
    public void ChannelsNotDivisibleByGroups() =>
        Assert.Equal("bad.yaml:3:5: layer 'conv1' (conv): input channels 3 are not divisible by groups 2",
            Error(Header + "  - {kind: conv, out: 8, kernel: 3, groups: 2}\n"));

    [Theory]
    [InlineData("  - {kind: conv, out: 0, kernel: 3}\n", "output channels must be positive, got 0")]
    [InlineData("  - {kind: conv, out: 8, kernel: -3}\n", "kernel height must be positive, got -3")]
    [InlineData("  - {kind: maxpool, kernel: 2, stride: 0}\n", "pool stride must be positive, got 0")]
    [InlineData("  - {kind: linear, out: -1}\n", "output features must be positive, got -1")]
    public void ZeroOrNegativeSizes(string layer, string expected)
    {
        var m = Error(Header + layer);
        Assert.StartsWith("bad.yaml:3:5: layer '", m);
        Assert.EndsWith(expected, m);
    }

    [Fact]
    public void ZeroInputDimension() =>
        Assert.Equal("bad.yaml:1:8: input: dimension 0 in 3x0x32 must be positive", Error("input: [3, 0, 32]\nlayers: [relu]\n"));

    [Fact]
    public void KernelLargerThanInput() =>
        Assert.Contains("larger than the padded input", Error(Header + "  - {kind: conv, out: 8, kernel: 40}\n"));

    [Fact]
    public void CountsThatOverflow64Bits()
    {
        var m = Error("input: [2000000000, 2000000000, 2000000000]\nlayers: [relu]\n");
        Assert.StartsWith("bad.yaml:1:8: input:", m);
        var m2 = Error("input: [60000, 60000, 60000]\nlayers:\n  - {kind: conv, out: 2000000000, kernel: 1}\n");
        Assert.Equal("bad.yaml:3:5: layer 'conv1' (conv): sizes too large: its element, MAC or parameter counts overflow 64-bit integers", m2);
    }

    [Fact]
    public void AliasBombIsRefused()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 0; i < 9; i++) yaml += $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}]\n";
        var m = Error(yaml);
        Assert.Contains("YAML expands to more than", m);
    }

    [Fact]
    public void UndefinedInputName() =>
        Assert.Equal("bad.yaml:3:24: 'bn9' is not an earlier layer in this block (known here: input)",
            Error(Header + "  - {kind: add, from: [bn9, input]}\n"));

    [Fact]
    public void DuplicateName() =>
        Assert.Equal("bad.yaml:4:5: layer name 'x' is used twice; names must be unique",
            Error(Header + "  - {kind: relu, name: x}\n  - {kind: relu, name: x}\n"));

    [Fact]
    public void UnknownBlockAndArgument()
    {
        Assert.Equal("bad.yaml:3:14: unknown block 'stage' (defined blocks: none)", Error(Header + "  - {repeat: stage}\n"));
        var yaml = "input: [3, 8, 8]\nblocks:\n  b:\n    args: {c: 4}\n    layers: [{kind: conv, out: $c, kernel: 1}]\nlayers:\n  - {repeat: b, args: {d: 2}}\n";
        Assert.Equal("bad.yaml:7:24: block 'b' has no argument 'd' (its arguments: c)", Error(yaml));
    }

    [Fact]
    public void BadExpression()
    {
        var yaml = "input: [3, 8, 8]\nblocks:\n  b:\n    args: {c: 4}\n    layers: [{kind: conv, out: $c*w, kernel: 1}]\nlayers:\n  - {repeat: b}\n";
        Assert.Equal("bad.yaml:5:32: cannot evaluate '$c*w': unknown argument 'w' (known: c)", Error(yaml));
    }

    [Fact]
    public void RecursiveBlock()
    {
        var yaml = "input: [3, 8, 8]\nblocks:\n  b:\n    layers: [{repeat: b}]\nlayers:\n  - {repeat: b}\n";
        Assert.Contains("nested more than 16 deep", Error(yaml));
    }

    [Fact]
    public void NotAFile()
    {
        var e = Assert.Throws<InputException>(() => DesignLoader.Load("/nonexistent/x.yaml"));
        Assert.Equal("/nonexistent/x.yaml: file not found", e.Message);
    }
}
