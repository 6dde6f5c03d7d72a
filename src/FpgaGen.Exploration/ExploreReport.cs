using System.Globalization;
using System.Text;
using System.Text.Json;
using FpgaGen.Estimation;
using FpgaGen.Kernels;

namespace FpgaGen.Exploration;

/// <summary>Turns an exploration into the JSON, CSV and SVG files of an output folder.</summary>
public static class ExploreReport
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static object DesignJson(DesignEstimate d, int rank, bool pareto) => new
    {
        Rank = rank,
        d.Kernel,
        Params = d.Config.AsDictionary(),
        Precision = d.Precision.Id(),
        d.Batch,
        FreqMhz = Math.Round(d.FreqMhz, 1),
        ImagesPerS = Math.Round(d.ImagesPerSecond, 3),
        Gops = Math.Round(d.Gops, 2),
        LatencyMs = Math.Round(d.LatencyMs, 4),
        DspEfficiency = Math.Round(d.DspEfficiency, 4),
        PeakGops = Math.Round(d.PeakGops, 2),
        MacLanes = d.Lanes,
        d.Cycles,
        Resources = d.Resources.Amounts(),
        Utilization = d.Resources.Utilization().ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4)),
        Pareto = pareto,
    };

    /// <param name="modelSource">The model's file, so that `compile --sweep` can generate the designs' projects from it.</param>
    public static object Summary(string model, string device, ExploreOptions o, ExploreResult r, IEnumerable<object> designs, string? modelSource = null) => new
    {
        Model = model,
        ModelFile = modelSource is null ? null : Path.GetFullPath(modelSource),
        Device = device,
        Objective = o.Objective.ToString().ToLowerInvariant(),
        MaxUtil = o.MaxUtil,
        o.Batch,
        o.Seed,
        Designs = designs,
        r.Evaluated,
        r.Feasible,
        Seconds = Math.Round(r.Seconds, 3),
        Searches = r.Searches.Select(s => new { s.Kernel, Precision = s.Precision.Id(), s.Method, s.Evaluated, s.Feasible }),
        Calibration = CalibrationJson(o.Calibration),
    };

    /// <summary>Which figures are calibrated and by how much (factors of 1 are uncalibrated figures).</summary>
    public static object CalibrationJson(Calibration c) => new
    {
        Calibrated = !c.IsIdentity,
        c.Samples,
        c.Source,
        Factors = new { FmaxMhz = Math.Round(c.Fmax, 4), Dsp = Math.Round(c.Dsp, 4), Bram = Math.Round(c.Ram, 4), Logic = Math.Round(c.Logic, 4) },
    };

    public static string CalibrationText(Calibration c) => c.IsIdentity
        ? "uncalibrated (analytical models only)"
        : string.Create(CultureInfo.InvariantCulture,
            $"calibrated from {c.Source}: fmax x{c.Fmax:0.###}, DSP x{c.Dsp:0.###}, RAM x{c.Ram:0.###}, logic x{c.Logic:0.###}");

    public static readonly string[] CsvHeader =
    [
        "rank", "kernel", "params", "precision", "batch", "freq_mhz", "images_per_s", "gops", "latency_ms", "dsp_efficiency",
        "dsp", "ram_bits", "logic", "registers", "max_util", "binding", "pareto",
    ];

    public static string Csv(IReadOnlyList<DesignEstimate> designs, IReadOnlyList<bool> pareto, Func<int, bool> include)
    {
        var sb = new StringBuilder(string.Join(",", CsvHeader)).Append('\n');
        for (var i = 0; i < designs.Count; i++)
        {
            if (!include(i)) continue;
            var d = designs[i];
            var (util, binding) = d.Resources.Binding();
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{i + 1},{d.Kernel},\"{d.Config}\",{d.Precision.Id()},{d.Batch},{d.FreqMhz:0.0},{d.ImagesPerSecond:0.###},{d.Gops:0.##},{d.LatencyMs:0.####},{d.DspEfficiency:0.####},"));
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{Math.Ceiling(d.Resources.Dsp)},{d.Resources.RamBits:0},{Math.Ceiling(d.Resources.Logic)},{Math.Ceiling(d.Resources.Registers)},{util:0.####},{binding},{(pareto[i] ? "true" : "false")}\n"));
        }
        return sb.ToString();
    }

    /// <summary>Writes designs.json/.csv (all feasible designs, ranked) and pareto.json/.csv/.svg into <paramref name="dir"/>.</summary>
    public static IReadOnlyList<string> Write(string dir, string model, string device, ExploreOptions o, ExploreResult r, string? modelSource = null)
    {
        var all = r.Designs.Select((d, i) => DesignJson(d, i + 1, r.Pareto[i])).ToList();
        var front = r.Designs.Select((d, i) => (d, i)).Where(x => r.Pareto[x.i]).Select(x => DesignJson(x.d, x.i + 1, true)).ToList();
        var files = new (string Name, string Text)[]
        {
            ("designs.json", JsonSerializer.Serialize(Summary(model, device, o, r, all, modelSource), Json)),
            ("designs.csv", Csv(r.Designs, r.Pareto, _ => true)),
            ("pareto.json", JsonSerializer.Serialize(Summary(model, device, o, r, front, modelSource), Json)),
            ("pareto.csv", Csv(r.Designs, r.Pareto, i => r.Pareto[i])),
            ("pareto.svg", ParetoPlot.Svg($"{model} on {device}", r.Designs, r.Pareto)),
        };
        foreach (var (name, text) in files) AtomicFile.WriteAllText(Path.Combine(dir, name), text);
        return files.Select(f => Path.Combine(dir, f.Name)).ToList();
    }
}
