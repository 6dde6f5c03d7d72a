using FpgaGen.Estimation;
using FpgaGen.Kernels;

namespace FpgaGen.Exploration;

/// <summary>
/// The Pareto front over four objectives: throughput (higher is better) against DSP blocks, on-chip RAM bits and
/// logic (lower is better). A design is on the front when no other design is at least as good in all four and
/// strictly better in one.
/// </summary>
public static class Pareto
{
    public static bool[] Front(IReadOnlyList<DesignEstimate> designs)
    {
        // Visit designs from fastest to slowest: a design can only be dominated by one visited before it (or by an
        // equally fast one), so comparing against the front found so far is enough.
        var order = Enumerable.Range(0, designs.Count).OrderByDescending(i => designs[i].ImagesPerSecond).ToArray();
        var onFront = new bool[designs.Count];
        var front = new List<int>();
        foreach (var i in order)
        {
            if (front.Any(j => Dominates(designs[j], designs[i]))) continue;
            front.RemoveAll(j => Dominates(designs[i], designs[j]));
            front.Add(i);
        }
        foreach (var i in front) onFront[i] = true;
        return onFront;
    }

    /// <summary>
    /// The front of one pair of objectives: throughput (higher is better) against one cost (lower is better), as a
    /// plot of the two shows it. A design is on it when no design is at least as fast at no higher cost and strictly
    /// better in one; equal designs are all on it.
    /// </summary>
    public static bool[] Front(IReadOnlyList<DesignEstimate> designs, Func<DesignEstimate, double> cost)
    {
        // Cheapest first, fastest first among equal costs: a design is on the front when it is faster than every
        // cheaper one (or equal to the last design found on it).
        var order = Enumerable.Range(0, designs.Count).OrderBy(i => cost(designs[i])).ThenByDescending(i => designs[i].ImagesPerSecond).ToArray();
        var onFront = new bool[designs.Count];
        var best = double.NegativeInfinity;
        int? last = null;
        foreach (var i in order)
        {
            var speed = designs[i].ImagesPerSecond;
            var equalToLast = last is { } l && speed == designs[l].ImagesPerSecond && cost(designs[i]) == cost(designs[l]);
            if (speed > best || equalToLast)
            {
                onFront[i] = true;
                best = Math.Max(best, speed);
                last = i;
            }
        }
        return onFront;
    }

    public static bool Dominates(DesignEstimate a, DesignEstimate b)
    {
        double ra = a.Resources.RamBits, rb = b.Resources.RamBits;
        var noWorse = a.ImagesPerSecond >= b.ImagesPerSecond && a.Resources.Dsp <= b.Resources.Dsp && ra <= rb && a.Resources.Logic <= b.Resources.Logic;
        var better = a.ImagesPerSecond > b.ImagesPerSecond || a.Resources.Dsp < b.Resources.Dsp || ra < rb || a.Resources.Logic < b.Resources.Logic;
        return noWorse && better;
    }
}
