using System.Globalization;
using System.Text;
using System.Text.Json;
using FpgaGen.Estimation;
using FpgaGen.Exploration.Documents;
using FpgaGen.Kernels;

namespace FpgaGen.Exploration;

/// <summary>Turns an exploration into the JSON, CSV and SVG files of an output folder.</summary>
public static class ExploreReport
{
    public static readonly JsonSerializerOptions Json = DocumentJson.Explore;

    public static DesignEntry DesignJson(DesignEstimate d, int rank, bool pareto) => DesignEntry.From(d, rank, pareto);

    /// <param name="modelSource">The model's file, so that `compile --sweep` can generate the designs' projects from it.</param>
    public static DesignList Summary(string model, string device, ExploreOptions o, ExploreResult r, IEnumerable<DesignEntry> designs, string? modelSource = null) => new()
    {
        Model = model,
        ModelFile = modelSource is null ? null : Path.GetFullPath(modelSource),
        Device = device,
        Objective = o.Objective.ToString().ToLowerInvariant(),
        MaxUtil = o.MaxUtil,
        Batch = o.Batch,
        Seed = o.Seed,
        Designs = designs.ToList(),
        Evaluated = r.Evaluated,
        Feasible = r.Feasible,
        Seconds = Math.Round(r.Seconds, 3),
        Searches = r.Searches.Select(s => new SearchEntry(s.Kernel, s.Precision.Id(), s.Method, s.Evaluated, s.Feasible)).ToList(),
        Calibration = CalibrationJson(o.Calibration),
    };

    /// <summary>Which figures are calibrated and by how much (factors of 1 are uncalibrated figures).</summary>
    public static CalibrationEntry CalibrationJson(Calibration c) => new()
    {
        Calibrated = !c.IsIdentity,
        Samples = c.Samples,
        Source = c.Source,
        Factors = new CalibrationFactors(Math.Round(c.Fmax, 4), Math.Round(c.Dsp, 4), Math.Round(c.Ram, 4), Math.Round(c.Logic, 4)),
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
