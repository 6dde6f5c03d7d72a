namespace FpgaGen;

/// <summary>One point of a <see cref="ParameterSpace"/>: a value for each of its parameters, in their order.</summary>
public sealed class KernelConfig(ParameterSpace space, int[] values)
{
    public string Kernel => Space.Kernel;
    public ParameterSpace Space { get; } = space;
    public IReadOnlyList<int> Values { get; } = values;

    public int this[string name] => Values[Space.IndexOf(name) is var i and >= 0 ? i : throw new KeyNotFoundException($"{Kernel} has no parameter {name}")];

    public IReadOnlyDictionary<string, int> AsDictionary() =>
        Space.Parameters.Select((p, i) => (p.Name, Values[i])).ToDictionary(x => x.Name, x => x.Item2);

    public override string ToString() => string.Join(",", Space.Parameters.Select((p, i) => $"{p.Name}={Values[i]}"));
}
