using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Estimation;

/// <summary>
/// The model against published accelerators (issue 12; docs/fidelity.md): every usable row of
/// tests/fixtures/published/designs.yaml runs through the estimator at the paper's clock and configuration.
/// </summary>
public class FidelityTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryPublishedRowIsEstimated()
    {
        var rows = PublishedDesigns.Load().Select(PublishedDesigns.Run).ToList();
        output.WriteLine(Table(rows));
        Assert.True(rows.Count(r => r.Design.Role == "fit") >= 6);
    }

    public static string Table(IReadOnlyList<FidelityRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| id | role | device | network | precision | kernel config | clock pub/pred | published | predicted | error | DSP pub/pred | RAM pub/pred |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            var d = r.Design;
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {d.Id} | {d.Role} | {d.Device} | {d.Network}{(d.ConvOnly ? " (conv)" : "")} | {d.Precision.Id()} | {d.Kernel} {d.Config} | {d.ClockMhz:0.#} / {r.ClockMhz:0} MHz | {d.Measure} | {r.PredictedText} | {r.Error:+0.0%;-0.0%} | {d.Dsp?.ToString("0") ?? "-"} / {r.Dsp:0}{(r.DspError is { } e ? $" ({e:+0%;-0%})" : "")} | {d.Ram?.ToString("0") ?? "-"} / {r.Ram:0} {d.RamUnit}{(r.RamError is { } f ? $" ({f:+0%;-0%})" : "")} |"));
        }
        foreach (var role in new[] { "fit", "holdout" })
        {
            var set = rows.Where(r => r.Design.Role == role).ToList();
            if (set.Count > 0)
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{role}: {set.Count} rows, mean |error| {set.Average(r => Math.Abs(r.Error)):0.0%}, worst {set.Max(r => Math.Abs(r.Error)):0.0%}"));
        }
        return sb.ToString();
    }
}
