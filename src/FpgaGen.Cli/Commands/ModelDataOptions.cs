using System.CommandLine;
using FpgaGen.Codegen.Weights;
using FpgaGen.Model;
using FpgaGen.Onnx;
using FpgaGen.Simulation;

namespace FpgaGen.Cli.Commands;

/// <summary>A model with what runs it: its network and, for an ONNX file, the importer's record of where its weights live.</summary>
internal sealed record LoadedModel(Network Network, OnnxImport? Onnx, string? OnnxPath);

/// <summary>
/// The options `simulate` and `calibrate` share to run the user's own model: its weights (by default those stored in
/// the ONNX file), the input images' normalisation, and how the weights are loaded and described.
/// </summary>
internal sealed class ModelDataOptions
{
    public Option<string> Weights { get; } = new("--weights")
    {
        Description = "model (the ONNX file's own weights; random for a YAML design or a graph-only export), random, or a .npz archive "
            + "(keys: our layer.param names such as features/features.0.weight, or PyTorch state_dict / ONNX tensor names such as features.0.weight)",
        DefaultValueFactory = _ => "model",
    };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the random weights and input", DefaultValueFactory = _ => 1 };

    public Option<string?> Mean { get; } = new("--mean")
    {
        Description = "Per-channel mean subtracted from an image's pixels (0..1), comma-separated (default ImageNet's 0.485,0.456,0.406)",
    };

    public Option<string?> Std { get; } = new("--std")
    {
        Description = "Per-channel standard deviation an image's pixels are divided by, comma-separated (default ImageNet's 0.229,0.224,0.225)",
    };

    public IEnumerable<Option> All => [Weights, Seed, Mean, Std];

    public static LoadedModel Load(string pathOrName, TextWriter notes)
    {
        if (File.Exists(pathOrName) && Path.GetExtension(pathOrName).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var import = OnnxImporter.Import(pathOrName);
            foreach (var note in import.Notes) notes.WriteLine("note: " + note);
            return new LoadedModel(import.Network, import, pathOrName);
        }
        return new LoadedModel(ModelFiles.Load(pathOrName, notes), null, null);
    }

    /// <summary>The weights chosen by --weights, and a line saying where they come from (for stderr once the run starts).</summary>
    public (IReadOnlyDictionary<string, float[]> Weights, string Source) LoadWeights(ParseResult r, LoadedModel model)
    {
        string source;
        var choice = r.GetValue(Weights)!;
        var net = model.Network;
        IReadOnlyDictionary<string, float[]> weights;
        switch (choice)
        {
            case "random":
                weights = RandomWeights.For(net, r.GetValue(Seed));
                source = $"weights: random (seed {r.GetValue(Seed)})";
                break;
            case "model":
                if (model.Onnx is { } import && ModelWeights.FromOnnx(import, model.OnnxPath!) is { } stored)
                {
                    weights = stored;
                    source = $"weights: the {CliIo.Count(stored.Values.Sum(v => (long)v.Length))} values stored in {model.OnnxPath}";
                }
                else
                {
                    weights = RandomWeights.For(net, r.GetValue(Seed));
                    source = model.Onnx is null
                        ? $"weights: random (seed {r.GetValue(Seed)}): a design file has none; give trained ones with --weights FILE.npz"
                        : $"weights: random (seed {r.GetValue(Seed)}): {model.OnnxPath} is a graph-only export without initializers; give them with --weights FILE.npz";
                }
                break;
            default:
                weights = ModelWeights.FromNpz(NpzFile.Read(choice), net, model.Onnx, choice);
                source = $"weights: {choice}";
                break;
        }
        ModelParameters.Check(net, weights);
        return (weights, source);
    }

    public Normalization Normalization(ParseResult r) => new(
        Simulation.Normalization.ParseList(r.GetValue(Mean), Simulation.Normalization.ImageNet.Mean, "--mean", positive: false),
        Simulation.Normalization.ParseList(r.GetValue(Std), Simulation.Normalization.ImageNet.Std, "--std", positive: true));

    /// <summary>Uniform values in [-1, 1): the input the reference and the kernels both see when none is given.</summary>
    public static float[] RandomInput(Network net, int batch, int seed)
    {
        var rng = new Random(seed + 1);
        var input = new float[net.Input.Elements * batch];
        for (var i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 2 - 1);
        return input;
    }
}
