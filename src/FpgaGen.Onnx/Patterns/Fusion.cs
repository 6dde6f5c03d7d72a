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
}
