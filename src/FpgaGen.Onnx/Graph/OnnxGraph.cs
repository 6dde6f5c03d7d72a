namespace FpgaGen.Onnx;

/// <summary>
/// A validated graph: every node input is defined, no tensor has two producers, there is no cycle. Nodes are in
/// evaluation order and limited to those that contribute to a graph output (dead branches, such as a Dropout mask or
/// a LayerNormalization's saved mean, are dropped).
/// </summary>
internal sealed class OnnxGraph
{
    private readonly Dictionary<string, OnnxNode> producer = new();
    private readonly Dictionary<string, List<OnnxNode>> consumers = new();

    private OnnxGraph(string file, IReadOnlyList<string> outputs)
    {
        File = file;
        Outputs = outputs;
    }

    public string File { get; }
    public IReadOnlyList<OnnxNode> Nodes { get; private set; } = [];
    public IReadOnlyList<string> Outputs { get; }

    public OnnxNode? ProducerOf(string tensor) => producer.GetValueOrDefault(tensor);

    public IReadOnlyList<OnnxNode> ConsumersOf(string tensor) => consumers.TryGetValue(tensor, out var c) ? c : [];

    public bool IsGraphOutput(string tensor) => Outputs.Contains(tensor);

    /// <param name="defined">Names of graph inputs and initializers.</param>
    public static OnnxGraph Build(GraphMessage message, string file, IReadOnlySet<string> defined)
    {
        var graph = new OnnxGraph(file, message.Outputs.Select(o => o.Name).ToList());
        var all = message.Nodes.Select((n, i) => new OnnxNode(n, i, file)).ToList();
        foreach (var node in all)
            foreach (var output in node.Outputs.Where(o => o.Length > 0))
            {
                if (graph.producer.TryGetValue(output, out var other))
                    throw node.Error($"output '{output}' is also produced by {other.Describe}; each tensor must have one producer");
                if (defined.Contains(output))
                    throw node.Error($"output '{output}' has the name of a graph input or initializer");
                graph.producer[output] = node;
            }
        foreach (var node in all)
            foreach (var input in node.Inputs.Where(i => i.Length > 0))
            {
                if (!graph.producer.ContainsKey(input) && !defined.Contains(input))
                    throw node.Error($"input '{input}' is not defined: no node, graph input or initializer produces it");
            }
        foreach (var output in graph.Outputs)
            if (!graph.producer.ContainsKey(output) && !defined.Contains(output))
                throw new InputException($"{file}: graph output '{output}' is not produced by any node");

        var sorted = TopologicalOrder(all, graph.producer, file);
        var live = LiveNodes(graph.Outputs, graph.producer);
        graph.Nodes = sorted.Where(live.Contains).ToList();
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs.Where(i => i.Length > 0).Distinct())
            {
                if (!graph.consumers.TryGetValue(input, out var list)) graph.consumers[input] = list = [];
                list.Add(node);
            }
        return graph;
    }

    /// <summary>Kahn's algorithm; nodes left over lie on or behind a cycle, and one cycle is named in the error.</summary>
    private static List<OnnxNode> TopologicalOrder(List<OnnxNode> nodes, Dictionary<string, OnnxNode> producer, string file)
    {
        var predecessors = nodes.ToDictionary(n => n, n => n.Inputs.Where(producer.ContainsKey).Select(i => producer[i]).Distinct().ToList());
        var successors = nodes.ToDictionary(n => n, _ => new List<OnnxNode>());
        foreach (var (node, preds) in predecessors)
            foreach (var p in preds) successors[p].Add(node);
        var waiting = predecessors.ToDictionary(kv => kv.Key, kv => kv.Value.Count);
        // Among the nodes ready to run, the earliest in the file goes first: exporters write a valid order already,
        // and keeping it keeps the layer list in the order people read the model.
        var ready = new PriorityQueue<OnnxNode, int>(nodes.Where(n => waiting[n] == 0).Select(n => (n, n.Index)));
        var order = new List<OnnxNode>(nodes.Count);
        while (ready.Count > 0)
        {
            var n = ready.Dequeue();
            order.Add(n);
            foreach (var s in successors[n])
                if (--waiting[s] == 0) ready.Enqueue(s, s.Index);
        }
        if (order.Count == nodes.Count) return order;

        // Walk backwards through unsorted predecessors from any unsorted node until a node repeats.
        var path = new List<OnnxNode>();
        var at = nodes.First(n => waiting[n] > 0);
        while (!path.Contains(at))
        {
            path.Add(at);
            at = predecessors[at].First(p => waiting[p] > 0);
        }
        var cycle = path.Skip(path.IndexOf(at)).Reverse().Append(at).Select(n => $"'{n.Name}' ({n.OpType})");
        throw new InputException($"{file}: the graph has a cycle: {string.Join(" -> ", cycle)}");
    }

    private static HashSet<OnnxNode> LiveNodes(IEnumerable<string> outputs, Dictionary<string, OnnxNode> producer)
    {
        var live = new HashSet<OnnxNode>();
        var stack = new Stack<string>(outputs);
        while (stack.Count > 0)
            if (producer.TryGetValue(stack.Pop(), out var n) && live.Add(n))
                foreach (var i in n.Inputs.Where(i => i.Length > 0)) stack.Push(i);
        return live;
    }
}
