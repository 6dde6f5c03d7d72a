using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using FpgaGen.Codegen;
using FpgaGen.Codegen.Projects;
using FpgaGen.Codegen.Weights;
using FpgaGen.Estimation;
using FpgaGen.Exploration;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen generate`: a complete vendor project (kernels, host, build files, weights layout) for one design.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliIo io)
    {
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var design = new Option<string>("--design")
        {
            Description = "Which design: best (the explorer's first), a rank (3), or a JSON file (one design object, a project's design.json, or an explore designs.json with --rank)",
            DefaultValueFactory = _ => "best",
        };
        var rank = new Option<int?>("--rank") { Description = "With a designs.json file: the rank to take" };
        var precision = new Option<string?>("--precision") { Description = "Data type(s) to explore for best/rank: fp32|fp16|int16|int8, a comma list, or all (default: a model's own layer types at the widest of them, else fp32); must match a design file's" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default 1; must match a design file's)" };
        var maxUtil = CommonOptions.MaxUtil();
        var layerNorm = CommonOptions.LayerNorm();
        var outDir = new Option<string>("--out") { Description = "Project folder to create", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing --out folder" };
        var ranges = new Option<string?>("--ranges")
        {
            Description = "int8/int16 design of a quantized ONNX model: calibration ranges (`fpgagen calibrate`) for its float layers, so that weights.bin can be packed",
        };
        var cmd = new Command("generate", "Generate a vendor project for one design: kernels (aoc OpenCL or Vitis HLS), host program, build files, weights layout and packer.")
        {
            model, device, design, rank, precision, batch, layerNorm, maxUtil, outDir, force, ranges,
        };
        cmd.SetAction(r => io.Guard(() =>
        {
            var outPath = r.GetValue(outDir)!;
            OutputFolder.Check(outPath, r.GetValue(force));
            var layerNormChoice = CommonOptions.LayerNormFor(r, layerNorm, r.GetValue(design), r.GetValue(rank));
            var loaded = ModelDataOptions.Load(r.GetValue(model)!, io.Notes);
            var net = CommonOptions.WithLayerNorm(loaded.Network, layerNormChoice);
            var dev = DeviceCatalog.Default.Get(r.GetValue(device)!);
            var util = CommonOptions.CheckMaxUtil(r.GetValue(maxUtil));
            var (estimate, chosenRank, pareto) = Choose(r.GetValue(design)!, r.GetValue(rank), r.GetValue(precision), r.GetValue(batch), net, dev, util);

            var accelerator = AcceleratorDesign.Create(net, estimate.Kernel, estimate.Config.AsDictionary(), estimate.Precision, estimate.Batch, dev, computeUnits: estimate.ComputeUnits);
            var info = new ModelInfo(net.Name, net.Source, net.Source is { } src && File.Exists(src) ? Sha256(src) : null);
            if (CommonOptions.OwnTypesNote(net, estimate.Precision.Id(), "generate") is { } note) io.Notes.WriteLine(note);
            var blob = QuantizedModelWeights(io, accelerator, loaded, r.GetValue(ranges));
            var files = ProjectGenerator.Generate(new ProjectRequest(accelerator, dev, estimate, chosenRank, pareto, info) { DeviceFileText = OutsideCatalog(dev), LayerNorm = layerNormChoice });
            OutputFolder.Write(outPath, r.GetValue(force), dir =>
            {
                files.WriteTo(dir);
                if (blob is not null) File.WriteAllBytes(Path.Combine(dir, "weights.bin"), blob);
            });
            if (CommonOptions.Slrs(accelerator.Plan, accelerator.Lowered, accelerator.Planned.Target).Note is { } slrNote) io.Notes.WriteLine(slrNote);
            io.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {outPath}: {dev.Toolchain.Kind} project, {estimate.Kernel} {estimate.Config}, {estimate.Precision.Id()}, batch {estimate.Batch}, "
                + $"{(estimate.ComputeUnits > 1 ? $"{estimate.ComputeUnits} compute units, " : "")}{estimate.FreqMhz:0} MHz, {estimate.ImagesPerSecond:0.##} images/s predicted; {files.Files.Count} files, {accelerator.Lowered.Steps.Count} steps"));
            io.Prose.WriteLine(blob is not null
                ? $"wrote {Path.Combine(outPath, "weights.bin")}: {blob.Length:N0} bytes, packed with {net.Name}'s own scales and zero points; next: see {Path.Combine(outPath, "README.md")}, then make"
                : $"next: see {Path.Combine(outPath, "README.md")} (pack weights.bin with tools/pack_weights.py, then make)");
            return 0;
        }));
        return cmd;
    }

    internal static (DesignEstimate Estimate, int Rank, bool Pareto) Choose(string choice, int? rank, string? precision, int? batch,
        FpgaGen.Model.Network net, Device dev, double util)
    {
        if (batch is <= 0) throw new UsageException($"--batch must be a positive integer, got {batch}");
        if (choice == "best" || int.TryParse(choice, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            if (rank is not null) throw new UsageException("--rank goes with a designs.json file; with best or a number, give the rank as --design N");
            var wanted = choice == "best" ? 1 : int.Parse(choice, CultureInfo.InvariantCulture);
            if (wanted < 1) throw new UsageException($"--design {choice}: ranks start at 1");
            var options = new ExploreOptions
            {
                Device = dev,
                Precisions = ExploreCommand.ParsePrecisions(precision ?? "fp32", dev),
                Batch = batch ?? 1,
                MaxUtil = util,
                // As explore ranks a model with its own layer types (a quantized model's int8/int16 layers) unless
                // --precision is given: the design is then at the widest of them.
                Layers = precision is null ? LayerPrecisions.Of(net, Precision.Fp32) : null,
            };
            var result = Explorer.Run(net, options);
            if (result.Designs.Count == 0) throw new UsageException($"no design of {net.Name} fits {dev.Id} under --max-util {util.ToString(CultureInfo.InvariantCulture)}");
            if (wanted > result.Designs.Count) throw new UsageException($"--design {wanted}: only {result.Designs.Count} designs fit");
            // A mixed network's design is its widest type's (the estimator costs it so): the project records that type.
            var chosen = result.Designs[wanted - 1] with { LayerTypes = null };
            return (chosen, wanted, result.Pareto[wanted - 1]);
        }
        if (!File.Exists(choice)) throw new UsageException($"--design {choice}: expected best, a rank, or a JSON file (file not found)");
        var selection = DesignDocument.Read(choice, rank);
        if (precision is not null && !string.Equals(precision, selection.Precision, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--precision {precision} contradicts the design file ({selection.Origin}: precision {selection.Precision})");
        if (batch is not null && batch != selection.Batch)
            throw new UsageException($"--batch {batch} contradicts the design file ({selection.Origin}: batch {selection.Batch})");
        var estimate = DesignDocument.Validate(selection, dev, net, util);
        return (estimate, selection.Rank ?? rank ?? 0, selection.Pareto);
    }

    /// <summary>
    /// A fixed-point design of a quantized model: refused if its kernels cannot run the model's scales and zero points
    /// (<see cref="ModelQuantization.Problem"/>); otherwise weights.bin packed here with them, since the project's
    /// tools/pack_weights.py only calibrates. Null for other designs. A mixed model's float layers need --ranges.
    /// </summary>
    private static byte[]? QuantizedModelWeights(CliIo io, AcceleratorDesign design, LoadedModel loaded, string? rangesFile)
    {
        if (!design.Lowered.Precision.IsFixedPoint() || ModelQuantization.Of(design.Network) is not { } model) return null;
        if (model.Problem(design) is { } problem) throw new InputException(problem);
        var layout = design.Lowered.Weights;
        var keys = layout.Tensors.Select(t => t.Calibration).Append(layout.InputKey).Append(layout.OutputKey)
            .Concat(layout.Steps.SelectMany(st => new[] { st.X, st.S, st.Y })).OfType<string>().Distinct();
        var uncovered = keys.Where(k => model.Tensor(k) is null).ToList();
        var calibration = rangesFile is null ? null : FpgaGen.Simulation.ActivationRanges.Read(rangesFile);
        if (uncovered.Count > 0 && calibration is null)
            throw new UsageException($"{design.Network.Name} leaves tensors in float ({string.Join(", ", uncovered.Take(6))}{(uncovered.Count > 6 ? ", …" : "")}); " +
                "give their calibration ranges with --ranges (`fpgagen calibrate`) so that weights.bin can be packed with the model's own scales");
        if (calibration is not null) FpgaGen.Simulation.ActivationRanges.CheckCovers(calibration, uncovered, rangesFile!);
        var weights = loaded.Onnx is { } import ? FpgaGen.Simulation.ModelWeights.FromOnnx(import, loaded.OnnxPath!) : null;
        if (weights is null)
            throw new InputException($"{design.Network.Name}: the model file holds no weights to pack with its own scales");
        return FpgaGen.Codegen.Weights.WeightPacker.Pack(layout, weights, calibration, null, model);
    }

    /// <summary>The device file's text when it is not the catalog's file for its id, so the project keeps a copy.</summary>
    private static string? OutsideCatalog(Device dev)
    {
        if (dev.File is null) return null;
        var catalogFile = Path.GetFullPath(Path.Combine(DataPaths.Hw, dev.Id + ".yaml"));
        return Path.GetFullPath(dev.File) == catalogFile ? null : InputFile.ReadAllText(dev.File, InputFile.YamlBytes, "device file");
    }

    private static string Sha256(string path)
    {
        using var stream = InputFile.OpenRead(path, InputFile.OnnxBytes, "model file");
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
