namespace FpgaGen.Simulation;

/// <summary>
/// One step of the plan compared with the reference: the tensor it completed, the largest absolute and relative
/// errors, the measured kernel time on the OpenCL device and the predicted FPGA time of the layers it finished.
/// </summary>
public sealed record StepResult(string Step, IReadOnlyList<string> Layers, string Tensor, long Elements, double MaxAbsError, double MaxRelError,
    double Magnitude, bool Pass, double KernelMs, double PredictedMs, string? Problem = null);

public sealed record SimulationReport(string Model, string Device, string OpenClDevice, string Kernel, string Parameters, string Precision, int Batch,
    double Tolerance, IReadOnlyList<StepResult> Steps, double KernelMs, double WallSeconds, double PredictedMs)
{
    public bool Pass => Steps.Count > 0 && Steps.All(s => s.Pass);
    public int Failed => Steps.Count(s => !s.Pass);
}
