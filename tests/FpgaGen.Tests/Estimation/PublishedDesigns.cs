using System.Globalization;
using FpgaGen.Estimation;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using FpgaGen.Model;
using FpgaGen.Model.Designs;
using YamlDotNet.RepresentationModel;

namespace FpgaGen.Tests.Estimation;

/// <summary>
/// One published accelerator of tests/fixtures/published/designs.yaml that the estimator can be given.
/// <paramref name="SameArchitecture"/>: our kernel kind is the paper's architecture, not only an analogue of it;
/// DSP/RAM comparable: the published count can be held against the plan's (no hand packing, no differently sized buffers).
/// </summary>
public sealed record PublishedDesign(string Id, string Role, string Device, string Network, bool ConvOnly, int Batch, Precision Precision,
    double ClockMhz, string Kernel, string Config, double? Gops, double? Ms, double? Dsp, double? Ram, string RamUnit, bool SameArchitecture,
    bool DspComparable, bool RamComparable)
{
    public string Measure => Gops is not null ? $"{Gops:0.##} GOPS" : $"{Ms:0.##} ms";
}

/// <summary>What the estimator predicts for one published design, and its errors.</summary>
public sealed record FidelityRow(PublishedDesign Design, double Predicted, double Error, double Dsp, double? DspError, double Ram, double? RamError, double ClockMhz)
{
    public string PredictedText => Design.Gops is not null ? $"{Predicted:0.#} GOPS" : $"{Predicted:0.##} ms";
}

/// <summary>
/// Loads the published designs whose configuration, clock and throughput are all known (role fit or holdout, with a
/// config and a clock) and runs each through the estimator at the paper's clock. Throughput error is predicted ÷
/// published throughput − 1 (for a latency, published ms ÷ predicted ms − 1). Configurations are taken as written,
/// also where a value lies outside the declared space (PipeCNN's 28 lanes): the model is a formula of the plan.
/// </summary>
public static class PublishedDesigns
{
    public static string File => Path.Combine(DataPaths.Root, "tests", "fixtures", "published", "designs.yaml");

    public static IReadOnlyList<PublishedDesign> Load()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(File)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var rows = new List<PublishedDesign>();
        foreach (YamlMappingNode d in ((YamlSequenceNode)root["designs"]).Children)
        {
            string? S(YamlMappingNode n, string key) => n.Children.TryGetValue(key, out var v) && v is YamlScalarNode s && s.Value is not (null or "" or "null" or "~") ? s.Value : null;
            double? N(YamlMappingNode n, string key) => S(n, key) is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;
            var role = S(d, "role")!;
            if (role is not ("fit" or "holdout") || S(d, "config") is null || N(d, "clock_mhz") is null) continue;
            var published = (YamlMappingNode)d["published"];
            var resources = d.Children.TryGetValue("resources", out var r) ? (YamlMappingNode)r : new YamlMappingNode();
            var convOnly = S(d, "layers") == "conv";
            var bram18 = N(resources, "bram18");
            rows.Add(new PublishedDesign(S(d, "id")!, role, S(d, "device")!, S(d, "network")!, convOnly, (int)(N(d, "batch") ?? 1),
                PrecisionExtensions.Parse(S(d, "precision")!), N(d, "clock_mhz")!.Value, S(d, "architecture")!, S(d, "config")!,
                convOnly ? N(published, "gops") : null, convOnly ? null : N(published, "ms"), N(resources, "dsp"), bram18 ?? N(resources, "m20k"),
                bram18 is not null ? "BRAM18" : "M20K", S(d, "same_architecture") == "true", S(d, "dsp_comparable") != "false", S(d, "ram_comparable") != "false"));
        }
        return rows;
    }

    public static Network NetworkOf(PublishedDesign d) => d.Network.StartsWith("fixture:", StringComparison.Ordinal)
        ? DesignLoader.Load(Path.Combine(DataPaths.Root, "tests", "fixtures", "published", d.Network["fixture:".Length..] + ".yaml"))
        : Tests.Model.ZooTests.Load(d.Network);

    public static FidelityRow Run(PublishedDesign d)
    {
        var kind = KernelKinds.Get(d.Kernel);
        var net = NetworkOf(d);
        var device = EstimationTestData.Device(d.Device);
        var estimator = new Estimator(kind, Lowerer.Lower(net, kind.Lowering, d.Precision, d.Batch), new Target(device, d.Precision), d.ClockMhz);
        var config = Configure(kind.Space, d.Config);
        var (design, layers) = estimator.EvaluateLayers(config);
        double predicted, error;
        if (d.Gops is { } gops)
        {
            var convs = layers.Where(l => l.Layer is ConvLayer).ToList();
            predicted = 2.0 * convs.Sum(l => l.Macs) / (convs.Sum(l => l.Ms) * 1e6);
            error = predicted / gops - 1;
        }
        else
        {
            predicted = design.LatencyMs / d.Batch;
            error = d.Ms!.Value / predicted - 1;
        }
        var plan = PlanResources.Of(design.Plan, estimator.Target);
        // The platform's share is the board's, not the accelerator's: papers count the accelerator.
        double dsp = plan.Dsp - device.Platform.Dsp, ram = plan.Ram[0] - device.Platform.Ram.GetValueOrDefault(device.Ram[0].Kind);
        // The clock the model predicts for this design (the throughput above uses the paper's).
        var clock = new Estimator(kind, estimator.Network, estimator.Target).Evaluate(config).FreqMhz;
        return new FidelityRow(d, predicted, error, dsp, d.Dsp is { } pd && d.DspComparable ? dsp / pd - 1 : null,
            ram, d.Ram is { } pr && d.RamComparable ? ram / pr - 1 : null, clock);
    }

    /// <summary>A configuration as written ("Tm=28,..."), values outside the declared lists allowed.</summary>
    public static KernelConfig Configure(ParameterSpace space, string text)
    {
        var values = new int[space.Parameters.Count];
        foreach (var part in text.Split(','))
        {
            var kv = part.Split('=');
            values[space.IndexOf(kv[0].Trim())] = int.Parse(kv[1], CultureInfo.InvariantCulture);
        }
        return new KernelConfig(space, values);
    }
}
