using System.Globalization;
using FpgaGen.Codegen.Portable;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Codegen.Rendering;

/// <summary>Where the portable form keeps a kernel's FIFO positions and on-chip buffers (see <see cref="Portable.PortableProgramBuilder"/>).</summary>
public sealed record PortableLayout(IReadOnlyDictionary<(string Kernel, string Channel), int> Slots, IReadOnlyDictionary<(string Kernel, string Buffer), long> ScratchOffsets)
{
    /// <summary>With schedule probes: where each buffer's shadow (the last trip that updated each word) is in the scratch buffer.</summary>
    public IReadOnlyDictionary<(string Kernel, string Buffer), long> ShadowOffsets { get; init; } = new Dictionary<(string, string), long>();

    /// <summary>Kernels take the schedule counters (fg_sched) as their last argument.</summary>
    public bool Probed { get; init; }
}

/// <summary>
/// Renders a design's kernels from its plan: one OpenCL source (aoc or portable) or the HLS C++ files. Every array
/// size, partition factor, stream type and depth below is a number of the plan.
/// </summary>
public static class KernelSources
{
    /// <summary>
    /// The .cl text: prelude, then every kernel group of the design. With <paramref name="probes"/> (portable form only)
    /// the kernels carry the schedule check's counters; otherwise every access is plain C.
    /// </summary>
    public static string OpenCl(AcceleratorDesign d, PortableLayout? portable, ScheduleProbes? probes = null)
    {
        if (probes is not null && portable is null) throw new ArgumentException("schedule probes need the portable form", nameof(probes));
        var lib = d.Library;
        var flavor = portable is null ? Flavor.Intel : Flavor.Portable;
        var prelude = Prelude(d, portable is not null, Language.OpenCl);
        prelude["schedule"] = probes is null ? TemplateLibrary.DropLine : probes.Prelude();
        prelude["probed"] = probes is not null;
        var parts = new List<string> { lib.Render(flavor, "common/opencl/prelude.cl.sbn", prelude) };
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in d.Plan.Groups)
        {
            var context = GroupContext(d, g, flavor, portable, declared);
            context["probed"] = probes is not null;
            parts.Add(lib.Render(flavor, $"{g.TemplateDir}/intel/{g.Name}.cl.sbn", context, probes is null ? null : Probes(lib, g, probes, portable!)));
        }
        var text = string.Join("\n", parts);
        return probes is null ? GlobalAccesses.Plain(text) : text;
    }

    /// <summary>The template functions of the instrumented build: loop marks, dependence probes, kernel hooks.</summary>
    private static Dictionary<string, Delegate> Probes(TemplateLibrary lib, GroupPlan g, ScheduleProbes probes, PortableLayout layout)
    {
        var stages = g.Stages.ToDictionary(s => s.Name);
        return new()
        {
            ["pipeline"] = new Func<Scriban.TemplateContext, string>(c => probes.MarkLoop(lib.Location(c))),
            ["dep"] = new Func<string, string, string>((buffer, index) => $"FG_DEP({buffer}, {index});"),
            ["dep_loop"] = new Func<string, long, string>((buffer, _) => $"FG_DEP_BEGIN({buffer});"),
            ["probe_begin"] = new Func<string, string>(k => probes.BeginKernel(stages[k], b => layout.ShadowOffsets[(k, b)])),
            ["probe_end"] = new Func<string, string>(k => probes.EndKernel(stages[k].Ports.Select(p => p.Name))),
        };
    }

    /// <summary>HLS files by project-relative path: support header, configuration, types, and one .cpp per group.</summary>
    public static IReadOnlyDictionary<string, string> Hls(AcceleratorDesign d)
    {
        var lib = d.Library;
        var files = new Dictionary<string, string>
        {
            ["src/fpgagen_hls.h"] = lib.Raw("common/hls/fpgagen_hls.h"),
            ["src/fpgagen_config.h"] = $"/* FpgaGen design configuration: {d.Title}.\n   The hardware plan's macros (design.json \"plan\"); shared by the HLS kernels and their testbenches. */\n"
                + "#ifndef FPGAGEN_CONFIG_H\n#define FPGAGEN_CONFIG_H\n" + GeneratedHeaders.Config(d.Plan) + "#endif\n",
            ["src/fpgagen_types.h"] = lib.Render(Flavor.Hls, "common/hls/types.h.sbn", Prelude(d, false, Language.Cpp)),
        };
        foreach (var g in d.Plan.Groups)
        {
            files[$"src/{g.Name}.cpp"] = GlobalAccesses.Plain(lib.Render(Flavor.Hls, $"{g.TemplateDir}/hls/{g.Name}.cpp.sbn",
                GroupContext(d, g, Flavor.Hls, null, new HashSet<string>(StringComparer.Ordinal))));
            files[$"src/{g.Name}.h"] = $"/* {g.Top}: the kernel of group {g.Name} ({d.Title}). */\n"
                + $"#ifndef FPGAGEN_{g.Name.ToUpperInvariant()}_H\n#define FPGAGEN_{g.Name.ToUpperInvariant()}_H\n#include \"fpgagen_types.h\"\n\n"
                + $"extern \"C\" void {g.Top}({Join(g.TopParams.Select(HlsParam))});\n\n#endif\n";
        }
        return files;
    }

    private static Dictionary<string, object> Prelude(AcceleratorDesign d, bool portable, Language language) => new()
    {
        ["title"] = d.Title,
        ["portable"] = portable,
        ["fp16"] = d.Lowered.Precision == Precision.Fp16,
        ["config"] = GeneratedHeaders.Config(d.Plan).TrimEnd('\n'),
        ["types"] = GeneratedHeaders.Types(d.Plan, language).TrimEnd('\n'),
        ["opcodes"] = GeneratedHeaders.OpCodes().TrimEnd('\n'),
    };

    private static Dictionary<string, object> GroupContext(AcceleratorDesign d, GroupPlan g, Flavor flavor, PortableLayout? portable, ISet<string> declared)
    {
        var itemType = g.Streams.ToDictionary(s => s.Name, s => s.Item);
        var structs = GeneratedHeaders.Structs(g, declared).TrimEnd('\n');
        return new Dictionary<string, object>
        {
            ["portable"] = flavor == Flavor.Portable,
            ["fused_ln"] = g.Streams.Any(s => s.Name == "gm_s"),
            ["acclat"] = d.Plan.Define("ACCLAT"),
            ["facclat"] = d.Plan.Define("FACCLAT"),
            ["structs"] = structs.Length == 0 ? TemplateLibrary.DropLine : structs,
            ["channels"] = g.Streams.Select(s => new Dictionary<string, object> { ["name"] = s.Name, ["type"] = s.Item, ["depth"] = s.Depth }).ToList(),
            ["kernels"] = g.Stages.Select(k => new Dictionary<string, object>
            {
                ["name"] = k.Name,
                ["body"] = k.Body,
                ["signature"] = Join(k.Params.Select(OpenClParam)),
                ["portable_signature"] = Join(k.Params.Select(OpenClParam)
                    .Concat(k.Channels.Select(ch => $"__global {itemType[ch]}* restrict {ch}_fifo, int {ch}_cap"))
                    .Append("__global uchar* restrict fg_scratch, __global int* restrict fg_counts")
                    .Concat(portable?.Probed == true ? ["__global ulong* restrict fg_sched"] : Array.Empty<string>())),
                ["hls_signature"] = Join(k.Params.Select(HlsParam).Concat(k.Channels.Select(ch => $"hls::stream<{itemType[ch]}>& {ch}"))),
                ["hls_call"] = string.Join(", ", k.Params.Select(p => p.Name).Concat(k.Channels)),
                // A stage between streams only (no AXI master) pipelines free-running: its control no longer fans out
                // to every stage of a wide datapath (UG1448, Pipeline Styles: frp for dataflow-internal processes, not for MAXI).
                ["hls_pipeline"] = k.Ports.Count == 0 ? TemplateLibrary.HlsPipeline + " style=frp" : TemplateLibrary.HlsPipeline,
                ["fifos"] = k.Channels.Select(ch => new Dictionary<string, object>
                {
                    ["name"] = ch, ["slot"] = portable is null ? -1 : portable.Slots[(k.Name, ch)],
                }).ToList(),
                ["buffers"] = k.Buffers.Select(b => new Dictionary<string, object>
                {
                    ["name"] = b.Name, ["type"] = b.Element, ["size"] = Number(b.Words * b.Copies),
                    // Partition factors as numbers: HLS pragma arguments are not macro-expanded by every tool version.
                    ["partitioned"] = !b.InRegisters && b.Banks > 1,
                    ["partition"] = Number(b.Banks),
                    ["offset"] = portable is null ? 0 : portable.ScratchOffsets[(k.Name, b.Name)],
                    ["registers"] = b.InRegisters,
                }).ToList(),
            }).ToList(),
            ["top"] = g.Top,
            ["group"] = g.Name,
            ["top_signature"] = Join(g.TopParams.Select(HlsParam)),
            ["pointers"] = g.TopParams.Where(p => p.IsPointer)
                .Select(p => new Dictionary<string, object> { ["name"] = p.Name, ["bundle"] = g.Stages.SelectMany(s => s.Ports).First(q => q.Name == p.Name).Interface })
                .ToList(),
            ["scalars"] = g.TopParams.Where(p => !p.IsPointer).Select(p => p.Name).ToList(),
        };
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Join(IEnumerable<string> items) => "\n    " + string.Join(",\n    ", items);

    private static string OpenClParam(KernelParam p) => p.PointerType switch
    {
        null => $"int {p.Name}",
        var t when p.Writes => $"__global {t}* restrict {p.Name}",
        var t => $"__global const {t}* restrict {p.Name}",
    };

    private static string HlsParam(KernelParam p) => p.PointerType switch
    {
        null => $"int {p.Name}",
        var t when p.Writes => $"{t}* {p.Name}",
        var t => $"const {t}* {p.Name}",
    };
}
