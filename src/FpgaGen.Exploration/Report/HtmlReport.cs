using System.Reflection;
using System.Text;
using System.Text.Json;
using FpgaGen.Exploration.Plots;
using FpgaGen.Model;
using static FpgaGen.Exploration.Plots.PlotStyle;

namespace FpgaGen.Exploration.Report;

/// <summary>
/// report.html: one self-contained page (no request leaves it: its Content-Security-Policy allows nothing but its
/// own inline style and script) with the ranked designs as a sortable table, the Pareto plot of throughput against
/// each resource (the same SVG as pareto.svg, inline), and for the design selected in the table its roofline, its
/// per-layer compute and memory times and its resources against the device. The script (report.js) draws those
/// from the JSON of <see cref="ReportData"/>; every text from the model reaches the page as escaped JSON or
/// HTML-encoded text, and the script writes it with textContent only.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    public static string Html(Network network, ExploreOptions o, ExploreResult r)
    {
        var data = ReportData.Build(network, o, r);
        var title = $"{network.Name} on {o.Device.Id}";
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append($"<title>{Esc(title)}: FpgaGen exploration</title>\n<style>\n{Resource("report.css")}</style>\n</head>\n<body>\n");
        sb.Append($"<header><h1>{Esc(title)}</h1>\n<p id=\"summary\">{Esc(Summary(o, r))}</p>\n");
        sb.Append("<p id=\"calibration\"><b>figures:</b> ");
        sb.Append(string.Join("<br>", data.Calibration.Select(l => Esc(l.Trim()))));
        sb.Append("</p></header>\n");
        sb.Append("""
            <main>
            <section id="designs-section"><h2>Ranked designs</h2>
            <p class="note" id="table-note"></p>
            <div class="table-wrap"><table id="designs"><thead></thead><tbody></tbody></table></div></section>
            <section id="selected-section"><h2>Selected design <span id="selected-title"></span></h2>
            <p class="note" id="selected-summary"></p>
            <div class="panels">
            <figure><figcaption>Roofline (after Zhang et al., FPGA'15): each layer's operations per byte of external memory traffic against the GOPS it attains; the device's compute roof and memory bandwidth slope</figcaption><div id="roofline"></div></figure>
            <figure><figcaption>Resources against the device (platform share hatched, --max-util line red)</figcaption><div id="resources"></div></figure>
            </div>
            <figure><figcaption>Per-layer latency: compute and memory time (they overlap; the layer takes the longer plus launch and pipeline fill, black tick)</figcaption><div id="breakdown"></div></figure>
            </section>
            <section id="pareto-section"><h2>Pareto fronts</h2>
            <p class="note">Throughput against each resource, the front computed for the pair shown. The selected design is ringed in magenta; click a point to select it.</p>

            """);
        foreach (var axis in ResourceAxis.For(o.Device))
            sb.Append(ParetoPlot.Svg(title, o.MaxUtil, r.Designs, axis));
        sb.Append("</section>\n</main>\n");
        // The JSON serializer escapes <, > and & (\u003C …), so no text in it can close the script element.
        sb.Append("<script type=\"application/json\" id=\"report-data\">");
        sb.Append(JsonSerializer.Serialize(data, Json));
        sb.Append("</script>\n<script>\n").Append(Resource("report.js")).Append("</script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static string Summary(ExploreOptions o, ExploreResult r) =>
        F($"batch {o.Batch}, ranked by {o.Objective.ToString().ToLowerInvariant()}; {r.Evaluated:#,0} designs evaluated, {r.Feasible:#,0} fit under --max-util {o.MaxUtil:0.##}, {r.Pareto.Count(p => p):#,0} on the Pareto front of throughput vs DSP, RAM and logic; device {o.Device.Part} ({o.Device.Board}), {o.Device.Memory.GBps:0.#} GB/s {o.Device.Memory.Kind}");

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"FpgaGen.Exploration.Report.{name}")
            ?? throw new InvalidOperationException($"resource {name} missing from {Assembly.GetExecutingAssembly().GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
