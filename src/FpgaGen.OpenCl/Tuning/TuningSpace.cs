using System.Text.Json;
using System.Text.Json.Serialization;
using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>One tunable parameter and the values the search may give it.</summary>
public sealed record TuningParameter(string Name, IReadOnlyList<int> Values);

/// <summary>
/// A search space declared as data: parameters with candidate values, and constraint expressions
/// (<see cref="ConstraintExpression"/>) over the parameters and an environment of device limits
/// and shape constants. Valid candidates are the cartesian product filtered by every constraint;
/// each constraint is checked as soon as the parameters it reads are bound, which prunes early.
/// </summary>
public sealed record TuningSpace(string Kernel, IReadOnlyList<TuningParameter> Parameters, IReadOnlyList<string> Constraints)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Product of the value counts, before constraints.</summary>
    public long Combinations => Parameters.Aggregate(1L, (n, p) => n * p.Values.Count);

    /// <summary>
    /// The valid candidates in declaration order (the first parameter varies slowest). Throws
    /// <see cref="InputException"/> when the space is malformed or a constraint names a variable
    /// that is neither a parameter nor in <paramref name="environment"/>.
    /// </summary>
    public IReadOnlyList<KernelParameters> Enumerate(IReadOnlyDictionary<string, long> environment)
    {
        Check();
        var names = Parameters.Select(p => p.Name).ToArray();
        var constraints = Constraints.Select(Compile).ToList();
        foreach (var c in constraints)
        {
            var unknown = c.Variables.Where(v => !names.Contains(v) && !environment.ContainsKey(v)).ToList();
            if (unknown.Count > 0)
                throw new InputException($"tuning space '{Kernel}': constraint '{c.Text}' uses unknown name(s) {string.Join(", ", unknown)}");
        }
        // Constraint i becomes checkable once the last parameter it reads is bound.
        var readyAt = new List<ConstraintExpression>[names.Length];
        for (var i = 0; i < names.Length; i++) readyAt[i] = [];
        foreach (var c in constraints)
        {
            var last = c.Variables.Select(v => Array.IndexOf(names, v)).DefaultIfEmpty(-1).Max();
            readyAt[Math.Max(last, 0)].Add(c);
        }

        var values = new long[names.Length];
        long Lookup(string name)
        {
            var i = Array.IndexOf(names, name);
            return i >= 0 ? values[i] : environment[name];
        }

        var result = new List<KernelParameters>();
        void Bind(int depth)
        {
            if (depth == names.Length)
            {
                result.Add(new KernelParameters(names.Select((n, i) => new KeyValuePair<string, int>(n, (int)values[i]))));
                return;
            }
            foreach (var v in Parameters[depth].Values)
            {
                values[depth] = v;
                if (readyAt[depth].All(c => c.Holds(Lookup))) Bind(depth + 1);
            }
        }
        Bind(0);
        return result;
    }

    /// <summary>Whether one candidate satisfies every constraint (parameters missing from it fail).</summary>
    public bool Allows(KernelParameters candidate, IReadOnlyDictionary<string, long> environment)
    {
        if (Parameters.Any(p => !candidate.ContainsKey(p.Name))) return false;
        long Lookup(string name) => candidate.TryGetValue(name, out var v) ? v : environment[name];
        try
        {
            return Constraints.Select(Compile).All(c => c.Holds(Lookup));
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a space written by <see cref="ToJson"/> (a user's `--space file.json`).</summary>
    public static TuningSpace FromJson(string json, string? source = null)
    {
        TuningSpace? space;
        try
        {
            space = JsonSerializer.Deserialize<TuningSpace>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InputException($"{source ?? "tuning space"}: not a valid tuning space JSON: {e.Message}");
        }
        if (space is null) throw new InputException($"{source ?? "tuning space"}: empty");
        space.Check();
        return space;
    }

    private void Check()
    {
        if (Parameters is null || Parameters.Count == 0) throw new InputException($"tuning space '{Kernel}' has no parameters");
        var dup = Parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InputException($"tuning space '{Kernel}' declares {dup.Key} twice");
        var empty = Parameters.FirstOrDefault(p => p.Values is null || p.Values.Count == 0);
        if (empty is not null) throw new InputException($"tuning space '{Kernel}': parameter {empty.Name} has no values");
        foreach (var c in Constraints ?? []) Compile(c);
    }

    private ConstraintExpression Compile(string text)
    {
        try
        {
            return ConstraintExpression.Parse(text);
        }
        catch (FormatException e)
        {
            throw new InputException($"tuning space '{Kernel}': {e.Message}");
        }
    }
}
