using System.Text;
using FpgaGen.Estimation;
using static FpgaGen.Exploration.Plots.PlotStyle;

namespace FpgaGen.Exploration.Plots;

/// <summary>
/// An SVG scatter plot of throughput against one resource (<see cref="ResourceAxis"/>), with the Pareto front of
/// exactly that pair: the designs no other design beats on both, joined by their staircase, coloured by kernel kind
/// and shaped by data type (<see cref="PlotStyle"/>), each with a tooltip of its key figures. Every other feasible
/// design is a grey dot (one per pixel), except each data type's best, drawn as a point too. Vertical lines mark the device's total and the --max-util limit; a ring
/// marks the ranked #1 design.
/// </summary>
/// <remarks>
/// Points are &lt;g class="point"&gt; elements with data-rank, data-kernel, data-precision, data-x (the resource, in
/// the axis unit) and data-y (images/s), so that tests and report.html's script can find them.
/// </remarks>
public static class ParetoPlot
{
    private const int Width = 860, Height = 520, Left = 80, Right = 210, Top = 56, Bottom = 60;

    /// <param name="ranked">The feasible designs, best first (ExploreResult.Designs).</param>
    public static string Svg(string title, double maxUtil, IReadOnlyList<DesignEstimate> ranked, ResourceAxis axis)
    {
        var sb = new StringBuilder();
        sb.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pareto-plot\" id=\"pareto-{axis.Id}\" data-axis=\"{axis.Id}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\""));
        var front = Pareto.Front(ranked, axis.Of);
        var onFront = front.Count(f => f);
        var maxX = Math.Max(axis.DeviceTotal, ranked.Count == 0 ? 0 : ranked.Max(axis.Of)) * 1.06;
        var maxY = ranked.Count == 0 ? 1 : ranked.Max(d => d.ImagesPerSecond) * 1.08;
        // The scale, for report.html's script to place the selected design's marker.
        sb.Append(F($" data-x-max=\"{maxX:R}\" data-y-max=\"{maxY:R}\" data-box=\"{Left},{Top},{Width - Right},{Height - Bottom}\">\n"));
        sb.Append(MarkerDefs(MarkerPrefix(axis)));
        sb.Append(F($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        sb.Append(F($"<text x=\"{(Left + Width - Right) / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Esc(title)}: images/s vs {Esc(axis.Unit)}</text>\n"));
        sb.Append(F($"<text class=\"subtitle\" x=\"{(Left + Width - Right) / 2}\" y=\"40\" text-anchor=\"middle\" fill=\"#555\">{ranked.Count:#,0} feasible designs; {onFront:#,0} on the front of this pair (none faster with fewer {Esc(axis.Unit)})</text>\n"));
        if (ranked.Count == 0)
            return sb.Append(F($"<text x=\"{Left}\" y=\"100\">no feasible design</text>\n</svg>\n")).ToString();

        double X(double v) => Left + v / maxX * (Width - Left - Right);
        double Y(double v) => Height - Bottom - v / maxY * (Height - Top - Bottom);
        Axes(sb, maxX, maxY, axis, X, Y);
        Limits(sb, axis, maxUtil, X);

        // The others: one grey dot per pixel is all the eye can see, and keeps the file small.
        var drawn = new HashSet<(long, long)>();
        for (var i = 1; i < ranked.Count; i++)
            if (!front[i] && drawn.Add(((long)Math.Round(X(axis.Of(ranked[i]))), (long)Math.Round(Y(ranked[i].ImagesPerSecond)))))
                sb.Append(F($"<circle class=\"other\" cx=\"{X(axis.Of(ranked[i])):0.#}\" cy=\"{Y(ranked[i].ImagesPerSecond):0.#}\" r=\"1.5\" fill=\"{Background}\"/>\n"));

        // The staircase, cheapest first: from each front design right to the next one's cost, then up to its speed.
        var stairs = Enumerable.Range(0, ranked.Count).Where(i => front[i]).OrderBy(i => axis.Of(ranked[i])).ThenBy(i => ranked[i].ImagesPerSecond).ToList();
        sb.Append("<path class=\"front-line\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\" d=\"");
        for (var k = 0; k < stairs.Count; k++)
        {
            var d = ranked[stairs[k]];
            sb.Append(k == 0 ? F($"M{X(axis.Of(d)):0.#},{Y(d.ImagesPerSecond):0.#}") : F($"H{X(axis.Of(d)):0.#}V{Y(d.ImagesPerSecond):0.#}"));
        }
        sb.Append("\"/>\n");

        foreach (var i in stairs.Where(i => i != 0)) Point(sb, ranked[i], i + 1, "point front", axis, X, Y);
        // With several data types the front may hold only the narrowest: each type's best design shows where it stands.
        var typeBests = Enumerable.Range(0, ranked.Count).GroupBy(i => ranked[i].Precision).Select(g => g.Min()).Where(i => i != 0 && !front[i]).ToList();
        foreach (var i in typeBests) Point(sb, ranked[i], i + 1, "point type-best", axis, X, Y);
        Point(sb, ranked[0], 1, front[0] ? "point front best" : "point best", axis, X, Y);
        var best = ranked[0];
        sb.Append(F($"<circle class=\"best-ring\" cx=\"{X(axis.Of(best)):0.#}\" cy=\"{Y(best.ImagesPerSecond):0.#}\" r=\"8\" fill=\"none\" stroke=\"black\" stroke-width=\"1.5\"/>"));
        sb.Append(F($"<text class=\"best-label\" x=\"{X(axis.Of(best)) + 10:0.#}\" y=\"{Y(best.ImagesPerSecond) - 8:0.#}\" font-weight=\"bold\">#1</text>\n"));

        var marked = stairs.Concat(typeBests).Append(0).Select(i => ranked[i]).ToList();
        Legend(sb, marked, maxUtil, axis, typeBests.Count > 0);
        return sb.Append("</svg>\n").ToString();
    }

    private static void Axes(StringBuilder sb, double maxX, double maxY, ResourceAxis axis, Func<double, double> X, Func<double, double> Y)
    {
        sb.Append(F($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        sb.Append(F($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        foreach (var vx in Ticks(maxX))
            sb.Append(F($"<text x=\"{X(vx):0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{vx.ToString(axis.Format, System.Globalization.CultureInfo.InvariantCulture)}</text>\n"));
        foreach (var vy in Ticks(maxY))
        {
            sb.Append(F($"<text x=\"{Left - 8}\" y=\"{Y(vy) + 4:0.#}\" text-anchor=\"end\">{vy:#,0.##}</text>\n"));
            sb.Append(F($"<line x1=\"{Left}\" y1=\"{Y(vy):0.#}\" x2=\"{Width - Right}\" y2=\"{Y(vy):0.#}\" stroke=\"#eee\"/>\n"));
        }
        sb.Append(F($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 18}\" text-anchor=\"middle\">{Esc(axis.Label)}</text>\n"));
        sb.Append(F($"<text x=\"20\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 20 {(Top + Height - Bottom) / 2})\">images / s</text>\n"));
    }

    /// <summary>The device's total of the resource and the --max-util share of it, as labelled vertical lines.</summary>
    private static void Limits(StringBuilder sb, ResourceAxis axis, double maxUtil, Func<double, double> X)
    {
        var total = axis.DeviceTotal.ToString(axis.Format, System.Globalization.CultureInfo.InvariantCulture);
        var limit = (axis.DeviceTotal * maxUtil).ToString(axis.Format, System.Globalization.CultureInfo.InvariantCulture);
        sb.Append(F($"<g class=\"device-line\" data-x=\"{axis.DeviceTotal:R}\"><line x1=\"{X(axis.DeviceTotal):0.#}\" y1=\"{Top}\" x2=\"{X(axis.DeviceTotal):0.#}\" y2=\"{Height - Bottom}\" stroke=\"#000\" stroke-dasharray=\"4 2\"/>"));
        sb.Append(F($"<text x=\"{X(axis.DeviceTotal) - 4:0.#}\" y=\"{Top + 12}\" text-anchor=\"end\">device: {total} {Esc(axis.Unit)}</text></g>\n"));
        sb.Append(F($"<g class=\"max-util-line\" data-x=\"{axis.DeviceTotal * maxUtil:R}\"><line x1=\"{X(axis.DeviceTotal * maxUtil):0.#}\" y1=\"{Top}\" x2=\"{X(axis.DeviceTotal * maxUtil):0.#}\" y2=\"{Height - Bottom}\" stroke=\"#c00\" stroke-dasharray=\"2 2\"/>"));
        sb.Append(F($"<text x=\"{X(axis.DeviceTotal * maxUtil) - 4:0.#}\" y=\"{Height - Bottom - 8}\" text-anchor=\"end\" fill=\"#c00\">--max-util {maxUtil:0.##}: {limit}</text></g>\n"));
    }

    /// <summary>Tick values 0, s, 2s, … up to <paramref name="max"/>, with s a 1, 2 or 5 step giving four to ten ticks.</summary>
    public static IEnumerable<double> Ticks(double max)
    {
        var raw = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw * 0.999);
        for (var k = 0; k * step <= max * (1 + 1e-9); k++) yield return k * step;
    }

    private static void Point(StringBuilder sb, DesignEstimate d, int rank, string cls, ResourceAxis axis, Func<double, double> X, Func<double, double> Y)
    {
        var x = axis.Of(d);
        sb.Append(F($"<g class=\"{cls}\" data-rank=\"{rank}\" data-kernel=\"{Esc(d.Kernel)}\" data-precision=\"{d.Precision.Id()}\" data-x=\"{x:R}\" data-y=\"{d.ImagesPerSecond:R}\">"));
        sb.Append(F($"<title>{Esc(DesignText.Summary(d, rank))}</title>"));
        sb.Append(F($"<use href=\"#{MarkerPrefix(axis)}{d.Precision.Id()}\" x=\"{X(x):0.#}\" y=\"{Y(d.ImagesPerSecond):0.#}\" fill=\"{KindColor(d.Kernel)}\" stroke=\"white\" stroke-width=\"0.6\"/></g>\n"));
    }

    /// <summary>Only what the plot shows: the kernel kinds and data types of its coloured points, then the greys and lines.</summary>
    private static void Legend(StringBuilder sb, IReadOnlyList<DesignEstimate> marked, double maxUtil, ResourceAxis axis, bool typeBests)
    {
        var x = Width - Right + 18;
        var y = Top;
        void Row(string symbol, string text, string cls)
        {
            sb.Append(F($"<g class=\"{cls}\">{symbol}<text x=\"{x + 14}\" y=\"{y + 4}\">{Esc(text)}</text></g>\n"));
            y += 18;
        }
        sb.Append(F($"<text x=\"{x - 6}\" y=\"{y}\" font-weight=\"bold\">kernel</text>\n"));
        y += 16;
        foreach (var kernel in marked.Select(d => d.Kernel).Distinct().OrderBy(KindOrder))
            Row(F($"<rect x=\"{x - 5}\" y=\"{y - 5}\" width=\"10\" height=\"10\" fill=\"{KindColor(kernel)}\"/>"), kernel, "legend-kernel");
        y += 6;
        sb.Append(F($"<text x=\"{x - 6}\" y=\"{y}\" font-weight=\"bold\">data type</text>\n"));
        y += 16;
        foreach (var p in marked.Select(d => d.Precision).Distinct().Order())
            Row(F($"<use href=\"#{MarkerPrefix(axis)}{p.Id()}\" x=\"{x}\" y=\"{y}\" fill=\"#555\"/>"), p.Id(), "legend-precision");
        if (typeBests) sb.Append(F($"<text class=\"legend-type-best\" x=\"{x - 6}\" y=\"{y + 2}\" fill=\"#555\" font-size=\"10\">off the front: a data type's best</text>\n"));
        y += typeBests ? 20 : 6;
        Row(F($"<circle cx=\"{x}\" cy=\"{y}\" r=\"2\" fill=\"{Background}\"/>"), "other feasible designs", "legend-other");
        Row(F($"<circle cx=\"{x}\" cy=\"{y}\" r=\"7\" fill=\"none\" stroke=\"black\" stroke-width=\"1.5\"/>"), "#1 ranked design", "legend-best");
        Row(F($"<line x1=\"{x - 6}\" y1=\"{y}\" x2=\"{x + 6}\" y2=\"{y}\" stroke=\"#333\"/>"), "Pareto front", "legend-front");
        Row(F($"<line x1=\"{x - 6}\" y1=\"{y}\" x2=\"{x + 6}\" y2=\"{y}\" stroke=\"#000\" stroke-dasharray=\"4 2\"/>"), "the device's total", "legend-device");
        Row(F($"<line x1=\"{x - 6}\" y1=\"{y}\" x2=\"{x + 6}\" y2=\"{y}\" stroke=\"#c00\" stroke-dasharray=\"2 2\"/>"), F($"--max-util {maxUtil:0.##}"), "legend-max-util");
    }

    /// <summary>The id prefix of a plot's marker shapes ("m-dsp-"), unique per plot on a page.</summary>
    public static string MarkerPrefix(ResourceAxis axis) => $"m-{axis.Id}-";

    private static int KindOrder(string kernel)
    {
        var i = FpgaGen.Kernels.Kinds.KernelKinds.Ids.ToList().IndexOf(kernel);
        return i < 0 ? int.MaxValue : i;
    }
}
