using FpgaGen.Model;
using Google.Protobuf;

namespace FpgaGen.Onnx;

/// <summary>An imported network with what the importer wants the user to know about the mapping.</summary>
/// <param name="Notes">One line each: the opset and producer, the patterns fused, removed nodes, batch-norm handling.</param>
public sealed record OnnxImport(Network Network, IReadOnlyList<string> Notes)
{
    /// <summary>The network input's ONNX name (the first graph input without an initializer).</summary>
    public string Input { get; init; } = "";

    /// <summary>
    /// Where each learned tensor of ModelParameters (FpgaGen.Codegen) comes from in the graph, for the layers
    /// made from one Conv, Gemm, MatMul, BatchNormalization or LayerNormalization node, a MatMul + Add pair or a
    /// LayerNorm with constant statistics (whose running_mean and running_var hold values derived from the graph's).
    /// </summary>
    public IReadOnlyList<OnnxParameter> Parameters { get; init; } = [];
}

/// <summary>
/// One learned tensor of the network ("layer.param", PyTorch layout) and the ONNX tensor it is read from: a graph input
/// (weights fed at run time) or an initializer, whose values <see cref="Constant"/> holds when the importer kept them.
/// </summary>
/// <param name="Transposed">The ONNX tensor is the [in, out] transpose of the [out, in] matrix (MatMul, Gemm with transB = 0).</param>
/// <param name="Scale">A factor to multiply by (Gemm's alpha for the weights, beta for the bias).</param>
public sealed record OnnxParameter(string Name, string Tensor, bool Transposed = false, double Scale = 1)
{
    public float[]? Constant { get; init; }

    /// <summary>The tensor holds integers (QLinearConv/QLinearMatMul weights, their int32 bias): the real values.</summary>
    public IntegerTensor? Dequantize { get; init; }
}

/// <summary>
/// How an integer tensor of the operator form maps to real values, as DequantizeLinear computes them in float32:
/// value[i] = (q[i] − zero_point[c])·scale[c], c = (i / <see cref="Stride"/>) mod Scales.Count (per tensor: one
/// scale). In the ONNX tensor's own layout (before any transposition).
/// </summary>
public sealed record IntegerTensor(IReadOnlyList<double> Scales, IReadOnlyList<long> ZeroPoints, long Stride)
{
    public float[] Real(float[] q)
    {
        var real = new float[q.Length];
        for (var i = 0; i < q.Length; i++)
        {
            var c = (int)(i / Stride % Scales.Count);
            real[i] = (float)(q[i] - ZeroPoints[ZeroPoints.Count == 1 ? 0 : c]) * (float)Scales[c];
        }
        return real;
    }
}

/// <summary>
/// Imports an ONNX model (opsets 6 to 17; full models or graph-only exports whose weights are graph inputs) into
/// the FpgaGen network IR. Every problem with the file is an <see cref="InputException"/> of one line that names
/// the file and, where there is one, the node, its operator and the attribute.
/// </summary>
public static class OnnxImporter
{
    /// <summary>
    /// Largest file read: protobuf cannot serialize a message over 2 GiB, so no valid ONNX file is larger (bigger
    /// models keep their weights in external files, which the importer never needs).
    /// </summary>
    public const long MaxFileBytes = InputFile.OnnxBytes;

    public static Network Load(string path) => Import(path).Network;

    public static OnnxImport Import(string path)
    {
        using var stream = InputFile.OpenRead(path, MaxFileBytes, "ONNX model");
        try
        {
            return Import(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
    }

    /// <summary>Imports a model read from <paramref name="stream"/>; <paramref name="name"/> names it in messages.</summary>
    public static OnnxImport Import(Stream stream, string name)
    {
        if (stream.CanSeek && stream.Length - stream.Position == 0) throw new InputException($"{name}: the file is empty, not an ONNX model");
        ModelMessage model;
        try
        {
            model = OnnxReader.ReadModel(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException($"{name}: not a valid ONNX model: the protobuf data is truncated or corrupt ({FirstSentence(e.Message)})");
        }
        catch (CorruptModelException e)
        {
            throw new InputException($"{name}: not a valid ONNX model: {e.Message}");
        }
        try
        {
            return Convert(model, name);
        }
        catch (CorruptModelException e)
        {
            throw new InputException($"{name}: corrupt ONNX model: {e.Message}");
        }
        catch (OverflowException)
        {
            // Sizes are computed with checked arithmetic; a product past 64 bits means dimensions no model has.
            throw new InputException($"{name}: tensor sizes of the model overflow 64-bit arithmetic (a dimension such as 2147483647 is not a real model's)");
        }
    }

    private static OnnxImport Convert(ModelMessage model, string path)
    {
        var opset = CheckModel(model, path);
        var graph = model.Graph!;
        var notes = new List<string>
        {
            $"ONNX IR version {model.IrVersion}, opset {opset}" + (model.ProducerName.Length > 0 ? $", produced by {model.ProducerName} {model.ProducerVersion}".TrimEnd() : ""),
        };
        var inputs = ModelInputs.Read(graph, path, notes);
        var validated = OnnxGraph.Build(graph, path, inputs.Values.Keys.ToHashSet());
        var evaluator = new Evaluator(inputs.Values, opset);
        evaluator.Run(validated);

        var context = new PatternContext(validated, evaluator, inputs.Batch, opset);
        var fusions = Fusions.Find(context, evaluator);
        var lowering = new Lowering(context, evaluator, path);
        lowering.Run(inputs.Data, fusions);
        if (lowering.Layers.Count == 0)
            throw new InputException($"{path}: no operator of the graph becomes a layer (every node is a no-op on the input, such as an identity Transpose or Reshape, or a constant computation); there is nothing to run");
        var network = Network.Build(Path.GetFileNameWithoutExtension(path), inputs.Shape, lowering.Layers, path);
        lowering.Verify();
        QuantizedStorage.Apply(network);
        notes.AddRange(ImportNotes.Describe(validated, evaluator, lowering, network));
        return new OnnxImport(network, notes) { Input = inputs.Data, Parameters = lowering.Parameters };
    }

    /// <summary>Checks that the message is an ONNX model at all, and returns the default domain's opset.</summary>
    private static int CheckModel(ModelMessage model, string path)
    {
        if (model.IrVersion <= 0 || model.IrVersion > 100)
            throw new InputException($"{path}: not an ONNX model (" + (model.IrVersion == 0 ? "no ir_version field" : $"ir_version {model.IrVersion} is not an ONNX IR version") + ")");
        if (model.Graph is null) throw new InputException($"{path}: not an ONNX model (no graph)");
        var imports = model.Opsets.Where(o => o.Domain is "" or "ai.onnx").ToList();
        if (imports.Count == 0)
            throw new InputException($"{path}: the model imports no opset of the default ONNX domain (IR version {model.IrVersion}); FpgaGen reads opsets {Operators.MinOpset} to {Operators.MaxOpset}");
        var opset = imports.Max(o => o.Version);
        if (opset < Operators.MinOpset || opset > Operators.MaxOpset)
            throw new InputException($"{path}: opset {opset} is not supported (FpgaGen reads opsets {Operators.MinOpset} to {Operators.MaxOpset}; re-export with opset_version={Operators.MaxOpset})");
        if (model.Graph.Nodes.Count == 0) throw new InputException($"{path}: the graph has no nodes");
        return (int)opset;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message.TrimEnd('.')).Replace('\n', ' ');
    }
}
