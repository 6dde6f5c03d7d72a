using FpgaGen.Codegen.Weights;
using FpgaGen.Model;
using FpgaGen.Onnx;

namespace FpgaGen.Simulation;

/// <summary>
/// The weights a simulation runs with, as <see cref="ModelParameters"/> names and lays them out ("layer.param",
/// PyTorch layout): from an ONNX file's own initializers, from a NumPy .npz whose keys are either our names (the
/// ONNX node path, "features/features.0.weight") or the ONNX tensor names (for a PyTorch export, its state_dict keys,
/// "features.0.weight"), or random.
/// </summary>
public static class ModelWeights
{
    /// <summary>
    /// The weights stored in the ONNX file, or null when it stores none (a graph-only export, whose weights are graph
    /// inputs). A file that stores some but not all of them is an error naming the first missing one.
    /// </summary>
    public static IReadOnlyDictionary<string, float[]>? FromOnnx(OnnxImport import, string path)
    {
        var wanted = import.Parameters.Where(p => p.Constant is null).Select(p => p.Tensor).ToHashSet();
        var stored = wanted.Count == 0 ? new Dictionary<string, float[]>() : OnnxInitializers.Read(path, wanted);
        if (wanted.Count > 0 && stored.Count == 0) return null;
        return Arrange(import, t => stored.GetValueOrDefault(t), tensor =>
            $"{path}: the model stores some of its weights but not '{tensor}' (a graph input without an initializer); give them all with --weights FILE.npz");
    }

    /// <summary>
    /// The tensors of ModelParameters from the ONNX tensors <paramref name="lookup"/> finds: transposed where the ONNX
    /// node holds the [in, out] matrix (MatMul, Gemm with transB = 0), scaled by Gemm's alpha and beta, a one-element
    /// tensor broadcast.
    /// </summary>
    public static Dictionary<string, float[]> Arrange(OnnxImport import, Func<string, float[]?> lookup, Func<string, string> missing)
    {
        var sources = import.Parameters.ToDictionary(p => p.Name);
        var weights = new Dictionary<string, float[]>();
        foreach (var (name, shape) in ModelParameters.Of(import.Network))
        {
            if (!sources.TryGetValue(name, out var p))
                throw new InputException($"{import.Network.Name}: the ONNX importer does not say which tensor layer parameter '{name}' comes from (a fused pattern); give the weights with --weights FILE.npz");
            var values = p.Constant ?? (lookup(p.Tensor) is { } raw ? p.Dequantize?.Real(raw) ?? raw : null) ?? throw new InputException(missing(p.Tensor));
            weights[name] = FromOnnxLayout(p, values, shape, import.Network.Name);
        }
        return weights;
    }

    /// <summary>
    /// The tensors of an .npz archive under ModelParameters' names. Each is looked up by that name (PyTorch layout),
    /// then, for an ONNX model, by the name of the ONNX tensor it comes from (ONNX layout: transposed as the node
    /// needs), then by the name's last path part when no other parameter shares it ("features/features.0.weight" as
    /// "features.0.weight", PyTorch's state_dict key for a module path features.0).
    /// </summary>
    public static IReadOnlyDictionary<string, float[]> FromNpz(IReadOnlyDictionary<string, float[]> npz, Network net, OnnxImport? import, string path)
    {
        var sources = import?.Parameters.ToDictionary(p => p.Name) ?? [];
        var all = ModelParameters.Of(net);
        var shortNames = all.GroupBy(p => ShortName(p.Name)).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Name);
        var weights = new Dictionary<string, float[]>();
        foreach (var (name, shape) in all)
        {
            if (npz.TryGetValue(name, out var direct)) weights[name] = direct;
            else if (sources.TryGetValue(name, out var p) && npz.TryGetValue(p.Tensor, out var onnx))
                weights[name] = FromOnnxLayout(p, p.Dequantize?.Real(onnx) ?? onnx, shape, path);
            else if (shortNames.ContainsKey(ShortName(name)) && npz.TryGetValue(ShortName(name), out var state)) weights[name] = state;
            else
            {
                var tried = new[] { name, sources.GetValueOrDefault(name)?.Tensor, shortNames.ContainsKey(ShortName(name)) ? ShortName(name) : null }
                    .Where(n => n is not null).Distinct().Select(n => $"'{n}'");
                throw new InputException($"{path}: missing tensor '{name}' (shape [{string.Join(", ", shape)}]); looked for {string.Join(", ", tried)}");
            }
        }
        ModelParameters.Check(net, weights);
        return weights;
    }

    private static string ShortName(string name) => name[(name.LastIndexOf('/') + 1)..];

    private static float[] FromOnnxLayout(OnnxParameter p, float[] values, int[] shape, string where)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        if (p.Transposed && values.Length == count)
        {
            // ONNX [in, out] to [out, in].
            var (rows, cols) = (shape[1], shape[0]);
            var transposed = new float[values.Length];
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < cols; c++) transposed[c * rows + r] = values[r * cols + c];
            values = transposed;
        }
        if (values.Length == 1 && count > 1) values = Enumerable.Repeat(values[0], count).ToArray();
        if (values.Length != count)
            throw new InputException($"{where}: ONNX tensor '{p.Tensor}' has {values.Length} values; layer parameter '{p.Name}' needs [{string.Join(", ", shape)}]");
        return p.Scale == 1 ? values : values.Select(v => (float)(v * p.Scale)).ToArray();
    }
}
