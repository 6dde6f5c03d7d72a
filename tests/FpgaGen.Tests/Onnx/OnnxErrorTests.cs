using FpgaGen.Onnx;
using static FpgaGen.Tests.Onnx.ModelWriter;

namespace FpgaGen.Tests.Onnx;

/// <summary>Broken, foreign and unsupported files give one clear InputException line.</summary>
public class OnnxErrorTests
{
    private static InputException Fails(byte[] content)
    {
        using var file = new TempFile(content);
        var e = Assert.Throws<InputException>(() => OnnxImporter.Load(file.Path));
        Assert.StartsWith(file.Path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void TheBaseModelImports()
    {
        using var file = new TempFile(ConvRelu());
        var network = OnnxImporter.Load(file.Path);
        Assert.Equal(["conv", "relu"], network.Layers.Select(l => l.Kind));
        Assert.Equal(8L * 8 * 8 * 3 * 3 * 3, network.Macs);
    }

    [Fact]
    public void EveryTruncationOfARealExportIsRejected()
    {
        var bytes = File.ReadAllBytes(OnnxFixtures.PathOf("alexnet"));
        for (var length = 1; length < bytes.Length; length++)
        {
            var e = Assert.Throws<InputException>(() => OnnxImporter.Import(new MemoryStream(bytes[..length]), "alexnet.onnx"));
            Assert.StartsWith("alexnet.onnx: ", e.Message);
            Assert.Contains("ONNX", e.Message);
        }
        Assert.Equal(20, OnnxImporter.Import(new MemoryStream(bytes), "alexnet.onnx").Network.Layers.Count);
    }

    [Fact]
    public void RandomBytesAreNotAModel()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 2000)];
            random.NextBytes(bytes);
            Fails(bytes);
        }
    }

    [Fact]
    public void ATextFileIsNotAModel()
    {
        var e = Fails("name: ResNet-50\ninput: [3, 224, 224]\nlayers:\n  - {kind: conv, out: 64, kernel: 7}\n"u8.ToArray());
        Assert.Contains("not", e.Message);
    }

    [Fact]
    public void AnEmptyFileIsNotAModel() => Assert.Contains("empty", Fails([]).Message);

    [Theory]
    [InlineData(0x7FFFFFF0)]
    [InlineData(0x40000000)]
    public void AHugeLengthFieldDoesNotAllocateIt(int length)
    {
        // ModelProto.graph (field 7, length-delimited: tag 0x3A) claiming far more bytes than the file has.
        var header = new Proto().Varint(1, 8).ToBytes();
        var graphTag = new byte[] { 0x3A };
        var varint = Varint(length);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails([.. header, .. graphTag, .. varint, 0x12, 0x01, (byte)'g']); // then GraphProto.name = "g", and the end
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "the importer allocated more than 64 MiB");
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void AFileOverTwoGibibytesIsNotRead()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fpgagen-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var f = File.Create(path)) f.SetLength(OnnxImporter.MaxFileBytes + 1); // sparse: no disk space used
            var e = Assert.Throws<InputException>(() => OnnxImporter.Load(path));
            Assert.Contains("2 GiB", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ANestedLengthBeyondItsMessageIsRejected()
    {
        // A node name (NodeProto.name, field 3) claiming 1 GiB inside a graph of a few bytes.
        byte[] node = [0x1A, .. Varint(1 << 30), (byte)'a'];
        byte[] graph = [0x0A, .. Varint(node.Length), .. node];
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails([.. new Proto().Varint(1, 8).ToBytes(), 0x3A, .. Varint(graph.Length), .. graph]);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "the importer allocated more than 64 MiB");
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void ACycleIsNamed()
    {
        var e = Fails(OnnxModel(13,
            [Node("a", "Relu", ["x_plus"], ["y"]), Node("b", "Add", ["x", "y"], ["x_plus"])],
            [Tensor("x", 1, 4)], [Tensor("y", 1, 4)]));
        Assert.Contains("cycle", e.Message);
        Assert.Contains("'a' (Relu)", e.Message);
        Assert.Contains("'b' (Add)", e.Message);
    }

    [Fact]
    public void AnUndefinedInputIsNamed()
    {
        var e = Fails(ConvRelu(reluInput: "missing"));
        Assert.Contains("node 'act' (Relu)", e.Message);
        Assert.Contains("'missing' is not defined", e.Message);
    }

    [Fact]
    public void AnUnsupportedOperatorNamesTheNodeAndOperator()
    {
        var e = Fails(ConvRelu(reluOp: "LeakyRelu"));
        Assert.Contains("node 'act' (LeakyRelu)", e.Message);
        Assert.Contains("operator 'LeakyRelu' is not supported", e.Message);
    }

    [Fact]
    public void AnUnknownAttributeIsNamed()
    {
        var e = Fails(ConvRelu(Int("winograd", 1)));
        Assert.Contains("node 'conv' (Conv)", e.Message);
        Assert.Contains("attribute 'winograd' is not supported", e.Message);
    }

    [Fact]
    public void AnUnsupportedAttributeValueIsNamed()
    {
        var e = Fails(ConvRelu(Ints("strides", 1, 2)));
        Assert.Contains("node 'conv' (Conv)", e.Message);
        Assert.Contains("attribute 'strides' = [1, 2]", e.Message);
    }

    [Fact]
    public void AnOpsetOutsideTheSupportedRangeIsNamed()
    {
        var bytes = OnnxModel(18, [Node("act", "Relu", ["x"], ["y"])], [Tensor("x", 1, 4)], [Tensor("y", 1, 4)]);
        Assert.Contains("opset 18 is not supported", Fails(bytes).Message);
    }

    [Fact]
    public void AWrongWireTypeIsCorruption()
    {
        // ModelProto.graph (field 7) sent as a varint (tag 0x38).
        var e = Fails([.. new Proto().Varint(1, 8).ToBytes(), 0x38, 0x01]);
        Assert.Contains("ModelProto.graph", e.Message);
    }

    private static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        } while (value != 0);
        return [.. bytes];
    }
}

public class OnnxCorruptionTests
{
    /// <summary>
    /// Random byte changes to real exports: whatever the damage, the importer either still imports or reports an
    /// InputException, never another exception (a crash the CLI would print as a stack trace).
    /// </summary>
    [Theory]
    [InlineData("alexnet", 1)]
    [InlineData("resnet50", 2)]
    [InlineData("vit_b16_opset17", 3)]
    [InlineData("vit_b16_opset14", 4)]
    public void DamagedFilesFailCleanly(string fixture, int seed)
    {
        var original = File.ReadAllBytes(OnnxFixtures.PathOf(fixture));
        var random = new Random(seed);
        var rejected = 0;
        for (var i = 0; i < (fixture.StartsWith("vit") ? 40 : 300); i++)
        {
            var bytes = (byte[])original.Clone();
            for (var k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                OnnxImporter.Import(new MemoryStream(bytes), fixture);
            }
            catch (InputException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                rejected++;
            }
        }
        Assert.True(rejected > 0, "no damaged file was rejected");
    }
}
