using System.Globalization;
using FpgaGen.Hardware;

namespace FpgaGen.Toolchains.Projects;

/// <summary>One figure, predicted beside reported, in the same scope and unit.</summary>
public sealed record FigureRow(string Figure, string Unit, double? Predicted, double? Reported, string? Note = null)
{
    /// <summary>(predicted − reported) / reported: +0.12 means the model predicted 12% too much.</summary>
    public double? RelativeError => Predicted is { } p && Reported is { } r && r != 0 ? (p - r) / r : null;
}

/// <summary>
/// Predicted against reported figures, like with like: when the report covers the kernels only, the platform
/// overhead of the device file is taken off the prediction; when it covers the whole device, both include it.
/// </summary>
public sealed record FigureComparison(ReportedFigures Reported, FigureScope Scope, IReadOnlyList<FigureRow> Rows)
{
    public string ScopeText(Device device) => Scope == FigureScope.WholeDevice
        ? "whole device: both sides include the board's platform overhead"
        : string.Create(CultureInfo.InvariantCulture,
            $"kernels only: the prediction is shown without {device.Id}'s platform overhead ({PlatformText(device)})");

    public static FigureComparison Compare(DesignFigures predictedWholeDevice, ReportedFigures reported, Device device)
    {
        var predicted = reported.Scope == FigureScope.Kernels ? predictedWholeDevice.WithPlatform(device, -1) : predictedWholeDevice;
        var r = reported.Figures;
        var rows = new List<FigureRow>
        {
            new("DSP", "blocks", predicted.Dsp, r.Dsp),
            new(device.Ram[0].Kind, "blocks", predicted.Ram, r.Ram),
        };
        if (device.Ram.Count > 1) rows.Add(new FigureRow(device.Ram[1].Kind, "blocks", predicted.Uram, r.Uram));
        rows.Add(new FigureRow("logic", device.Logic.Kind, predicted.Logic, r.Logic));
        rows.Add(new FigureRow("registers", "FF", predicted.Registers, r.Registers));
        rows.Add(new FigureRow("fmax", "MHz", predicted.FmaxMhz, r.FmaxMhz, r.FmaxMhz is null ? "the report gives no clock (aoc estimates: only after the hw build)" : null));
        rows.Add(new FigureRow("latency", "ms", predicted.LatencyMs, null,
            reported.LatencyCycles is { } cycles ? $"vendor latency is per kernel call ({cycles} cycles), not the network's" : "no network latency in vendor reports"));
        return new FigureComparison(reported, reported.Scope, rows);
    }

    private static string PlatformText(Device device)
    {
        var p = device.Platform;
        var ram = string.Join(", ", p.Ram.Select(kv => $"{kv.Key} {kv.Value:#,0}"));
        return string.Create(CultureInfo.InvariantCulture, $"DSP {p.Dsp:#,0}, {ram}, {device.Logic.Kind} {p.Logic:#,0}, FF {p.Registers:#,0}");
    }
}
