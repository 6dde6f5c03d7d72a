using System.CommandLine;
using System.Globalization;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;
using FpgaGen.Cli.Tables;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen analyze`: per-layer shapes, MACs, parameters and memory of a network.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliIo io)
    {
        var model = CommonOptions.Model();
        var batch = CommonOptions.Batch();
        var precision = CommonOptions.Precision();
        var format = CommonOptions.Format(CliIo.Formats);
        var layerNorm = CommonOptions.LayerNorm();
        var wide = CommonOptions.Wide();
        var cmd = new Command("analyze", "Show every layer's output shape, MACs, parameters, weight and activation bytes, and the totals.")
        {
            model, batch, precision, layerNorm, format, wide,
        };
        cmd.SetAction(r => io.Guard(() =>
        {
            var net = CommonOptions.WithLayerNorm(ModelFiles.Load(r.GetValue(model)!, io.Notes), r.GetValue(layerNorm));
            // A model that fixes its layers' data types (design-file precision:, a quantized ONNX model) is analyzed at
            // them unless --precision is given, which then applies to every layer.
            var uniform = r.GetResult(precision) is { Implicit: false };
            var figures = Analysis.Analyze(net, r.GetValue(batch), PrecisionExtensions.Parse(r.GetValue(precision)!), layerPrecisions: !uniform);
            var folds = ExecutionModes.StoredLayerNormFolds(net).ToDictionary(f => f.LayerNorm.Name);
            switch (r.GetValue(format))
            {
                case "json": io.WriteJson(ToJson(figures, folds)); break;
                case "csv": WriteCsv(io, figures, folds); break;
                default: WriteTable(io, figures, folds, r.GetValue(wide)); break;
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>A layer's details, with where a stored-statistics LayerNorm folds (or why it cannot).</summary>
    private static string Details(Layer layer, IReadOnlyDictionary<string, LayerNormFold> folds) =>
        folds.TryGetValue(layer.Name, out var fold)
            ? fold.Folds
                ? $"{layer.Details}, folded into {string.Join(", ", fold.Into.Select(l => l.Name))}"
                    + (fold.Through.Count > 0 ? $" (through {string.Join(", ", fold.Through.Select(l => l.Name))})" : "")
                : $"{layer.Details}, cannot fold: {fold.Problem}"
            : layer.Details;

    private static object ToJson(NetworkFigures f, IReadOnlyDictionary<string, LayerNormFold> folds) => new
    {
        Model = f.Network.Name,
        Source = f.Network.Source,
        Input = f.Network.Input.Dims,
        f.Batch,
        Precision = f.Mixed ? "mixed" : f.Layers.Count > 0 ? f.Layers[0].Precision.Id() : f.Precision.Id(),
        Layers = f.Layers.Select(l => new
        {
            l.Layer.Name,
            l.Layer.Kind,
            Inputs = l.Layer.Inputs,
            Details = Details(l.Layer, folds),
            // Stored-statistics LayerNorms only: the linear layers whose weights absorb it (empty when it cannot fold).
            FoldedInto = folds.TryGetValue(l.Layer.Name, out var fold) ? fold.Into.Select(x => x.Name).ToList() : null,
            Output = l.Layer.Output.Dims,
            l.Macs,
            ParamCount = l.Params,
            l.WeightBytes,
            l.ActivationBytes,
            Precision = l.Precision.Id(),
            Quantization = l.Layer.Quantization is { } q ? new { Input = q.Input.Describe(), Weights = q.Weights.Describe(), Output = q.Output?.Describe() } : null,
        }),
        // param_count, not params: "params" names a design's kernel parameters in every other document.
        Totals = new { f.Macs, ParamCount = f.Params, f.WeightBytes, f.ActivationBytes, f.PeakActivationBytes },
        Reference = f.Network.Reference,
    };

    private static void WriteCsv(CliIo io, NetworkFigures f, IReadOnlyDictionary<string, LayerNormFold> folds) =>
        io.WriteCsv(["name", "kind", "details", "output", "macs", "param_count", "weight_bytes", "activation_bytes", "precision"],
            f.Layers.Select(l => (IReadOnlyList<object?>)[l.Layer.Name, l.Layer.Kind, Details(l.Layer, folds), l.Layer.Output.ToString(), l.Macs, l.Params, l.WeightBytes, l.ActivationBytes, l.Precision.Id()]));

    private static void WriteTable(CliIo io, NetworkFigures f, IReadOnlyDictionary<string, LayerNormFold> folds, bool wide)
    {
        var table = new TextTable($"{f.Network.Name}: input {f.Network.Input}, batch {f.Batch}, {(f.Mixed ? "mixed precision" : f.Layers[0].Precision.Id())}")
            .Column("#", right: true, priority: 4).Column("layer").Column("kind", priority: 2).Column("details", priority: 6)
            .Column("output", right: true, priority: 3).Column("MMACs", right: true).Column("params", right: true, priority: 1)
            .Column("weights", right: true, priority: 5).Column("activations", right: true, priority: 5).Column("type", priority: f.Mixed ? 1 : 7);
        var i = 0;
        foreach (var l in f.Layers)
            table.Row((++i).ToString(CultureInfo.InvariantCulture), l.Layer.Name, l.Layer.Kind, Details(l.Layer, folds),
                l.Layer.Output.ToString(), l.Macs == 0 ? "" : Mega(l.Macs), l.Params == 0 ? "" : CliIo.Count(l.Params),
                l.WeightBytes == 0 ? "" : CliIo.Bytes(l.WeightBytes), CliIo.Bytes(l.ActivationBytes), l.Precision.Id());
        table.Separator();
        table.Row("", "total", "", $"{f.Layers.Count} layers", "", Mega(f.Macs), CliIo.Count(f.Params), CliIo.Bytes(f.WeightBytes), CliIo.Bytes(f.ActivationBytes),
            f.Mixed ? "mixed" : "");
        table.Write(io, wide);

        io.Prose.WriteLine($"MACs {f.Macs:N0} ({f.Macs / 1e9:0.###} G, {2 * f.Macs / 1e9:0.###} GOP), parameters {f.Params:N0}, weights {CliIo.Bytes(f.WeightBytes)}, largest activation {CliIo.Bytes(f.PeakActivationBytes)}");
        var bn = f.Layers.Where(l => l.Layer is BatchNormLayer).Sum(l => l.Params);
        if (bn > 0)
            io.Prose.WriteLine($"note: {bn:N0} of the parameters are batch-norm scale/shift (as PyTorch counts them); inference folds them into the preceding convolutions.");
        var folded = folds.Values.Count(x => x.Folds);
        if (folded > 0)
            io.Prose.WriteLine($"note: {folded:N0} LayerNorm(s) with stored statistics fold into the linear layers after them (W' = W·diag(γ/√(σ²+ε)), "
                + "b' = b + W·(β − γ·μ/√(σ²+ε)) when the weights are packed): no LayerNorm step, no statistics hardware.");
        foreach (var x in folds.Values.Where(x => !x.Folds))
            io.Prose.WriteLine($"note: LayerNorm '{CliIo.Escape(x.LayerNorm.Name)}' has stored statistics but cannot fold: {CliIo.Escape(x.Problem!)}; no kernel computes it on its own.");
        if (f.Network.Reference is { } r)
        {
            var parts = new List<string>();
            if (r.Params is { } p) parts.Add($"params {p:N0} ({(p == f.Params ? "match" : $"ours differ by {f.Params - p:+#,0;-#,0}")})");
            if (r.GMacs is { } g) parts.Add($"{g} GMACs (ours {Math.Round((f.Macs / f.Batch / 1e9 - g) / g * 100, 2) + 0.0:+0.00;-0.00;0.00}%)");
            io.Prose.WriteLine($"reference ({r.Source}): {string.Join(", ", parts)}");
        }
    }

    private static string Mega(long n) => (n / 1e6).ToString("#,0.0", CultureInfo.InvariantCulture);
}
