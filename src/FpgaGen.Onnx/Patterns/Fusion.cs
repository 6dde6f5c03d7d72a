using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// A group of ONNX nodes that becomes one IR layer: it reads activation <see cref="Input"/> and its last node
/// produces <see cref="Output"/>; no other tensor of the group is read outside it.
/// </summary>
/// <param name="Create">Makes the layer from its name, the IR name of its input and its origin (for messages).</param>
internal sealed record Fusion(string Kind, IReadOnlyList<OnnxNode> Nodes, string Input, string Output, Func<string, string, string, Layer> Create)
{
    public OnnxNode Last => Nodes.MaxBy(n => n.Index)!;

    /// <summary>The layer's learned tensors the pattern derived itself (recorded as "layer.part"), if any.</summary>
    public IReadOnlyList<FusedParameter> Parameters { get; init; } = [];
}

/// <summary>A learned tensor of a fused layer: its ONNX source and, where the pattern computed or read them, its values.</summary>
/// <param name="Transposed">The tensor (or <paramref name="Values"/>) is the [in, out] transpose of the [out, in] matrix (MatMul's weight operand).</param>
internal sealed record FusedParameter(string Part, string Tensor, float[]? Values, bool Transposed = false);
