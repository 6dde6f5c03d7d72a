using System.Text.Json;
using FpgaGen.Cli.Tables;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// Tables at a terminal's width: one row per line, no number, parameter set, part or platform name ever split or
/// cut; at narrow widths the least important columns are left out (and the output says so), --wide shows all.
/// </summary>
public class TableWidthTests
{
    public static TheoryData<int> Widths => new() { 80, 100, 200 };

    /// <summary>The table's own lines: the header (found by a column name), the rule under it, and <paramref name="rows"/> rows.</summary>
    private static List<string> TableLines(string output, string headerWord, int rows)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.FindIndex(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(headerWord));
        Assert.True(header >= 0, $"no header with '{headerWord}' in:\n{output}");
        Assert.StartsWith("─", lines[header + 1]);
        var table = lines.Skip(header).Take(2 + rows).ToList();
        Assert.Equal(2 + rows, table.Count);
        return table;
    }

    private static int CsvRows(params string[] args) => CliRunner.Run([.. args, "--format", "csv"]).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;

    [Theory]
    [MemberData(nameof(Widths))]
    public void ExploreKeepsOneDesignPerLineWithinTheWidth(int width)
    {
        var r = CliRunner.RunAtWidth(width, "explore", "vgg16", "--device", "a10_385a", "--top", "5");
        Assert.Equal(0, r.Code);
        var table = TableLines(r.Out, "parameters", 5);
        Assert.All(table, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        // The line after the last row is no further row.
        Assert.DoesNotMatch(@"^6\s", r.Out.Split('\n')[r.Out.Split('\n').ToList().IndexOf(table[^1]) + 1]);

        // Each design's whole parameter set and its images/s are on its own line, as the CSV has them.
        var csv = CliRunner.Run("explore", "vgg16", "--device", "a10_385a", "--top", "5", "--format", "csv").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = csv[0].Split(',');
        var kinds = csv.Skip(1).Take(5).Select(l => l.Split(',')[Array.IndexOf(header, "kernel")]).Distinct().ToList();
        for (var i = 1; i <= 5; i++)
        {
            var fields = System.Text.RegularExpressions.Regex.Split(csv[i], ",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
            var parameters = Shown(r.Out, fields[Array.IndexOf(header, "params")].Trim('"'));
            var row = table[1 + i];
            Assert.StartsWith(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ", row);
            Assert.Contains(" " + parameters + " ", row + " ");
            Assert.Contains(double.Parse(fields[Array.IndexOf(header, "images_per_s")], System.Globalization.CultureInfo.InvariantCulture).ToString("#,0.0", System.Globalization.CultureInfo.InvariantCulture), row);
        }

        var columns = table[0].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (width >= 200)
        {
            Assert.Equal(["#", "kernel", "parameters", "type", "images/s", "GOPS", "latency ms", "DSP", "binds", "MHz", "DSP eff.", "M20K", "logic", "Pareto"], columns);
            Assert.DoesNotContain("--wide", r.Out);
        }
        else
        {
            Assert.Contains("--wide shows all", r.Out);
            Assert.Subset(new HashSet<string>(columns), new HashSet<string> { "#", "parameters", "images/s" });
            // What every shown design shares is said once; a shared kind's column is the first to go.
            Assert.Equal("all shown: " + (kinds.Count == 1 ? kinds[0] + ", " : "") + "fp32", r.Out.Split('\n')[1]);
            Assert.Equal(kinds.Count > 1, columns.Contains("kernel"));
        }
        if (width == 100) Assert.Contains("latency ms", columns);
        if (width == 80) Assert.Subset(new HashSet<string>(columns), new HashSet<string> { "DSP", "binds" });
    }

    /// <summary>
    /// A design's parameters as the table shows them: whole ("Tm=64,Tn=32"), or its values alone ("64,32") when the
    /// title names the parameters once ("parameters: Tm,Tn", to leave room for GOPS).
    /// </summary>
    private static string Shown(string output, string parameters) =>
        output.Split('\n').Any(l => l.StartsWith("parameters: ", StringComparison.Ordinal))
            ? string.Join(",", parameters.Split(',').Select(p => p.Split('=')[1]))
            : parameters;

    public static TheoryData<string> ZooNetworks => new(Directory.GetFiles(FpgaGen.DataPaths.Designs, "*.yaml")
        .Select(f => Path.GetFileNameWithoutExtension(f)).Order());

    /// <summary>Every zoo network with every kernel kind and type competing (--precision all), at 80 columns: the
    /// ranked table's header, rule and rows each fit, so no design's parameter set is ever split over two lines.</summary>
    [Theory]
    [MemberData(nameof(ZooNetworks))]
    public void EveryZooNetworkAtEightyColumnsKeepsOneDesignPerLine(string network)
    {
        var r = CliRunner.RunAtWidth(80, "explore", network, "--device", "u280", "--precision", "all", "--top", "20");
        Assert.Equal(0, r.Code);
        var table = TableLines(r.Out, "parameters", 20);
        Assert.All(table, l => Assert.True(l.Length <= 80, $"{network}: {l.Length} > 80: {l}"));
        Assert.All(table.Skip(2).Select((row, i) => (row, i)), x => Assert.StartsWith((x.i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " ", x.row.TrimStart()));
    }

    /// <summary>
    /// The compact set keeps GOPS at 80 columns, for every zoo network, one data type or all: long parameter sets
    /// (conv_systolic's five, or two kinds side by side) are shown as values under names given once in the title,
    /// and each row's values are the design's, in the order the title names them.
    /// </summary>
    [Theory]
    [MemberData(nameof(ZooNetworks))]
    public void TheCompactSetKeepsGopsAtEightyColumns(string network)
    {
        foreach (var precision in new[] { "fp32", "all" })
        {
            string[] args = ["explore", network, "--device", "u280", "--precision", precision, "--top", "10"];
            var r = CliRunner.RunAtWidth(80, args);
            Assert.Equal(0, r.Code);
            var table = TableLines(r.Out, "images/s", 10);
            Assert.All(table, l => Assert.True(l.Length <= 80, $"{network} {precision}: {l.Length} > 80: {l}"));
            var columns = table[0].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Subset(new HashSet<string>(columns), new HashSet<string> { "#", "parameters", "images/s", "GOPS", "latency ms", "DSP", "binds" });

            using var json = JsonDocument.Parse(CliRunner.Run([.. args, "--format", "json"]).Out);
            var designs = json.RootElement.GetProperty("designs").EnumerateArray().Take(10).ToList();
            var named = r.Out.Split('\n').FirstOrDefault(l => l.StartsWith("parameters: ", StringComparison.Ordinal));
            for (var i = 0; i < 10; i++)
            {
                var ps = designs[i].GetProperty("params").EnumerateObject().ToList();
                var cell = named is null ? string.Join(",", ps.Select(p => $"{p.Name}={p.Value}")) : string.Join(",", ps.Select(p => p.Value.ToString()));
                Assert.Contains($"  {cell}  ", table[2 + i]);
                // The title names the parameters of this design's kind in the order of its values.
                if (named is not null) Assert.Contains(string.Join(",", ps.Select(p => p.Name)), named);
                var gops = double.Parse(table[2 + i].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[Array.IndexOf(columns, "GOPS")],
                    System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(designs[i].GetProperty("gops").GetDouble(), gops, 0.051);
            }
        }
    }

    /// <summary>Each kernel kind alone (the longest parameter sets: conv_systolic's five) at every type, at 80 columns.</summary>
    [Theory]
    [InlineData("conv_tiled")]
    [InlineData("conv_systolic")]
    [InlineData("gemm")]
    [InlineData("ln_linear")]
    public void EachKernelKindAtEveryTypeFitsEightyColumns(string kind)
    {
        var network = kind == "ln_linear" ? "vit_b16" : "tiny_cnn";
        var r = CliRunner.RunAtWidth(80, "explore", network, "--device", "u280", "--precision", "all", "--kernel", kind, "--top", "12", "--objective", "efficiency");
        Assert.Equal(0, r.Code);
        var table = TableLines(r.Out, "parameters", 12);
        Assert.All(table, l => Assert.True(l.Length <= 80, $"{kind}: {l.Length} > 80: {l}"));
    }

    [Fact]
    public void OneKindForAllIsSaidOnceAndItsColumnLeavesFirst()
    {
        var r = CliRunner.RunAtWidth(80, "explore", "vgg16", "--device", "a10_385a", "--kernel", "conv_tiled", "--top", "3");
        Assert.Equal(0, r.Code);
        var csv = CliRunner.Run("explore", "vgg16", "--device", "a10_385a", "--kernel", "conv_tiled", "--top", "3", "--format", "csv").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var kind = Assert.Single(csv.Skip(1).Select(l => l.Split(',')[1]).Distinct());
        Assert.Equal($"all shown: {kind}, fp32", r.Out.Split('\n')[1]);
        var table = TableLines(r.Out, "parameters", 3);
        var columns = table[0].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["#", "parameters", "images/s"], columns.Take(3));
        Assert.Subset(new HashSet<string>(columns), new HashSet<string> { "latency ms", "DSP", "binds" });
        Assert.DoesNotContain("kernel", columns);
        Assert.All(table, l => Assert.True(l.Length <= 80, l));
    }

    [Fact]
    public void DesignsOfDifferentKindsKeepTheKernelColumn()
    {
        // ViT-B/16 on the U280: GEMM and fused LayerNorm+linear designs among the first eight.
        var r = CliRunner.RunAtWidth(80, "explore", "vit_b16", "--device", "u280", "--top", "8");
        Assert.Equal(0, r.Code);
        var table = TableLines(r.Out, "parameters", 8);
        Assert.Contains("kernel", table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(table, l => l.Contains(" ln_linear ", StringComparison.Ordinal));
        Assert.Contains(table, l => l.Contains(" gemm ", StringComparison.Ordinal));
        Assert.DoesNotContain("all shown: gemm", r.Out);
    }

    [Fact]
    public void WideShowsEveryColumnAtAnyWidth()
    {
        var r = CliRunner.RunAtWidth(80, "explore", "alexnet", "--device", "u280", "--top", "3", "--wide");
        Assert.Equal(0, r.Code);
        var table = TableLines(r.Out, "parameters", 3);
        // U280: one headed column per RAM kind, BRAM18 and URAM, each with its own percentage.
        Assert.Equal(["#", "kernel", "parameters", "type", "images/s", "GOPS", "latency ms", "DSP", "binds", "MHz", "DSP eff.", "BRAM18", "URAM", "logic", "Pareto"],
            table[0].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.All(table.Skip(2), row => Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(row, @"\d+%").Count)); // DSP, binds, DSP eff., BRAM18, URAM, logic
        Assert.DoesNotContain("hidden", r.Out);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void DevicesKeepPartAndPlatformNamesWhole(int width)
    {
        using var json = JsonDocument.Parse(CliRunner.Run("devices", "--format", "json").Out);
        var devices = json.RootElement.EnumerateArray().ToList();
        var r = CliRunner.RunAtWidth(width, "devices");
        Assert.Equal(0, r.Code);
        var table = TableLines(r.Out, "part", devices.Count);
        Assert.All(table, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        // --wide: every column, so board and platform names too, each whole on its device's line.
        var wide = TableLines(CliRunner.RunAtWidth(width, "devices", "--wide").Out, "part", devices.Count);
        foreach (var d in devices)
        {
            var row = Assert.Single(table, l => l.StartsWith(d.GetProperty("id").GetString() + " ", StringComparison.Ordinal));
            Assert.Contains(" " + d.GetProperty("part").GetString() + " ", row + " ");
            var wideRow = Assert.Single(wide, l => l.StartsWith(d.GetProperty("id").GetString() + " ", StringComparison.Ordinal));
            Assert.Contains(d.GetProperty("board").GetString()!, wideRow);
            Assert.Contains(d.GetProperty("toolchain_target").GetString()!, wideRow);
        }
        // Two RAM kinds are two headed columns: the U280's URAM has its own.
        Assert.Contains("960 URAM", table.Single(l => l.StartsWith("u280 ", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void OtherTablesKeepOneRowPerLine(int width)
    {
        var analyze = CliRunner.RunAtWidth(width, "analyze", "vgg16");
        Assert.Equal(0, analyze.Code);
        var layers = TableLines(analyze.Out, "MMACs", CsvRows("analyze", "vgg16") + 2); // the layers, a blank line, the total
        Assert.All(layers, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        Assert.Contains(layers, l => l.Contains("block1.0.conv1", StringComparison.Ordinal) && l.Contains("86.7", StringComparison.Ordinal));

        string[] args = ["estimate", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=64,Tn=8,Tr=13,Tc=13,vu=8"];
        var estimate = CliRunner.RunAtWidth(width, args);
        Assert.Equal(0, estimate.Code);
        var steps = TableLines(estimate.Out, "bound", CsvRows(args));
        Assert.All(steps, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        Assert.Contains(steps, l => l.StartsWith("conv1 ", StringComparison.Ordinal) && (l.Contains("compute", StringComparison.Ordinal) || l.Contains("memory", StringComparison.Ordinal)));
    }

    [Fact]
    public void ColumnsLeaveByPriorityAndEssentialOnesStay()
    {
        var t = new TextTable("t").Column("id").Column("name").Column("low", priority: 2).Column("mid", priority: 1);
        t.Row("1", "a-long-name-that-must-stay-whole", "x", "y");
        Assert.Equal([0, 1, 2, 3], t.Layout(200, wide: false));
        Assert.Equal([0, 1, 3], t.Layout(41, wide: false)); // 2 + 32 + 3 and two gaps of 2
        Assert.Equal([0, 1], t.Layout(40, wide: false));
        Assert.Equal([0, 1], t.Layout(10, wide: false)); // narrower than the essential columns: they stay, on one line
        Assert.Equal([0, 1, 2, 3], t.Layout(10, wide: true));
        var lines = t.Render(10, wide: false);
        Assert.Contains("1   a-long-name-that-must-stay-whole", lines);
        Assert.Equal("(2 columns hidden; --wide shows all)", lines[^1]);
    }

    /// <summary>Every line a command printed, stdout and stderr, fits <paramref name="width"/>.</summary>
    internal static void AllLinesFit(CliRunner.Result r, int width, string what)
    {
        Assert.True(r.Code == 0, $"{what}: exit {r.Code}: {r.Err}");
        foreach (var line in (r.Out + r.Err).Split('\n').Select(l => l.TrimEnd('\r')))
            Assert.True(line.Length <= width, $"{what}: {line.Length} > {width}: {line}");
    }

    [Fact]
    public void ProseWrapsAtSpacesOnlyKeepingNumbersWithTheirUnits()
    {
        var text = "8,916 designs evaluated, 2,724 fit under 85 %, 117 on the Pareto front; 1.47 s; log: /a/rather/long/path/to/out/alexnet-a10-1/build/report.log and Tm=64,Tn=32,Tk=16,vu=32";
        var lines = TextWrap.Wrap(text, 40);
        Assert.All(lines, l => Assert.True(l.Length <= 40 || !l.Trim().Contains(' '), l));
        Assert.All(lines.Skip(1), l => Assert.StartsWith(TextWrap.Indent, l));
        // Nothing lost or split: the words, rejoined, are the text's.
        Assert.Equal(text.Split(' '), lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains(lines, l => l.Contains("1.47 s", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("85 %", StringComparison.Ordinal));
        // A word wider than the line stays whole, on its own line.
        Assert.Equal(["short", "  " + new string('x', 30), "  end"], TextWrap.Wrap("short " + new string('x', 30) + " end", 20));
        Assert.Equal(["  indented item", "    continues"], TextWrap.Wrap("  indented item continues", 16));
        Assert.Equal([text], TextWrap.Wrap(text, int.MaxValue));
    }

    /// <summary>explore's title and summary lines and analyze's totals and notes, for every bundled network, at 80 columns.</summary>
    [Theory]
    [MemberData(nameof(ZooNetworks))]
    public void ExploreAndAnalyzeLinesFitEightyColumns(string network)
    {
        using var dir = new FpgaGen.Tests.Toolchains.TempDir();
        AllLinesFit(CliRunner.RunAtWidth(80, "explore", network, "--device", "u280", "--top", "10", "--out", Path.Combine(dir.Path, "out")), 80, $"explore {network}");
        AllLinesFit(CliRunner.RunAtWidth(80, "analyze", network), 80, $"analyze {network}");
    }

}
