using System.Collections.Concurrent;
using FpgaGen.Kernels.Kinds.ConvSystolic;
using FpgaGen.Kernels.Kinds.ConvTiled;
using FpgaGen.Kernels.Kinds.Gemm;
using FpgaGen.Kernels.Kinds.LnLinear;

namespace FpgaGen.Kernels.Kinds;

/// <summary>The registry of kernel kinds: adding a kind is a folder under Kinds/ and one line here.</summary>
public static class KernelKinds
{
    private static readonly (string Id, Func<ParameterSpace, KernelKind> Create)[] Factories =
    [
        (ConvTiledKind.Name, s => new ConvTiledKind(s)),
        (ConvSystolicKind.Name, s => new ConvSystolicKind(s)),
        (GemmKind.Name, s => new GemmKind(s)),
        (LnLinearKind.Name, s => new LnLinearKind(s)),
    ];

    private static readonly ConcurrentDictionary<(string Id, string Dir), KernelKind> Loaded = new();

    public static IReadOnlyList<string> Ids { get; } = Factories.Select(f => f.Id).ToList();

    /// <param name="templatesDir">Templates folder holding &lt;id&gt;/space.yaml; default the installed templates/.</param>
    public static KernelKind Get(string id, string? templatesDir = null)
    {
        var factory = Factories.FirstOrDefault(f => f.Id == id).Create
            ?? throw new InputException($"unknown kernel '{id}' (expected one of: {string.Join(", ", Ids)})");
        var dir = Path.GetFullPath(templatesDir ?? DataPaths.Templates);
        return Loaded.GetOrAdd((id, dir), key => factory(SpaceLoader.Load(key.Id, key.Dir)));
    }

    public static IReadOnlyList<KernelKind> All(string? templatesDir = null) => Ids.Select(id => Get(id, templatesDir)).ToList();
}
