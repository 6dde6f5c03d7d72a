using System.Globalization;
using System.Xml.Linq;
using FpgaGen.Estimation;
using FpgaGen.Exploration;
using FpgaGen.Exploration.Plots;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Tests.Model;
using static FpgaGen.Tests.Estimation.EstimationTestData;

namespace FpgaGen.Tests.Exploration;

/// <summary>The Pareto SVG, parsed as XML and checked point by point against the designs it plots.</summary>
public class ParetoPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static (Device Device, ExploreResult Result) Explore(string net, string device, IReadOnlyList<KernelKind>? kernels = null, bool allPrecisions = true)
    {
        var d = Device(device);
        var options = new ExploreOptions { Device = d, Precisions = allPrecisions ? d.Precisions.ToList() : [Precision.Fp32], Kernels = kernels, ExhaustiveLimit = 1, AnnealingBudget = 400, Seed = 2 };
        return (d, Explorer.Run(ZooTests.Load(net), options));
    }

    private static double Num(XElement e, string attribute) => double.Parse(e.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    private static List<XElement> Points(XDocument doc) =>
        doc.Descendants(Svg + "g").Where(g => ((string?)g.Attribute("class"))?.Split(' ').Contains("point") == true).ToList();

    [Fact]
    public void TwoObjectiveFrontIsExactlyTheUndominatedDesigns()
    {
        var (device, result) = Explore("tiny_cnn", "zcu102");
        var designs = result.Designs;
        foreach (var axis in ResourceAxis.For(device))
        {
            var front = Pareto.Front(designs, axis.Of);
            for (var i = 0; i < designs.Count; i++)
            {
                // Brute force: dominated when another design is no slower at no higher cost and better in one.
                var dominated = designs.Any(o => o.ImagesPerSecond >= designs[i].ImagesPerSecond && axis.Of(o) <= axis.Of(designs[i])
                    && (o.ImagesPerSecond > designs[i].ImagesPerSecond || axis.Of(o) < axis.Of(designs[i])));
                Assert.True(front[i] == !dominated, $"{axis.Id}: design #{i + 1} on front {front[i]}, dominated {dominated}");
            }
        }
    }

    [Fact]
    public void EveryPointSitsWhereItsDesignIsWithItsKindsColourAndItsDataTypesShape()
    {
        var (device, result) = Explore("tiny_cnn", "zcu102");
        const double maxUtil = 0.85;
        foreach (var axis in ResourceAxis.For(device))
        {
            var doc = XDocument.Parse(ParetoPlot.Svg("tiny_cnn on zcu102", maxUtil, result.Designs, axis));
            var root = doc.Root!;
            var box = root.Attribute("data-box")!.Value.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var (xMax, yMax) = (Num(root, "data-x-max"), Num(root, "data-y-max"));
            double X(double v) => box[0] + v / xMax * (box[2] - box[0]);
            double Y(double v) => box[3] - v / yMax * (box[3] - box[1]);

            var front = Pareto.Front(result.Designs, axis.Of);
            var points = Points(doc);
            var frontRanks = points.Where(p => p.Attribute("class")!.Value.Contains("front")).Select(p => (int)p.Attribute("data-rank")!).Order().ToList();
            Assert.Equal(Enumerable.Range(0, front.Length).Where(i => front[i]).Select(i => i + 1).ToList(), frontRanks);
            Assert.Single(points, p => p.Attribute("class")!.Value.Contains("best") && (int)p.Attribute("data-rank")! == 1);

            foreach (var p in points)
            {
                var rank = (int)p.Attribute("data-rank")!;
                var d = result.Designs[rank - 1];
                var use = p.Element(Svg + "use")!;
                Assert.Equal(X(axis.Of(d)), Num(use, "x"), 0.06);
                Assert.Equal(Y(d.ImagesPerSecond), Num(use, "y"), 0.06);
                Assert.Equal(PlotStyle.KindColor(d.Kernel), use.Attribute("fill")!.Value);
                Assert.Equal($"#m-{axis.Id}-{d.Precision.Id()}", use.Attribute("href")!.Value);
                Assert.Equal(d.Kernel, p.Attribute("data-kernel")!.Value);
                Assert.Equal(d.Precision.Id(), p.Attribute("data-precision")!.Value);
                // The tooltip: kind, parameters, images/s, GOPS, latency and every resource's share.
                var title = p.Element(Svg + "title")!.Value;
                Assert.Equal(DesignText.Summary(d, rank), title);
                foreach (var part in new[] { d.Kernel, d.Config.ToString(), "images/s", "GOPS", "latency", "DSP", device.Ram[0].Kind, device.Logic.Kind })
                    Assert.Contains(part, title);
            }
            // Every marker shape referenced is defined in this plot.
            var defined = doc.Descendants(Svg + "path").Select(e => (string?)e.Attribute("id")).Where(id => id is not null).ToHashSet();
            Assert.All(doc.Descendants(Svg + "use"), u => Assert.Contains(u.Attribute("href")!.Value[1..], defined));

            // The legend names exactly the kinds and data types of the coloured points.
            var marked = points.Select(p => result.Designs[(int)p.Attribute("data-rank")! - 1]).ToList();
            Assert.Equal(marked.Select(d => d.Kernel).ToHashSet(), Legend(doc, "legend-kernel").ToHashSet());
            Assert.Equal(marked.Select(d => d.Precision.Id()).ToHashSet(), Legend(doc, "legend-precision").ToHashSet());

            // Lines at the device's total and at --max-util of it; the #1 ring where #1 is.
            var deviceLine = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "device-line");
            Assert.Equal(axis.DeviceTotal, Num(deviceLine, "data-x"), 1e-9);
            Assert.Equal(X(axis.DeviceTotal), Num(deviceLine.Element(Svg + "line")!, "x1"), 0.06);
            var limit = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "max-util-line");
            Assert.Equal(axis.DeviceTotal * maxUtil, Num(limit, "data-x"), 1e-6);
            Assert.All(result.Designs, d => Assert.True(axis.Of(d) <= axis.DeviceTotal * maxUtil * (1 + 1e-9), $"{axis.Id}: a feasible design right of the limit"));
            var ring = doc.Descendants(Svg + "circle").Single(c => (string?)c.Attribute("class") == "best-ring");
            Assert.Equal(X(axis.Of(result.Designs[0])), Num(ring, "cx"), 0.06);
        }
    }

    private static IEnumerable<string> Legend(XDocument doc, string cls) =>
        doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == cls).Select(g => g.Element(Svg + "text")!.Value);

    [Fact]
    public void PrecisionAllShowsEveryDataTypeWithItsOwnShape()
    {
        var (device, result) = Explore("tiny_cnn", "zcu102");
        var doc = XDocument.Parse(ParetoPlot.Svg("t", 0.85, result.Designs, ResourceAxis.Dsp(device)));
        // Each data type searched is drawn in its shape (its best design at least), and the legend names it.
        var shown = Points(doc).Select(p => p.Attribute("data-precision")!.Value).ToHashSet();
        Assert.Equal(device.Precisions.Select(p => p.Id()).ToHashSet(), shown);
        Assert.Equal(device.Precisions.Select(p => p.Id()).ToHashSet(), Legend(doc, "legend-precision").ToHashSet());
        foreach (var p in device.Precisions)
        {
            var best = result.Designs.Select((d, i) => (d, i)).First(x => x.d.Precision == p).i + 1;
            Assert.Contains(Points(doc), g => (int)g.Attribute("data-rank")! == best);
        }
        Assert.Equal(4, PrecisionExtensions.All.Select(PlotStyle.Shape).Distinct().Count());
        Assert.Equal(4, PrecisionExtensions.All.Select(p => PlotStyle.ShapePath(PlotStyle.Shape(p))).Distinct().Count());
    }

    /// <summary>A kind keeps its colour whatever else a plot holds (it follows the registry, not the plot).</summary>
    [Fact]
    public void ColoursArePerKindAcrossPlots()
    {
        var (device, all) = Explore("tiny_cnn", "a10_385a", allPrecisions: false);
        var (_, gemmOnly) = Explore("tiny_cnn", "a10_385a", [KernelKinds.Get("gemm")], allPrecisions: false);
        string ColourOf(ExploreResult r, string kernel) =>
            Points(XDocument.Parse(ParetoPlot.Svg("t", 0.85, r.Designs, ResourceAxis.Dsp(device))))
                .First(p => p.Attribute("data-kernel")!.Value == kernel).Element(Svg + "use")!.Attribute("fill")!.Value;
        Assert.Equal(ColourOf(all, "gemm"), ColourOf(gemmOnly, "gemm"));
        Assert.Equal(KernelKinds.Ids.Count, KernelKinds.Ids.Select(PlotStyle.KindColor).Distinct().Count());
        var doc = XDocument.Parse(ParetoPlot.Svg("t", 0.85, gemmOnly.Designs, ResourceAxis.Dsp(device)));
        Assert.Equal(["gemm"], Legend(doc, "legend-kernel"));
    }

    [Fact]
    public void NoFeasibleDesignGivesAValidPlotSayingSo()
    {
        var device = Device("a10_385a");
        var doc = XDocument.Parse(ParetoPlot.Svg("x <&> y", 0.85, [], ResourceAxis.Ram(device)));
        Assert.Contains("no feasible design", doc.Root!.Value);
        Assert.Contains("x <&> y", doc.Root!.Value);
    }

    [Fact]
    public void SeveralRamKindsArePlottedAsTheirBitsSummed()
    {
        var u280 = Device("u280");
        Assert.True(u280.Ram.Count > 1);
        var axis = ResourceAxis.Ram(u280);
        Assert.Equal("Mbit", axis.Unit);
        Assert.Equal(u280.RamBits / 1e6, axis.DeviceTotal, 1e-9);
    }
}
