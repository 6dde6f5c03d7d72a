using System.Globalization;
using FpgaGen.Estimation;
using FpgaGen.Kernels;

namespace FpgaGen.Exploration.Compiles;

/// <summary>
/// Fits per-device correction factors from the successful compiles of a results log: each factor is the geometric
/// mean of reported / predicted over the compiles that report that figure (a ratio model, so one outlier design
/// does not pull it linearly), clamped to [0.2, 5] so that a broken report cannot make the explorer absurd.
/// </summary>
public static class Calibrator
{
    public static Calibration Fit(string resultsDir, string deviceId)
    {
        var path = Path.Combine(resultsDir, ResultsLog.FileName);
        if (!File.Exists(path)) throw new InputException($"{resultsDir}: no {ResultsLog.FileName} (run `fpgagen compile --sweep` first)");
        var (records, _) = ResultsLog.Read(path);
        var usable = records.Where(r => r.Status == "ok" && r.Reported is not null && r.Device == deviceId).ToList();
        if (usable.Count == 0)
            throw new InputException($"{path}: no successful compile with reported figures for device {deviceId} ({records.Count} records)");
        double Factor(Func<Figures, double?> pick)
        {
            var logs = usable.Select(r => (p: pick(r.Predicted), q: pick(r.Reported!)))
                .Where(x => x.p > 0 && x.q > 0).Select(x => Math.Log(x.q!.Value / x.p!.Value)).ToList();
            return logs.Count == 0 ? 1 : Math.Clamp(Math.Exp(logs.Average()), 0.2, 5);
        }
        return new Calibration(Factor(f => f.FmaxMhz), Factor(f => f.Dsp), Factor(f => f.Bram), Factor(f => f.Logic), usable.Count,
            string.Create(CultureInfo.InvariantCulture, $"{usable.Count} compiles in {path}"));
    }
}
