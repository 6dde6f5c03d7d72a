using System.Globalization;
using System.Text.Json;
using FpgaGen.Simulation;
using FpgaGen.Tests.Simulation;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// `fpgagen simulate` and `fpgagen calibrate` on the user's own model end to end on PoCL: an ONNX file's own weights,
/// a real image or .npy input, top-5 classes of the reference and the kernels, calibration ranges for int8, and the
/// error measure the pass rule uses; `fpgagen tune`'s summary in plain words.
/// </summary>
public sealed class UserModelCliTests : IDisposable
{
    private static readonly string SmallCnn = UserModelTests.Fixture("onnx", "small_cnn.onnx");
    private readonly string _dir = Directory.CreateTempSubdirectory("fpgagen-usermodel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnOnnxModelRunsWithItsOwnWeightsOnARealImage()
    {
        var table = CliRunner.Run("simulate", SmallCnn, "--device", "a10_385a", "--input", UserModelTests.Fixture("images", "pattern.png"));
        Assert.True(table.Code == 0, table.Err);
        Assert.Contains("weights: the 18,440 values stored in " + SmallCnn, table.Err);
        Assert.Contains("top 5 classes: the same classes in the same order", table.Out);

        // On the input PyTorch was run on, the reference's and the kernels' top 5 are PyTorch's (names from ImageNet's list).
        var json = CliRunner.Run("simulate", SmallCnn, "--device", "a10_385a", "--input", UserModelTests.Fixture("onnx", "small_cnn_input.npy"), "--format", "json");
        Assert.True(json.Code == 0, json.Err);
        using var doc = JsonDocument.Parse(json.Out);
        var top = Assert.Single(doc.RootElement.GetProperty("top_classes").EnumerateArray());
        var logits = ModelInput.Load(UserModelTests.Fixture("onnx", "small_cnn_logits.npy"), new FpgaGen.Model.Shape(1000), 1, Normalization.ImageNet);
        var torch = ClassRanking.Top(logits, ClassRanking.LabelsFor(1000, null));
        foreach (var side in new[] { "reference", "kernels" })
        {
            var classes = top.GetProperty(side).EnumerateArray().ToList();
            Assert.Equal(torch.Select(c => c.Index), classes.Select(c => c.GetProperty("index").GetInt32()));
            Assert.Equal(torch[0].Label, classes[0].GetProperty("label").GetString());
        }
        Assert.True(top.GetProperty("same_order").GetBoolean());
    }

    /// <summary>
    /// A ViT (torchvision's VisionTransformer, shrunk: tests/fixtures/onnx/export_small_vit.py) with its stored weights
    /// on a real image: every fused pattern (patch embedding, class token, position embedding, decomposed LayerNorms,
    /// packed attention, MLP) reads its own tensors, all tensors match, and the reference's and the kernels' top 5 are
    /// PyTorch's for that image, with its scores.
    /// </summary>
    [Fact]
    public void AVitOnnxModelRunsWithItsOwnWeightsOnARealImage()
    {
        var vit = UserModelTests.Fixture("onnx", "small_vit.onnx");
        string[] args = ["simulate", vit, "--device", "u280", "--input", UserModelTests.Fixture("images", "pattern.png")];
        var table = CliRunner.Run(args);
        Assert.True(table.Code == 0, table.Err + table.Out);
        Assert.Contains("weights: the 56,904 values stored in " + vit, table.Err);   // PyTorch's parameter count
        Assert.Matches(@"PASS: (\d+) of \1 tensors match", table.Out);
        Assert.Contains("top 5 classes: the same classes in the same order", table.Out);

        // PyTorch's logits for the image as torchvision prepares it (pattern_torchvision.npy; written by the export script).
        var logits = ModelInput.Load(UserModelTests.Fixture("onnx", "small_vit_logits.npy"), new FpgaGen.Model.Shape(1000), 1, Normalization.ImageNet);
        var torch = ClassRanking.Top(logits, ClassRanking.LabelsFor(1000, null));
        // On the image as we prepare it (the resampling differs a little from PIL's), PyTorch's classes in its order;
        // on torchvision's own preparation of it, PyTorch's scores too.
        foreach (var (input, scores) in new[] { (UserModelTests.Fixture("images", "pattern.png"), false), (UserModelTests.Fixture("images", "pattern_torchvision.npy"), true) })
        {
            var json = CliRunner.Run("simulate", vit, "--device", "u280", "--input", input, "--format", "json");
            Assert.True(json.Code == 0, json.Err);
            using var doc = JsonDocument.Parse(json.Out);
            var top = Assert.Single(doc.RootElement.GetProperty("top_classes").EnumerateArray());
            foreach (var side in new[] { "reference", "kernels" })
            {
                var classes = top.GetProperty(side).EnumerateArray().ToList();
                Assert.Equal(torch.Select(c => c.Index), classes.Select(c => c.GetProperty("index").GetInt32()));
                if (scores)
                    for (var i = 0; i < 5; i++) Assert.Equal(torch[i].Score, classes[i].GetProperty("score").GetDouble(), 1e-4);
            }
            Assert.True(top.GetProperty("same_order").GetBoolean());
        }
    }

    [Fact]
    public void WeightsFromAStateDictNpzAndRandomOnRequest()
    {
        // An .npz with PyTorch's state_dict names (the ONNX tensor names) runs as the file's own weights do.
        var import = FpgaGen.Onnx.OnnxImporter.Import(SmallCnn);
        var weights = ModelWeights.FromOnnx(import, SmallCnn)!;
        var npz = Path.Combine(_dir, "state_dict.npz");
        using (var zip = System.IO.Compression.ZipFile.Open(npz, System.IO.Compression.ZipArchiveMode.Create))
            foreach (var p in import.Parameters)
            {
                using var s = zip.CreateEntry(p.Tensor + ".npy").Open();
                s.Write(Npy(weights[p.Name]));
            }
        var input = UserModelTests.Fixture("onnx", "small_cnn_input.npy");
        string Top1(params string[] extra)
        {
            var r = CliRunner.Run(["simulate", SmallCnn, "--device", "a10_385a", "--input", input, "--format", "json", .. extra]);
            Assert.True(r.Code == 0, r.Err);
            using var doc = JsonDocument.Parse(r.Out);
            return doc.RootElement.GetProperty("top_classes")[0].GetProperty("reference")[0].GetProperty("label").GetString()!;
        }
        var own = Top1();
        Assert.Equal(own, Top1("--weights", npz));
        var random = CliRunner.Run("simulate", SmallCnn, "--device", "a10_385a", "--weights", "random", "--seed", "4");
        Assert.Equal(0, random.Code);
        Assert.Contains("weights: random (seed 4)", random.Err);
    }

    [Fact]
    public void CalibrateWritesTheRangesInt8PackingReads()
    {
        var inputs = Path.Combine(_dir, "inputs");
        Directory.CreateDirectory(inputs);
        File.Copy(UserModelTests.Fixture("images", "pattern.png"), Path.Combine(inputs, "a.png"));
        File.Copy(UserModelTests.Fixture("images", "pattern.jpg"), Path.Combine(inputs, "b.jpg"));
        File.Copy(UserModelTests.Fixture("onnx", "small_cnn_input.npy"), Path.Combine(inputs, "c.npy"));
        var ranges = Path.Combine(_dir, "ranges.json");
        var r = CliRunner.Run("calibrate", SmallCnn, "--inputs", inputs, "--out", ranges);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("over 3 inputs", r.Out);
        var read = ActivationRanges.Read(ranges);
        Assert.True(read["classifier"] > 0);
        // No clobbering without --force.
        var again = CliRunner.Run("calibrate", SmallCnn, "--inputs", inputs, "--out", ranges);
        Assert.Equal(2, again.Code);
        Assert.Contains("file exists; pass --force", again.Err);
        Assert.Equal(0, CliRunner.Run("calibrate", SmallCnn, "--inputs", inputs, "--out", ranges, "--force").Code);

        // int8 packed with those ranges: the kernels still match the reference and the integer reference.
        var image = UserModelTests.Fixture("images", "pattern.png");
        var withFile = CliRunner.Run("simulate", SmallCnn, "--device", "a10_385a", "--precision", "int8", "--input", image, "--ranges", ranges, "--format", "json");
        Assert.True(withFile.Code == 0, withFile.Err + withFile.Out);
        var measured = CliRunner.Run("simulate", SmallCnn, "--device", "a10_385a", "--precision", "int8", "--input", image, "--calibrate-inputs", inputs, "--format", "json");
        Assert.True(measured.Code == 0, measured.Err + measured.Out);
        // The same ranges give the same packed design, so the same kernel outputs.
        using (var a = JsonDocument.Parse(withFile.Out))
        using (var b = JsonDocument.Parse(measured.Out))
            Assert.Equal(a.RootElement.GetProperty("top_classes").GetRawText(), b.RootElement.GetProperty("top_classes").GetRawText());

        Assert.Contains("choose one", CliRunner.Run("simulate", SmallCnn, "--device", "a10_385a", "--precision", "int8", "--ranges", ranges, "--calibrate-inputs", inputs).Err);
        var other = Path.Combine(_dir, "other.json");
        File.WriteAllText(other, "{\"input\": 1.0}");
        var wrong = CliRunner.Run("simulate", SmallCnn, "--device", "a10_385a", "--precision", "int8", "--ranges", other);
        Assert.Equal(2, wrong.Code);
        Assert.Contains($"{other}: no range for tensor", wrong.Err);
        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        var none = CliRunner.Run("calibrate", SmallCnn, "--inputs", empty, "--out", Path.Combine(_dir, "x.json"));
        Assert.Equal(2, none.Code);
        Assert.Contains("no input files in the folder", none.Err);
    }

    [Fact]
    public void LabelsNameTheClassesOfAnyClassifier()
    {
        var labels = Path.Combine(_dir, "labels.txt");
        File.WriteAllLines(labels, ["# ten digits", .. Enumerable.Range(0, 10).Select(i => $"digit {i}")]);
        var r = CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--labels", labels);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("weights: random (seed 1): a design file has none", r.Err);
        Assert.Matches(@"top 5 classes: the same classes in the same order", r.Out);
        Assert.Matches(@"1\s+\d digit \d", r.Out);
        File.WriteAllLines(labels, ["only", "three", "names"]);
        var wrong = CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--labels", labels);
        Assert.Equal(2, wrong.Code);
        Assert.Contains("3 labels, but the network has 10 outputs per sample", wrong.Err);
        // Without labels, a 10-way output is not taken for ImageNet's.
        Assert.DoesNotContain("top 5", CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a").Out);
    }

    /// <summary>The table shows the measure the pass rule applies (error over the tensor's largest |value|), not a per-element relative error.</summary>
    [Fact]
    public void TheTableShowsTheErrorMeasureThePassRuleUses()
    {
        var r = CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--precision", "int8");
        Assert.Equal(0, r.Code);
        Assert.DoesNotContain("max rel err", r.Out);
        Assert.Contains("check: pass when err / largest ≤ 0.1 and the LSBs off the integer reference are within those allowed", r.Out);
        var header = r.Out.Split('\n').First(l => l.Contains("err / largest") && l.Contains("check"));
        var column = header.IndexOf("err / largest", StringComparison.Ordinal);
        Assert.Contains("within 0.1 of the tensor's largest |value|", r.Out);
        var json = CliRunner.Run("simulate", "tiny_cnn", "--device", "a10_385a", "--precision", "int8", "--format", "json");
        using var doc = JsonDocument.Parse(json.Out);
        foreach (var s in doc.RootElement.GetProperty("steps").EnumerateArray())
        {
            var measure = s.GetProperty("error_of_largest").GetDouble();
            Assert.True(measure <= 0.1, $"{measure}");
            Assert.Equal(s.GetProperty("max_abs_error").GetDouble() / s.GetProperty("magnitude").GetDouble(), measure, 12);
        }
        Assert.True(column > 0);
    }

    [Fact]
    public void TuneSaysWhatHappenedInPlainWords()
    {
        var db = Path.Combine(_dir, "tune.sqlite");
        var first = CliRunner.Run("tune", "--kernel", "gemm", "--shape", "8x16x8", "--budget", "0", "--db", db);
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("held nothing for this shape, so the default was measured", first.Out);
        Assert.Contains($"stored in {db}", first.Out);
        Assert.Matches(@"\d+(\.\d+)? (ns|µs|ms|s), \d+\.\d\d GFLOPS", first.Out);
        var second = CliRunner.Run("tune", "--kernel", "gemm", "--shape", "8x16x8", "--budget", "0", "--db", db);
        Assert.Equal(0, second.Code);
        Assert.Contains("0 of ", second.Out);
        Assert.Contains($"as already stored in {db}", second.Out);
        Assert.DoesNotContain("best: stored", second.Out);
        var run = CliRunner.Run("tune", "--kernel", "gemm", "--shape", "8x16x8", "--budget", "1", "--db", db);
        Assert.Equal(0, run.Code);
        Assert.Matches("stopped: (the time budget \\(--budget\\) ran out|every candidate was tried)", run.Out);
        foreach (var enumName in new[] { "stopped: Budget", "Exhausted", "Verified", "median µs" }) Assert.DoesNotContain(enumName, run.Out);
    }

    [Theory]
    [InlineData(8.2e-7, "820 ns")]
    [InlineData(5.164e-5, "51.6 µs")]
    [InlineData(0.0516402, "51.6 ms")]
    [InlineData(0.004712, "4.71 ms")]
    [InlineData(1.2, "1.20 s")]
    public void ShortTimesInHumanUnits(double seconds, string expected) => Assert.Equal(expected, FpgaGen.Cli.Durations.Short(seconds));

    /// <summary>A .npy version 1.0 float32 vector.</summary>
    private static byte[] Npy(float[] data)
    {
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({data.Length.ToString(CultureInfo.InvariantCulture)},), }}";
        header = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        ms.Write(BitConverter.GetBytes((ushort)header.Length));
        ms.Write(System.Text.Encoding.ASCII.GetBytes(header));
        foreach (var v in data) ms.Write(BitConverter.GetBytes(v));
        return ms.ToArray();
    }

    /// <summary>
    /// simulate (the PASS line, the time line, the weights line, the ONNX import notes, top 5), calibrate, tune and
    /// report at 80 columns, on the small networks (the zoo's large ones take tens of seconds to simulate). Here, not in
    /// TableWidthTests: two ViT simulations at once in one process crash the test host (PoCL), and a class's tests run
    /// one at a time.
    /// </summary>
    [Fact]
    public void SimulateCalibrateTuneAndReportLinesFitEightyColumns()
    {
        using var dir = new FpgaGen.Tests.Toolchains.TempDir();
        var image = UserModelTests.Fixture("images", "pattern.png");
        var cnn = UserModelTests.Fixture("onnx", "small_cnn.onnx");
        var vit = UserModelTests.Fixture("onnx", "small_vit.onnx");
        TableWidthTests.AllLinesFit(CliRunner.RunAtWidth(80, "simulate", "tiny_cnn", "--device", "a10_385a", "--precision", "int8"), 80, "simulate tiny_cnn");
        TableWidthTests.AllLinesFit(CliRunner.RunAtWidth(80, "simulate", cnn, "--device", "a10_385a", "--input", image), 80, "simulate small_cnn.onnx");
        TableWidthTests.AllLinesFit(CliRunner.RunAtWidth(80, "simulate", vit, "--device", "u280", "--input", image), 80, "simulate small_vit.onnx");

        var inputs = Path.Combine(dir.Path, "inputs");
        Directory.CreateDirectory(inputs);
        File.Copy(image, Path.Combine(inputs, "a.png"));
        TableWidthTests.AllLinesFit(CliRunner.RunAtWidth(80, "calibrate", cnn, "--inputs", inputs, "--out", Path.Combine(dir.Path, "ranges.json")), 80, "calibrate");
        TableWidthTests.AllLinesFit(CliRunner.RunAtWidth(80, "tune", "--kernel", "gemm", "--shape", "64x64x64", "--budget", "1", "--db", Path.Combine(dir.Path, "tuning.sqlite")), 80, "tune");

        var project = TestProjects.Intel(dir);
        Assert.Equal(0, CliRunner.Run(FakeTools.Environment(), "compile", project).Code);
        TableWidthTests.AllLinesFit(CliRunner.RunAtWidth(80, "report", project), 80, "report");
    }
}
