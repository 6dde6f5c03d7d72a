namespace FpgaGen.Tests.OpenCl;

internal static class TestData
{
    /// <summary>Deterministic values in [-1, 1).</summary>
    public static float[] Floats(long count, int seed)
    {
        var rng = new Random(seed);
        var data = new float[count];
        for (long i = 0; i < count; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    public static float[] Filled(long count, float value)
    {
        var data = new float[count];
        Array.Fill(data, value);
        return data;
    }
}
