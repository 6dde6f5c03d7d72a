using FpgaGen.Kernels.Kinds.Gemm;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;

namespace FpgaGen.Kernels.Kinds.LnLinear;

/// <summary>
/// The GEMM engine with LayerNorm folded into the linear layer that follows it: with γ, β folded into the weights
/// (W' = W·diag(γ), b' = W·β + b), the engine runs W'x on the raw input and the writer corrects at the end,
/// y = (W'x − μ·(W'·1))/σ + b', with μ and 1/σ computed by the reader from the block it holds anyway. Templates:
/// templates/ln_linear/ (the group files; the bodies are gemm's).
/// </summary>
public sealed class LnLinearKind(ParameterSpace space) : GemmKind(space)
{
    public new const string Name = "ln_linear";

    public override string Title => "fused LayerNorm + linear GEMM engine";

    protected override bool FusesLayerNorm => true;

    public override LoweringOptions Lowering => new(FuseLayerNorm: true);

    public override bool AppliesTo(Network network) => ExecutionModes.FusableLayerNorms(network).Count > 0;
}
