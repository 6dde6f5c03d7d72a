using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;

namespace FpgaGen.Tests.Cli;

/// <summary>`fpgagen simulate` end to end on PoCL: kernels against the reference, layer by layer.</summary>
public class SimulateCliTests
{
    [Fact]
    public void TinyCnnMatchesLayerByLayer()
    {
        var r = CliRunner.Run("simulate", "tiny_cnn", "--device", "zcu102", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var steps = doc.RootElement.GetProperty("steps");
        Assert.True(steps.GetArrayLength() >= 6);
        foreach (var s in steps.EnumerateArray())
        {
            Assert.True(s.GetProperty("pass").GetBoolean());
            Assert.True(s.GetProperty("max_abs_error").GetDouble() <= 1e-4 * s.GetProperty("magnitude").GetDouble());
            Assert.True(s.GetProperty("kernel_ms").GetDouble() > 0);
        }
        Assert.True(doc.RootElement.GetProperty("predicted_ms").GetDouble() > 0);
        var table = CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--precision", "int8");
        Assert.Equal(0, table.Code);
        Assert.Contains("PASS:", table.Out);
    }

    [Fact]
    public void OnnxModelSimulatesEndToEnd()
    {
        var onnx = Path.Combine(DataPaths.Root, "tests", "fixtures", "onnx", "alexnet.onnx");
        var r = CliRunner.Run("simulate", onnx, "--device", "a10_385a", "--precision", "int8", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.True(doc.RootElement.GetProperty("steps").GetArrayLength() >= 8);
    }

    [Fact]
    public void WeightsFromAnNpzArchive()
    {
        var net = FpgaGen.Tests.Model.ZooTests.Load("tiny_cnn");
        var weights = RandomWeights.For(net, 9);
        var file = Path.Combine(Path.GetTempPath(), $"w-{Guid.NewGuid():N}.npz");
        try
        {
            using (var zip = ZipFile.Open(file, ZipArchiveMode.Create))
                foreach (var (name, shape) in ModelParameters.Of(net))
                {
                    using var s = zip.CreateEntry(name + ".npy").Open();
                    s.Write(Npy(weights[name], shape));
                }
            var r = CliRunner.Run("simulate", "tiny_cnn", "--device", "u250", "--weights", file);
            Assert.Equal(0, r.Code);
            // An archive without one of the tensors is refused with its name.
            using (var zip = ZipFile.Open(file, ZipArchiveMode.Update)) zip.GetEntry("fc.weight.npy")!.Delete();
            var bad = CliRunner.Run("simulate", "tiny_cnn", "--device", "u250", "--weights", file);
            Assert.Equal(2, bad.Code);
            Assert.Contains("missing tensor 'fc.weight'", bad.Err);
            // A truncated archive is one clear line too.
            var bytes = File.ReadAllBytes(file);
            File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
            var torn = CliRunner.Run("simulate", "tiny_cnn", "--device", "u250", "--weights", file);
            Assert.Equal(2, torn.Code);
            Assert.StartsWith("error: " + file, torn.Err);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void ReferenceUsesTheGemmTunedForThisDevice()
    {
        var db = Path.Combine(Path.GetTempPath(), $"tune-{Guid.NewGuid():N}.sqlite");
        try
        {
            // tiny_cnn's classifier is a 1x10x32 product (rows x outputs x inputs).
            Assert.Equal(0, CliRunner.Run("tune", "--kernel", "gemm", "--shape", "1x10x32", "--budget", "2", "--db", db).Code);
            var r = CliRunner.Run("simulate", "tiny_cnn", "--device", "u250", "--reference", "opencl", "--db", db);
            Assert.Equal(0, r.Code);
            Assert.Contains("reference GEMM 1x10x32", r.Err);
            Assert.Contains("(tuned on this device)", r.Err);
            // Without a tuning database the built-in default is used, and said so.
            var fresh = CliRunner.Run("simulate", "tiny_cnn", "--device", "u250", "--reference", "opencl", "--db", db + ".missing");
            Assert.Equal(0, fresh.Code);
            Assert.Contains("not tuned: built-in default", fresh.Err);
        }
        finally { File.Delete(db); }
    }

    [Theory]
    [InlineData(new[] { "simulate", "tiny_cnn", "--device", "u250", "--precision", "fp16" }, "lacks cl_khr_fp16")]
    [InlineData(new[] { "simulate", "tiny_cnn", "--device", "u250", "--weights", "/nonexistent.npz" }, "file not found")]
    [InlineData(new[] { "simulate", "tiny_cnn", "--device", "u250", "--opencl-device", "no-such-gpu" }, "no-such-gpu")]
    public void BadInputExitsWithTwo(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
    }

    /// <summary>A .npy version 1.0 float32 array.</summary>
    private static byte[] Npy(float[] data, int[] shape)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        header = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        ms.Write(BitConverter.GetBytes((ushort)header.Length));
        ms.Write(Encoding.ASCII.GetBytes(header));
        foreach (var v in data) ms.Write(BitConverter.GetBytes(v));
        return ms.ToArray();
    }
}
