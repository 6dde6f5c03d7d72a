using FpgaGen.Model.Designs;

namespace FpgaGen.Kernels;

/// <summary>One tunable parameter of a kernel kind and its candidate values.</summary>
public sealed record Parameter(string Name, IReadOnlyList<int> Values, string Description);

/// <summary>
/// A kernel kind's tuning space, read from templates/&lt;kind&gt;/space.yaml: parameters with candidate values and
/// constraints between them (expressions such as <c>Tm &gt;= Tn</c>, in the design-file expression language).
/// </summary>
public sealed class ParameterSpace
{
    public ParameterSpace(string kernel, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> constraints, string? file = null)
    {
        Kernel = kernel;
        Parameters = parameters;
        Constraints = constraints;
        File = file;
        if (parameters.Count == 0) throw new InputException($"{file ?? kernel}: a space needs at least one parameter");
        // Constraints must at least evaluate on the first point; a typo fails here, not deep in a search.
        var probe = new KernelConfig(kernel, this, parameters.Select(p => p.Values[0]).ToArray());
        foreach (var c in constraints) Check(c, probe);
    }

    public string Kernel { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public IReadOnlyList<string> Constraints { get; }
    public string? File { get; }

    public int IndexOf(string name)
    {
        for (var i = 0; i < Parameters.Count; i++)
            if (Parameters[i].Name == name) return i;
        return -1;
    }

    /// <summary>Number of points before constraints (the product of the value counts).</summary>
    public long Size => Parameters.Aggregate(1L, (a, p) => a * p.Values.Count);

    public bool Satisfies(KernelConfig config) => Constraints.All(c => Check(c, config));

    /// <summary>Every point that meets the constraints, in a fixed order.</summary>
    public IEnumerable<KernelConfig> Enumerate()
    {
        var idx = new int[Parameters.Count];
        while (true)
        {
            var config = At(idx);
            if (Satisfies(config)) yield return config;
            var d = Parameters.Count - 1;
            while (d >= 0 && ++idx[d] == Parameters[d].Values.Count) idx[d--] = 0;
            if (d < 0) yield break;
        }
    }

    public KernelConfig At(int[] indices) =>
        new(Kernel, this, indices.Select((i, d) => Parameters[d].Values[i]).ToArray());

    /// <summary>Parses "Tm=64,Tn=7"; every parameter must be given, and the values need not be candidates.</summary>
    public KernelConfig Parse(string assignments)
    {
        var values = new int?[Parameters.Count];
        foreach (var part in assignments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var i = kv.Length == 2 ? IndexOf(kv[0]) : -1;
            if (i < 0)
                throw new InputException($"--set: '{part}' is not NAME=VALUE with NAME one of {string.Join(", ", Parameters.Select(p => p.Name))} (kernel {Kernel})");
            if (values[i] is not null) throw new InputException($"--set: {kv[0]} is given twice");
            if (!int.TryParse(kv[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) || v <= 0)
                throw new InputException($"--set: {kv[0]} must be a positive integer (at most {int.MaxValue}), got '{kv[1]}'");
            values[i] = v;
        }
        var missing = Parameters.Where((p, i) => values[i] is null).Select(p => p.Name).ToList();
        if (missing.Count > 0) throw new InputException($"--set: missing {string.Join(", ", missing)} for kernel {Kernel} (e.g. {Example()})");
        var config = new KernelConfig(Kernel, this, values.Select(v => v!.Value).ToArray());
        var broken = Constraints.FirstOrDefault(c => !Check(c, config));
        if (broken is not null) throw new InputException($"--set: {config} breaks the constraint '{broken}' of kernel {Kernel}");
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
        return new KernelConfig(Kernel, this, config);
    }

    private string Example() => string.Join(",", Parameters.Select(p => $"{p.Name}={p.Values[p.Values.Count / 2]}"));

    private bool Check(string constraint, KernelConfig config)
    {
        object result;
        try
        {
            result = Expression.Evaluate(constraint, config.AsArguments());
        }
        catch (FormatException e)
        {
            throw new InputException($"{File ?? Kernel}: constraint '{constraint}': {e.Message}");
        }
        return result is bool b ? b : throw new InputException($"{File ?? Kernel}: constraint '{constraint}' must be true or false");
    }
}

/// <summary>One point of a kernel's parameter space.</summary>
public sealed class KernelConfig(string kernel, ParameterSpace space, int[] values)
{
    public string Kernel { get; } = kernel;
    public ParameterSpace Space { get; } = space;
    public IReadOnlyList<int> Values { get; } = values;

    public int this[string name] => Values[Space.IndexOf(name) is var i and >= 0 ? i : throw new KeyNotFoundException($"{Kernel} has no parameter {name}")];

    public IReadOnlyDictionary<string, object> AsArguments() =>
        Space.Parameters.Select((p, i) => (p.Name, (object)(long)Values[i])).ToDictionary(x => x.Name, x => x.Item2);

    public IReadOnlyDictionary<string, int> AsDictionary() =>
        Space.Parameters.Select((p, i) => (p.Name, Values[i])).ToDictionary(x => x.Name, x => x.Item2);

    public override string ToString() => string.Join(",", Space.Parameters.Select((p, i) => $"{p.Name}={Values[i]}"));
}
