namespace FpgaGen.Model;

/// <summary>Where a LayerNorm's mean and variance come from.</summary>
public enum LayerNormStats
{
    /// <summary>Computed over each row's features at run time (the usual LayerNorm).</summary>
    Runtime,

    /// <summary>
    /// Per-feature moving mean and variance saved during training and used as constants at inference (the FFCNN
    /// thesis's LayerNorm, Université Paris-Est-Créteil 2022, seed 004): the layer is then a fixed affine map, which
    /// the lowering folds into the linear layer after it, as batch norm into a convolution.
    /// </summary>
    Stored,
}

/// <summary>
/// Layer normalization over the feature axis with learned γ and β (2 parameters per feature). With stored
/// statistics it also holds per-feature running_mean and running_var, buffers that (as for batch norm in PyTorch)
/// are not counted as parameters.
/// </summary>
public sealed class LayerNormLayer(string name, IReadOnlyList<string> inputs, LayerNormStats stats = LayerNormStats.Runtime) : Layer(name, inputs)
{
    /// <summary>ε added to the variance, as torchvision's ViT sets it (the packer and the reference use this value).</summary>
    public const double Epsilon = 1e-6;

    public LayerNormStats Stats { get; } = stats;

    public override string Kind => "layernorm";
    public override string Details => Stats == LayerNormStats.Stored ? "stored stats" : "";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs) => RequireRank(inputs[0], "a token sequence or a feature vector", 1, 2);
    protected override long CountParams() => 2L * In[^1];
}

/// <summary>
/// Multi-head self-attention as in torch.nn.MultiheadAttention: packed QKV projection (3D×D + 3D), per head
/// QKᵀ/√d, softmax and AV, then the output projection (D×D + D). Input and output are T tokens × D features.
/// </summary>
public sealed class AttentionLayer(string name, IReadOnlyList<string> inputs, int heads, bool bias = true) : Layer(name, inputs)
{
    public int Heads { get; } = heads > 0 ? heads : throw new ShapeException($"heads must be positive, got {heads}");
    public bool Bias { get; } = bias;

    public override string Kind => "attention";
    public override string Details => $"{Heads} heads";

    private long T => In[0];
    private long D => In[1];

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = RequireRank(inputs[0], "a token sequence (tokens x features)", 2);
        if (x[1] % Heads != 0) throw new ShapeException($"features {x[1]} are not divisible by {Heads} heads");
        return x;
    }

    /// <summary>QKV 3·T·D², QKᵀ and AV T²·D each (all heads together), output projection T·D².</summary>
    protected override long CountMacs() => 4 * T * D * D + 2 * T * T * D;

    protected override long CountParams() => 4 * D * D + (Bias ? 4 * D : 0);

}

/// <summary>Prepends a learned class token to the sequence (D parameters).</summary>
public sealed class ClassTokenLayer(string name, IReadOnlyList<string> inputs) : Layer(name, inputs)
{
    public override string Kind => "class_token";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = RequireRank(inputs[0], "a token sequence (tokens x features)", 2);
        return new Shape(x[0] + 1, x[1]);
    }

    protected override long CountParams() => In[1];
}

/// <summary>Adds a learned position embedding, one D-vector per token (T·D parameters).</summary>
public sealed class PositionEmbedLayer(string name, IReadOnlyList<string> inputs) : Layer(name, inputs)
{
    public override string Kind => "pos_embed";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs) => RequireRank(inputs[0], "a token sequence (tokens x features)", 2);
    protected override long CountParams() => In.Elements;
}

/// <summary>Takes one token of a sequence (the class token for ViT's head); a view, no arithmetic.</summary>
public sealed class SelectTokenLayer(string name, IReadOnlyList<string> inputs, int index) : Layer(name, inputs)
{
    public int Index { get; } = index >= 0 ? index : throw new ShapeException($"token index must be zero or more, got {index}");

    public override string Kind => "select_token";
    public override string Details => $"token {Index}";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = RequireRank(inputs[0], "a token sequence (tokens x features)", 2);
        if (Index >= x[0]) throw new ShapeException($"token index {Index} is outside the {x[0]} tokens");
        return new Shape(x[1]);
    }

}
