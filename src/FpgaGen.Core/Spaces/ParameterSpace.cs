using System.Globalization;

namespace FpgaGen;

/// <summary>One tunable parameter and its candidate values.</summary>
public sealed record Parameter(string Name, IReadOnlyList<int> Values, string Description = "");

/// <summary>
/// The one parameter-space type: a kernel's tunable parameters with their candidate values, and constraints between
/// them in the <see cref="Expression"/> language (<c>Tm &gt;= Tn</c>, <c>MWG % MDIMC == 0</c>), parsed once here.
/// Constraints may also read an environment of named integers given when the space is searched (device limits and
/// shape constants of the OpenCL tuner); the FPGA kernel kinds' spaces (templates/&lt;kind&gt;/space.yaml) have none.
/// </summary>
public sealed class ParameterSpace
{
    private static readonly IReadOnlyDictionary<string, long> NoEnvironment = new Dictionary<string, long>();

    private readonly Dictionary<string, int> indexOf;

    /// <summary>The constraints that can first be checked once parameter i is bound (the last parameter they read).</summary>
    private readonly List<Expression>[] readyAt;

    /// <param name="source">The file the space came from, for messages; else the kernel's name is used.</param>
    public ParameterSpace(string kernel, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> constraints, string? source = null)
    {
        Kernel = kernel;
        Parameters = parameters;
        Source = source;
        if (parameters.Count == 0) throw Error("a space needs at least one parameter");
        indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            if (!indexOf.TryAdd(parameters[i].Name, i)) throw Error($"parameter {parameters[i].Name} is declared twice");
            if (parameters[i].Values.Count == 0) throw Error($"parameter {parameters[i].Name} has no values");
        }
        Constraints = constraints.Select(Compile).ToList();
        readyAt = parameters.Select(_ => new List<Expression>()).ToArray();
        foreach (var c in Constraints)
            readyAt[Math.Max(0, c.Variables.Select(IndexOf).DefaultIfEmpty(0).Max())].Add(c);
    }

    public string Kernel { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public IReadOnlyList<Expression> Constraints { get; }
    public string? Source { get; }

    public int IndexOf(string name) => indexOf.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Number of points before constraints (the product of the value counts).</summary>
    public long Size => Parameters.Aggregate(1L, (a, p) => checked(a * p.Values.Count));

    /// <summary>Fails unless every name the constraints read is a parameter or in <paramref name="environment"/>.</summary>
    public void CheckNames(IReadOnlyDictionary<string, long>? environment = null)
    {
        foreach (var c in Constraints)
        {
            var unknown = c.Variables.Where(v => IndexOf(v) < 0 && environment?.ContainsKey(v) != true).ToList();
            if (unknown.Count > 0)
                throw Error($"constraint '{c.Text}' uses unknown name(s) {string.Join(", ", unknown)} (parameters: {string.Join(", ", Parameters.Select(p => p.Name))})");
        }
    }

    public bool Satisfies(KernelConfig config, IReadOnlyDictionary<string, long>? environment = null) =>
        FirstBroken(config.Values, environment) is null;

    /// <summary>The first constraint <paramref name="values"/> (one per parameter) break, or null when they meet all.</summary>
    public Expression? FirstBroken(IReadOnlyList<int> values, IReadOnlyDictionary<string, long>? environment = null)
    {
        var lookup = Lookup(values, environment ?? NoEnvironment);
        return Constraints.FirstOrDefault(c => !Holds(c, lookup));
    }

    /// <summary>
    /// Every point that meets the constraints, the first parameter varying slowest. A constraint is checked as soon
    /// as the parameters it reads are bound, which prunes whole subtrees of the product.
    /// </summary>
    public IEnumerable<KernelConfig> Enumerate(IReadOnlyDictionary<string, long>? environment = null)
    {
        CheckNames(environment);
        var values = new int[Parameters.Count];
        var lookup = Lookup(values, environment ?? NoEnvironment);
        var idx = new int[Parameters.Count];
        var d = 0;
        while (d >= 0)
        {
            if (idx[d] == Parameters[d].Values.Count)
            {
                if (--d >= 0) idx[d]++;
                continue;
            }
            values[d] = Parameters[d].Values[idx[d]];
            if (!readyAt[d].All(c => Holds(c, lookup))) idx[d]++;
            else if (d < values.Length - 1) idx[++d] = 0;
            else
            {
                yield return new KernelConfig(this, (int[])values.Clone());
                idx[d]++;
            }
        }
    }

    /// <summary>The point at the given index into each parameter's values (not checked against the constraints).</summary>
    public KernelConfig At(int[] indices) =>
        new(this, indices.Select((i, d) => Parameters[d].Values[i]).ToArray());

    /// <summary>Parses "Tm=64,Tn=7"; every parameter must be given, and the values need not be candidates.</summary>
    public KernelConfig Parse(string assignments)
    {
        var values = new int?[Parameters.Count];
        foreach (var part in assignments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var i = kv.Length == 2 ? IndexOf(kv[0]) : -1;
            if (i < 0)
                throw new UsageException($"--set: '{part}' is not NAME=VALUE with NAME one of {string.Join(", ", Parameters.Select(p => p.Name))} (kernel {Kernel})");
            if (values[i] is not null) throw new UsageException($"--set: {kv[0]} is given twice");
            if (!int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v <= 0)
                throw new UsageException($"--set: {kv[0]} must be a positive integer (at most {int.MaxValue}), got '{kv[1]}'");
            values[i] = v;
        }
        var missing = Parameters.Where((p, i) => values[i] is null).Select(p => p.Name).ToList();
        if (missing.Count > 0) throw new UsageException($"--set: missing {string.Join(", ", missing)} for kernel {Kernel} (e.g. {Example()})");
        var config = new KernelConfig(this, values.Select(v => v!.Value).ToArray());
        if (FirstBroken(config.Values) is { } broken) throw new UsageException($"--set: {config} breaks the constraint '{broken}' of kernel {Kernel}");
        return config;
    }

    /// <summary>A point from named values (a design file's or a project's); every parameter must be given and positive.</summary>
    public KernelConfig FromValues(IReadOnlyDictionary<string, int> values, string origin = "design")
    {
        var unknown = values.Keys.Where(k => IndexOf(k) < 0).ToList();
        if (unknown.Count > 0)
            throw new InputException($"{origin}: kernel {Kernel} has no parameter {string.Join(", ", unknown)} (its parameters: {string.Join(", ", Parameters.Select(p => p.Name))})");
        var config = new int[Parameters.Count];
        for (var i = 0; i < Parameters.Count; i++)
        {
            if (!values.TryGetValue(Parameters[i].Name, out var v) || v <= 0)
                throw new InputException($"{origin}: kernel {Kernel} needs a positive value for parameter '{Parameters[i].Name}'");
            config[i] = v;
        }
        return new KernelConfig(this, config);
    }

    private string Example() => string.Join(",", Parameters.Select(p => $"{p.Name}={p.Values[p.Values.Count / 2]}"));

    private Func<string, ExpressionValue?> Lookup(IReadOnlyList<int> values, IReadOnlyDictionary<string, long> environment) =>
        name => indexOf.TryGetValue(name, out var i) ? values[i]
            : environment.TryGetValue(name, out var e) ? e
            : null;

    /// <summary>A constraint that divides by zero or overflows on a point does not hold there; other failures are the space's fault.</summary>
    private bool Holds(Expression constraint, Func<string, ExpressionValue?> lookup)
    {
        try
        {
            return constraint.Evaluate(lookup).AsBool();
        }
        catch (ExpressionException e) when (e.Arithmetic)
        {
            return false;
        }
        catch (ExpressionException e)
        {
            throw Error($"constraint '{constraint.Text}': {e.Message}");
        }
    }

    /// <summary>Parses a constraint and checks, once, that it yields true or false when every name is an integer.</summary>
    private Expression Compile(string text)
    {
        try
        {
            var e = Expression.Parse(text);
            return e.KindOf(_ => ValueKind.Number) == ValueKind.Boolean ? e : throw Error($"constraint '{text}' must be true or false, not a number");
        }
        catch (FormatException e)
        {
            throw Error($"constraint '{text}': {e.Message}");
        }
    }

    private InputException Error(string problem) => new($"{Source ?? $"space of kernel {Kernel}"}: {problem}");
}
