using System.Collections.Concurrent;
using System.Diagnostics;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;

namespace FpgaGen.Exploration;

public sealed record ExploreOptions
{
    public required Device Device { get; init; }
    public required IReadOnlyList<Precision> Precisions { get; init; }
    public IReadOnlyList<KernelKind>? Kernels { get; init; }
    public int Batch { get; init; } = 1;
    public double MaxUtil { get; init; } = 0.85;
    public Objective Objective { get; init; } = Objective.Throughput;
    public int Seed { get; init; } = 1;

    /// <summary>Correction factors per kernel kind from real compiles (explore --calibrate); none by default.</summary>
    public CalibrationSet Calibration { get; init; } = CalibrationSet.None;

    /// <summary>Spaces with more points than this are searched by simulated annealing instead of exhaustively.</summary>
    public long ExhaustiveLimit { get; init; } = 200_000;

    /// <summary>Designs evaluated per annealing run (per kernel kind and data type).</summary>
    public int AnnealingBudget { get; init; } = 20_000;

    /// <summary>
    /// The network's own layer types (mixed precision, <see cref="LayerPrecisions.Of"/>): searched once, on a datapath
    /// of their widest type, instead of <see cref="Precisions"/>. Null: every layer at each of <see cref="Precisions"/>.
    /// </summary>
    public LayerPrecisions? Layers { get; init; }

    /// <summary>The --layernorm choice the network was built with (null: as the model says), recorded in the designs.</summary>
    public string? LayerNorm { get; init; }
}

/// <summary>One kernel kind × data type that was searched, and how.</summary>
public sealed record SearchSummary(string Kernel, Precision Precision, string Method, long Evaluated, long Feasible, DesignEstimate? Closest)
{
    public int ComputeUnits { get; init; } = 1;
}

public sealed record ExploreResult(IReadOnlyList<DesignEstimate> Designs, IReadOnlyList<bool> Pareto, long Evaluated, double Seconds,
    IReadOnlyList<SearchSummary> Searches)
{
    public long Feasible => Designs.Count;
}

/// <summary>
/// The search engine: for every applicable kernel kind and data type, evaluates its declared space (exhaustively
/// when small, by seeded simulated annealing when large), keeps the designs that fit under the utilization
/// limit, ranks them by the objective and marks the Pareto front. Separate from the models, which it only calls.
/// </summary>
public static class Explorer
{
    public static ExploreResult Run(Network network, ExploreOptions options, IProgress<(long Done, long Total)>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var kernels = (options.Kernels ?? KernelKinds.All()).Where(k => k.AppliesTo(network)).ToList();
        if (kernels.Count == 0) throw new InputException($"none of the requested kernels applies to {network.Name}");
        options.Layers?.Check(options.Device, network);
        IReadOnlyList<Precision> precisions = options.Layers is { } layers ? [layers.Widest] : options.Precisions;
        // Every compute-unit count the device and batch allow (several only on devices with SLRs): a search each.
        var jobs = (from p in precisions from k in kernels from u in Target.UnitChoices(options.Device, options.Batch) select (Kernel: k, Precision: p, Units: u)).ToList();
        var sizes = jobs.Select(j => j.Kernel.Space.Size <= options.ExhaustiveLimit ? j.Kernel.Space.Size : options.AnnealingBudget).ToList();
        var total = sizes.Sum();
        long done = 0;
        var feasible = new List<DesignEstimate>();
        var searches = new List<SearchSummary>();
        long evaluated = 0;
        // One lowering per data type and per lowering the kinds ask for (ln_linear folds LayerNorm), shared by the kinds.
        var lowered = new Dictionary<(LoweringOptions, Precision, int), LoweredNetwork>();
        foreach (var (kernel, precision, units) in jobs)
        {
            var batch = options.Batch / units;
            if (!lowered.TryGetValue((kernel.Lowering, precision, batch), out var net))
                lowered[(kernel.Lowering, precision, batch)] = net = Lowerer.Lower(network, kernel.Lowering, precision, batch);
            var estimator = new Estimator(kernel, net, new Target(options.Device, precision, units), calibration: options.Calibration.For(kernel.Id), layers: options.Layers);
            var exhaustive = kernel.Space.Size <= options.ExhaustiveLimit;
            // One unit whose buffers do not fit the device's banks: no design of this network can (a clear error,
            // not one per design from inside the parallel search).
            if (!Placeable(estimator, units == 1))
            {
                progress?.Report((Interlocked.Add(ref done, exhaustive ? kernel.Space.Size : options.AnnealingBudget), total));
                continue;
            }
            var before = done;
            void Tick(long n) => progress?.Report((Interlocked.Add(ref done, n), total));
            var all = exhaustive ? Exhaustive(estimator, Tick) : Anneal(estimator, options, Tick);
            Interlocked.Exchange(ref done, before + (exhaustive ? kernel.Space.Size : options.AnnealingBudget));
            progress?.Report((done, total));
            var fits = all.Where(d => d.Fits(options.MaxUtil)).ToList();
            var closest = fits.Count > 0 ? null : all.OrderBy(d => d.Resources.Binding().Util).FirstOrDefault();
            searches.Add(new SearchSummary(kernel.Id, precision, exhaustive ? "exhaustive" : "annealing", all.Count, fits.Count, closest) { ComputeUnits = units });
            evaluated += all.Count;
            feasible.AddRange(fits);
        }
        var ranked = Rank(feasible, options.Objective);
        return new ExploreResult(ranked, Pareto.Front(ranked), evaluated, clock.Elapsed.TotalSeconds, searches);
    }

    /// <summary>
    /// Whether the compute units' buffers fit their share of the memory banks (a unit's weights and activations in a
    /// quarter of a U250's banks, a third of a U280's pseudo channels): a unit count that does not is not searched; when
    /// one unit does not (<paramref name="mustFit"/>) the device cannot hold the network, and the error says why.
    /// </summary>
    private static bool Placeable(Estimator estimator, bool mustFit)
    {
        try
        {
            estimator.PeakBytesPerCycle(estimator.Kind.Space.Enumerate().First());
            return true;
        }
        catch (InputException) when (!mustFit)
        {
            return false;
        }
    }

    /// <summary>Scores within this fraction of each other are a tie (they print alike): the secondary objective decides.</summary>
    public const double TieTolerance = 5e-4;

    /// <summary>The secondary objective as the outputs state it (table footer, designs.json's tie_break).</summary>
    public const string TieBreakText = "ties (scores within 0.05%) ranked by fewer DSPs, then less RAM";

    /// <summary>
    /// Best first. Designs whose scores agree within <see cref="TieTolerance"/> (memory-bound networks give many) are
    /// ranked by the secondary objective: fewer DSPs, then fewer RAM bits; then kernel, data type and parameters so
    /// that every run orders alike.
    /// </summary>
    public static List<DesignEstimate> Rank(IEnumerable<DesignEstimate> designs, Objective objective) =>
        designs.OrderByDescending(d => ScoreBucket(objective.Score(d)))
            .ThenBy(d => d.Resources.Dsp)
            .ThenBy(d => d.Resources.RamBits)
            .ThenByDescending(d => objective.Score(d))
            .ThenBy(d => d.Kernel, StringComparer.Ordinal)
            .ThenBy(d => d.Precision)
            .ThenBy(d => d.ComputeUnits)
            .ThenBy(d => d.Config.ToString(), StringComparer.Ordinal)
            .ToList();

    /// <summary>The score on a logarithmic grid of <see cref="TieTolerance"/> steps: equal buckets are ties.</summary>
    public static long ScoreBucket(double score) => score > 0 ? (long)Math.Floor(Math.Log(score) / Math.Log(1 + TieTolerance)) : long.MinValue;

    private static List<DesignEstimate> Exhaustive(Estimator estimator, Action<long> tick)
    {
        var points = estimator.Kind.Space.Enumerate().ToList();
        var results = new DesignEstimate[points.Count];
        var skipped = estimator.Kind.Space.Size - points.Count;
        tick(skipped);
        Parallel.ForEach(Partitioner.Create(0, points.Count, 256), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++) results[i] = estimator.Evaluate(points[i]);
            tick(range.Item2 - range.Item1);
        });
        return results.ToList();
    }

    /// <summary>
    /// Simulated annealing over parameter indices (as in fpgaConvNet's optimiser): a move shifts one or two
    /// parameters to nearby candidate values (two, so that coupled parameters such as Tr == Tc can move together);
    /// a worse design is accepted with probability exp(Δ/T), where Δ is the change of log(score), T falls
    /// geometrically from 0.3 to 0.003. Four chains from random starts share the budget; a final hill climb from the
    /// best design tries every single-parameter neighbour. Designs over the utilization limit score by how far over
    /// they are, so a chain is pulled back into the feasible region. Deterministic for a seed.
    /// </summary>
    private static List<DesignEstimate> Anneal(Estimator estimator, ExploreOptions options, Action<long> tick)
    {
        var space = estimator.Kind.Space;
        // HashCode.Combine is randomized per process; the seed must give the same walk in every run.
        var rng = new Random(unchecked(options.Seed * 7919 + StableHash(space.Kernel) * 31 + (int)estimator.Target.Precision));
        var seen = new Dictionary<string, (DesignEstimate Design, double Energy)>();
        var reported = 0L;
        (DesignEstimate Design, double Energy) Eval(int[] idx)
        {
            var config = space.At(idx);
            var key = config.ToString();
            if (seen.TryGetValue(key, out var known)) return known;
            var d = estimator.Evaluate(config);
            var over = d.Resources.Binding().Util - options.MaxUtil;
            var result = (d, over <= 0 ? Math.Log(options.Objective.Score(d)) : -50 - 10 * over);
            seen[key] = result;
            if (seen.Count % 100 == 0) { tick(100); reported += 100; }
            return result;
        }

        const int chains = 4;
        int[]? best = null;
        var bestEnergy = double.NegativeInfinity;
        for (var chain = 0; chain < chains; chain++)
        {
            var limit = (long)options.AnnealingBudget * (chain + 1) / chains;
            var current = RandomValid(space, rng);
            var currentEnergy = Eval(current).Energy;
            var steps = 0L;
            var maxSteps = 20L * options.AnnealingBudget;
            while (seen.Count < limit && steps++ < maxSteps)
            {
                var progress = (double)seen.Count / options.AnnealingBudget;
                var temperature = 0.3 * Math.Pow(0.01, Math.Clamp((progress * chains) % 1.0, 0, 1));
                var next = Neighbour(space, current, rng);
                if (next is null) continue;
                var energy = Eval(next).Energy;
                if (energy >= currentEnergy || rng.NextDouble() < Math.Exp((energy - currentEnergy) / temperature))
                    (current, currentEnergy) = (next, energy);
                if (currentEnergy > bestEnergy) (best, bestEnergy) = ((int[])current.Clone(), currentEnergy);
            }
        }

        // Hill climb: move to the best single-parameter neighbour until none improves.
        for (var improved = best is not null; improved;)
        {
            improved = false;
            for (var d = 0; d < best!.Length; d++)
                for (var v = 0; v < space.Parameters[d].Values.Count; v++)
                {
                    var next = (int[])best.Clone();
                    next[d] = v;
                    if (!space.Satisfies(space.At(next))) continue;
                    var energy = Eval(next).Energy;
                    if (energy > bestEnergy) (best, bestEnergy, improved) = (next, energy, true);
                }
        }
        tick(Math.Max(0, options.AnnealingBudget - reported));
        return seen.Values.Select(v => v.Design).ToList();
    }

    /// <summary>A valid point one or two parameters away, each shifted by one to three candidate positions.</summary>
    private static int[]? Neighbour(ParameterSpace space, int[] current, Random rng)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var next = (int[])current.Clone();
            var moves = attempt < 10 ? 1 : 2;
            for (var m = 0; m < moves; m++)
            {
                var d = rng.Next(next.Length);
                var count = space.Parameters[d].Values.Count;
                next[d] = Math.Clamp(next[d] + (rng.Next(2) == 0 ? -1 : 1) * (1 + rng.Next(3)), 0, count - 1);
            }
            if (!next.AsSpan().SequenceEqual(current) && space.Satisfies(space.At(next))) return next;
        }
        return null;
    }

    private static int[] RandomValid(ParameterSpace space, Random rng)
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var idx = space.Parameters.Select(p => rng.Next(p.Values.Count)).ToArray();
            if (space.Satisfies(space.At(idx))) return idx;
        }
        throw new InputException($"{space.Source ?? space.Kernel}: no point of the space meets its constraints");
    }

    private static int StableHash(string s) => s.Aggregate(17, (h, c) => unchecked(h * 31 + c));
}
