using System.Globalization;
using System.Net;
using System.Text;
using FpgaGen.Estimation;
using FpgaGen.Kernels;

namespace FpgaGen.Exploration;

/// <summary>
/// An SVG scatter plot of throughput against DSP blocks: every feasible design as a faint dot, the Pareto designs
/// as coloured dots (one colour per kernel kind) joined by the throughput-vs-DSP staircase.
/// </summary>
public static class ParetoPlot
{
    private const int Width = 820, Height = 520, Left = 80, Right = 170, Top = 50, Bottom = 60;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    public static string Svg(string title, IReadOnlyList<DesignEstimate> designs, IReadOnlyList<bool> pareto)
    {
        var sb = new StringBuilder();
        sb.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        sb.Append(F($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        sb.Append(F($"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{Esc(title)}: throughput vs DSP ({designs.Count} feasible designs, {pareto.Count(p => p)} on the Pareto front)</text>\n"));
        if (designs.Count == 0)
            return sb.Append("<text x=\"80\" y=\"100\">no feasible design</text>\n</svg>\n").ToString();

        var maxX = NiceCeiling(designs.Max(d => d.Resources.Dsp));
        var maxY = NiceCeiling(designs.Max(d => d.ImagesPerSecond));
        double X(double v) => Left + v / maxX * (Width - Left - Right);
        double Y(double v) => Height - Bottom - v / maxY * (Height - Top - Bottom);

        // Axes with five ticks each.
        sb.Append(F($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        sb.Append(F($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        for (var i = 0; i <= 5; i++)
        {
            double vx = maxX * i / 5, vy = maxY * i / 5;
            sb.Append(F($"<text x=\"{X(vx):0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{vx:#,0}</text>\n"));
            sb.Append(F($"<text x=\"{Left - 8}\" y=\"{Y(vy) + 4:0.#}\" text-anchor=\"end\">{vy:#,0.#}</text>\n"));
            sb.Append(F($"<line x1=\"{Left}\" y1=\"{Y(vy):0.#}\" x2=\"{Width - Right}\" y2=\"{Y(vy):0.#}\" stroke=\"#eee\"/>\n"));
        }
        sb.Append(F($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 18}\" text-anchor=\"middle\">DSP blocks used (platform included)</text>\n"));
        sb.Append(F($"<text x=\"20\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 20 {(Top + Height - Bottom) / 2})\">images / s</text>\n"));

        // At most 4000 background dots keep the file small; every Pareto design is drawn.
        var step = Math.Max(1, designs.Count / 4000);
        for (var i = 0; i < designs.Count; i += step)
            if (!pareto[i])
                sb.Append(F($"<circle cx=\"{X(designs[i].Resources.Dsp):0.#}\" cy=\"{Y(designs[i].ImagesPerSecond):0.#}\" r=\"1.5\" fill=\"#bbb\"/>\n"));

        var kernels = designs.Select(d => d.Kernel).Distinct().ToList();
        var front = designs.Where((d, i) => pareto[i]).OrderBy(d => d.Resources.Dsp).ThenByDescending(d => d.ImagesPerSecond).ToList();
        var staircase = new List<DesignEstimate>();
        foreach (var d in front)
            if (staircase.Count == 0 || d.ImagesPerSecond > staircase[^1].ImagesPerSecond) staircase.Add(d);
        sb.Append("<polyline fill=\"none\" stroke=\"#333\" stroke-width=\"1\" points=\"");
        sb.Append(string.Join(" ", staircase.Select(d => F($"{X(d.Resources.Dsp):0.#},{Y(d.ImagesPerSecond):0.#}"))));
        sb.Append("\"/>\n");
        foreach (var d in front)
        {
            var color = Colors[kernels.IndexOf(d.Kernel) % Colors.Length];
            sb.Append(F($"<circle cx=\"{X(d.Resources.Dsp):0.#}\" cy=\"{Y(d.ImagesPerSecond):0.#}\" r=\"3.5\" fill=\"{color}\"><title>{Esc($"{d.Kernel} {d.Config} {d.Precision.Id()}: {d.ImagesPerSecond:0.0} images/s, {d.Resources.Dsp:0} DSP")}</title></circle>\n"));
        }
        for (var k = 0; k < kernels.Count; k++)
        {
            var y = Top + 20 * k;
            sb.Append(F($"<circle cx=\"{Width - Right + 20}\" cy=\"{y}\" r=\"4\" fill=\"{Colors[k % Colors.Length]}\"/><text x=\"{Width - Right + 30}\" y=\"{y + 4}\">{Esc(kernels[k])}</text>\n"));
        }
        sb.Append(F($"<circle cx=\"{Width - Right + 20}\" cy=\"{Top + 20 * kernels.Count}\" r=\"2\" fill=\"#bbb\"/><text x=\"{Width - Right + 30}\" y=\"{Top + 20 * kernels.Count + 4}\">other feasible</text>\n"));
        return sb.Append("</svg>\n").ToString();
    }

    private static double NiceCeiling(double v)
    {
        if (v <= 0) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var m in new[] { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 })
            if (m * magnitude >= v) return m * magnitude;
        return 10 * magnitude;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
