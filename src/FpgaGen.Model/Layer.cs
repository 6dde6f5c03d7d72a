namespace FpgaGen.Model;

/// <summary>
/// One node of the network graph. Subclasses know their own shape rule, MAC and parameter counts; how a layer runs
/// on the accelerator is the lowering's business (FpgaGen.Kernels). MACs and parameters are per sample (batch 1).
/// </summary>
public abstract class Layer
{
    protected Layer(string name, IReadOnlyList<string> inputs)
    {
        Name = name;
        Inputs = inputs;
    }

    public string Name { get; }

    /// <summary>Names of the layers (or "input") whose outputs feed this one.</summary>
    public IReadOnlyList<string> Inputs { get; internal set; }

    /// <summary>Where the layer was defined ("designs/x.yaml:12:5", an ONNX node name), for error messages.</summary>
    public string? Origin { get; init; }

    public abstract string Kind { get; }

    /// <summary>
    /// This layer's own data type when the model fixes one (a design file's <c>precision:</c>, a quantized ONNX
    /// model's int8 layers); null: the network-wide type chosen on the command line.
    /// </summary>
    public Precision? Precision { get; set; }

    /// <summary>Scales and zero points of a layer from a quantized ONNX model (QDQ or QLinear operators), if any.</summary>
    public LayerQuantization? Quantization { get; set; }

    /// <summary>Short description of the layer's own settings, e.g. "11x11/4 p2 g2".</summary>
    public virtual string Details => "";

    /// <summary>How many inputs the layer takes; 0 means two or more.</summary>
    public virtual int Arity => 1;

    public IReadOnlyList<Shape> InputShapes { get; private set; } = [];
    public Shape Output { get; private set; } = null!;
    public long Macs { get; private set; }
    public long Params { get; private set; }

    /// <summary>Computes the output shape and counts from the input shapes; throws <see cref="ShapeException"/>.</summary>
    internal void Bind(IReadOnlyList<Shape> inputs)
    {
        InputShapes = inputs;
        checked
        {
            Output = InferShape(inputs);
            Macs = CountMacs();
            Params = CountParams();
        }
    }

    protected abstract Shape InferShape(IReadOnlyList<Shape> inputs);
    protected virtual long CountMacs() => 0;
    protected virtual long CountParams() => 0;

    protected Shape In => InputShapes[0];

    protected static Shape RequireRank(Shape s, string what, params int[] ranks) =>
        ranks.Contains(s.Rank) ? s : throw new ShapeException($"expected {what}, got a tensor of shape {s}");
}
