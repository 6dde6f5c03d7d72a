using System.CommandLine;
using System.Globalization;
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
        var wide = CommonOptions.Wide();
        var cmd = new Command("analyze", "Show every layer's output shape, MACs, parameters, weight and activation bytes, and the totals.")
        {
            model, batch, precision, format, wide,
        };
        cmd.SetAction(r => io.Guard(() =>
        {
            // A model that fixes its layers' data types (design-file precision:, a quantized ONNX model) is analyzed at
            // them unless --precision is given, which then applies to every layer.
            var uniform = r.GetResult(precision) is { Implicit: false };
            var figures = Analysis.Analyze(ModelFiles.Load(r.GetValue(model)!, io.Err), r.GetValue(batch), PrecisionExtensions.Parse(r.GetValue(precision)!),
                layerPrecisions: !uniform);
            switch (r.GetValue(format))
            {
                case "json": io.WriteJson(ToJson(figures)); break;
                case "csv": WriteCsv(io, figures); break;
                default: WriteTable(io, figures, r.GetValue(wide)); break;
            }
            return 0;
        }));
        return cmd;
    }

    private static object ToJson(NetworkFigures f) => new
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
            l.Layer.Details,
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

    private static void WriteCsv(CliIo io, NetworkFigures f) =>
        io.WriteCsv(["name", "kind", "details", "output", "macs", "param_count", "weight_bytes", "activation_bytes", "precision"],
            f.Layers.Select(l => (IReadOnlyList<object?>)[l.Layer.Name, l.Layer.Kind, l.Layer.Details, l.Layer.Output.ToString(), l.Macs, l.Params, l.WeightBytes, l.ActivationBytes, l.Precision.Id()]));

    private static void WriteTable(CliIo io, NetworkFigures f, bool wide)
    {
        var table = new TextTable($"{f.Network.Name}: input {f.Network.Input}, batch {f.Batch}, {(f.Mixed ? "mixed precision" : f.Layers[0].Precision.Id())}")
            .Column("#", right: true, priority: 4).Column("layer").Column("kind", priority: 2).Column("details", priority: 6)
            .Column("output", right: true, priority: 3).Column("MMACs", right: true).Column("params", right: true, priority: 1)
            .Column("weights", right: true, priority: 5).Column("activations", right: true, priority: 5).Column("type", priority: f.Mixed ? 1 : 7);
        var i = 0;
        foreach (var l in f.Layers)
            table.Row((++i).ToString(CultureInfo.InvariantCulture), l.Layer.Name, l.Layer.Kind, l.Layer.Details,
                l.Layer.Output.ToString(), l.Macs == 0 ? "" : Mega(l.Macs), l.Params == 0 ? "" : CliIo.Count(l.Params),
                l.WeightBytes == 0 ? "" : CliIo.Bytes(l.WeightBytes), CliIo.Bytes(l.ActivationBytes), l.Precision.Id());
        table.Separator();
        table.Row("", "total", "", $"{f.Layers.Count} layers", "", Mega(f.Macs), CliIo.Count(f.Params), CliIo.Bytes(f.WeightBytes), CliIo.Bytes(f.ActivationBytes),
            f.Mixed ? "mixed" : "");
        table.Write(io, wide);

        io.Out.WriteLine($"MACs {f.Macs:N0} ({f.Macs / 1e9:0.###} G, {2 * f.Macs / 1e9:0.###} GOP), parameters {f.Params:N0}, weights {CliIo.Bytes(f.WeightBytes)}, largest activation {CliIo.Bytes(f.PeakActivationBytes)}");
        var bn = f.Layers.Where(l => l.Layer is BatchNormLayer).Sum(l => l.Params);
        if (bn > 0)
            io.Out.WriteLine($"note: {bn:N0} of the parameters are batch-norm scale/shift (as PyTorch counts them); inference folds them into the preceding convolutions.");
        if (f.Network.Reference is { } r)
        {
            var parts = new List<string>();
            if (r.Params is { } p) parts.Add($"params {p:N0} ({(p == f.Params ? "match" : $"ours differ by {f.Params - p:+#,0;-#,0}")})");
            if (r.GMacs is { } g) parts.Add($"{g} GMACs (ours {Math.Round((f.Macs / f.Batch / 1e9 - g) / g * 100, 2) + 0.0:+0.00;-0.00;0.00}%)");
            io.Out.WriteLine($"reference ({r.Source}): {string.Join(", ", parts)}");
        }
    }

    private static string Mega(long n) => (n / 1e6).ToString("#,0.0", CultureInfo.InvariantCulture);
}
