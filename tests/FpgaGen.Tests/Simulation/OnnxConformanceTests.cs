using System.Globalization;
using FpgaGen.Simulation.Conformance;
using FpgaGen.OpenCl;
using FpgaGen.Tests.OpenCl;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Simulation;

/// <summary>
/// The ONNX backend node tests of the operators FpgaGen imports (Debian's libonnx-testdata), run on our kernels
/// through <see cref="OnnxConformance"/> and compared with each case's expected output. A case we run must match; a
/// case we do not run must be rejected with a message naming the node, operator or attribute; and each operator keeps
/// at least the passes pinned here, so regressions show.
/// </summary>
public class OnnxConformanceTests(ITestOutputHelper output)
{
    private const string Root = "/usr/share/libonnx-testdata/data/node";

    /// <summary>Passes per operator, pinned from a run (PoCL, gemm Tm=8,Tn=8,Tk=8,vu=8, float32).</summary>
    private static readonly Dictionary<string, int> MinimumPasses = new()
    {
        ["Conv"] = 6, ["Gemm"] = 8, ["MatMul"] = 1, ["Relu"] = 1, ["MaxPool"] = 7, ["AveragePool"] = 5, ["GlobalAveragePool"] = 0,
        ["BatchNormalization"] = 0, ["Add"] = 0, ["Softmax"] = 5, ["LayerNormalization"] = 2, ["Gelu/Erf"] = 0, ["Flatten"] = 3,
        ["Reshape"] = 0, ["Transpose"] = 0,
        // On the importer's integer semantics, exactly (OnnxConformance.EvaluatedOps).
        ["QuantizeLinear"] = 2, ["DequantizeLinear"] = 2, ["QLinearConv"] = 1, ["QLinearMatMul"] = 2,
    };

    [OpenClFact]
    public void BackendNodeTestsMatchOrAreRejectedClearly()
    {
        if (!Directory.Exists(Root)) Assert.Fail($"{Root} is missing: the conformance test needs Debian's ONNX test data (apt-get install -y libonnx-testdata)");
        var cases = OnnxConformance.Cases(Root);
        using var session = OpenClSession.Open(Environment.GetEnvironmentVariable("FPGAGEN_TEST_OPENCL_DEVICE"));
        using var conformance = new OnnxConformance(session);
        var results = cases.Select(conformance.Run).ToList();

        foreach (var group in results.GroupBy(r => r.Op))
        {
            output.WriteLine(F($"{group.Key}: {group.Count(r => r.Status == ConformanceStatus.Pass)} pass, {group.Count(r => r.Status == ConformanceStatus.Fail)} fail, {group.Count(r => r.Status == ConformanceStatus.Rejected)} rejected"));
            foreach (var r in group)
                output.WriteLine(F($"  {r.Case,-60} {r.Status,-8} {(double.IsNaN(r.MaxError) ? "" : r.MaxError.ToString("E2", CultureInfo.InvariantCulture)),9} {r.Reason}"));
        }

        var failed = results.Where(r => r.Status == ConformanceStatus.Fail).ToList();
        Assert.True(failed.Count == 0, "cases that ran and differ from the expected output:\n" + string.Join("\n", failed.Select(r => $"{r.Case}: {r.Reason}")));
        foreach (var r in results.Where(r => r.Status == ConformanceStatus.Rejected))
            Assert.True(r.Reason is { } reason && (reason.Contains("node '", StringComparison.Ordinal) || reason.Contains("attribute", StringComparison.Ordinal)
                || reason.Contains("operator", StringComparison.Ordinal) || reason.Contains("input '", StringComparison.Ordinal) || reason.Contains("opset", StringComparison.Ordinal)),
                $"{r.Case}: the rejection does not name the node, operator or attribute: {r.Reason}");
        foreach (var (op, minimum) in MinimumPasses)
        {
            var passes = results.Count(r => r.Op == op && r.Status == ConformanceStatus.Pass);
            Assert.True(passes >= minimum, $"{op}: {passes} cases pass, {minimum} did before");
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
