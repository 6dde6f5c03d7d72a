namespace FpgaGen.Simulation;

/// <summary>
/// One step of the plan compared with the reference: the tensor it completed, the largest absolute and relative
/// errors, the measured kernel time on the OpenCL device and the predicted FPGA time of the layers it finished. For int8
/// and int16 designs also the comparison with the bit-exact <see cref="IntegerReference"/>: <see cref="LsbError"/>, the
/// largest difference in LSBs, <see cref="LsbDiffering"/> elements differing, and <see cref="LsbAllowed"/> (0 for
/// integer steps, 1 for steps that compute in float internally); null for floating-point designs.
/// </summary>
public sealed record StepResult(string Step, IReadOnlyList<string> Layers, string Tensor, long Elements, double MaxAbsError, double MaxRelError,
    double Magnitude, bool Pass, double KernelMs, double PredictedMs, string? Problem = null,
    long? LsbError = null, long? LsbDiffering = null, int? LsbAllowed = null)
{
    /// <summary>What the pass rule checks against the tolerance: the largest error over the tensor's largest |value|.</summary>
    public double ErrorOfLargest => Magnitude > 0 ? MaxAbsError / Magnitude : MaxAbsError;
}

public sealed record SimulationReport(string Model, string Device, string OpenClDevice, string Kernel, string Parameters, string Precision, int Batch,
    double Tolerance, IReadOnlyList<StepResult> Steps, double KernelMs, double WallSeconds, double PredictedMs)
{
    /// <summary>Wall seconds of each phase: lower (kernels and plan), reference, pack (weights), build (OpenCL program), run.</summary>
    public IReadOnlyDictionary<string, double> PhaseSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>For a classifier (an output the labels name): each sample's top classes by the reference and the kernels.</summary>
    public IReadOnlyList<TopClasses>? TopClasses { get; init; }

    public bool Pass => Steps.Count > 0 && Steps.All(s => s.Pass);
    public int Failed => Steps.Count(s => !s.Pass);
}

/// <summary>Where a simulation is: its phase (<see cref="Simulator.Building"/>, …) and how far into it.</summary>
public sealed record SimulationProgress(string Phase, int Done, int Total);

/// <summary>What a simulation may be given besides the design, weights and input.</summary>
public sealed record SimulationOptions
{
    public IProgress<SimulationProgress>? Progress { get; init; }

    /// <summary>Computes the reference's linear layers (e.g. a tuned OpenCL GEMM); null: the double-accumulating loop.</summary>
    public Codegen.Reference.NetworkReference.LinearKernel? ReferenceLinear { get; init; }

    /// <summary>Calibration ranges for fixed point (from `fpgagen calibrate`); null: measured on the simulated input.</summary>
    public IReadOnlyDictionary<string, double>? Ranges { get; init; }

    /// <summary>Class names of the network's outputs: when given and as many as the outputs, the top classes are compared.</summary>
    public IReadOnlyList<string>? Labels { get; init; }
}
