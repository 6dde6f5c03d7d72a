namespace FpgaGen.Onnx;

/// <summary>
/// A graph node with its position in evaluation order and typed access to its attributes. Every error about a node
/// goes through <see cref="Error"/>, so messages always name the file, the node and its operator.
/// </summary>
internal sealed class OnnxNode(NodeMessage message, int index, string file)
{
    public NodeMessage Message { get; } = message;
    public int Index { get; } = index;

    /// <summary>The node's name, or "OpType_index" when the file leaves it empty (names are optional in ONNX).</summary>
    public string Name { get; } = message.Name.Length > 0 ? message.Name : $"{message.OpType}_{index}";

    public string OpType => Message.OpType;
    public IReadOnlyList<string> Inputs => Message.Inputs;
    public IReadOnlyList<string> Outputs => Message.Outputs;

    /// <summary>Input <paramref name="i"/>, or null when absent (optional inputs may be left out or given as "").</summary>
    public string? Input(int i) => i < Inputs.Count && Inputs[i].Length > 0 ? Inputs[i] : null;

    public string Describe => $"node '{Name}' ({OpType})";

    public InputException Error(string message) => new($"{file}: {Describe}: {message}");

    public AttributeMessage? Attribute(string name) => Message.Attributes.FirstOrDefault(a => a.Name == name);

    public bool Has(string name) => Attribute(name) is not null;

    public long Int(string name, long fallback)
    {
        var a = Attribute(name);
        if (a is null) return fallback;
        if (a.Type is AttributeType.Int || a.Type == AttributeType.Undefined && a.HasI) return a.I;
        throw Error($"attribute '{name}' should be an integer, got {a.Type}");
    }

    public float Float(string name, float fallback)
    {
        var a = Attribute(name);
        if (a is null) return fallback;
        if (a.Type is AttributeType.Float || a.Type == AttributeType.Undefined && a.HasF) return a.F;
        throw Error($"attribute '{name}' should be a float, got {a.Type}");
    }

    public string String(string name, string fallback)
    {
        var a = Attribute(name);
        if (a is null) return fallback;
        if (a.Type is AttributeType.String || a.Type == AttributeType.Undefined && a.HasS) return a.S;
        throw Error($"attribute '{name}' should be a string, got {a.Type}");
    }

    public long[]? Ints(string name)
    {
        var a = Attribute(name);
        if (a is null) return null;
        if (a.Type is AttributeType.Ints || a.Type == AttributeType.Undefined) return [.. a.Ints];
        throw Error($"attribute '{name}' should be a list of integers, got {a.Type}");
    }

    /// <summary>Rejects attributes the importer does not know for this operator, naming the first one.</summary>
    public void CheckAttributes(IReadOnlyCollection<string> known)
    {
        foreach (var a in Message.Attributes)
            if (!known.Contains(a.Name))
                throw Error($"attribute '{a.Name}' is not supported" + (known.Count > 0 ? $" (known: {string.Join(", ", known)})" : " (the operator takes none)"));
    }

    public InputException Unsupported(string attribute, string value, string why) =>
        Error($"attribute '{attribute}' = {value} is not supported: {why}");
}
