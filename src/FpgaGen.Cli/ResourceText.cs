using System.Globalization;
using FpgaGen.Estimation;
using FpgaGen.Kernels;

namespace FpgaGen.Cli;

internal static class ResourceText
{
    /// <summary>"DSP 448 (30%), ALM 120,000 (28%), ..." with the platform overhead included.</summary>
    public static string Describe(ResourceUse r)
    {
        var util = r.Utilization();
        return string.Join(", ", r.Amounts().Select(kv =>
            string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:#,0} ({util[kv.Key]:P0})")));
    }
}
