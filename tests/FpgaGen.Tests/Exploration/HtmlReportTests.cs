using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FpgaGen.Exploration;
using FpgaGen.Exploration.Plots;
using FpgaGen.Exploration.Report;
using FpgaGen.Tests.Model;
using static FpgaGen.Tests.Estimation.EstimationTestData;

namespace FpgaGen.Tests.Exploration;

/// <summary>report.html's content without a browser: its data against the estimator, self-containment, escaping.</summary>
public class HtmlReportTests
{
    private static (FpgaGen.Model.Network Net, ExploreOptions Options, ExploreResult Result) Explore(string net, string device)
    {
        var d = Device(device);
        var network = ZooTests.Load(net);
        var options = new ExploreOptions { Device = d, Precisions = d.Precisions.ToList(), ExhaustiveLimit = 1, AnnealingBudget = 300, Seed = 4 };
        return (network, options, Explorer.Run(network, options));
    }

    [Fact]
    public void LayersAddUpToTheRankedDesignsLatencyAndWork()
    {
        var (net, options, result) = Explore("resnet18", "a10_385a");
        var doc = ReportData.Build(net, options, result);
        Assert.Equal(ReportData.Listed(result.Designs).Count, doc.Designs.Count);
        foreach (var d in doc.Designs)
        {
            var ranked = result.Designs[d.Rank - 1];
            Assert.Equal(ranked.Kernel, d.Kernel);
            Assert.Equal(ranked.Config.ToString(), d.Params);
            // Every layer that takes time is listed: their times are the design's latency, their operations its work.
            Assert.Equal(ranked.LatencyMs, d.Layers.Sum(l => l.Ms), ranked.LatencyMs * 1e-9);
            Assert.Equal(2.0 * ranked.Macs, d.Layers.Sum(l => l.Ops), 1e-6);
            Assert.All(d.Layers, l =>
            {
                Assert.True(l.Ms >= Math.Max(l.ComputeMs, l.MemoryMs) - 1e-12, $"{l.Name}: {l.Ms} ms below its compute or memory time");
                Assert.Equal(l.MemoryMs > l.ComputeMs ? "memory" : "compute", l.Bound);
                Assert.True(l.Bytes > 0, l.Name);
            });
            // The roofline's roofs: the device above the engine; the slope is the bandwidth the design can draw.
            Assert.True(d.DevicePeakGops >= d.PeakGops * (1 - 1e-9));
            Assert.True(d.BandwidthGbPerS > 0 && d.BandwidthGbPerS <= options.Device.Memory.GBps * (1 + 1e-9));
            Assert.All(d.Layers.Where(l => l.Ops > 0), l => Assert.True(l.Ops / (l.Ms * 1e6) <= d.DevicePeakGops * (1 + 1e-9), $"{l.Name} above the compute roof"));
            Assert.Equal(ResourceAxis.Dsp(options.Device).Of(ranked), d.ParetoX["dsp"]);
        }
        // The top designs and each kind × data type's best are listed.
        var ranks = doc.Designs.Select(d => d.Rank).ToHashSet();
        Assert.All(Enumerable.Range(1, Math.Min(ReportData.TopDesigns, result.Designs.Count)), r => Assert.Contains(r, ranks));
        foreach (var group in result.Designs.Select((d, i) => (d, i)).GroupBy(x => (x.d.Kernel, x.d.Precision)))
            Assert.Contains(group.Min(x => x.i) + 1, ranks);
    }

    [Fact]
    public void PageIsSelfContainedAndHasEveryPart()
    {
        var (net, options, result) = Explore("tiny_cnn", "zcu102");
        var html = HtmlReport.Html(net, options, result);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html);
        // Nothing is loaded from anywhere: no src or link, no URL but the SVG namespace.
        Assert.DoesNotMatch(new Regex(@"\ssrc\s*=|<link\b|@import|url\((?!#)", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain(Regex.Matches(html, @"https?://[^\s""']+"), m => m.Value != "http://www.w3.org/2000/svg");
        foreach (var id in new[] { "id=\"designs\"", "id=\"roofline\"", "id=\"breakdown\"", "id=\"resources\"", "id=\"calibration\"", "id=\"pareto-dsp\"", "id=\"pareto-ram\"", "id=\"pareto-logic\"" })
            Assert.Contains(id, html);
        Assert.Contains("uncalibrated", html);
        // The data parses and holds the listed designs with their layers.
        var json = Regex.Match(html, "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        using var data = JsonDocument.Parse(json);
        var designs = data.RootElement.GetProperty("designs");
        Assert.Equal(ReportData.Listed(result.Designs).Count, designs.GetArrayLength());
        Assert.True(designs[0].GetProperty("layers").GetArrayLength() > 0);
        // Each inline plot is well-formed XML on its own.
        foreach (Match svg in Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline))
            XDocument.Parse(svg.Value);
    }

    /// <summary>A model name that is markup stays text: escaped in the HTML, \u003C-escaped in the JSON.</summary>
    [Fact]
    public void MarkupInTheModelStaysText()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var yaml = File.ReadAllText(Path.Combine(FpgaGen.DataPaths.Designs, "tiny_cnn.yaml"));
            var path = Path.Combine(dir, "hostile.yaml");
            File.WriteAllText(path, Regex.Replace(yaml, @"(?m)^name:.*$", "name: \"x</script><script>alert(1)</script><img src=x>\""));
            var net = FpgaGen.Model.Designs.DesignLoader.Load(path);
            Assert.Contains("</script>", net.Name);
            var d = Device("a10_385a");
            var options = new ExploreOptions { Device = d, Precisions = [FpgaGen.Precision.Fp32], ExhaustiveLimit = 1, AnnealingBudget = 100 };
            var html = HtmlReport.Html(net, options, Explorer.Run(net, options));
            Assert.Equal(2, Regex.Matches(html, "<script").Count);
            Assert.DoesNotContain("<img", html);
            Assert.Contains("x&lt;/script&gt;", html);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
