using System.Globalization;
using System.Text;
using System.Text.Json;
using FpgaGen.Estimation;
using FpgaGen.Exploration.Documents;
using FpgaGen.Exploration.Plots;
using FpgaGen.Kernels;

namespace FpgaGen.Exploration;

/// <summary>Turns an exploration into the JSON, CSV and SVG files of an output folder.</summary>
public static class ExploreReport
{
    public static readonly JsonSerializerOptions Json = DocumentJson.Explore;

    public static DesignEntry DesignJson(DesignEstimate d, int rank, bool pareto) => DesignEntry.From(d, rank, pareto);

    /// <param name="modelSource">The model's file, so that `compile --sweep` can generate the designs' projects from it.</param>
    /// <param name="relativeTo">The folder the document's paths are relative to: its own folder, or the working folder for stdout.</param>
    public static DesignList Summary(string model, string device, ExploreOptions o, ExploreResult r, IEnumerable<DesignEntry> designs, string? modelSource = null,
        string? relativeTo = null) => new()
    {
        Model = model,
        ModelFile = modelSource is null ? null : Path.GetRelativePath(Path.GetFullPath(relativeTo ?? Directory.GetCurrentDirectory()), Path.GetFullPath(modelSource)),
        Device = device,
        Objective = o.Objective.ToString().ToLowerInvariant(),
        TieBreak = Explorer.TieBreakText,
        MaxUtil = o.MaxUtil,
        Batch = o.Batch,
        Seed = o.Seed,
        Designs = designs.Select(d => d with { LayerNorm = DesignEntry.LayerNormField(o.LayerNorm) }).ToList(),
        Evaluated = r.Evaluated,
        Feasible = r.Feasible,
        Seconds = Math.Round(r.Seconds, 3),
        Searches = r.Searches.Select(s => new SearchEntry(s.Kernel, s.Precision.Id(), s.Method, s.Evaluated, s.Feasible)).ToList(),
        Calibration = CalibrationJson(o.Calibration, r.Searches.Select(s => s.Kernel)),
    };

    /// <summary>Which figures are calibrated, per searched kernel kind, by how much and on how many compiles.</summary>
    public static CalibrationEntry CalibrationJson(CalibrationSet c, IEnumerable<string> kernels) => new()
    {
        Calibrated = !c.IsIdentity,
        Samples = c.Compiles,
        Source = c.Source,
        Family = c.IsIdentity ? null : c.Family,
        Kinds = kernels.Distinct().Select(k => c.For(k)).Select(k => new CalibrationKindEntry(k.Kernel, !k.IsIdentity, k.Compiles,
            Entry(k.Fmax), Entry(k.Dsp), Entry(k.Ram), Entry(k.Logic))).ToList(),
    };

    private static CalibrationFactorEntry Entry(CalibrationFactor f) => new(Math.Round(f.Value, 4), f.Samples);

    /// <summary>One line per searched kind: its factors with the compiles each rests on, or that it is uncalibrated.</summary>
    public static IEnumerable<string> CalibrationText(CalibrationSet c, IEnumerable<string> kernels)
    {
        if (c.IsIdentity)
        {
            yield return "uncalibrated (analytical models only)";
            yield break;
        }
        yield return "calibrated per kernel kind from " + c.Source;
        foreach (var k in kernels.Distinct().Select(c.For))
            yield return k.IsIdentity
                ? $"  {k.Kernel}: uncalibrated (no compile of {k.Kernel} on {c.Family})"
                : $"  {k.Kernel}: fmax {Text(k.Fmax)}, DSP {Text(k.Dsp)}, RAM {Text(k.Ram)}, logic {Text(k.Logic)}";
    }

    private static string Text(CalibrationFactor f) => f.Calibrated
        ? string.Create(CultureInfo.InvariantCulture, $"x{f.Value:0.###} ({f.Samples} compile{(f.Samples == 1 ? "" : "s")})")
        : "uncalibrated (no compile reports it)";

    /// <summary>designs.csv / pareto.csv / --format csv: the designs.json entries, one row each, under the JSON's names (<see cref="DesignEntry.CsvFields"/>).</summary>
    public static string Csv(IReadOnlyList<DesignEstimate> designs, IReadOnlyList<bool> pareto, Func<int, bool> include) =>
        CsvText.Table(Enumerable.Range(0, designs.Count).Where(include).Select(i => DesignJson(designs[i], i + 1, pareto[i]).CsvFields()));

    /// <summary>Writes designs.json/.csv (all feasible designs, ranked) and pareto.json/.csv/.svg into <paramref name="dir"/>.</summary>
    public static IReadOnlyList<string> Write(string dir, string model, string device, ExploreOptions o, ExploreResult r, string? modelSource = null)
    {
        var all = r.Designs.Select((d, i) => DesignJson(d, i + 1, r.Pareto[i])).ToList();
        var front = r.Designs.Select((d, i) => (d, i)).Where(x => r.Pareto[x.i]).Select(x => DesignJson(x.d, x.i + 1, true)).ToList();
        var files = new (string Name, string Text)[]
        {
            ("designs.json", JsonSerializer.Serialize(Summary(model, device, o, r, all, modelSource, dir), Json)),
            ("designs.csv", Csv(r.Designs, r.Pareto, _ => true)),
            ("pareto.json", JsonSerializer.Serialize(Summary(model, device, o, r, front, modelSource, dir), Json)),
            ("pareto.csv", Csv(r.Designs, r.Pareto, i => r.Pareto[i])),
            ("pareto.svg", ParetoPlot.Svg($"{model} on {device}", o.MaxUtil, r.Designs, ResourceAxis.Dsp(o.Device))),
        };
        foreach (var (name, text) in files) AtomicFile.WriteAllText(Path.Combine(dir, name), text);
        return files.Select(f => Path.Combine(dir, f.Name)).ToList();
    }
}
