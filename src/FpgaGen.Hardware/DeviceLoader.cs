using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace FpgaGen.Hardware;

/// <summary>
/// Reads and validates one device file (see hw/README.md for the format). Every error is an
/// <see cref="InputException"/> whose message starts with "file:line:column:" and names the field by its dotted path
/// (e.g. "dsp.count"), so a user can go straight to the offending line.
/// </summary>
public static partial class DeviceLoader
{
    private static readonly string[] TopKeys =
    [
        "name", "vendor", "family", "part", "board", "toolchain", "dsp", "ram", "logic", "registers",
        "external_memory", "fmax_mhz", "platform", "lane_cost", "host", "slrs", "sources", "notes",
    ];

    private static readonly string[] SourceStatuses = ["confirmed", "secondary", "derived", "unconfirmed"];

    /// <summary>Toolchain kinds and the vendors whose devices they compile for.</summary>
    private static readonly Dictionary<string, string[]> ToolchainVendors = new()
    {
        [Toolchain.Aoc] = ["intel"],
        [Toolchain.Vitis] = ["xilinx", "amd"],
        [Toolchain.Vivado] = ["xilinx", "amd"],
    };

    public static Device Load(string path)
    {
        YNode doc;
        try
        {
            doc = YamlTree.LoadFile(path);
        }
        catch (InputException e) when (e.Message.Contains("malformed YAML", StringComparison.Ordinal))
        {
            throw WithSourceContext(e, path);
        }
        if (doc is not YMap root) throw doc.Error($"a device file must be a mapping of fields (name:, dsp:, ram:, ...), got {doc.Describe()}");
        var id = Path.GetFileNameWithoutExtension(path);
        if (!DeviceNames.IsId(id))
            throw new InputException($"{path}: the file name '{id}' is the device id and must be {DeviceNames.IdRule} (rename the file)");
        root.CheckKeys("device", TopKeys);

        var vendor = Text(root, "vendor", "vendor");
        var toolchain = ReadToolchain(Map(root, "toolchain", "toolchain", "how the vendor tool names this target"), vendor, root);

        var dspMap = Map(root, "dsp", "dsp", "DSP block count, kind and blocks per MAC");
        dspMap.CheckKeys("dsp", ["count", "kind", "per_mac"]);
        var perMac = new Dictionary<Precision, double>();
        var perMacMap = Map(dspMap, "per_mac", "dsp.per_mac", "DSP blocks per multiply-accumulate for each supported data type");
        foreach (var (k, v) in perMacMap.Entries)
        {
            if (!PrecisionExtensions.TryParse(k.Value, out var p))
                throw k.Error($"dsp.per_mac: unknown data type '{k.Value}' (expected fp32, fp16, int16 or int8)");
            perMac[p] = Positive(v, $"dsp.per_mac.{k.Value}");
        }
        if (perMac.Count == 0) throw At(perMacMap).Error("dsp.per_mac: at least one data type is needed");

        var ramNode = Required(root, "ram", "ram", "on-chip RAM block kinds");
        var ramSeq = ramNode as YSeq ?? throw ramNode.Error($"ram: expected a list of RAM block kinds, got {ramNode.Describe()}");
        if (ramSeq.Items.Count == 0) throw ramSeq.Error("ram: at least one RAM block kind is needed (e.g. {kind: M20K, count: 2713, bits: 20480, shapes: [512x40]})");
        var ram = new List<RamKind>();
        for (var i = 0; i < ramSeq.Items.Count; i++)
        {
            var kind = ReadRam(ramSeq.Items[i], $"ram[{i}]");
            if (ram.Any(r => r.Kind == kind.Kind)) throw ramSeq.Items[i].Error($"ram[{i}].kind: RAM kind '{kind.Kind}' is listed twice");
            ram.Add(kind);
        }

        var logicMap = Map(root, "logic", "logic", "soft logic: kind (ALM or LUT) and count");
        logicMap.CheckKeys("logic", ["kind", "count"]);
        var mem = Map(root, "external_memory", "external_memory", "off-chip memory: kind, banks, gbps");
        mem.CheckKeys("external_memory", ["kind", "banks", "gbps", "gib"]);

        var fmaxNode = Required(root, "fmax_mhz", "fmax_mhz", "typical kernel clock in MHz");
        var fmax = Positive(fmaxNode, "fmax_mhz");
        if (!ClockRange.Contains(fmax)) throw fmaxNode.Error($"fmax_mhz: {ClockRange.Problem(fmax)}");

        var laneCosts = new Dictionary<Precision, LaneCost>();
        var laneMap = Map(root, "lane_cost", "lane_cost", "soft logic and registers per MAC lane, per data type");
        foreach (var (k, v) in laneMap.Entries)
        {
            if (!PrecisionExtensions.TryParse(k.Value, out var p))
                throw k.Error($"lane_cost: unknown data type '{k.Value}' (expected fp32, fp16, int16 or int8)");
            if (!perMac.ContainsKey(p))
                throw k.Error($"lane_cost.{k.Value}: data type is not in dsp.per_mac (add it there or remove this entry)");
            var path2 = $"lane_cost.{k.Value}";
            var m = v as YMap ?? throw v.Error($"{path2}: expected a mapping {{logic: N, registers: N}}, got {v.Describe()}");
            KeyOf.AddOrUpdate(m, k);
            m.CheckKeys(path2, ["logic", "registers"]);
            laneCosts[p] = new LaneCost(NonNegative(Required(m, "logic", $"{path2}.logic"), $"{path2}.logic"),
                NonNegative(Required(m, "registers", $"{path2}.registers"), $"{path2}.registers"));
        }
        foreach (var p in perMac.Keys)
            if (!laneCosts.ContainsKey(p)) throw At(laneMap).Error($"lane_cost.{p.Id()}: missing (every data type in dsp.per_mac needs a lane cost)");

        var device = new Device
        {
            Id = id,
            File = path,
            Name = Text(root, "name", "name"),
            Vendor = vendor,
            Family = Text(root, "family", "family"),
            Part = Name(root, "part", "part", DeviceNames.PartPattern(), DeviceNames.PartRule),
            Board = Text(root, "board", "board"),
            Toolchain = toolchain,
            Dsp = new DspInfo(PositiveLong(Required(dspMap, "count", "dsp.count"), "dsp.count"), Text(dspMap, "kind", "dsp.kind"), perMac),
            Ram = ram,
            Logic = new LogicInfo(Text(logicMap, "kind", "logic.kind"), PositiveLong(Required(logicMap, "count", "logic.count"), "logic.count")),
            Registers = PositiveLong(Required(root, "registers", "registers"), "registers"),
            Memory = new ExternalMemory(Text(mem, "kind", "external_memory.kind"),
                PositiveInt(Required(mem, "banks", "external_memory.banks"), "external_memory.banks"),
                Positive(Required(mem, "gbps", "external_memory.gbps", "total bandwidth in GB/s"), "external_memory.gbps"),
                mem.Get("gib") is { } gib ? Positive(gib, "external_memory.gib") : null),
            FmaxMhz = fmax,
            Platform = ReadPlatform(Map(root, "platform", "platform", "resources taken by the BSP or shell"), ram),
            LaneCosts = laneCosts,
            Host = root.Get("host") is null ? HostInfo.Pcie : ReadHost(Map(root, "host", "host", "the processor that runs the host program")),
            Slrs = root.Get("slrs") is null ? null : ReadSlrs(Map(root, "slrs", "slrs", "the device's super logic regions"), mem, toolchain),
            Sources = ReadSources(Map(root, "sources", "sources", "where each fact comes from"), FieldPaths(root)),
        };
        if (root.Get("notes") is { } notes && notes is not YScalar)
            throw notes.Error($"notes: expected text, got {notes.Describe()}");
        CheckPlatformFits(device, root);
        return device;
    }

    private static Toolchain ReadToolchain(YMap m, string vendor, YMap root)
    {
        m.CheckKeys("toolchain", ["kind", "aoc_board", "platform", "hls_part"]);
        var kindNode = Required(m, "kind", "toolchain.kind", $"one of {string.Join(", ", ToolchainVendors.Keys)}");
        var kind = Text(m, "kind", "toolchain.kind");
        if (!ToolchainVendors.TryGetValue(kind, out var vendors))
            throw kindNode.Error($"toolchain.kind: unknown toolchain '{kind}' (expected {string.Join(", ", ToolchainVendors.Keys)})");
        if (!vendors.Contains(vendor.ToLowerInvariant()))
            throw kindNode.Error($"toolchain.kind: '{kind}' does not compile for vendor '{vendor}' (it is for {string.Join(" or ", vendors)}; check vendor: at line {root.Require("vendor").Mark.Line})");
        string[] used = kind switch
        {
            Toolchain.Aoc => ["kind", "aoc_board"],
            Toolchain.Vitis => ["kind", "platform", "hls_part"],
            _ => ["kind", "hls_part"],
        };
        foreach (var (k, _) in m.Entries)
            if (!used.Contains(k.Value))
                throw k.Error($"toolchain.{k.Value}: not used by toolchain kind '{kind}' (it takes {string.Join(", ", used.Skip(1))})");
        return kind switch
        {
            Toolchain.Aoc => new Toolchain(kind, Name(m, "aoc_board", "toolchain.aoc_board", DeviceNames.BoardPattern(), DeviceNames.BoardRule), null, null),
            Toolchain.Vitis => new Toolchain(kind, null, Name(m, "platform", "toolchain.platform", DeviceNames.PlatformPattern(), DeviceNames.PlatformRule),
                Name(m, "hls_part", "toolchain.hls_part", DeviceNames.PartPattern(), DeviceNames.PartRule)),
            _ => new Toolchain(kind, null, null, Name(m, "hls_part", "toolchain.hls_part", DeviceNames.PartPattern(), DeviceNames.PartRule)),
        };
    }

    /// <summary>slrs: {count: N ≥ 2, banks: [SLR of bank 0, …] or [one SLR for all banks]}; Vitis cards only.</summary>
    private static SlrLayout ReadSlrs(YMap m, YMap mem, Toolchain toolchain)
    {
        m.CheckKeys("slrs", ["count", "banks"]);
        if (toolchain.Kind != Toolchain.Vitis)
            throw At(m).Error($"slrs: only a Vitis platform places compute units in SLRs (toolchain.kind is {toolchain.Kind})");
        var countNode = Required(m, "count", "slrs.count", "the number of SLRs, 2 or more");
        var count = PositiveInt(countNode, "slrs.count");
        if (count < 2) throw countNode.Error($"slrs.count: a device of one die has no slrs section (got {count})");
        int Slr(YNode n, string path)
        {
            var v = Integer(n, path);
            return v >= 0 && v < count ? (int)v : throw n.Error($"{path}: expected an SLR from 0 to {count - 1}, got {v}");
        }
        var banksNode = Required(m, "banks", "slrs.banks", "the SLR of each memory bank, or one SLR for all");
        var seq = banksNode as YSeq ?? throw banksNode.Error($"slrs.banks: expected a list such as [0, 1, 2, 3], got {banksNode.Describe()}");
        var banks = PositiveInt(Required(mem, "banks", "external_memory.banks"), "external_memory.banks");
        if (seq.Items.Count != 1 && seq.Items.Count != banks)
            throw banksNode.Error($"slrs.banks: expected one SLR per memory bank ({banks}) or one for all, got {seq.Items.Count}");
        return new SlrLayout(count, seq.Items.Select((n, i) => Slr(n, $"slrs.banks[{i}]")).ToList());
    }

    /// <summary>host: {kind: pcie|soc, arch: x86_64|arm32, cpu: text}; an SoC host is the board's own processor.</summary>
    private static HostInfo ReadHost(YMap m)
    {
        m.CheckKeys("host", ["kind", "arch", "cpu"]);
        string[] kinds = [HostInfo.PcieKind, HostInfo.SocKind];
        var kindNode = Required(m, "kind", "host.kind", $"one of {string.Join(", ", kinds)}");
        var kind = Text(m, "kind", "host.kind");
        if (!kinds.Contains(kind)) throw kindNode.Error($"host.kind: unknown host '{Printable(kind)}' (expected {string.Join(" or ", kinds)})");
        var archNode = Required(m, "arch", "host.arch", $"one of {string.Join(", ", HostArch.All.Select(a => a.Id))}");
        var archId = Text(m, "arch", "host.arch");
        var arch = HostArch.All.FirstOrDefault(a => a.Id == archId)
                   ?? throw archNode.Error($"host.arch: unknown instruction set '{Printable(archId)}' (expected {string.Join(", ", HostArch.All.Select(a => a.Id))})");
        if (kind == HostInfo.PcieKind && arch.Cross)
            throw archNode.Error($"host.arch: a PCIe host is the build machine itself ({HostArch.X86_64.Id}); '{arch.Id}' needs host.kind: soc");
        return new HostInfo(kind, arch, m.Get("cpu") is null ? null : Text(m, "cpu", "host.cpu"));
    }

    private static RamKind ReadRam(YNode node, string path)
    {
        var m = node as YMap ?? throw node.Error($"{path}: expected a mapping {{kind, count, bits, shapes}}, got {node.Describe()}");
        m.CheckKeys(path, ["kind", "count", "bits", "shapes"]);
        var kind = Text(m, "kind", $"{path}.kind");
        var bits = PositiveLong(Required(m, "bits", $"{path}.bits", "bits per block"), $"{path}.bits");
        var shapes = new List<RamShape>();
        var shapesNode = Required(m, "shapes", $"{path}.shapes", "depth x width configurations, e.g. [512x40]");
        var shapesSeq = shapesNode as YSeq ?? throw shapesNode.Error($"{path}.shapes: expected a list such as [512x40, 1024x20], got {shapesNode.Describe()}");
        foreach (var s in shapesSeq.Items)
        {
            var text = s is YScalar sc ? sc.Value : "";
            var match = ShapePattern().Match(text);
            if (!match.Success) throw s.Error($"{path}.shapes: expected DEPTHxWIDTH such as 512x40, got {s.Describe()}");
            if (!int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var depth)
                || !int.TryParse(match.Groups[2].Value, CultureInfo.InvariantCulture, out var width))
                throw s.Error($"{path}.shapes: {text} is out of range");
            var shape = new RamShape(depth, width);
            if (shape.Depth <= 0 || shape.Width <= 0 || (long)shape.Depth * shape.Width > bits)
                throw s.Error($"{path}.shapes: {shape} must be positive and hold at most {bits} bits (the block size in {path}.bits)");
            shapes.Add(shape);
        }
        if (shapes.Count == 0) throw shapesSeq.Error($"{path}.shapes: at least one shape is needed");
        return new RamKind(kind, PositiveLong(Required(m, "count", $"{path}.count"), $"{path}.count"), bits, shapes);
    }

    private static PlatformOverhead ReadPlatform(YMap m, IReadOnlyList<RamKind> ram)
    {
        m.CheckKeys("platform", ["dsp", "logic", "registers", "ram"]);
        var ramUse = new Dictionary<string, long>();
        if (m.Get("ram") is { } r)
        {
            var rm = r as YMap ?? throw r.Error($"platform.ram: expected a mapping of RAM kind to blocks, e.g. {{M20K: 260}}, got {r.Describe()}");
            foreach (var (k, v) in rm.Entries)
            {
                if (ram.All(x => x.Kind != k.Value))
                    throw k.Error($"platform.ram: unknown RAM kind '{k.Value}' (expected one of: {string.Join(", ", ram.Select(x => x.Kind))})");
                ramUse[k.Value] = NonNegativeLong(v, $"platform.ram.{k.Value}");
            }
        }
        return new PlatformOverhead(NonNegativeLong(Required(m, "dsp", "platform.dsp"), "platform.dsp"),
            NonNegativeLong(Required(m, "logic", "platform.logic"), "platform.logic"),
            NonNegativeLong(Required(m, "registers", "platform.registers"), "platform.registers"), ramUse);
    }

    /// <param name="fields">Every field path of the file (dsp, dsp.count, ram, ram[0], ram[0].kind, ...): what a source key may name.</param>
    private static Dictionary<string, string> ReadSources(YMap m, IReadOnlySet<string> fields)
    {
        var result = new Dictionary<string, string>();
        foreach (var (k, v) in m.Entries)
        {
            if (!fields.Contains(k.Value))
            {
                var first = k.Value.Split('.', '[')[0];
                var near = fields.Where(f => f.StartsWith(first + ".", StringComparison.Ordinal) || f == first).Take(8).ToList();
                throw k.Error($"sources.{k.Value}: names no field of this file (a source key is a field path of the file such as dsp.count or external_memory.gbps"
                              + (near.Count > 0 ? $"; fields here: {string.Join(", ", near)}" : "") + ")");
            }
            var text = v is YScalar s ? s.Value : throw v.Error($"sources.{k.Value}: expected text 'STATUS: citation', got {v.Describe()}");
            var parts = text.Split(':', 2);
            var status = parts[0].Trim().ToLowerInvariant();
            if (parts.Length < 2 || !SourceStatuses.Contains(status) || parts[1].Trim().Length == 0)
                throw v.Error($"sources.{k.Value}: expected 'STATUS: citation' with STATUS one of {string.Join(", ", SourceStatuses)}, got '{text}'");
            result[k.Value] = text;
        }
        if (!result.ContainsKey("dsp.count")) throw At(m).Error("sources.dsp.count: missing (at least dsp.count must name where it comes from)");
        return result;
    }

    /// <summary>Every field path in the file except under sources and notes: "dsp", "dsp.count", "ram", "ram[0]", "ram[0].kind".</summary>
    private static HashSet<string> FieldPaths(YMap root)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        void Walk(YNode node, string path)
        {
            paths.Add(path);
            switch (node)
            {
                case YMap map:
                    foreach (var (k, v) in map.Entries) Walk(v, $"{path}.{k.Value}");
                    break;
                case YSeq seq:
                    for (var i = 0; i < seq.Items.Count; i++) Walk(seq.Items[i], $"{path}[{i}]");
                    break;
            }
        }
        foreach (var (k, v) in root.Entries)
            if (k.Value is not ("sources" or "notes")) Walk(v, k.Value);
        return paths;
    }

    private static void CheckPlatformFits(Device d, YMap root)
    {
        var p = (YMap)root.Require("platform");
        void Check(string key, long used, long total, string unit)
        {
            if (used >= total)
                throw (p.Get(key) ?? p).Error($"platform.{key}: the platform takes {used} {unit} but the device has {total}; the overhead must leave room for kernels");
        }
        Check("dsp", d.Platform.Dsp, d.Dsp.Count, "DSP blocks");
        Check("logic", d.Platform.Logic, d.Logic.Count, d.Logic.Kind);
        Check("registers", d.Platform.Registers, d.Registers, "registers");
        var ramMap = (YMap?)p.Get("ram");
        foreach (var (kind, used) in d.Platform.Ram)
        {
            var total = d.Ram.First(r => r.Kind == kind).Count;
            if (used >= total)
                throw (ramMap?.Get(kind) ?? p).Error($"platform.ram.{kind}: the platform takes {used} {kind} blocks but the device has {total}; the overhead must leave room for kernels");
        }
    }

    /// <summary>Adds the offending source line and the field it belongs to, found by indentation, to a YAML syntax error.</summary>
    private static InputException WithSourceContext(InputException e, string path)
    {
        var prefix = path + ":";
        if (!e.Message.StartsWith(prefix, StringComparison.Ordinal)) return e;
        var m = LeadingLine().Match(e.Message[prefix.Length..]);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var line)) return e;
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (IOException) { return e; }
        catch (UnauthorizedAccessException) { return e; }
        if (line < 1 || line > lines.Length) return e;
        var field = FieldPathAt(lines, line - 1);
        var message = field is null ? e.Message : e.Message.Replace("malformed YAML: ", $"malformed YAML in field '{field}': ", StringComparison.Ordinal);
        return new InputException($"{message} (line {line}: \"{lines[line - 1].Trim()}\")", e);
    }

    /// <summary>Dotted key path of the line at <paramref name="index"/> (0-based), from the keys of less indented lines above.</summary>
    internal static string? FieldPathAt(IReadOnlyList<string> lines, int index)
    {
        var path = new List<string>();
        var limit = int.MaxValue;
        for (var i = index; i >= 0; i--)
        {
            var km = KeyLine().Match(lines[i]);
            if (!km.Success) continue;
            var indent = km.Groups[1].Value.Length + km.Groups[2].Value.Length;
            if (indent >= limit) continue;
            path.Insert(0, km.Groups[3].Value);
            limit = indent;
            if (indent == 0) break;
        }
        return path.Count == 0 ? null : string.Join(".", path);
    }

    /// <summary>The key each nested mapping was read under, so "missing field" errors point at "dsp:" and not at its first entry.</summary>
    private static readonly ConditionalWeakTable<YMap, YScalar> KeyOf = new();

    /// <summary>Where to report a problem with a whole mapping: the key it was read under, else its first entry.</summary>
    private static YNode At(YMap m) => KeyOf.TryGetValue(m, out var k) ? k : m;

    private static YNode Required(YMap m, string key, string path, string? what = null)
    {
        if (m.Get(key) is { } n) return n;
        throw At(m).Error($"missing field '{path}'{(what is null ? "" : $" ({what})")}");
    }

    private static YMap Map(YMap parent, string key, string path, string? what = null)
    {
        var n = Required(parent, key, path, what);
        var map = n as YMap ?? throw n.Error($"{path}: expected a mapping (key: value), got {n.Describe()}");
        var keyNode = parent.Entries.First(e => e.Key.Value == key).Key;
        KeyOf.AddOrUpdate(map, keyNode);
        return map;
    }

    private static string Text(YMap m, string key, string path)
    {
        var n = Required(m, key, path);
        var s = n is YScalar sc ? sc.Value.Trim() : throw n.Error($"{path}: expected text, got {n.Describe()}");
        if (s.Length == 0) throw n.Error($"{path}: must not be empty");
        // Names and kinds appear in one-line messages, tables and generated comments.
        if (s.Any(char.IsControl)) throw n.Error($"{path}: must be one line of text without control characters, got '{Printable(s)}'");
        return s;
    }

    /// <summary>A name that reaches tool command lines and generated build files: it must match its strict pattern.</summary>
    private static string Name(YMap m, string key, string path, Regex pattern, string rule)
    {
        var text = Text(m, key, path);
        return pattern.IsMatch(text) ? text : throw Required(m, key, path).Error($"{path}: '{Printable(text)}' is not a valid name: expected {rule}");
    }

    private static string Printable(string s) => new(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static double Number(YNode n, string path)
    {
        if (n is YScalar s && double.TryParse(s.Value.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
            return v;
        throw n.Error($"{path}: expected a number, got {n.Describe()}");
    }

    private static long Integer(YNode n, string path)
    {
        if (n is YScalar s && long.TryParse(s.Value.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            return v;
        throw n.Error($"{path}: expected an integer, got {n.Describe()}");
    }

    private static double Positive(YNode n, string path)
    {
        var v = Number(n, path);
        return v > 0 ? v : throw n.Error($"{path}: expected a positive number, got {Fmt(v)}");
    }

    private static double NonNegative(YNode n, string path)
    {
        var v = Number(n, path);
        return v >= 0 ? v : throw n.Error($"{path}: expected zero or more, got {Fmt(v)}");
    }

    private static long PositiveLong(YNode n, string path)
    {
        var v = Integer(n, path);
        return v > 0 ? v : throw n.Error($"{path}: expected a positive integer, got {v}");
    }

    private static int PositiveInt(YNode n, string path)
    {
        var v = PositiveLong(n, path);
        return v <= int.MaxValue ? (int)v : throw n.Error($"{path}: {v} is out of range");
    }

    private static long NonNegativeLong(YNode n, string path)
    {
        var v = Integer(n, path);
        return v >= 0 ? v : throw n.Error($"{path}: expected zero or more, got {v}");
    }

    private static string Fmt(double v) => v.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")]
    private static partial Regex ShapePattern();

    [GeneratedRegex(@"^(\d+):\d+: ")]
    private static partial Regex LeadingLine();

    [GeneratedRegex(@"^(\s*)(-\s+)?([A-Za-z_][\w\-]*)\s*:")]
    private static partial Regex KeyLine();
}
