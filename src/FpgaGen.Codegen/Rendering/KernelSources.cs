using System.Globalization;
using FpgaGen.Codegen.Kernels;

namespace FpgaGen.Codegen.Rendering;

/// <summary>Where the portable form keeps a kernel's FIFO positions and on-chip buffers (see <see cref="Portable.PortableProgramBuilder"/>).</summary>
public sealed record PortableLayout(IReadOnlyDictionary<(string Kernel, string Channel), int> Slots, IReadOnlyDictionary<(string Kernel, string Buffer), long> ScratchOffsets);

/// <summary>Renders a design's kernels: one OpenCL source (aoc or portable) or the HLS C++ files.</summary>
public static class KernelSources
{
    /// <summary>The .cl text: prelude, then every kernel group of the design.</summary>
    public static string OpenCl(DesignConfig c, string title, PortableLayout? portable, TemplateLibrary? library = null)
    {
        var lib = library ?? TemplateLibrary.Load();
        var flavor = portable is null ? Flavor.Intel : Flavor.Portable;
        var parts = new List<string> { lib.Render(flavor, "common/opencl/prelude.cl.hbs", Prelude(c, title, portable is not null)) };
        var vecTypeDone = false;
        foreach (var g in c.Groups)
        {
            var ctx = GroupContext(c, g, flavor, portable, vecTypeDone);
            parts.Add(lib.Render(flavor, $"{g.TemplateDir}/intel/{g.Name}.cl.hbs", ctx));
            vecTypeDone |= g.Name.StartsWith("vu_", StringComparison.Ordinal);
        }
        return string.Join("\n", parts);
    }

    /// <summary>HLS files by project-relative path: support header, configuration, types, and one .cpp per group.</summary>
    public static IReadOnlyDictionary<string, string> Hls(DesignConfig c, string title, TemplateLibrary? library = null)
    {
        var lib = library ?? TemplateLibrary.Load();
        var files = new Dictionary<string, string>
        {
            ["src/fpgagen_hls.h"] = lib.Raw("common/hls/fpgagen_hls.h"),
            ["src/fpgagen_config.h"] = "#ifndef FPGAGEN_CONFIG_H\n#define FPGAGEN_CONFIG_H\n"
                + lib.Render(Flavor.Hls, "common/config.h.hbs", Prelude(c, title, false)) + "\n#endif\n",
            ["src/fpgagen_types.h"] = lib.Render(Flavor.Hls, "common/hls/types.h.hbs", Prelude(c, title, false)),
        };
        foreach (var g in c.Groups)
        {
            files[$"src/{g.Name}.cpp"] = lib.Render(Flavor.Hls, $"{g.TemplateDir}/hls/{g.Name}.cpp.hbs", GroupContext(c, g, Flavor.Hls, null, false));
            files[$"src/{g.Name}.h"] = $"/* {g.HlsTop}: the kernel of group {g.Name} ({CNames.CommentText(title)}). */\n"
                + $"#ifndef FPGAGEN_{g.Name.ToUpperInvariant()}_H\n#define FPGAGEN_{g.Name.ToUpperInvariant()}_H\n#include \"fpgagen_types.h\"\n\n"
                + $"extern \"C\" void {g.HlsTop}({Join(g.TopParams.Select(HlsParam))});\n\n#endif\n";
        }
        return files;
    }

    private static Dictionary<string, object> Prelude(DesignConfig c, string title, bool portable) => new()
    {
        ["title"] = CNames.CommentText(title),
        ["portable"] = portable,
        ["fp16"] = c.Network.Precision == Precision.Fp16,
        ["precision_macro"] = c.Network.Precision.Id().ToUpperInvariant(),
        ["defines"] = c.Defines.Where(d => !d.Derived).Select(d => new Dictionary<string, object> { ["name"] = d.Name, ["value"] = d.Value }).ToList(),
        ["derived"] = c.Defines.Where(d => d.Derived).Select(d => new Dictionary<string, object> { ["name"] = d.Name, ["expression"] = d.Expression! }).ToList(),
    };

    private static Dictionary<string, object> GroupContext(DesignConfig c, KernelGroup g, Flavor flavor, PortableLayout? portable, bool vecTypeDone)
    {
        var channelType = g.Channels.ToDictionary(ch => ch.Name, ch => ch.Type);
        return new Dictionary<string, object>
        {
            ["portable"] = flavor == Flavor.Portable,
            ["fused_ln"] = g.Name == "ln_linear",
            ["vec_type_done"] = vecTypeDone,
            ["channels"] = g.Channels.Select(ch => new Dictionary<string, object> { ["name"] = ch.Name, ["type"] = ch.Type, ["depth"] = ch.Depth }).ToList(),
            ["kernels"] = g.Kernels.Select(k => new Dictionary<string, object>
            {
                ["name"] = k.Name,
                ["body"] = k.Body,
                ["signature"] = Join(k.Params.Select(OpenClParam)),
                ["portable_signature"] = Join(k.Params.Select(OpenClParam)
                    .Concat(k.Channels.Select(ch => $"__global {channelType[ch]}* restrict {ch}_fifo, int {ch}_cap"))
                    .Append("__global uchar* restrict fg_scratch, __global int* restrict fg_counts")),
                ["hls_signature"] = Join(k.Params.Select(HlsParam).Concat(k.Channels.Select(ch => $"hls::stream<{channelType[ch]}>& {ch}"))),
                ["hls_call"] = string.Join(", ", k.Params.Select(p => p.Name).Concat(k.Channels)),
                ["fifos"] = k.Channels.Select(ch => new Dictionary<string, object>
                {
                    ["name"] = ch, ["slot"] = portable is null ? -1 : portable.Slots[(k.Name, ch)],
                }).ToList(),
                ["buffers"] = k.Buffers.Select(b => new Dictionary<string, object>
                {
                    // Partition factors as numbers: HLS pragma arguments are not macro-expanded by every tool version.
                    ["name"] = b.Name, ["type"] = b.Type, ["size"] = b.Size, ["partition"] = b.Partition is null ? "" : c.Evaluate(b.Partition).ToString(CultureInfo.InvariantCulture),
                    ["offset"] = portable is null ? 0 : portable.ScratchOffsets[(k.Name, b.Name)],
                    ["registers"] = b.Registers,
                }).ToList(),
            }).ToList(),
            ["top"] = g.HlsTop,
            ["group"] = g.Name,
            ["top_signature"] = Join(g.TopParams.Select(HlsParam)),
            ["pointers"] = g.TopParams.Where(p => p.IsPointer).Select(p => new Dictionary<string, object> { ["name"] = p.Name, ["bundle"] = Bundle(p.Name) }).ToList(),
            ["scalars"] = g.TopParams.Where(p => !p.IsPointer).Select(p => p.Name).ToList(),
        };
    }

    /// <summary>
    /// AXI bundle of an HLS pointer: activations read (x, a) and the right-hand operand (w, s) on their own ports so
    /// the reader fetches both at once, the output on a third, the small per-step parameters on a fourth.
    /// </summary>
    public static string Bundle(string pointer) => pointer switch
    {
        "x" or "a" => "gmem0",
        "w" or "s" => "gmem1",
        "y" => "gmem2",
        _ => "gmem3",
    };

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
