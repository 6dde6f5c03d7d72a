using System.Globalization;
using FpgaGen.Estimation;
using FpgaGen.Kernels;

namespace FpgaGen.Exploration;

/// <summary>
/// Explains a design that does not fit: which resource binds, which parameter drives it, and the nearest design of
/// the same kernel's space that fits (fewest octaves of change over all parameters, then the fastest).
/// </summary>
public static class FitAdvice
{
    public static string? Explain(Estimator estimator, DesignEstimate design, double maxUtil)
    {
        var (util, resource) = design.Resources.Binding();
        if (!design.UnitsFit)
            return $"does not fit: {design.ComputeUnits} compute units need one SLR each and one unit of {design.Config} is larger than an SLR; "
                   + "use fewer units or a smaller design";
        if (util <= maxUtil) return null;
        var space = estimator.Kind.Space;
        var culprit = Culprit(estimator, design.Config, resource);
        var nearest = Nearest(estimator, design.Config, maxUtil);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"does not fit: {resource} at {util:P0} of the device exceeds --max-util {maxUtil:P0}");
        if (culprit is not null) text += $"; {resource} is driven most by {culprit}";
        text += nearest is null
            ? $"; no design of kernel {space.Kernel} fits this device at this data type"
            : string.Create(CultureInfo.InvariantCulture, $"; nearest fitting design: {nearest.Config} ({nearest.ImagesPerSecond:0.0} images/s, {nearest.Resources.Binding().Resource} {nearest.Resources.Binding().Util:P0})");
        return text;
    }

    /// <summary>The parameter whose reduction to its smallest candidate lowers the binding resource the most.</summary>
    private static string? Culprit(Estimator estimator, KernelConfig config, string resource)
    {
        var space = config.Space;
        var baseline = UtilOf(estimator, config, resource);
        string? best = null;
        var bestDrop = 0.0;
        for (var i = 0; i < space.Parameters.Count; i++)
        {
            var values = config.Values.ToArray();
            values[i] = space.Parameters[i].Values.Min();
            if (values[i] >= config.Values[i]) continue;
            var drop = baseline - UtilOf(estimator, new KernelConfig(space, values), resource);
            if (drop > bestDrop) (best, bestDrop) = ($"{space.Parameters[i].Name}={config.Values[i]}", drop);
        }
        return best;
    }

    private static double UtilOf(Estimator estimator, KernelConfig config, string resource)
    {
        var r = estimator.Resources(config);
        return resource switch
        {
            "DSP" => r.DspUtil,
            "registers" => r.RegisterUtil,
            _ when resource == r.Device.Logic.Kind => r.LogicUtil,
            _ => r.RamUtil(r.Device.Ram.Select((k, i) => (k, i)).First(x => x.k.Kind == resource).i),
        };
    }

    public static DesignEstimate? Nearest(Estimator estimator, KernelConfig config, double maxUtil)
    {
        DesignEstimate? best = null;
        var bestDistance = double.MaxValue;
        foreach (var candidate in estimator.Kind.Space.Enumerate())
        {
            var distance = 0.0;
            for (var i = 0; i < candidate.Values.Count; i++) distance += Math.Abs(Math.Log2((double)candidate.Values[i] / config.Values[i]));
            if (distance > bestDistance) continue;
            if (estimator.Resources(candidate).Binding().Util > maxUtil) continue;
            var e = estimator.Evaluate(candidate);
            if (distance < bestDistance || e.ImagesPerSecond > best!.ImagesPerSecond) (best, bestDistance) = (e, distance);
        }
        return best;
    }
}
