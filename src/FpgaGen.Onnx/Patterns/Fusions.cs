namespace FpgaGen.Onnx;

/// <summary>
/// Finds the node groups that become single IR layers, so the fused kernels apply: attention first (it contains
/// linear-with-bias shapes of its own), then LayerNorm (with statistics computed, then with constant statistics), GELU,
/// patch embedding and linear layers with a bias.
/// A node belongs to at most one group.
/// </summary>
internal static class Fusions
{
    public static List<Fusion> Find(PatternContext g, Evaluator values)
    {
        var found = new List<Fusion>();
        var taken = new HashSet<OnnxNode>();
        void Take(Fusion? f)
        {
            if (f is null || f.Nodes.Any(taken.Contains)) return;
            found.Add(f);
            taken.UnionWith(f.Nodes);
        }
        var nodes = g.Graph.Nodes.Where(n => n.Outputs.Any(o => o.Length > 0 && g.IsActivation(o))).ToList();
        foreach (var n in nodes.Where(n => n.OpType == "Softmax")) Take(AttentionPattern.Match(g, n));
        foreach (var n in nodes.Where(n => n.OpType == "ReduceMean" && !taken.Contains(n))) Take(LayerNormPattern.Match(g, n));
        foreach (var n in nodes.Where(n => n.OpType is "Sub" or "Mul" && !taken.Contains(n))) Take(StoredLayerNormPattern.Match(g, n));
        foreach (var n in nodes.Where(n => n.OpType == "Erf" && !taken.Contains(n))) Take(GeluPattern.Match(g, n));
        foreach (var n in nodes.Where(n => n.OpType == "Conv" && !taken.Contains(n))) Take(PatchEmbedPattern.Match(g, n, values.Windows[n]));
        foreach (var n in nodes.Where(n => n.OpType == "MatMul" && !taken.Contains(n))) Take(LinearBiasPattern.Match(g, n));
        return found;
    }
}
