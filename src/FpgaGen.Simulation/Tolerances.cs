namespace FpgaGen.Simulation;

/// <summary>
/// How far a simulated tensor may be from the double-accumulating float reference, relative to the tensor's largest
/// magnitude: float32 rounding over long reductions; float16's 11-bit mantissa; int16 and int8 per-tensor symmetric
/// quantization (half a step of 1/32767 or 1/127 per tensor, compounding over the layers before).
/// </summary>
public static class Tolerances
{
    public static double For(Precision p) => p switch
    {
        Precision.Fp32 => 1e-4,
        Precision.Fp16 => 2e-2,
        Precision.Int16 => 5e-3,
        _ => 0.1,
    };
}
