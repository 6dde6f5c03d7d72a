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
        var precision = new Option<string?>("--precision") { Description = "Data type for best/rank: fp32|fp16|int16|int8 (default fp32)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default 1)" };
        var maxUtil = CommonOptions.MaxUtil();
        var openclDevice = new Option<string?>("--opencl-device") { Description = "OpenCL device: index or part of its name (`fpgagen devices --opencl`)" };
        var weights = new Option<string>("--weights") { Description = "random, or a .npz of the model's tensors named layer.param", DefaultValueFactory = _ => "random" };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights and input", DefaultValueFactory = _ => 1 };
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
            model, device, design, rank, precision, batch, maxUtil, openclDevice, weights, seed, reference, db, format, wide, schedule,
        };
        cmd.SetAction(r => io.Guard(() =>
        {
            var net = ModelFiles.Load(r.GetValue(model)!, io.Err);
            var dev = DeviceCatalog.Default.Get(r.GetValue(device)!);
            var util = CommonOptions.CheckMaxUtil(r.GetValue(maxUtil));
            var (estimate, _, _) = GenerateCommand.Choose(r.GetValue(design)!, r.GetValue(rank), r.GetValue(precision), r.GetValue(batch), net, dev, util);
            var accelerator = AcceleratorDesign.Create(net, estimate.Kernel, estimate.Config.AsDictionary(), estimate.Precision, estimate.Batch, dev);
            if (r.GetValue(schedule)) return ScheduleView.Run(io, accelerator, dev, estimate, r.GetValue(openclDevice), r.GetValue(format)!, r.GetValue(wide));
            var seedValue = r.GetValue(seed);
            var tensors = r.GetValue(weights) == "random" ? RandomWeights.For(net, seedValue) : NpzFile.Read(r.GetValue(weights)!);
            ModelParameters.Check(net, tensors);
            var input = RandomInput(net, estimate.Batch, seedValue);
            var estimator = new Estimator(accelerator.Kind, accelerator.Lowered, new Target(dev, estimate.Precision));
            var predicted = estimator.EvaluateLayers(estimate.Config).Layers.ToDictionary(l => l.Layer.Name, l => l.Ms);

            using var session = OpenClSession.Open(r.GetValue(openclDevice));
            using var tuning = r.GetValue(reference) == "opencl" ? TuningDatabase.OpenIfExists(r.GetValue(db) ?? TuneCommand.DefaultDatabase) : null;
            using var tuned = tuning is null ? null : new TunedLinear(session, tuning);
            var report = RunWithProgress(io, accelerator, session, tensors, input, dev.Id, predicted, tuned is null ? null : tuned.Run);
            if (tuned is not null)
                foreach (var g in tuned.Used.GroupBy(u => (u.Shape, u.Parameters, u.Match)))
                    io.Err.WriteLine($"reference GEMM {g.Key.Shape}: {g.Key.Parameters} ({TunedText(g.Key.Match)}), {g.Count()} call(s)");
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

    /// <summary>Uniform values in [-1, 1): the input the reference and the kernels both see.</summary>
    private static float[] RandomInput(FpgaGen.Model.Network net, int batch, int seed)
    {
        var rng = new Random(seed + 1);
        var input = new float[net.Input.Elements * batch];
        for (var i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 2 - 1);
        return input;
    }

    private static SimulationReport RunWithProgress(CliIo io, AcceleratorDesign design, OpenClSession session, IReadOnlyDictionary<string, float[]> weights,
        float[] input, string deviceId, IReadOnlyDictionary<string, double> predicted, NetworkReference.LinearKernel? referenceLinear) =>
        ProgressBar.Run(io, $"simulating {design.Network.Name} on {session.Device.Name}",
            report => Simulator.Run(design, session, weights, input, deviceId, predicted, new ProgressBar.Sync<(int Done, int Total)>(p => report(p.Done, p.Total)),
                referenceLinear));

    private static string TunedText(TuningMatch match) => match switch
    {
        TuningMatch.Device => "tuned on this device",
        TuningMatch.VendorAndType => "tuned on another device of this vendor and type",
        _ => "not tuned: built-in default; run fpgagen tune --kernel gemm",
    };

    private static void WriteTable(CliIo io, SimulationReport r, bool wide)
    {
        var table = new TextTable(F($"{r.Model}: {r.Kernel} {r.Parameters}, {r.Precision}, batch {r.Batch} on {r.OpenClDevice} (tolerance {r.Tolerance:0.#####} of each tensor's largest value)"));
        // Fixed-point designs are also checked against the bit-exact integer reference: LSBs off / allowed.
        var integer = r.Steps.Any(s => s.LsbError is not null);
        table.Column("step").Column("layers", priority: 4).Column("max abs err", right: true, priority: 2).Column("max rel err", right: true, priority: 3);
        if (integer) table.Column("LSB (allowed)", right: true, priority: 1);
        table.Column("check").Column("kernel ms", right: true, priority: 5).Column($"{r.Device} ms (pred.)", right: true, priority: 5);
        foreach (var s in r.Steps)
        {
            var row = new List<string> { s.Step, Short(s.Layers), F($"{s.MaxAbsError:0.00E+00}"), F($"{s.MaxRelError:0.00E+00}") };
            if (integer) row.Add(s.LsbError is null ? "" : F($"{s.LsbError} ({s.LsbAllowed})"));
            row.AddRange([s.Pass ? "pass" : $"FAIL{(s.Problem is null ? "" : ": " + s.Problem)}", F($"{s.KernelMs:0.00}"), F($"{s.PredictedMs:0.000}")]);
            table.Row([.. row]);
        }
        table.Write(io, wide);
        io.Out.WriteLine(F($"{(r.Pass ? "PASS" : "FAIL")}: {r.Steps.Count - r.Failed} of {r.Steps.Count} tensors match; kernels {r.KernelMs:0.0} ms on the OpenCL device, {r.WallSeconds:0.0} s wall; predicted FPGA latency {r.PredictedMs:0.000} ms on {r.Device}"));
        io.Out.WriteLine("time: " + string.Join(", ", r.PhaseSeconds.Select(p => F($"{p.Key} {p.Value:0.0} s"))));
    }

    private static string Short(IReadOnlyList<string> layers) => layers.Count <= 2 ? string.Join(", ", layers) : $"{layers[0]} … {layers[^1]} ({layers.Count})";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
