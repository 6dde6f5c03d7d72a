using System.Collections;
using System.Globalization;

namespace FpgaGen.OpenCl.Kernels;

/// <summary>
/// An immutable set of integer kernel parameters (tile sizes, switches) passed to the OpenCL
/// compiler as -D defines. <see cref="Key"/> is canonical (names sorted, ordinal) so it identifies a
/// candidate in the tuning database.
/// </summary>
public sealed class KernelParameters : IReadOnlyDictionary<string, int>, IEquatable<KernelParameters>
{
    private readonly SortedDictionary<string, int> _values;

    public KernelParameters(IEnumerable<KeyValuePair<string, int>> values)
    {
        _values = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
                throw new ArgumentException($"'{name}' is not a valid kernel parameter name");
            if (!_values.TryAdd(name, value)) throw new ArgumentException($"kernel parameter {name} is given twice");
        }
        Key = string.Join(",", _values.Select(kv => kv.Key + "=" + kv.Value.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>"NAME=value,NAME=value" with names in ordinal order.</summary>
    public string Key { get; }

    /// <summary>Parses a <see cref="Key"/>.</summary>
    public static KernelParameters Parse(string key)
    {
        var pairs = key.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !int.TryParse(part[(eq + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                throw new FormatException($"'{part}' is not NAME=integer");
            return new KeyValuePair<string, int>(part[..eq], v);
        });
        return new KernelParameters(pairs);
    }

    /// <summary>Fails unless the set names exactly <paramref name="names"/>; <paramref name="kernel"/> names the kernel in the message.</summary>
    public void RequireExactly(IReadOnlyCollection<string> names, string kernel)
    {
        var missing = names.Where(n => !ContainsKey(n)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"{kernel} parameters lack {string.Join(", ", missing)}");
        var unknown = Keys.Except(names).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"{kernel} does not know parameter(s) {string.Join(", ", unknown)}");
    }

    /// <summary>-DNAME=value for each parameter, for clBuildProgram.</summary>
    public string ToBuildOptions() =>
        string.Join(" ", _values.Select(kv => $"-D{kv.Key}={kv.Value.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>This set with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public KernelParameters With(string name, int value)
    {
        var copy = new Dictionary<string, int>(_values) { [name] = value };
        return new KernelParameters(copy);
    }

    public int this[string key] => _values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"kernel parameter {key} is not set");
    public IEnumerable<string> Keys => _values.Keys;
    public IEnumerable<int> Values => _values.Values;
    public int Count => _values.Count;
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    public bool TryGetValue(string key, out int value) => _values.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(KernelParameters? other) => other is not null && other.Key == Key;
    public override bool Equals(object? obj) => Equals(obj as KernelParameters);
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Key;
}
