namespace FpgaGen.Estimation.Kernels;

/// <summary>The kernel kinds FpgaGen models; each reads its tuning space from templates/&lt;kind&gt;/space.yaml.</summary>
public static class KernelModels
{
    public static readonly IReadOnlyList<string> Ids = ["conv_tiled", "conv_systolic", "gemm", "ln_linear"];

    public static KernelModel Get(string id, string? templatesDir = null) => id switch
    {
        "conv_tiled" => new ConvTiledModel(SpaceLoader.Load(id, templatesDir)),
        "conv_systolic" => new ConvSystolicModel(SpaceLoader.Load(id, templatesDir)),
        "gemm" => new GemmModel(SpaceLoader.Load(id, templatesDir)),
        "ln_linear" => new LnLinearModel(SpaceLoader.Load(id, templatesDir)),
        _ => throw new InputException($"unknown kernel '{id}' (expected one of: {string.Join(", ", Ids)})"),
    };

    public static IReadOnlyList<KernelModel> All(string? templatesDir = null) => Ids.Select(id => Get(id, templatesDir)).ToList();
}
