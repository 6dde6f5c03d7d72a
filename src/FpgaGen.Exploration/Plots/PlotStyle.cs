using System.Globalization;
using System.Net;
using FpgaGen.Kernels.Kinds;

namespace FpgaGen.Exploration.Plots;

/// <summary>
/// One look for every plot (pareto.svg, report.html): a colour per kernel kind and a marker shape per data type
/// that never change between plots or runs, because they follow the kind registry and the precision enum, not the
/// kinds a plot happens to contain.
/// </summary>
public static class PlotStyle
{
    // Tableau 10 (Tableau's default categorical palette, also matplotlib's "tab10"): distinguishable, colour-blind aware.
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

    public const string Background = "#bbbbbb";
    public const string ComputeColor = "#1f77b4";
    public const string MemoryColor = "#ff7f0e";

    /// <summary>The colour of a kernel kind: its place in <see cref="KernelKinds.Ids"/> (an unknown id after them, by a stable hash).</summary>
    public static string KindColor(string kernel)
    {
        var i = KernelKinds.Ids.ToList().IndexOf(kernel);
        if (i < 0) i = KernelKinds.Ids.Count + (int)((uint)kernel.Aggregate(17, (h, c) => unchecked(h * 31 + c)) % (uint)(Palette.Length - KernelKinds.Ids.Count));
        return Palette[i % Palette.Length];
    }

    /// <summary>Marker shape names per data type: fp32 circle, fp16 square, int16 triangle, int8 diamond.</summary>
    public static string Shape(Precision p) => p switch
    {
        Precision.Fp32 => "circle",
        Precision.Fp16 => "square",
        Precision.Int16 => "triangle",
        _ => "diamond",
    };

    /// <summary>The SVG path of a marker shape centred on (0, 0), about 8 px across.</summary>
    public static string ShapePath(string shape) => shape switch
    {
        "circle" => "M-4,0a4,4 0 1,0 8,0a4,4 0 1,0 -8,0Z",
        "square" => "M-3.5,-3.5h7v7h-7Z",
        "triangle" => "M0,-4.6L4.3,3.4H-4.3Z",
        _ => "M0,-5L4.5,0L0,5L-4.5,0Z",
    };

    /// <summary>
    /// &lt;defs&gt; with one marker path per data type (id <paramref name="prefix"/> + "fp32" …), referenced by
    /// &lt;use&gt; so that the fill comes from the point. The prefix keeps ids unique where several plots share a page.
    /// </summary>
    public static string MarkerDefs(string prefix) =>
        "<defs>" + string.Concat(PrecisionExtensions.All.Select(p => $"<path id=\"{prefix}{p.Id()}\" d=\"{ShapePath(Shape(p))}\"/>")) + "</defs>\n";

    internal static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    internal static string Esc(string s) => WebUtility.HtmlEncode(s);
}
