using System.IO.Compression;
using System.Text;
using FpgaGen.Exploration.Documents;
using FpgaGen.Onnx;
using FpgaGen.Simulation;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Toolchains;
using static FpgaGen.Tests.Onnx.ModelWriter;

namespace FpgaGen.Tests.Security;

/// <summary>The crashes of issue 13, by class: each is now one clear error naming the file and the field.</summary>
public sealed class MalformedFileTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(1L, 2147483647, 2147483647, 2147483647)]
    [InlineData(1L, 3, 2147483647, 2147483647)]
    [InlineData(1L, 3, 8, 4294967296)]
    public void HugeOnnxInputDimsAreOneError(long n, long c, long h, long w)
    {
        var model = OnnxModel(13, [Node("act", "Relu", ["x"], ["y"])], [Tensor("x", n, c, h, w)], [Tensor("y", n, c, h, w)]);
        var e = Assert.ThrowsAny<InputException>(() => OnnxImporter.Import(new MemoryStream(model), "big.onnx"));
        Assert.StartsWith("big.onnx: ", e.Message);
    }

    private static byte[] Npy(byte major, int headerLength, int declaredLength, int dataBytes = 0)
    {
        var b = new List<byte> { 0x93 };
        b.AddRange("NUMPY"u8.ToArray());
        b.Add(major);
        b.Add(0);
        if (major == 1) b.AddRange(BitConverter.GetBytes((ushort)declaredLength));
        else b.AddRange(BitConverter.GetBytes(declaredLength));
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }".PadRight(Math.Max(0, headerLength - 1)) + "\n";
        b.AddRange(Encoding.ASCII.GetBytes(header[..Math.Min(header.Length, headerLength)]));
        b.AddRange(new byte[dataBytes]);
        return b.ToArray();
    }

    private string Npz(params (string Name, byte[] Bytes)[] arrays)
    {
        var path = Path.Combine(dir.Path, $"w{Guid.NewGuid():N}.npz");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in arrays)
        {
            using var s = zip.CreateEntry(name).Open();
            s.Write(bytes);
        }
        return path;
    }

    [Fact]
    public void NpyHeadersThatLieAreOneError()
    {
        var cases = new[]
        {
            new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0, 0 },      // v2, 10 bytes
            new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0, 0, 0 },   // v2, 11 bytes
            Npy(2, 64, int.MinValue),   // 2 GiB header length
            Npy(2, 64, int.MaxValue),
            Npy(3, 64, 1 << 20),
            Npy(1, 64, 4000, 8),
            Npy(9, 64, 64, 8),
        };
        foreach (var npy in cases)
        {
            var e = Assert.ThrowsAny<InputException>(() => NpzFile.Read(Npz(("a.npy", npy))));
            Assert.Contains(".npz:a.npy: ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Assert.Equal(2, NpzFile.Read(Npz(("a.npy", Npy(1, 54, 54, 8))))["a"].Length);
    }

    [Fact]
    public void ZipSizeFieldsThatLieAreOneError()
    {
        var good = File.ReadAllBytes(Npz(("a.npy", Npy(1, 54, 54, 4096))));
        // Every 4-byte field of the local and central headers set to a lie, one at a time.
        var eocd = good.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        var central = good.AsSpan().IndexOf("PK\u0001\u0002"u8);
        var offsets = new[] { 18, 22, 26 }.Concat(new[] { central + 20, central + 24, central + 42, eocd + 12, eocd + 16 });
        foreach (var at in offsets)
            foreach (var lie in new[] { 0u, 1u, 0x7FFFFFFFu, 0xFFFFFFFFu, (uint)good.Length * 2 })
            {
                var bad = (byte[])good.Clone();
                BitConverter.GetBytes(lie).CopyTo(bad, at);
                var path = Path.Combine(dir.Path, "lie.npz");
                File.WriteAllBytes(path, bad);
                try
                {
                    NpzFile.Read(path);
                }
                catch (InputException e)
                {
                    Assert.StartsWith(path, e.Message);
                }
            }
    }

    [Theory]
    [InlineData("""{"kernel": "gemm", "kernel": "conv_tiled", "params": {"Tm": 8}}""", "key \"kernel\" appears twice")]
    [InlineData("""{"kernel": "gemm", "params": {"Tm": 8, "Tm": 16}}""", "key \"Tm\" appears twice")]
    [InlineData("""{"kernel": "gemm", "params": {"Tm": 1e12}}""", "params.Tm: expected a positive integer")]
    [InlineData("""{"kernel": "gemm", "params": {"Tm": 1e300}}""", "params.Tm: expected a positive integer")]
    [InlineData("""{"kernel": "gemm", "params": {"Tm": 1e400}}""", "params.Tm: expected a positive integer")]
    [InlineData("""{"kernel": "gemm", "params": {"Tm": 8}, "batch": 1e12}""", "batch: 1e12 is out of range")]
    public void DesignFileNumbersAndKeysAreChecked(string json, string expected)
    {
        var file = dir.File("d.json", json);
        var r = CliRunner.Run("generate", "tiny_cnn", "--device", "u250", "--design", file, "--out", Path.Combine(dir.Path, "out"));
        Assert.True(r.Code == 2, r.Err);
        Assert.Contains(expected, r.Err);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("\"freq_mhz\": 300", "\"freq_mhz\": 1e400", "design.freq_mhz: 1e400 is out of range")]
    [InlineData("\"freq_mhz\": 300", "\"freq_mhz\": 1e300", "design.freq_mhz: expected a clock of 1 to 1000 MHz, got 1E+300")]
    [InlineData("\"kernels\": [", "\"kernels\": [{\"group\": \"conv_tiled\", \"hls_top\": \"x\"}, ", "kernel group conv_tiled is listed twice")]
    [InlineData("\"Tm\": 16", "\"Tm\": 1e12", "design.params.Tm: expected a positive integer")]
    public void ProjectDesignJsonIsChecked(string from, string to, string expected)
    {
        var snapshot = File.ReadAllText(Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Snapshots", "tiny_cnn-u250", "design.json"));
        Assert.Contains(from, snapshot);
        var file = dir.File("p/design.json", snapshot.Replace(from, to));
        var e = Assert.ThrowsAny<InputException>(() => ProjectDesign.Read(file));
        Assert.Contains(expected, e.Message);
        var r = CliRunner.Run("report", Path.Combine(dir.Path, "p"));
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
    }

    [Fact]
    public void SweepDesignsJsonWithHugeParametersIsOneError()
    {
        var explored = Path.Combine(dir.Path, "e");
        Assert.Equal(0, CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", "gemm", "--out", explored).Code);
        var file = Path.Combine(explored, "designs.json");
        var text = File.ReadAllText(file);
        foreach (var lie in new[] { "1e12", "1e300", "1e400", "-3", "2.5" })
        {
            File.WriteAllText(file, System.Text.RegularExpressions.Regex.Replace(text, "\"Tm\": \\d+", $"\"Tm\": {lie}"));
            var r = CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", explored);
            Assert.True(r.Code == 2, r.Err);
            Assert.Contains("designs[0].params.Tm: expected a positive integer", r.Err);
            Assert.Equal("", r.Out); // the error comes before any header
        }
    }
}
