using FpgaGen.Exploration.Documents;
using FpgaGen.Simulation;

namespace FpgaGen.Cli.Commands;

/// <summary>
/// `simulate --format json|csv`: the report under the names of docs/formats.md. The CSV's rows are the JSON's
/// "steps", with the same fields (the layer list joined by spaces).
/// </summary>
internal static class SimulationJson
{
    public static object Document(SimulationReport r) => new
    {
        r.Model,
        r.Device,
        OpenclDevice = r.OpenClDevice,
        r.Kernel,
        Params = DesignParameters.TryParse(r.Parameters) is { } p ? (object)p : r.Parameters,
        r.Precision,
        r.Batch,
        r.Tolerance,
        r.Pass,
        r.Failed,
        Steps = r.Steps.Select(s => StepFields(s).ToDictionary(f => f.Key, f => f.Key == "layers" ? s.Layers : f.Value)),
        r.KernelMs,
        WallS = r.WallSeconds,
        r.PredictedMs,
        PhaseS = r.PhaseSeconds,
        r.TopClasses,
    };

    public static IReadOnlyList<KeyValuePair<string, object?>> StepFields(StepResult s) =>
    [
        new("step", s.Step), new("layers", string.Join(" ", s.Layers)), new("tensor", s.Tensor), new("elements", s.Elements),
        new("max_abs_error", s.MaxAbsError), new("max_rel_error", s.MaxRelError), new("magnitude", s.Magnitude), new("error_of_largest", s.ErrorOfLargest), new("pass", s.Pass),
        new("kernel_ms", s.KernelMs), new("predicted_ms", s.PredictedMs), new("problem", s.Problem),
        new("lsb_error", s.LsbError), new("lsb_differing", s.LsbDiffering), new("lsb_allowed", s.LsbAllowed),
    ];
}
