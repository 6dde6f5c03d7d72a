using System.Globalization;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Kinds;

namespace FpgaGen.Exploration.Compiles;

/// <summary>
/// Fits correction factors per kernel kind and vendor family from the successful compiles of a results log. A
/// kind's factors rest only on compiles of that kind on devices of the same vendor and family as the target (the
/// architectures differ in what the models miss: a broadcast engine's clock falls off faster than a systolic
/// array's); a kind without such compiles stays uncalibrated. Each factor is the geometric mean of reported ÷
/// predicted over the compiles that report that figure (a ratio model, so one outlier design does not pull it
/// linearly), clamped to [0.2, 5] so that a broken report cannot make the explorer absurd. The clock is taken only
/// from targets that place and route: aoc's `report` stage (and any report without a clock) leaves fmax uncalibrated.
/// </summary>
public static class Calibrator
{
    /// <summary>Targets whose reported clock is not a placed-and-routed one.</summary>
    private static readonly HashSet<string> ClocklessTargets = ["report"];

    public static CalibrationSet Fit(string resultsDir, string deviceId) => Fit(resultsDir, DeviceCatalog.Default.Get(deviceId), DeviceCatalog.Default);

    public static CalibrationSet Fit(string resultsDir, Device device, DeviceCatalog catalog)
    {
        var path = Path.Combine(resultsDir, ResultsLog.FileName);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InputException($"{resultsDir}: no {ResultsLog.FileName} (run `fpgagen compile --sweep` first)");
        // Lines that are not whole records (a torn write, a record without its predicted figures) are left out and counted.
        var (records, unreadable) = ResultsLog.Read(path);
        var family = FamilyOf(device);
        var families = new Dictionary<string, string?>();
        bool SameFamily(string id)
        {
            if (id == device.Id) return true;
            if (!families.TryGetValue(id, out var f))
                families[id] = f = catalog.Ids.Contains(id) ? FamilyOf(catalog.Get(id)) : null;
            return f == family;
        }
        var usable = records.Where(r => r.Status == "ok" && r.Reported is not null && KernelKinds.Ids.Contains(r.Kernel) && SameFamily(r.Device)).ToList();
        if (usable.Count == 0)
            throw new InputException($"{path}: no successful compile with reported figures on {family} (device {device.Id}; {records.Count} records{Unreadable(unreadable)})");
        var kinds = usable.GroupBy(r => r.Kernel).ToDictionary(g => g.Key, g => FitKind(g.Key, g.ToList()));
        return new CalibrationSet(family, kinds, string.Create(CultureInfo.InvariantCulture, $"{usable.Count} compiles on {family} in {path}{Unreadable(unreadable)}"));
    }

    private static string Unreadable(int lines) => lines == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"; {lines} unreadable line(s) skipped");

    /// <summary>Vendor and family as the device files name them: devices of one family share a fabric and a tool flow.</summary>
    public static string FamilyOf(Device d) => $"{d.Vendor} {d.Family}";

    private static Calibration FitKind(string kernel, IReadOnlyList<CompileRecord> compiles)
    {
        CalibrationFactor Factor(Func<Figures, double?> pick, Func<CompileRecord, bool> counts)
        {
            var logs = compiles.Where(counts).Select(r => (p: pick(r.Predicted), q: pick(r.Reported!)))
                .Where(x => x.p > 0 && x.q > 0).Select(x => Math.Log(x.q!.Value / x.p!.Value)).ToList();
            return logs.Count == 0 ? CalibrationFactor.None : new CalibrationFactor(Math.Clamp(Math.Exp(logs.Average()), 0.2, 5), logs.Count);
        }
        return new Calibration(kernel, Factor(f => f.FmaxMhz, r => !ClocklessTargets.Contains(r.Target)), Factor(f => f.Dsp, _ => true),
            Factor(f => f.Bram, _ => true), Factor(f => f.Logic, _ => true), compiles.Count);
    }
}
