using FpgaGen.Hardware;

namespace FpgaGen.Tests.Hardware;

/// <summary>The shipped device catalog (hw/*.yaml): every file loads, key facts are pinned, every fact cites a source.</summary>
public class DeviceCatalogTests
{
    public static readonly string[] ExpectedIds =
        ["a10_385a", "a10_de5anet", "a10_devkit", "a10_alaric", "s10_gx2800", "sv_gsd8", "sv_de5net", "v7_vc707", "z7_zc706",
         "ku060", "zcu102", "zcu104", "u250", "u280", "u55c"];

    public static TheoryData<string> Ids() => new(ExpectedIds);

    private static readonly DeviceCatalog Catalog = DeviceCatalog.Default;

    private static readonly Lazy<IReadOnlyDictionary<string, Device>> Devices =
        new(() => Catalog.LoadAll().ToDictionary(d => d.Id));

    private static Device Get(string id) =>
        Devices.Value.TryGetValue(id, out var d) ? d : throw new Xunit.Sdk.XunitException($"device '{id}' is not in the catalog");

    [Fact]
    public void EveryCatalogFileLoads()
    {
        var files = Directory.GetFiles(Catalog.Folder, "*.yaml");
        Assert.True(files.Length >= ExpectedIds.Length, $"only {files.Length} device files in {Catalog.Folder}");
        foreach (var f in files)
        {
            var d = DeviceLoader.Load(f);
            Assert.Equal(Path.GetFileNameWithoutExtension(f), d.Id);
        }
    }

    [Fact]
    public void CatalogHoldsTheExpectedDevices()
    {
        var ids = Catalog.Ids;
        foreach (var id in ExpectedIds) Assert.Contains(id, ids);
    }

    [Theory]
    [InlineData("a10_385a", 1518, "M20K", 2713, "ALM", 427200, 1708800)]
    [InlineData("a10_de5anet", 1518, "M20K", 2713, "ALM", 427200, 1708800)]
    [InlineData("a10_devkit", 1518, "M20K", 2713, "ALM", 427200, 1708800)]
    [InlineData("a10_alaric", 1687, "M20K", 2133, "ALM", 251680, 1006720)]
    [InlineData("sv_de5net", 256, "M20K", 2560, "ALM", 234720, 938880)]
    [InlineData("z7_zc706", 900, "BRAM18", 1090, "LUT", 218600, 437200)]
    [InlineData("zcu104", 1728, "BRAM18", 624, "LUT", 230400, 460800)]
    [InlineData("s10_gx2800", 5760, "M20K", 11721, "ALM", 933120, 3732480)]
    [InlineData("sv_gsd8", 1963, "M20K", 2567, "ALM", 262400, 1049600)]
    [InlineData("v7_vc707", 2800, "BRAM18", 2060, "LUT", 303600, 607200)]
    [InlineData("ku060", 2760, "BRAM18", 2160, "LUT", 331680, 663360)]
    [InlineData("zcu102", 2520, "BRAM18", 1824, "LUT", 274080, 548160)]
    [InlineData("u250", 12288, "BRAM18", 5376, "LUT", 1728000, 3456000)]
    [InlineData("u280", 9024, "BRAM18", 4032, "LUT", 1303680, 2607360)]
    [InlineData("u55c", 9024, "BRAM18", 4032, "LUT", 1303680, 2607360)]
    public void KeyFactsArePinned(string id, long dsp, string ramKind, long ramCount, string logicKind, long logic, long registers)
    {
        var d = Get(id);
        Assert.Equal(dsp, d.Dsp.Count);
        Assert.Equal(ramCount, Assert.Single(d.Ram, r => r.Kind == ramKind).Count);
        Assert.Equal(logicKind, d.Logic.Kind);
        Assert.Equal(logic, d.Logic.Count);
        Assert.Equal(registers, d.Registers);
    }

    [Theory]
    [InlineData("u250", 1280)]
    [InlineData("u280", 960)]
    [InlineData("u55c", 960)]
    public void AlveoUltraRamIsPinned(string id, long uram)
    {
        var r = Assert.Single(Get(id).Ram, r => r.Kind == "URAM");
        Assert.Equal(uram, r.Count);
        Assert.Equal(294912, r.Bits);
        Assert.Equal(new RamShape(4096, 72), Assert.Single(r.Shapes));
    }

    [Theory]
    [InlineData("a10_385a", "M20K", 20480, "512x40,1024x20,2048x10")]
    [InlineData("v7_vc707", "BRAM18", 18432, "512x36,1024x18,2048x9,4096x4,8192x2,16384x1")]
    [InlineData("u250", "BRAM18", 18432, "512x36,1024x18,2048x9,4096x4,8192x2,16384x1")]
    public void RamShapesArePinned(string id, string kind, long bits, string shapes)
    {
        var r = Assert.Single(Get(id).Ram, r => r.Kind == kind);
        Assert.Equal(bits, r.Bits);
        Assert.Equal(shapes, string.Join(",", r.Shapes));
    }

    [Theory]
    [InlineData("u250", "DDR4", 77.0)]
    [InlineData("u280", "HBM2", 460.0)]
    [InlineData("u55c", "HBM2", 460.0)]
    public void AlveoMemoryIsPinned(string id, string kind, double gbps)
    {
        var d = Get(id);
        Assert.Equal(kind, d.Memory.Kind);
        Assert.Equal(gbps, d.Memory.GBps);
    }

    [Theory]
    [InlineData("a10_385a", "aoc", "p385a_sch_ax115", null, null)]
    [InlineData("s10_gx2800", "aoc", "p520_hpc_sg280l", null, null)]
    [InlineData("v7_vc707", "vivado", null, null, "xc7vx485tffg1761-2")]
    [InlineData("zcu102", "vitis", null, "xilinx_zcu102_base_202210_1", "xczu9eg-ffvb1156-2-e")]
    [InlineData("u250", "vitis", null, "xilinx_u250_gen3x16_xdma_4_1_202210_1", "xcu250-figd2104-2L-e")]
    [InlineData("u280", "vitis", null, "xilinx_u280_gen3x16_xdma_1_202211_1", "xcu280-fsvh2892-2L-e")]
    [InlineData("u55c", "vitis", null, "xilinx_u55c_gen3x16_xdma_3_202210_1", "xcu55c-fsvh2892-2L-e")]
    public void ToolchainNamesArePinned(string id, string kind, string? aocBoard, string? platform, string? hlsPart)
    {
        var t = Get(id).Toolchain;
        Assert.Equal(new Toolchain(kind, aocBoard, platform, hlsPart), t);
    }

    [Fact]
    public void PrecisionSupportFollowsTheDspArchitecture()
    {
        // Intel families without hardened fp16 leave it out; hardened fp32 costs one block.
        foreach (var id in new[] { "a10_385a", "a10_de5anet", "a10_devkit", "a10_alaric", "s10_gx2800", "sv_gsd8", "sv_de5net" })
        {
            var d = Get(id);
            Assert.False(d.Supports(Precision.Fp16), $"{id} must not claim fp16");
            Assert.Equal(1, d.Dsp.PerMac[Precision.Fp32]);
        }
        // DSP48E2: two int8 MACs per DSP when they share an operand (WP486).
        foreach (var id in new[] { "ku060", "zcu102", "zcu104", "u250", "u280", "u55c" })
            Assert.Equal(0.5, Get(id).Dsp.PerMac[Precision.Int8]);
        // 7-series fp32: 3 DSP for the multiply + 2 for the add.
        Assert.Equal(5, Get("v7_vc707").Dsp.PerMac[Precision.Fp32]);
        // Stratix V: 9x9 mode is a third of a block.
        Assert.InRange(Get("sv_gsd8").Dsp.PerMac[Precision.Int8], 0.33, 0.34);
    }

    public static readonly string[] RequiredSources =
        ["dsp.count", "ram", "logic.count", "registers", "external_memory.gbps", "fmax_mhz", "platform", "lane_cost", "part"];

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryKeyFactHasASource(string id)
    {
        var d = Get(id);
        foreach (var key in RequiredSources)
            Assert.True(d.Sources.ContainsKey(key) || d.Sources.Keys.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal)),
                $"{id}: no source for {key}");
        foreach (var p in d.Precisions)
            Assert.True(d.Sources.ContainsKey($"dsp.per_mac.{p.Id()}"), $"{id}: no source for dsp.per_mac.{p.Id()}");
        var toolKey = d.Toolchain.Kind == Toolchain.Aoc ? "toolchain.aoc_board" : "toolchain.hls_part";
        Assert.True(d.Sources.ContainsKey(toolKey), $"{id}: no source for {toolKey}");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EstimatesAreNeverMarkedConfirmed(string id)
    {
        // lane_cost coefficients are model estimates by nature; they must not claim to be confirmed.
        var d = Get(id);
        Assert.False(d.Sources["lane_cost"].StartsWith("confirmed", StringComparison.OrdinalIgnoreCase), $"{id}: lane_cost marked confirmed");
        Assert.Contains("lane_cost", d.Sources.Keys);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void DeviceIsPhysicallySane(string id)
    {
        var d = Get(id);
        Assert.InRange(d.FmaxMhz, 100, 700);
        foreach (var (p, perMac) in d.Dsp.PerMac)
        {
            var peakGops = d.Dsp.Count / perMac * 2 * d.FmaxMhz / 1000;
            var limit = p == Precision.Fp32 ? 20_000 : 100_000;
            Assert.True(peakGops is > 10 and < 100_000 && peakGops < limit, $"{id}: {p.Id()} peak {peakGops:F0} GOPS out of range");
            Assert.InRange(perMac, 0.25, 10);
        }
        Assert.True(d.Platform.Dsp < d.Dsp.Count, $"{id}: platform DSP");
        Assert.True(d.Platform.Logic < d.Logic.Count / 2, $"{id}: platform logic takes half the device or more");
        Assert.True(d.Platform.Registers < d.Registers / 2, $"{id}: platform registers take half the device or more");
        foreach (var (kind, used) in d.Platform.Ram)
            Assert.True(used < d.Ram.Single(r => r.Kind == kind).Count / 2, $"{id}: platform {kind}");
        foreach (var r in d.Ram)
            foreach (var s in r.Shapes)
                Assert.True((long)s.Depth * s.Width <= r.Bits, $"{id}: {r.Kind} shape {s} exceeds {r.Bits} bits");
        Assert.InRange(d.Memory.GBps, 5, 1000);
        Assert.InRange(d.Registers / (double)d.Logic.Count, 1.9, 4.1); // 2 FF per LUT (Xilinx), 4 per ALM (Intel)
        foreach (var p in d.Precisions)
            Assert.True(d.LaneCosts.ContainsKey(p), $"{id}: no lane cost for {p.Id()}");
    }

    [Fact]
    public void Fp32CostsMoreSoftLogicWhereTheFamilyHasNoHardenedFloat()
    {
        // Hardened fp32 (Arria 10 / Stratix 10) needs little soft logic; Xilinx float cores and Stratix V soft adders need a lot.
        Assert.True(Get("a10_385a").LaneCosts[Precision.Fp32].Logic < 100);
        foreach (var id in new[] { "sv_gsd8", "v7_vc707", "u250" })
            Assert.InRange(Get(id).LaneCosts[Precision.Fp32].Logic, 300, 800);
        foreach (var id in new[] { "ku060", "zcu102", "u250", "u280", "u55c" })
            Assert.InRange(Get(id).LaneCosts[Precision.Int8].Logic, 30, 60);
    }
}

/// <summary>
/// Broken device files: each must fail with an <see cref="InputException"/> whose message names the file, the line
/// and the field. The files are written into a temporary folder.
/// </summary>
public sealed class DeviceFileErrorTests : IDisposable
{
    private const string Valid = """
        # test device
        name: Test board
        vendor: intel
        family: Arria 10 GX
        part: 10AX115N2F40E2LG
        board: Test board
        toolchain:
          kind: aoc
          aoc_board: test_board
        dsp:
          count: 1518
          kind: variable-precision DSP
          per_mac: {fp32: 1, int8: 0.5}
        ram:
          - {kind: M20K, count: 2713, bits: 20480, shapes: [512x40, 1024x20, 2048x10]}
        logic:
          kind: ALM
          count: 427200
        registers: 1708800
        external_memory: {kind: DDR3, banks: 2, gbps: 25.6}
        fmax_mhz: 240
        platform:
          dsp: 0
          logic: 55000
          registers: 110000
          ram: {M20K: 260}
        lane_cost:
          fp32: {logic: 25, registers: 70}
          int8: {logic: 12, registers: 30}
        sources:
          dsp.count: "confirmed: test"
        """;

    private readonly string folder = Path.Combine(Path.GetTempPath(), "fpgagen-hw-tests-" + Guid.NewGuid().ToString("N"));

    public DeviceFileErrorTests() => Directory.CreateDirectory(folder);

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Replaces one snippet of the valid file, failing if the snippet is not there (so no test passes vacuously).</summary>
    private static string Mutate(string oldText, string newText)
    {
        Assert.Contains(oldText, Valid);
        return Valid.Replace(oldText, newText);
    }

    /// <summary>1-based line of the first line containing <paramref name="snippet"/>.</summary>
    private static int LineOf(string text, string snippet)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].Contains(snippet, StringComparison.Ordinal)) return i + 1;
        throw new Xunit.Sdk.XunitException($"'{snippet}' not in the test file");
    }

    /// <summary>Loads <paramref name="text"/> as a device file and checks that the error names file, line and field.</summary>
    private InputException AssertFails(string name, string text, string lineSnippet, params string[] fragments)
    {
        var path = Write(name, text);
        var ex = Assert.Throws<InputException>(() => DeviceLoader.Load(path));
        var line = LineOf(text, lineSnippet);
        Assert.StartsWith($"{path}:{line}:", ex.Message);
        Assert.Contains(name + ".yaml", ex.Message);
        foreach (var f in fragments) Assert.Contains(f, ex.Message);
        return ex;
    }

    [Fact]
    public void TheValidFileLoads()
    {
        var d = DeviceLoader.Load(Write("valid", Valid));
        Assert.Equal("valid", d.Id);
        Assert.Equal(1518, d.Dsp.Count);
        Assert.Equal(new RamShape(1024, 20), d.Ram[0].Shapes[1]);
        Assert.Equal(55000, d.Platform.Logic);
        Assert.Equal(260, d.Platform.Ram["M20K"]);
        Assert.Empty(d.Unconfirmed);
    }

    [Fact]
    public void MissingDspSection()
    {
        var text = Mutate("dsp:\n  count: 1518\n  kind: variable-precision DSP\n  per_mac: {fp32: 1, int8: 0.5}\n", "");
        AssertFails("no_dsp", text, "name: Test board", "missing field 'dsp'");
    }

    [Fact]
    public void MissingDspCount()
    {
        var text = Mutate("  count: 1518\n", "");
        AssertFails("no_dsp_count", text, "dsp:", "missing field 'dsp.count'");
    }

    [Fact]
    public void EmptyRamList()
    {
        var text = Mutate("ram:\n  - {kind: M20K, count: 2713, bits: 20480, shapes: [512x40, 1024x20, 2048x10]}\n", "ram: []\n");
        AssertFails("no_ram", text, "ram: []", "ram:", "at least one RAM block kind");
    }

    [Fact]
    public void MissingRamField()
    {
        var text = Mutate("ram:\n  - {kind: M20K, count: 2713, bits: 20480, shapes: [512x40, 1024x20, 2048x10]}\n", "");
        AssertFails("ram_missing", text, "name: Test board", "missing field 'ram'");
    }

    [Fact]
    public void WrongTypeForACount()
    {
        var text = Mutate("  count: 1518", "  count: lots");
        AssertFails("count_lots", text, "count: lots", "dsp.count", "expected an integer", "'lots'");
    }

    [Fact]
    public void WrongTypeForAMapping()
    {
        var text = Mutate("logic:\n  kind: ALM\n  count: 427200\n", "logic: 427200\n");
        AssertFails("logic_scalar", text, "logic: 427200", "logic:", "expected a mapping");
    }

    [Fact]
    public void UnknownTopLevelField()
    {
        var text = Mutate("registers: 1708800", "registers: 1708800\ncolour: red");
        AssertFails("unknown_field", text, "colour: red", "unknown field 'colour'");
    }

    [Fact]
    public void UnknownNestedField()
    {
        var text = Mutate("  kind: ALM", "  kind: ALM\n  luts: 5");
        AssertFails("unknown_nested", text, "luts: 5", "logic", "unknown field 'luts'");
    }

    [Fact]
    public void NegativeCount()
    {
        var text = Mutate("  count: 427200", "  count: -5");
        AssertFails("negative", text, "count: -5", "logic.count", "positive", "-5");
    }

    [Fact]
    public void NegativeRamBlockCount()
    {
        var text = Mutate("count: 2713", "count: -1");
        AssertFails("negative_ram", text, "count: -1", "ram[0].count", "positive");
    }

    [Fact]
    public void UnknownPrecision()
    {
        var text = Mutate("per_mac: {fp32: 1, int8: 0.5}", "per_mac: {fp32: 1, fp8: 0.25}");
        AssertFails("fp8", text, "per_mac:", "dsp.per_mac", "unknown data type 'fp8'");
    }

    [Fact]
    public void LaneCostMissingForASupportedPrecision()
    {
        var text = Mutate("  int8: {logic: 12, registers: 30}\n", "");
        AssertFails("lane_missing", text, "lane_cost:", "lane_cost.int8", "missing");
    }

    [Fact]
    public void UnknownToolchainKind()
    {
        var text = Mutate("  kind: aoc", "  kind: quartus");
        AssertFails("toolchain_kind", text, "kind: quartus", "toolchain.kind", "unknown toolchain 'quartus'");
    }

    [Fact]
    public void ToolchainFieldOfAnotherKind()
    {
        var text = Mutate("  aoc_board: test_board", "  aoc_board: test_board\n  platform: xilinx_u250_gen3x16_xdma_4_1_202210_1");
        AssertFails("toolchain_field", text, "platform: xilinx_u250", "toolchain.platform", "not used by toolchain kind 'aoc'");
    }

    [Fact]
    public void ToolchainThatDoesNotCompileForTheVendor()
    {
        var text = Mutate("vendor: intel", "vendor: xilinx");
        AssertFails("vendor_mismatch", text, "kind: aoc", "toolchain.kind", "vendor 'xilinx'");
    }

    [Fact]
    public void PlatformLargerThanTheDevice()
    {
        var text = Mutate("  logic: 55000", "  logic: 500000");
        AssertFails("platform_logic", text, "logic: 500000", "platform.logic", "500000", "427200", "leave room");
    }

    [Fact]
    public void PlatformRamLargerThanTheDevice()
    {
        var text = Mutate("ram: {M20K: 260}", "ram: {M20K: 3000}");
        AssertFails("platform_ram", text, "ram: {M20K: 3000}", "platform.ram.M20K", "3000", "2713");
    }

    [Fact]
    public void PlatformRamOfUnknownKind()
    {
        var text = Mutate("ram: {M20K: 260}", "ram: {URAM: 10}");
        AssertFails("platform_uram", text, "ram: {URAM: 10}", "platform.ram", "unknown RAM kind 'URAM'");
    }

    [Fact]
    public void RamShapeLargerThanTheBlock()
    {
        var text = Mutate("shapes: [512x40,", "shapes: [1024x40,");
        AssertFails("shape", text, "shapes: [1024x40", "ram[0].shapes", "1024x40", "20480");
    }

    [Fact]
    public void FmaxInTheWrongUnit()
    {
        var text = Mutate("fmax_mhz: 240", "fmax_mhz: 240000000");
        AssertFails("fmax_hz", text, "fmax_mhz: 240000000", "fmax_mhz", "MHz");
    }

    [Fact]
    public void SourceWithoutStatus()
    {
        var text = Mutate("dsp.count: \"confirmed: test\"", "dsp.count: \"datasheet\"");
        AssertFails("source_status", text, "dsp.count: \"datasheet\"", "sources.dsp.count", "STATUS");
    }

    [Fact]
    public void SourceForAFieldThatDoesNotExist()
    {
        var text = Mutate("  dsp.count: \"confirmed: test\"", "  dsp.count: \"confirmed: test\"\n  dps.count: \"confirmed: typo\"");
        AssertFails("source_typo", text, "dps.count:", "sources.dps.count", "names no field");
    }

    [Fact]
    public void MalformedYaml()
    {
        var text = Mutate("  count: 1518", "  count: 1518: 3");
        var ex = AssertFails("malformed", text, "count: 1518: 3", "malformed YAML", "dsp.count");
        Assert.Contains("count: 1518: 3", ex.Message);
    }

    [Fact]
    public void MalformedYamlInAFlowMapping()
    {
        var text = Mutate("external_memory: {kind: DDR3, banks: 2, gbps: 25.6}", "external_memory: {kind: DDR3, banks: 2 gbps: 25.6}");
        AssertFails("malformed_flow", text, "external_memory: {", "malformed YAML", "external_memory");
    }

    [Fact]
    public void DocumentThatIsNotAMapping()
    {
        var ex = Assert.Throws<InputException>(() => DeviceLoader.Load(Write("list", "- a\n- b\n")));
        Assert.StartsWith(Path.Combine(folder, "list.yaml") + ":1:", ex.Message);
        Assert.Contains("mapping", ex.Message);
    }
}
