namespace FpgaGen.Model;

/// <summary>
/// The arithmetic a layer performs for one sample, in the few forms that accelerator kernels implement.
/// Estimation maps each workload onto a kernel; a layer may lower to several (attention: GEMMs and a softmax).
/// </summary>
public abstract record Workload(string Op);

/// <summary>Direct convolution: OutC×OutH×OutW outputs, each reducing (InC/Groups)×KH×KW products.</summary>
public sealed record ConvWork(string Op, int InC, int InH, int InW, int OutC, int OutH, int OutW, int KH, int KW, int Stride, int Groups)
    : Workload(Op)
{
    public long Macs => (long)OutC * OutH * OutW * (InC / Groups) * KH * KW;
    public long Weights => (long)OutC * (InC / Groups) * KH * KW;
}

/// <summary>
/// Count independent products of an M×K by K×N matrix. When <see cref="StaticWeights"/> is true the K×N operand is
/// a weight matrix (streamed from external memory); otherwise both operands are activations (QKᵀ, AV).
/// </summary>
public sealed record GemmWork(string Op, long M, long N, long K, long Count, bool StaticWeights) : Workload(Op)
{
    public long Macs => checked(M * N * K * Count);
}

/// <summary>
/// Element-wise or windowed streaming work: Elements outputs, each needing OpsPerElement simple operations over
/// Inputs input tensors of (roughly) the output's size times ReadFactor.
/// </summary>
public sealed record StreamWork(string Op, long Elements, double OpsPerElement, int Inputs, double ReadFactor = 1) : Workload(Op);

/// <summary>Row-wise normalization (LayerNorm) or softmax over Rows rows of Cols values: a reduction pass then a scaling pass.</summary>
public sealed record RowWork(string Op, long Rows, long Cols) : Workload(Op);
