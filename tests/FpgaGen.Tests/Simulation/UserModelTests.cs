using System.IO.Compression;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Onnx;
using FpgaGen.Simulation;

namespace FpgaGen.Tests.Simulation;

/// <summary>
/// Running the user's own model: the weights an ONNX file stores (inline or in external data), .npz archives keyed
/// either way, inputs from .npy files and images, top-k classes, and calibration ranges measured on real inputs. The
/// fixtures come from tests/fixtures/onnx/export_small_cnn.py (PyTorch 1.13).
/// </summary>
public class UserModelTests
{
    public static string Fixture(params string[] parts) => Path.Combine([DataPaths.Root, "tests", "fixtures", .. parts]);

    private static readonly string SmallCnn = Fixture("onnx", "small_cnn.onnx");

    /// <summary>Our reference on the weights read from the ONNX file gives PyTorch's logits for the same input.</summary>
    [Theory]
    [InlineData("small_cnn.onnx")]
    [InlineData("small_cnn_external.onnx")]
    public void OnnxInitializersAreTheModelsWeights(string file)
    {
        var path = Fixture("onnx", file);
        var import = OnnxImporter.Import(path);
        var weights = ModelWeights.FromOnnx(import, path);
        Assert.NotNull(weights);
        ModelParameters.Check(import.Network, weights);
        var input = ModelInput.Load(Fixture("onnx", "small_cnn_input.npy"), import.Network.Input, 1, Normalization.ImageNet);
        var logits = ModelInput.Load(Fixture("onnx", "small_cnn_logits.npy"), new FpgaGen.Model.Shape(1000), 1, Normalization.ImageNet);
        var reference = NetworkReference.Run(import.Network, weights, input, 1);
        var ours = reference[import.Network.Layers[^1].Name];
        Assert.Equal(1000, ours.Length);
        var largest = logits.Max(v => Math.Abs(v));
        for (var i = 0; i < logits.Length; i++) Assert.True(Math.Abs(ours[i] - logits[i]) <= 1e-5 * largest, $"logit {i}: ours {ours[i]}, PyTorch {logits[i]}");
        Assert.Equal(ClassRanking.Top(logits, null).Select(c => c.Index), ClassRanking.Top(ours, null).Select(c => c.Index));
    }

    [Fact]
    public void AGraphOnlyExportStoresNoWeights()
    {
        var path = Fixture("onnx", "alexnet.onnx");
        Assert.Null(ModelWeights.FromOnnx(OnnxImporter.Import(path), path));
    }

    [Fact]
    public void ExternalDataOutsideTheModelsFolderIsRefused()
    {
        var dir = Directory.CreateTempSubdirectory("fpgagen-ext-").FullName;
        try
        {
            // The same bytes with the location rewritten to a path that leaves the folder (same length, so the protobuf stays valid).
            var bytes = File.ReadAllBytes(Fixture("onnx", "small_cnn_external.onnx"));
            var from = "small_cnn_external.data"u8.ToArray();
            var to = "../small_cnn_external.d"u8.ToArray();
            Assert.Equal(from.Length, to.Length);
            var replaced = 0;
            for (var i = 0; i + from.Length <= bytes.Length; i++)
                if (bytes.AsSpan(i, from.Length).SequenceEqual(from)) { to.CopyTo(bytes, i); replaced++; }
            Assert.True(replaced > 0);
            var path = Path.Combine(dir, "model.onnx");
            File.WriteAllBytes(path, bytes);
            var e = Assert.ThrowsAny<InputException>(() => ModelWeights.FromOnnx(OnnxImporter.Import(path), path));
            Assert.Contains("is not a file inside the model's folder", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>An .npz keyed by our names, by PyTorch's state_dict names, or by the last part of ours, gives the same weights.</summary>
    [Fact]
    public void NpzKeysInEitherNaming()
    {
        var import = OnnxImporter.Import(SmallCnn);
        var weights = ModelWeights.FromOnnx(import, SmallCnn)!;
        Assert.Contains("features/features.0.weight", weights.Keys);
        var stateDict = import.Parameters.ToDictionary(p => p.Tensor, p => weights[p.Name]);
        Assert.Contains("features.0.weight", stateDict.Keys);
        foreach (var npz in new[] { weights, stateDict })
        {
            var loaded = ModelWeights.FromNpz(npz, import.Network, import, "w.npz");
            foreach (var (name, values) in weights) Assert.Equal(values, loaded[name]);
        }
        // Without the ONNX import (e.g. the network from a YAML file), the last path part still finds state_dict keys.
        var byShortName = ModelWeights.FromNpz(stateDict, import.Network, null, "w.npz");
        Assert.Equal(weights["classifier.weight"], byShortName["classifier.weight"]);
        var partial = stateDict.Where(kv => kv.Key != "features.3.weight").ToDictionary();
        var e = Assert.Throws<InputException>(() => ModelWeights.FromNpz(partial, import.Network, import, "w.npz"));
        Assert.Contains("missing tensor 'features/features.3.weight'", e.Message);
        Assert.Contains("'features.3.weight'", e.Message);
    }

    [Fact]
    public void AFlatImageNormalisesToKnownValues()
    {
        var shape = new FpgaGen.Model.Shape(3, 8, 8);
        var values = ModelInput.Load(Fixture("images", "flat.png"), shape, 2, Normalization.ImageNet);
        Assert.Equal(2 * 3 * 64, values.Length);
        double[] rgb = [200, 100, 50];
        for (var b = 0; b < 2; b++)
            for (var c = 0; c < 3; c++)
                for (var i = 0; i < 64; i++)
                    Assert.Equal((rgb[c] / 255 - Normalization.ImageNet.Mean[c]) / Normalization.ImageNet.Std[c], values[(b * 3 + c) * 64 + i], 4);
        var own = ModelInput.Load(Fixture("images", "flat.png"), shape, 1, new Normalization([0, 0, 0], [1, 1, 1]));
        Assert.Equal(200 / 255.0, own[0], 4);
        var gray = ModelInput.Load(Fixture("images", "flat.png"), new FpgaGen.Model.Shape(1, 4, 4), 1, new Normalization([0], [1]));
        Assert.Equal((0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255, gray[0], 3);
    }

    /// <summary>
    /// The PNG prepared as torchvision prepares ImageNet images (pattern_torchvision.npy, from PIL's resize) and by us
    /// (SkiaSharp's): the same crop, normalisation and channel order; only the resampling filters differ a little.
    /// </summary>
    [Fact]
    public void ImagesArePreparedAsTorchvisionDoes()
    {
        var shape = new FpgaGen.Model.Shape(3, 32, 32);
        var png = ModelInput.Load(Fixture("images", "pattern.png"), shape, 1, Normalization.ImageNet);
        var torchvision = ModelInput.Load(Fixture("images", "pattern_torchvision.npy"), shape, 1, Normalization.ImageNet);
        var diff = png.Zip(torchvision, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.True(diff.Average() < 0.05, $"mean difference {diff.Average()}");
        Assert.True(png.Max() - png.Min() > 2, "the picture has contrast");
        // A shift by a pixel or a swapped channel would differ by far more.
        var shifted = png.Skip(1).Zip(torchvision, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(shifted > 4 * diff.Average(), $"shifted {shifted} vs {diff.Average()}");
        var jpg = ModelInput.Load(Fixture("images", "pattern.jpg"), shape, 1, Normalization.ImageNet);
        Assert.True(jpg.Zip(png, (a, b) => Math.Abs(a - b)).Average() < 0.25);
    }

    [Fact]
    public void BadInputsAreOneClearLine()
    {
        var dir = Directory.CreateTempSubdirectory("fpgagen-input-").FullName;
        try
        {
            var shape = new FpgaGen.Model.Shape(3, 32, 32);
            var cut = Path.Combine(dir, "cut.png");
            var bytes = File.ReadAllBytes(Fixture("images", "pattern.png"));
            File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
            Assert.StartsWith(cut + ":", Assert.ThrowsAny<InputException>(() => ModelInput.Load(cut, shape, 1, Normalization.ImageNet)).Message);
            var text = Path.Combine(dir, "not.jpg");
            File.WriteAllText(text, "hello");
            Assert.Contains("not an image", Assert.ThrowsAny<InputException>(() => ModelInput.Load(text, shape, 1, Normalization.ImageNet)).Message);
            var e = Assert.ThrowsAny<InputException>(() => ModelInput.Load(Fixture("onnx", "small_cnn_input.npy"), new FpgaGen.Model.Shape(3, 16, 16), 1, Normalization.ImageNet));
            Assert.Contains("3072 values, but the network's input", e.Message);
            Assert.Contains("--mean and --std need 3", Assert.ThrowsAny<InputException>(() =>
                ModelInput.Load(Fixture("images", "flat.png"), shape, 1, new Normalization([0.5], [0.5]))).Message);
            Assert.Contains("expected one positive number per channel", Assert.Throws<UsageException>(() =>
                Normalization.ParseList("0.2,0,0.2", [1, 1, 1], "--std", positive: true)).Message);
            Assert.Contains("unsupported input file type", Assert.ThrowsAny<InputException>(() => ModelInput.Load(Fixture("onnx", "small_cnn.onnx"), shape, 1, Normalization.ImageNet)).Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TopClassesAreNamedForImageNetOutputs()
    {
        var labels = ClassRanking.LabelsFor(1000, null);
        Assert.NotNull(labels);
        Assert.Equal("tench", labels[0]);
        Assert.Equal("toilet tissue", labels[999]);
        Assert.Null(ClassRanking.LabelsFor(10, null));
        var scores = new float[1000];
        scores[7] = 5; scores[3] = 4; scores[999] = 3; scores[1] = 2; scores[500] = 1;
        var top = ClassRanking.Top(scores, labels);
        Assert.Equal([7, 3, 999, 1, 500], top.Select(c => c.Index));
        Assert.Equal("cock", top[0].Label);
        var swapped = (float[])scores.Clone();
        (swapped[1], swapped[500]) = (1, 2);
        var compared = Assert.Single(ClassRanking.Compare(scores, swapped, 1, labels));
        Assert.True(compared.SameTop1);
        Assert.False(compared.SameOrder);
    }

    /// <summary>Each tensor's range is its largest |value| over all the inputs, and the file reads back as written.</summary>
    [Fact]
    public void CalibrationRangesAreTheLargestOverTheInputs()
    {
        var import = OnnxImporter.Import(SmallCnn);
        var net = import.Network;
        var weights = ModelWeights.FromOnnx(import, SmallCnn)!;
        var a = ModelInput.Load(Fixture("images", "pattern.png"), net.Input, 1, Normalization.ImageNet);
        var b = ModelInput.Load(Fixture("onnx", "small_cnn_input.npy"), net.Input, 1, Normalization.ImageNet);
        var ranges = ActivationRanges.Measure(net, weights, [() => a, () => b]);
        var ra = NetworkReference.Ranges(NetworkReference.Run(net, weights, a, 1));
        var rb = NetworkReference.Ranges(NetworkReference.Run(net, weights, b, 1));
        foreach (var key in ra.Keys) Assert.Equal(Math.Max(ra[key], rb[key]), ranges[key]);
        Assert.Contains("input", ranges.Keys);
        Assert.Contains("classifier", ranges.Keys);

        var dir = Directory.CreateTempSubdirectory("fpgagen-ranges-").FullName;
        try
        {
            var file = Path.Combine(dir, "ranges.json");
            File.WriteAllText(file, ActivationRanges.ToJson(ranges));
            Assert.Equal(ranges, ActivationRanges.Read(file));
            File.WriteAllText(file, "{\"input\": -1}");
            Assert.Contains("not negative", Assert.ThrowsAny<InputException>(() => ActivationRanges.Read(file)).Message);
            File.WriteAllText(file, "[1, 2]");
            Assert.Contains("expected an object", Assert.ThrowsAny<InputException>(() => ActivationRanges.Read(file)).Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
