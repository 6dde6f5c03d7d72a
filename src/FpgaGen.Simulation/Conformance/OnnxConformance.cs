using System.Text.RegularExpressions;
using FpgaGen.Codegen;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Kinds.Gemm;
using FpgaGen.Kernels.Weights;
using FpgaGen.Onnx;
using FpgaGen.OpenCl;
using FpgaGen.Simulation;

namespace FpgaGen.Simulation.Conformance;

public enum ConformanceStatus { Pass, Fail, Rejected }

/// <summary>One ONNX backend test case run on our kernels: <see cref="MaxError"/> is the largest absolute difference from output_0.pb.</summary>
public sealed record ConformanceResult(string Op, string Case, ConformanceStatus Status, double MaxError, string? Reason);

/// <summary>
/// Runs ONNX backend node tests (model.onnx, test_data_set_0/input_N.pb and output_0.pb, as Debian's libonnx-testdata
/// installs them) through the importer and a small fixed design, executing the design's portable OpenCL kernels
/// through the launch plan and comparing the output with the case's expected output, not with our reference. The
/// network input is the first graph input without an initializer, with the batch of its input file; every other input
/// is a weight tensor, mapped to the layer parameters through <see cref="OnnxImport.Parameters"/>. Programs are
/// built once per source text.
/// </summary>
public sealed partial class OnnxConformance(OpenClSession session) : IDisposable
{
    /// <summary>The fixed design: the GEMM engine (it runs convolutions and linear layers) and its vector unit, float32.</summary>
    public const string Kernel = GemmKind.Name;

    /// <summary>The plan needs a device; only its RAM block shapes matter here, and any catalog board runs these shapes.</summary>
    public static Device Device => DeviceCatalog.Default.Get("a10_385a");

    public static readonly IReadOnlyDictionary<string, int> Parameters = new Dictionary<string, int> { ["Tm"] = 8, ["Tn"] = 8, ["Tk"] = 8, ["vu"] = 8 };

    /// <summary>Allowed error: relative to the expected output's largest magnitude, plus an absolute floor.</summary>
    public const double RelativeTolerance = 1e-4, AbsoluteTolerance = 1e-5;

    /// <summary>The operators covered and the case directories (names) that test each.</summary>
    public static readonly IReadOnlyList<(string Op, Regex Cases)> Suites =
    [
        ("Conv", CaseRegex("^test_(basic_)?conv_")),
        ("Gemm", CaseRegex("^test_gemm_")),
        ("MatMul", CaseRegex("^test_matmul_")),
        ("Relu", CaseRegex("^test_relu$")),
        ("MaxPool", CaseRegex("^test_maxpool_")),
        ("AveragePool", CaseRegex("^test_averagepool_")),
        ("GlobalAveragePool", CaseRegex("^test_globalaveragepool")),
        ("BatchNormalization", CaseRegex("^test_batchnorm_")),
        ("Add", CaseRegex("^test_add(_|$)")),
        ("Softmax", CaseRegex("^test_softmax_")),
        ("LayerNormalization", CaseRegex("^test_layer_normalization_")),
        ("Gelu/Erf", CaseRegex("^test_(gelu|erf)")),
        ("Flatten", CaseRegex("^test_flatten_")),
        ("Reshape", CaseRegex("^test_reshape_")),
        ("Transpose", CaseRegex("^test_transpose_")),
        ("QuantizeLinear", CaseRegex("^test_quantizelinear")),
        ("DequantizeLinear", CaseRegex("^test_dequantizelinear")),
        ("QLinearConv", CaseRegex("^test_qlinearconv")),
        ("QLinearMatMul", CaseRegex("^test_qlinearmatmul_")),
    ];

    /// <summary>
    /// Operators checked on the importer's integer semantics (OnnxConstantRun), exactly: a quantized model's
    /// QuantizeLinear/DequantizeLinear become the int8 tensors between layers rather than steps of their own, and
    /// the scales and zero points of QLinearConv/QLinearMatMul are what the int8 layers are built from.
    /// </summary>
    public static readonly IReadOnlySet<string> EvaluatedOps = new HashSet<string> { "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul" };

    private readonly Dictionary<string, ClProgram> programs = [];

    /// <summary>The suite's operator for a case directory name, or null when no suite covers it.</summary>
    public static string? OpOf(string caseName) => Suites.FirstOrDefault(s => s.Cases.IsMatch(caseName)).Op;

    /// <summary>Every case directory under <paramref name="root"/> (…/data/node) of a covered operator, by name.</summary>
    public static IReadOnlyList<string> Cases(string root) =>
        Directory.GetDirectories(root).Where(d => OpOf(Path.GetFileName(d)) is not null).Order(StringComparer.Ordinal).ToList();

    public ConformanceResult Run(string caseDirectory)
    {
        var name = Path.GetFileName(caseDirectory.TrimEnd('/'));
        var op = OpOf(name) ?? "?";
        try
        {
            return Execute(caseDirectory, name, op);
        }
        catch (InputException e)
        {
            return new ConformanceResult(op, name, ConformanceStatus.Rejected, double.NaN, e.Message);
        }
        catch (Exception e) when (e is OpenClException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException)
        {
            return new ConformanceResult(op, name, ConformanceStatus.Fail, double.NaN, $"crash: {e.GetType().Name}: {e.Message}");
        }
    }

    private static ConformanceResult Evaluate(string dir, string name, string op)
    {
        var data = Path.Combine(dir, "test_data_set_0");
        var inputs = Directory.GetFiles(data, "input_*.pb").Select(OnnxTensorFile.Read).ToDictionary(t => t.Name);
        var expected = OnnxTensorFile.Read(Path.Combine(data, "output_0.pb"));
        var got = OnnxConstantRun.Run(Path.Combine(dir, "model.onnx"), inputs)[0];
        if (!got.Dims.SequenceEqual(expected.Dims))
            return new ConformanceResult(op, name, ConformanceStatus.Fail, double.NaN, $"output shape [{string.Join(", ", got.Dims)}], expected [{string.Join(", ", expected.Dims)}]");
        var error = got.Values.Zip(expected.Values, (a, b) => Math.Abs((double)a - b)).DefaultIfEmpty(0).Max();
        return error == 0
            ? new ConformanceResult(op, name, ConformanceStatus.Pass, 0, null)
            : new ConformanceResult(op, name, ConformanceStatus.Fail, error, $"largest difference {error:G4} (integer semantics must match exactly)");
    }

    private ConformanceResult Execute(string dir, string name, string op)
    {
        if (EvaluatedOps.Contains(op)) return Evaluate(dir, name, op);
        var import = OnnxImporter.Import(Path.Combine(dir, "model.onnx"));
        var data = Path.Combine(dir, "test_data_set_0");
        var inputs = Directory.GetFiles(data, "input_*.pb").Select(OnnxTensorFile.Read).ToDictionary(t => t.Name);
        var expected = OnnxTensorFile.Read(Path.Combine(data, "output_0.pb"));
        if (!inputs.TryGetValue(import.Input, out var x))
            throw new InputException($"{data}: no input file holds the network input '{import.Input}'");
        var net = import.Network;
        var batch = checked((int)x.Dims[0]);
        var weights = Weights(import, inputs, data);

        var design = AcceleratorDesign.Create(net, Kernel, Parameters, Precision.Fp32, batch, Device);
        var portable = design.Portable();
        var missing = portable.RequiredExtensions.Where(e => !session.Device.Extensions.Contains(e)).ToList();
        if (missing.Count > 0) throw new InputException($"OpenCL device '{session.Device.Name}' lacks {string.Join(", ", missing)}");
        var reference = NetworkReference.Run(net, weights, x.Values, batch);
        var blob = WeightPacker.Pack(portable.Weights, weights, NetworkReference.Ranges(reference));

        using var runner = new PlanRunner(session, portable, Program(portable.Source, portable.BuildOptions));
        runner.Upload(blob, portable.EncodeInput(x.Values, blob));
        foreach (var step in portable.Steps)
            if (runner.RunStep(step).Problem is { } problem)
                return new ConformanceResult(op, name, ConformanceStatus.Fail, double.NaN, $"step {step.Name}: {problem}");
        var got = portable.DecodeOutput(runner.ReadTensor(portable.Output), blob);
        if (got.Length != expected.Values.Length)
            return new ConformanceResult(op, name, ConformanceStatus.Fail, double.NaN,
                $"the output has {got.Length} values, output_0.pb [{string.Join(", ", expected.Dims)}] {expected.Values.Length}");

        double magnitude = 0, error = 0;
        for (var i = 0; i < got.Length; i++)
        {
            magnitude = Math.Max(magnitude, Math.Abs((double)expected.Values[i]));
            var e = Math.Abs((double)got[i] - expected.Values[i]);
            error = Math.Max(error, double.IsNaN(e) ? double.PositiveInfinity : e);
        }
        var limit = RelativeTolerance * magnitude + AbsoluteTolerance;
        return error <= limit
            ? new ConformanceResult(op, name, ConformanceStatus.Pass, error, null)
            : new ConformanceResult(op, name, ConformanceStatus.Fail, error, $"largest error {error:E3} exceeds {limit:E3} (largest expected value {magnitude:E3})");
    }

    /// <summary>The tensors ModelParameters lists, in PyTorch layout, from the initializers and the input files.</summary>
    private static Dictionary<string, float[]> Weights(OnnxImport import, IReadOnlyDictionary<string, OnnxTensor> inputs, string data) =>
        ModelWeights.Arrange(import, t => inputs.TryGetValue(t, out var v) ? v.Values : null,
            t => $"{data}: no input file or initializer holds '{t}'");

    private ClProgram Program(string source, string options)
    {
        var key = options + "\n" + source;
        if (!programs.TryGetValue(key, out var program)) programs[key] = program = session.Build(source, options);
        return program;
    }

    public void Dispose()
    {
        foreach (var p in programs.Values) p.Dispose();
        programs.Clear();
    }

    private static Regex CaseRegex(string pattern) => new(pattern, RegexOptions.CultureInvariant);
}
