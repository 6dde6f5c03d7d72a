using System.CommandLine;
using System.Globalization;
using FpgaGen.Codegen;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;
using FpgaGen.Estimation;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Hardware;
using FpgaGen.OpenCl;
using FpgaGen.OpenCl.Tuning;
using FpgaGen.Codegen.Reference;
using FpgaGen.Simulation;
using FpgaGen.Cli.Tables;
using FpgaGen.Kernels;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen simulate`: run a design's kernels on an OpenCL device, layer by layer, against the reference.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliIo io)
    {
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var design = new Option<string>("--design") { Description = "best (the explorer's first), a rank, or a design JSON file", DefaultValueFactory = _ => "best" };
        var rank = new Option<int?>("--rank") { Description = "With a designs.json file: the rank to take" };
        var precision = new Option<string?>("--precision") { Description = "Data type for best/rank: fp32|fp16|int16|int8 (default: a model's own layer types at the widest of them, else fp32)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default 1)" };
        var maxUtil = CommonOptions.MaxUtil();
        var layerNorm = CommonOptions.LayerNorm();
        var openclDevice = new Option<string?>("--opencl-device") { Description = "OpenCL device: index or part of its name (`fpgagen devices --opencl`)" };
        var data = new ModelDataOptions();
        var input = new Option<string?>("--input")
        {
            Description = "The network's input: a .npy array (one sample or the batch) or an image (.png, .jpg, …: resized, centre-cropped and "
                + "normalised as torchvision does for ImageNet, see --mean/--std); default random values in [-1, 1)",
        };
        var labels = new Option<string?>("--labels")
        {
            Description = "Class names, one a line, for the top-5 of a classifier's output (default: ImageNet's for 1000 outputs)",
        };
        var ranges = new Option<string?>("--ranges")
        {
            Description = "int8/int16: calibration ranges from `fpgagen calibrate` (default: measured on the simulated input itself)",
        };
        var calibrateInputs = new Option<string?>("--calibrate-inputs")
        {
            Description = "int8/int16: measure the calibration ranges on the inputs in this folder (.npy, images) instead of the simulated input",
        };
        var reference = new Option<string>("--reference")
        {
            Description = "Where the reference computes linear layers: cpu (double accumulation) or opencl (the GEMM tuned by `fpgagen tune` for this device, from --db)",
            DefaultValueFactory = _ => "cpu",
        };
        reference.AcceptOnlyFromAmong("cpu", "opencl");
        var db = new Option<string?>("--db") { Description = $"Tuning database for --reference opencl (default {TuneCommand.DefaultDatabase})" };
        var format = CommonOptions.Format(CliIo.Formats);
        var wide = CommonOptions.Wide();
        var schedule = new Option<bool>("--schedule")
        {
            Description = "Instead of checking values, derive the generated code's own cycles from its instrumented run (trips and II of every "
                + "pipelined loop) and compare them with the estimate; exit 1 when a step is more than 15% off or a loop misses II=1",
        };
        var cmd = new Command("simulate", "Run a design's generated kernels (portable form of the aoc source) on an OpenCL device and check every layer against the reference.")
        {
            model, device, design, rank, precision, batch, layerNorm, maxUtil, openclDevice, input, labels, ranges, calibrateInputs, reference, db, format, wide, schedule,
        };
        foreach (var o in data.All) cmd.Options.Add(o);
        cmd.SetAction(r => io.Guard(() =>
        {
            var loaded = ModelDataOptions.Load(r.GetValue(model)!, io.Notes);
            loaded = loaded with { Network = CommonOptions.WithLayerNorm(loaded.Network, CommonOptions.LayerNormFor(r, layerNorm, r.GetValue(design), r.GetValue(rank))) };
            var net = loaded.Network;
            var dev = DeviceCatalog.Default.Get(r.GetValue(device)!);
            var util = CommonOptions.CheckMaxUtil(r.GetValue(maxUtil));
            var (estimate, _, _) = GenerateCommand.Choose(r.GetValue(design)!, r.GetValue(rank), r.GetValue(precision), r.GetValue(batch), net, dev, util);
            // The type the design runs (a design file's, or the chosen one's), not the option's default.
            if (CommonOptions.OwnTypesNote(net, estimate.Precision.Id(), "simulate") is { } note) io.Notes.WriteLine(note);
            var accelerator = AcceleratorDesign.Create(net, estimate.Kernel, estimate.Config.AsDictionary(), estimate.Precision, estimate.Batch, dev, computeUnits: estimate.ComputeUnits);
            if (r.GetValue(schedule)) return ScheduleView.Run(io, accelerator, dev, estimate, r.GetValue(openclDevice), r.GetValue(format)!, r.GetValue(wide));
            if (r.GetValue(ranges) is not null && r.GetValue(calibrateInputs) is not null)
                throw new UsageException("--ranges and --calibrate-inputs both give the calibration ranges; choose one");
            var normalization = data.Normalization(r);
            var inputFile = r.GetValue(input);
            var values = inputFile is null ? ModelDataOptions.RandomInput(net, estimate.Batch, r.GetValue(data.Seed))
                : ModelInput.Load(inputFile, net.Input, estimate.Batch, normalization);
            if (estimate.ComputeUnits > 1)
            {
                // The units run identical kernels on their own samples: the first unit's are simulated.
                var share = accelerator.Lowered.Batch;
                io.Notes.WriteLine($"note: the design's {estimate.ComputeUnits} compute units run the same kernels on {share} sample(s) each; "
                    + $"simulating the first unit's (samples 1 to {share} of {estimate.Batch})");
                values = values[..(int)(net.Input.Elements * share)];
            }
            var classes = ClassRanking.LabelsFor(net.Layers[^1].Output.Elements, r.GetValue(labels));
            var (tensors, weightsSource) = data.LoadWeights(r, loaded);
            var calibration = r.GetValue(ranges) is { } rangesFile ? ActivationRanges.Read(rangesFile)
                : r.GetValue(calibrateInputs) is { } folder ? CalibrateCommand.Measure(io, net, tensors, folder, "--calibrate-inputs", normalization)
                : null;
            if (calibration is not null && estimate.Precision is Precision.Fp32 or Precision.Fp16)
                io.Notes.WriteLine($"note: a {estimate.Precision.Id()} design uses no calibration ranges; --ranges/--calibrate-inputs only matter for int8 and int16");
            else if (calibration is not null)
            {
                var layout = accelerator.Lowered.Weights;
                var keys = layout.Tensors.Select(t => t.Calibration).Append(layout.InputKey).Append(layout.OutputKey)
                    .Concat(layout.Steps.SelectMany(st => new[] { st.X, st.S, st.W, st.Y }).OfType<string>()).Distinct();
                // A quantized model's own tensors take its scales; only the rest need ranges.
                var model = FpgaGen.Codegen.Weights.ModelQuantization.Of(net);
                keys = keys.Where(k => model?.Tensor(k) is null);
                ActivationRanges.CheckCovers(calibration, keys, r.GetValue(ranges) ?? r.GetValue(calibrateInputs)!);
            }
            var estimator = new Estimator(accelerator.Kind, accelerator.Lowered, accelerator.Planned.Target);
            var predicted = estimator.EvaluateLayers(estimate.Config).Layers.ToDictionary(l => l.Layer.Name, l => l.Ms);

            using var session = OpenClSession.Open(r.GetValue(openclDevice));
            io.Notes.WriteLine(weightsSource);
            using var tuning = r.GetValue(reference) == "opencl" ? TuningDatabase.OpenIfExists(r.GetValue(db) ?? TuneCommand.DefaultDatabase) : null;
            using var tuned = tuning is null ? null : new TunedLinear(session, tuning);
            var options = new SimulationOptions { ReferenceLinear = tuned is null ? null : tuned.Run, Ranges = calibration, Labels = classes };
            var report = RunWithProgress(io, accelerator, session, tensors, values, dev.Id, predicted, options);
            if (tuned is not null)
                foreach (var g in tuned.Used.GroupBy(u => (u.Shape, u.Parameters, u.Match)))
                    io.Notes.WriteLine($"reference GEMM {g.Key.Shape}: {g.Key.Parameters} ({TunedText(g.Key.Match)}), {g.Count()} call(s)");
            switch (r.GetValue(format))
            {
                case "json": io.WriteJson(SimulationJson.Document(report)); break;
                case "csv": io.WriteRecords(report.Steps.Select(SimulationJson.StepFields)); break;
                default: WriteTable(io, report, r.GetValue(wide)); break;
            }
            return report.Pass ? 0 : 1;
        }));
        return cmd;
    }

    private static SimulationReport RunWithProgress(CliIo io, AcceleratorDesign design, OpenClSession session, IReadOnlyDictionary<string, float[]> weights,
        float[] input, string deviceId, IReadOnlyDictionary<string, double> predicted, SimulationOptions options) =>
        ProgressBar.RunPhased(io, $"simulating {design.Network.Name} on {session.Device.Name}",
            report => Simulator.Run(design, session, weights, input, deviceId, predicted,
                options with { Progress = new ProgressBar.Sync<SimulationProgress>(p => report(p.Phase, p.Done, p.Total)) }));

    private static string TunedText(TuningMatch match) => match switch
    {
        TuningMatch.Device => "tuned on this device",
        TuningMatch.VendorAndType => "tuned on another device of this vendor and type",
        _ => "not tuned: built-in default; run fpgagen tune --kernel gemm",
    };

    private static void WriteTable(CliIo io, SimulationReport r, bool wide)
    {
        // The pass rule: the largest error over the tensor's largest |value| within the data type's tolerance.
        // Fixed-point designs are also checked against the bit-exact integer reference: LSBs off / allowed. The rule
        // is said above the table rather than in the column's header, which long step names (ONNX paths) need room beside.
        var integer = r.Steps.Any(s => s.LsbError is not null);
        var table = new TextTable(F($"{r.Model}: {r.Kernel} {r.Parameters}, {r.Precision}, batch {r.Batch} on {r.OpenClDevice}") +
                                  F($"\ncheck: pass when err / largest ≤ {r.Tolerance:0.#####}{(integer ? " and the LSBs off the integer reference are within those allowed" : "")}"));
        table.Column("step").Column("layers", priority: 4).Column("max abs err", right: true, priority: 2).Column("largest |value|", right: true, priority: 3)
            .Column("err / largest", right: true);
        if (integer) table.Column("LSB (allowed)", right: true, priority: 1);
        table.Column("check").Column("kernel ms", right: true, priority: 5).Column($"{r.Device} ms (pred.)", right: true, priority: 5);
        foreach (var s in r.Steps)
        {
            var row = new List<string> { s.Step, Short(s.Layers), F($"{s.MaxAbsError:0.00E+00}"), F($"{s.Magnitude:0.00E+00}"), F($"{s.ErrorOfLargest:0.00E+00}") };
            if (integer) row.Add(s.LsbError is null ? "" : F($"{s.LsbError} ({s.LsbAllowed})"));
            row.AddRange([s.Pass ? "pass" : $"FAIL{(s.Problem is null ? "" : ": " + s.Problem)}", F($"{s.KernelMs:0.00}"), F($"{s.PredictedMs:0.000}")]);
            table.Row([.. row]);
        }
        table.Write(io, wide);
        io.Prose.WriteLine(F($"{(r.Pass ? "PASS" : "FAIL")}: {r.Steps.Count - r.Failed} of {r.Steps.Count} tensors match (largest error within {r.Tolerance:0.#####} of the tensor's largest |value|{(integer ? ", and the integer reference's LSBs" : "")}); kernels {r.KernelMs:0.0} ms on the OpenCL device, {r.WallSeconds:0.0} s wall; predicted FPGA latency {r.PredictedMs:0.000} ms on {r.Device}"));
        io.Prose.WriteLine("time: " + string.Join(", ", r.PhaseSeconds.Select(p => F($"{p.Key} {p.Value:0.0} s"))));
        foreach (var top in r.TopClasses ?? []) WriteTopClasses(io, top, r.Batch);
    }

    private static void WriteTopClasses(CliIo io, TopClasses top, int batch)
    {
        var agreement = top.SameOrder ? "the same classes in the same order" : top.SameTop1 ? "the same first class, a different order after it" : "DIFFERENT first classes";
        io.Prose.WriteLine($"top {top.Reference.Count} classes{(batch > 1 ? $" of sample {top.Sample + 1}" : "")}: {agreement}");
        var table = new TextTable().Column("#", right: true).Column("reference").Column("score", right: true).Column("kernels").Column("score", right: true);
        for (var i = 0; i < top.Reference.Count; i++)
        {
            var (a, b) = (top.Reference[i], top.Kernels[i]);
            table.Row(F($"{i + 1}"), ClassText(a), F($"{a.Score:0.000}"), ClassText(b), F($"{b.Score:0.000}"));
        }
        table.Write(io, wide: false); // every column names or scores a class: none is left out
    }

    private static string ClassText(ClassScore c) => c.Label is null ? F($"{c.Index}") : F($"{c.Index} {c.Label}");

    private static string Short(IReadOnlyList<string> layers) => layers.Count <= 2 ? string.Join(", ", layers) : $"{layers[0]} … {layers[^1]} ({layers.Count})";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
