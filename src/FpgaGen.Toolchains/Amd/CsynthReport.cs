using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Amd;

/// <summary>A loop of csynth.xml's SummaryOfLoopLatency.</summary>
public sealed record HlsLoop(string Name, long? TripCount, CycleRange Latency, int? PipelineIi, int? PipelineDepth);

/// <summary>
/// Vitis/Vivado HLS C-synthesis report (&lt;prj&gt;/&lt;solution&gt;/syn/report/csynth.xml or &lt;top&gt;_csynth.xml,
/// and &lt;work_dir&gt;/hls/syn/report/&lt;top&gt;_csynth.xml in the unified flow). Vivado HLS ≤ 2020.1 names the DSP
/// count &lt;DSP48E&gt;, Vitis HLS ≥ 2020.2 &lt;DSP&gt;; resource order varies by version, so children are matched by
/// name. Latencies may be "undef". Paths follow hls4ml's vivado_report.py (docs/vendor-formats.md §2.2).
/// </summary>
public sealed record CsynthReport
{
    public string? Version { get; init; }

    public string? Part { get; init; }

    public required string Top { get; init; }

    public double? TargetClockNs { get; init; }

    public double? EstimatedClockNs { get; init; }

    /// <summary>Best-case .. worst-case latency in cycles.</summary>
    public CycleRange Latency { get; init; }

    /// <summary>Interval-min .. Interval-max in cycles.</summary>
    public CycleRange Interval { get; init; }

    public required ResourceCounts Resources { get; init; }

    public ResourceCounts? Available { get; init; }

    public IReadOnlyList<HlsLoop> Loops { get; init; } = [];

    public double? FmaxMhz => EstimatedClockNs > 0 ? 1000.0 / EstimatedClockNs : null;

    public static CsynthReport Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static CsynthReport ParseText(string xml, string file)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(xml).Root!;
        }
        catch (XmlException e)
        {
            throw new ReportFormatException(file, $"is not valid XML (line {e.LineNumber}); is it cut off? {e.Message}", e);
        }
        if (root.Name.LocalName != "profile") throw new ReportFormatException(file, $"expected a <profile> report, found <{root.Name.LocalName}>");

        var r = new XmlReader(root, file);
        var user = r.Child(root, "UserAssignments");
        var perf = r.Child(root, "PerformanceEstimates");
        var overall = r.Child(perf, "SummaryOfOverallLatency");
        var area = r.Child(root, "AreaEstimates");
        return new CsynthReport
        {
            Version = root.Element("ReportVersion")?.Element("Version")?.Value.Trim(),
            Part = user.Element("Part")?.Value.Trim(),
            Top = r.Text(user, "TopModelName"),
            TargetClockNs = r.OptionalNumber(user, "TargetClockPeriod"),
            EstimatedClockNs = perf.Element("SummaryOfTimingAnalysis") is { } timing ? r.OptionalNumber(timing, "EstimatedClockPeriod") : null,
            Latency = new CycleRange(r.Cycles(overall, "Best-caseLatency").Min, r.Cycles(overall, "Worst-caseLatency").Max),
            Interval = new CycleRange(r.Cycles(overall, "Interval-min").Min, r.Cycles(overall, "Interval-max").Max),
            Resources = r.Resources(r.Child(area, "Resources")),
            Available = area.Element("AvailableResources") is { } available ? r.Resources(available) : null,
            Loops = perf.Element("SummaryOfLoopLatency") is { } loops ? r.Loops(loops) : [],
        };
    }

    /// <summary>Element accessors that name the missing element and the file instead of throwing NullReference.</summary>
    private sealed class XmlReader(XElement root, string file)
    {
        public XElement Child(XElement parent, string name) =>
            parent.Element(name) ?? throw new ReportFormatException(file, $"<{PathOf(parent)}/{name}> is missing (cut off?)");

        public string Text(XElement parent, string name) => Child(parent, name).Value.Trim();

        public double? OptionalNumber(XElement parent, string name)
        {
            if (parent.Element(name) is not { } e) return null;
            if (double.TryParse(e.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
            if (e.Value.Trim() is "undef" or "-" or "") return null;
            throw Bad(e, "a number");
        }

        public CycleRange Cycles(XElement parent, string name)
        {
            var e = Child(parent, name);
            return CycleRange.TryParse(e.Value, out var range) ? range : throw Bad(e, "a cycle count");
        }

        public ResourceCounts Resources(XElement resources)
        {
            var counts = new ResourceCounts();
            foreach (var e in resources.Elements())
            {
                var name = e.Name.LocalName;
                if (name is not ("BRAM_18K" or "DSP48E" or "DSP" or "FF" or "LUT" or "URAM")) continue;
                if (!double.TryParse(e.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) throw Bad(e, "a resource count");
                counts = name switch
                {
                    "BRAM_18K" => counts with { RamBlocks = v },
                    "FF" => counts with { Registers = v },
                    "LUT" => counts with { Luts = v },
                    "URAM" => counts with { Urams = v },
                    _ => counts with { Dsps = v },
                };
            }
            return counts;
        }

        public List<HlsLoop> Loops(XElement summary)
        {
            var loops = new List<HlsLoop>();
            // Nested loops are child elements of their outer loop, named after the loop label.
            foreach (var e in summary.Descendants().Where(d => d.Element("Latency") is not null || d.Element("TripCount") is not null))
            {
                loops.Add(new HlsLoop(
                    e.Name.LocalName,
                    e.Element("TripCount") is not null ? Cycles(e, "TripCount").Max : null,
                    e.Element("Latency") is not null ? Cycles(e, "Latency") : CycleRange.Unknown,
                    Int(e, "PipelineII"),
                    Int(e, "PipelineDepth")));
            }
            return loops;
        }

        private int? Int(XElement parent, string name)
        {
            if (parent.Element(name) is not { } e || e.Value.Trim() is "-" or "undef" or "") return null;
            return int.TryParse(e.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(e, "a whole number");
        }

        private ReportFormatException Bad(XElement e, string what) =>
            new(file, $"<{PathOf(e)}> is \"{e.Value.Trim()}\", not {what}");

        private string PathOf(XElement e) =>
            string.Join('/', e.AncestorsAndSelf().TakeWhile(a => a != root).Reverse().Select(a => a.Name.LocalName).Prepend(root.Name.LocalName));
    }
}
