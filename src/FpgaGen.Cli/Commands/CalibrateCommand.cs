using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FpgaGen.Model;
using FpgaGen.Simulation;

namespace FpgaGen.Cli.Commands;

/// <summary>
/// `fpgagen calibrate`: measures every tensor's largest |value| on real inputs with the float reference and writes
/// the ranges file that int8/int16 packing reads (`simulate --ranges`, a project's `tools/pack_weights.py --calibration`).
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(CliIo io)
    {
        var model = CommonOptions.Model();
        var inputs = new Option<string>("--inputs")
        {
            Description = "Folder of representative inputs: .npy arrays (one sample each) and images (.png, .jpg, …, prepared as for ImageNet, see --mean/--std)",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "The ranges file to write (JSON: tensor name → largest |value|)", DefaultValueFactory = _ => "ranges.json" };
        var force = new Option<bool>("--force") { Description = "Replace an existing --out file" };
        var data = new ModelDataOptions();
        var cmd = new Command("calibrate",
            "Measure the activation ranges of a model on real inputs (largest |value| of every tensor) and write the ranges file int8/int16 designs are packed with.")
        {
            model, inputs, output, force,
        };
        foreach (var o in data.All) cmd.Options.Add(o);
        cmd.SetAction(r => io.Guard(() =>
        {
            var file = r.GetValue(output)!;
            OutputFile.Check(file, r.GetValue(force), "--out", "the ranges file");
            var loaded = ModelDataOptions.Load(r.GetValue(model)!, io.Notes);
            var (weights, source) = data.LoadWeights(r, loaded);
            io.Notes.WriteLine(source);
            var clock = Stopwatch.StartNew();
            var folder = r.GetValue(inputs)!;
            var count = ModelInput.InFolder(folder, "--inputs").Count;
            var ranges = Measure(io, loaded.Network, weights, folder, "--inputs", data.Normalization(r));
            AtomicFile.WriteAllText(file, ActivationRanges.ToJson(ranges));
            io.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {file}: ranges of {ranges.Count} tensors of {loaded.Network.Name}, the largest |value| over {count} input{(count == 1 ? "" : "s")} from {folder}, in {clock.Elapsed.TotalSeconds:0.0} s"));
            io.Prose.WriteLine($"use: fpgagen simulate {r.GetValue(model)} --device D --precision int8 --ranges {file}; in a generated project: python3 tools/pack_weights.py weights.json model.npz -o weights.bin --calibration {file}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The ranges over every input file of <paramref name="folder"/>, with a progress bar per input.</summary>
    public static IReadOnlyDictionary<string, double> Measure(CliIo io, Network net, IReadOnlyDictionary<string, float[]> weights, string folder, string option,
        Normalization normalization)
    {
        var files = ModelInput.InFolder(folder, option);
        var loaders = files.Select(f => (Func<float[]>)(() => ModelInput.Load(f, net.Input, 1, normalization))).ToList();
        return ProgressBar.RunPhased(io, $"calibrating {net.Name}", report =>
        {
            report($"reference on {files.Count} input(s)", 0, files.Count);
            return ActivationRanges.Measure(net, weights, loaders, 1,
                new ProgressBar.Sync<(int Done, int Total)>(p => report($"reference on {p.Total} input(s)", p.Done, p.Total)));
        });
    }
}
