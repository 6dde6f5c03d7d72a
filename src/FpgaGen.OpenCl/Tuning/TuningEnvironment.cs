namespace FpgaGen.OpenCl.Tuning;

/// <summary>The device-limit names every tuning space's constraints may use.</summary>
public static class TuningEnvironment
{
    /// <summary>
    /// MAX_WG_SIZE (CL_DEVICE_MAX_WORK_GROUP_SIZE), LOCAL_MEM_BYTES (CL_DEVICE_LOCAL_MEM_SIZE),
    /// COMPUTE_UNITS and IS_GPU (1 for GPUs, 0 otherwise).
    /// </summary>
    public static Dictionary<string, long> ForDevice(ClDevice device) => new(StringComparer.Ordinal)
    {
        ["MAX_WG_SIZE"] = device.MaxWorkGroupSize,
        ["LOCAL_MEM_BYTES"] = (long)Math.Min(device.LocalMemBytes, long.MaxValue),
        ["COMPUTE_UNITS"] = device.ComputeUnits,
        ["IS_GPU"] = device.Type.HasFlag(ClDeviceType.Gpu) ? 1 : 0,
    };
}

/// <summary>Integer-valued test data: with |values| ≤ 2 every float32 partial sum below 2²⁴ is exact.</summary>
public static class TuningData
{
    /// <summary>
    /// Values in {-2, …, 2}. Sums of products of such values are integers, exact in float32 in
    /// any summation order while |sum| &lt; 2²⁴, so a correct kernel matches the double
    /// reference exactly and any dropped or doubled term shows.
    /// </summary>
    public static float[] SmallIntegers(long count, int seed)
    {
        var data = new float[count];
        var state = (ulong)seed * 0x9E3779B97F4A7C15UL + 1;
        for (long i = 0; i < count; i++)
        {
            state ^= state << 13; // xorshift64: Random.Next is too slow for 10⁸ elements
            state ^= state >> 7;
            state ^= state << 17;
            data[i] = (int)(state % 5) - 2;
        }
        return data;
    }
}
