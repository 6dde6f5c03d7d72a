using System.Text.RegularExpressions;

namespace FpgaGen.Hardware;

/// <summary>Reads and validates one device file (see hw/README.md for the format).</summary>
public static partial class DeviceLoader
{
    private static readonly string[] TopKeys =
    [
        "name", "vendor", "family", "part", "board", "toolchain", "dsp", "ram", "logic", "registers",
        "external_memory", "fmax_mhz", "platform", "lane_cost", "sources", "notes",
    ];

    private static readonly string[] SourceStatuses = ["confirmed", "secondary", "derived", "unconfirmed"];

    public static Device Load(string path)
    {
        var root = YamlTree.LoadFile(path).AsMap();
        var id = Path.GetFileNameWithoutExtension(path);
        const string ctx = "device";
        root.CheckKeys(ctx, TopKeys);

        var toolchain = ReadToolchain(root.Require("toolchain").AsMap());
        var dspMap = root.Require("dsp").AsMap();
        dspMap.CheckKeys("dsp", ["count", "kind", "per_mac"]);
        var perMac = new Dictionary<Precision, double>();
        var perMacMap = dspMap.Require("per_mac", "DSP blocks per multiply-accumulate for each supported data type").AsMap();
        foreach (var (k, v) in perMacMap.Entries)
        {
            if (!PrecisionExtensions.TryParse(k.Value, out var p))
                throw k.Error($"dsp.per_mac: unknown data type '{k.Value}' (expected fp32, fp16, int16 or int8)");
            perMac[p] = Positive(v, $"dsp.per_mac.{k.Value}");
        }
        if (perMac.Count == 0) throw perMacMap.Error("dsp.per_mac: at least one data type is needed");

        var ramSeq = root.Require("ram", "on-chip RAM block kinds").AsSeq();
        if (ramSeq.Items.Count == 0) throw ramSeq.Error("ram: at least one RAM block kind is needed");
        var ram = ramSeq.Items.Select(ReadRam).ToList();

        var logicMap = root.Require("logic").AsMap();
        logicMap.CheckKeys("logic", ["kind", "count"]);
        var mem = root.Require("external_memory").AsMap();
        mem.CheckKeys("external_memory", ["kind", "banks", "gbps"]);

        var laneCosts = new Dictionary<Precision, LaneCost>();
        var laneMap = root.Require("lane_cost", "soft logic and registers per MAC lane, per data type").AsMap();
        foreach (var (k, v) in laneMap.Entries)
        {
            if (!PrecisionExtensions.TryParse(k.Value, out var p))
                throw k.Error($"lane_cost: unknown data type '{k.Value}' (expected fp32, fp16, int16 or int8)");
            var m = v.AsMap();
            m.CheckKeys($"lane_cost.{k.Value}", ["logic", "registers"]);
            laneCosts[p] = new LaneCost(NonNegative(m.Require("logic"), "lane_cost.logic"), NonNegative(m.Require("registers"), "lane_cost.registers"));
        }
        foreach (var p in perMac.Keys)
            if (!laneCosts.ContainsKey(p)) throw laneMap.Error($"lane_cost: missing data type '{p.Id()}' (every type in dsp.per_mac needs one)");

        var device = new Device
        {
            Id = id,
            File = path,
            Name = RequireText(root, "name"),
            Vendor = RequireText(root, "vendor"),
            Family = RequireText(root, "family"),
            Part = RequireText(root, "part"),
            Board = RequireText(root, "board"),
            Toolchain = toolchain,
            Dsp = new DspInfo(PositiveLong(dspMap.Require("count"), "dsp.count"), RequireText(dspMap, "kind"), perMac),
            Ram = ram,
            Logic = new LogicInfo(RequireText(logicMap, "kind"), PositiveLong(logicMap.Require("count"), "logic.count")),
            Registers = PositiveLong(root.Require("registers"), "registers"),
            Memory = new ExternalMemory(RequireText(mem, "kind"), (int)PositiveLong(mem.Require("banks"), "external_memory.banks"),
                Positive(mem.Require("gbps", "total bandwidth in GB/s"), "external_memory.gbps")),
            FmaxMhz = Positive(root.Require("fmax_mhz", "typical kernel clock in MHz"), "fmax_mhz"),
            Platform = ReadPlatform(root.Require("platform", "resources taken by the BSP or shell").AsMap(), ram),
            LaneCosts = laneCosts,
            Sources = ReadSources(root.Require("sources", "where each fact comes from").AsMap()),
        };
        CheckPlatformFits(device, root);
        return device;
    }

    private static Toolchain ReadToolchain(YMap m)
    {
        m.CheckKeys("toolchain", ["kind", "aoc_board", "platform", "hls_part"]);
        var kind = RequireText(m, "kind");
        return kind switch
        {
            Toolchain.Aoc => new Toolchain(kind, RequireText(m, "aoc_board"), null, null),
            Toolchain.Vitis => new Toolchain(kind, null, RequireText(m, "platform"), RequireText(m, "hls_part")),
            _ => throw m.Require("kind").Error($"toolchain.kind: unknown toolchain '{kind}' (expected {Toolchain.Aoc} or {Toolchain.Vitis})"),
        };
    }

    private static RamKind ReadRam(YNode node)
    {
        var m = node.AsMap();
        m.CheckKeys("ram", ["kind", "count", "bits", "shapes"]);
        var bits = PositiveLong(m.Require("bits", "bits per block"), "ram.bits");
        var shapes = new List<RamShape>();
        foreach (var s in m.Require("shapes", "depth x width configurations, e.g. 512x40").AsSeq().Items)
        {
            var match = ShapePattern().Match(s.AsString());
            if (!match.Success) throw s.Error($"ram.shapes: expected DEPTHxWIDTH such as 512x40, got '{s.AsString()}'");
            var shape = new RamShape(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
            if (shape.Depth <= 0 || shape.Width <= 0 || (long)shape.Depth * shape.Width > bits)
                throw s.Error($"ram.shapes: {shape} must be positive and hold at most {bits} bits");
            shapes.Add(shape);
        }
        if (shapes.Count == 0) throw m.Error("ram.shapes: at least one shape is needed");
        return new RamKind(RequireText(m, "kind"), PositiveLong(m.Require("count"), "ram.count"), bits, shapes);
    }

    private static PlatformOverhead ReadPlatform(YMap m, IReadOnlyList<RamKind> ram)
    {
        m.CheckKeys("platform", ["dsp", "logic", "registers", "ram"]);
        var ramUse = new Dictionary<string, long>();
        if (m.Get("ram") is { } r)
            foreach (var (k, v) in r.AsMap().Entries)
            {
                if (ram.All(x => x.Kind != k.Value))
                    throw k.Error($"platform.ram: unknown RAM kind '{k.Value}' (expected one of: {string.Join(", ", ram.Select(x => x.Kind))})");
                ramUse[k.Value] = NonNegativeLong(v, "platform.ram");
            }
        return new PlatformOverhead(NonNegativeLong(m.Require("dsp"), "platform.dsp"), NonNegativeLong(m.Require("logic"), "platform.logic"),
            NonNegativeLong(m.Require("registers"), "platform.registers"), ramUse);
    }

    private static Dictionary<string, string> ReadSources(YMap m)
    {
        var result = new Dictionary<string, string>();
        foreach (var (k, v) in m.Entries)
        {
            var text = v.AsString();
            var status = text.Split(':', 2)[0].Trim().ToLowerInvariant();
            if (!SourceStatuses.Contains(status))
                throw v.Error($"sources.{k.Value}: expected 'STATUS: citation' with STATUS one of {string.Join(", ", SourceStatuses)}");
            result[k.Value] = text;
        }
        if (!result.ContainsKey("dsp.count")) throw m.Error("sources: at least dsp.count must name where it comes from");
        return result;
    }

    private static void CheckPlatformFits(Device d, YMap root)
    {
        if (d.Platform.Dsp >= d.Dsp.Count || d.Platform.Logic >= d.Logic.Count || d.Platform.Registers >= d.Registers)
            throw root.Require("platform").Error("platform: the platform overhead must leave room for kernels (it is as large as the device)");
        foreach (var (kind, used) in d.Platform.Ram)
            if (used >= d.Ram.First(r => r.Kind == kind).Count)
                throw root.Require("platform").Error($"platform.ram.{kind}: overhead {used} leaves no blocks for kernels");
    }

    private static string RequireText(YMap m, string key)
    {
        var s = m.Require(key).AsString().Trim();
        return s.Length > 0 ? s : throw m.Require(key).Error($"field '{key}' must not be empty");
    }

    private static double Positive(YNode n, string field)
    {
        var v = n.AsDouble();
        return v > 0 ? v : throw n.Error($"{field}: expected a positive number, got {v}");
    }

    private static double NonNegative(YNode n, string field)
    {
        var v = n.AsDouble();
        return v >= 0 ? v : throw n.Error($"{field}: expected zero or more, got {v}");
    }

    private static long PositiveLong(YNode n, string field)
    {
        var v = n.AsLong();
        return v > 0 ? v : throw n.Error($"{field}: expected a positive integer, got {v}");
    }

    private static long NonNegativeLong(YNode n, string field)
    {
        var v = n.AsLong();
        return v >= 0 ? v : throw n.Error($"{field}: expected zero or more, got {v}");
    }

    [GeneratedRegex(@"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")]
    private static partial Regex ShapePattern();
}
