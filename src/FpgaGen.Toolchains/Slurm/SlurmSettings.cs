using System.Globalization;
using System.Text.RegularExpressions;

namespace FpgaGen.Toolchains.Slurm;

/// <summary>
/// What each array task asks Slurm for (sbatch(1) options). Every value becomes one "#SBATCH" line of the batch
/// script, so each is checked against the option's own syntax first: nothing else reaches the script.
/// </summary>
public sealed partial record SlurmSettings
{
    /// <summary>Tasks running at once: the array's "%J" throttle.</summary>
    public int Jobs { get; init; } = 1;
    public string? Partition { get; init; }
    public string? Account { get; init; }
    public string? Qos { get; init; }

    /// <summary>Memory per task, as sbatch --mem takes it ("64G").</summary>
    public string? Memory { get; init; }
    public int? Cpus { get; init; }

    /// <summary>Licences each task holds while it runs ("quartus:1"); the site's totals are slurm.conf Licenses=.</summary>
    public string? Licenses { get; init; }

    /// <summary>Further sbatch options, one "--name=value" each.</summary>
    public IReadOnlyList<string> SbatchArguments { get; init; } = [];

    /// <summary>--requeue: Slurm puts a task its node failed (or preemption stopped) back in the queue by itself.</summary>
    public bool Requeue { get; init; }

    /// <summary>The compile limit (--timeout); the task's Slurm --time is derived from it.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Slurm's wall-clock limit for a task: the compile limit plus 10% and 10 minutes for starting and recording, in whole minutes.</summary>
    public int? TimeLimitMinutes => Timeout is { } t ? (int)Math.Ceiling(t.TotalMinutes * 1.1 + 10) : null;

    /// <summary>The "#SBATCH" options, in the order the script lists them.</summary>
    public IReadOnlyList<string> Directives()
    {
        Validate();
        var lines = new List<string> { Requeue ? "--requeue" : "--no-requeue" };
        void Add(string name, object? value) { if (value is not null) lines.Add(string.Create(CultureInfo.InvariantCulture, $"--{name}={value}")); }
        Add("partition", Partition);
        Add("account", Account);
        Add("qos", Qos);
        Add("mem", Memory);
        Add("cpus-per-task", Cpus);
        Add("licenses", Licenses);
        Add("time", TimeLimitMinutes);
        lines.AddRange(SbatchArguments);
        return lines;
    }

    public void Validate()
    {
        if (Jobs <= 0) throw new UsageException($"--jobs must be positive, got {Jobs}");
        if (Cpus is <= 0) throw new UsageException($"--cpus must be positive, got {Cpus}");
        Check("--partition", Partition, NameList(), "a partition name or a comma-separated list of them");
        Check("--account", Account, NameList(), "an account name");
        Check("--qos", Qos, NameList(), "a QOS name");
        Check("--mem", Memory, MemoryPattern(), "a size as sbatch --mem takes it, e.g. 64G or 32000M");
        Check("--licenses", Licenses, LicensePattern(), "licences as NAME:COUNT, comma-separated, e.g. quartus:1");
        foreach (var arg in SbatchArguments)
            Check("--sbatch-arg", arg, SbatchArgument(), "one sbatch option as --name or --name=value, e.g. --constraint=fpga_tools");
    }

    private static void Check(string option, string? value, Regex pattern, string expected)
    {
        if (value is not null && !pattern.IsMatch(value))
            throw new UsageException($"{option} '{InputException.OneLine(value)}': expected {expected}");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.+-]{1,64}(,[A-Za-z0-9_.+-]{1,64}){0,31}$")]
    private static partial Regex NameList();

    [GeneratedRegex(@"^[0-9]{1,9}[KMGT]?$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.@-]{1,64}(:[0-9]{1,6})?(,[A-Za-z0-9_.@-]{1,64}(:[0-9]{1,6})?){0,15}$")]
    private static partial Regex LicensePattern();

    // No quotes, spaces or control characters: sbatch splits "#SBATCH" lines itself.
    [GeneratedRegex(@"^--?[A-Za-z][A-Za-z0-9-]{0,40}(=[A-Za-z0-9_.,:=+/@%&|!-]{1,200})?$")]
    private static partial Regex SbatchArgument();
}
