using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Intel;

public enum AocFlow
{
    /// <summary>-march=emulator: an .aocx for the CPU emulator, in minutes.</summary>
    Emulator,

    /// <summary>Stop after the first stage (-rtl on Pro ≥ 17.1, -c before): area/loop reports, no Quartus.</summary>
    Report,

    /// <summary>Full compile through Quartus to an .aocx (hours); adds acl_quartus_report.txt.</summary>
    Hardware,
}

/// <summary>What to compile with aoc and where the results go.</summary>
public sealed record AocJob(string Source, AocFlow Flow)
{
    /// <summary>-board=&lt;name&gt;, e.g. pac_a10; null lets aoc take the BSP's default board.</summary>
    public string? Board { get; init; }

    /// <summary>-board-package=&lt;dir&gt;: the BSP folder.</summary>
    public string? BoardPackage { get; init; }

    /// <summary>-DNAME=VALUE overrides, e.g. the design's parallelism parameters; a null value gives -DNAME.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Defines { get; init; } = [];

    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];

    /// <summary>Folder for the binary and the work folder; null means the source's folder.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Base name of the binary and the work folder; null means the source's name without ".cl".</summary>
    public string? Name { get; init; }

    /// <summary>Passed through after our flags (e.g. -fp-relaxed, -seed=3).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    public string BaseName => Name ?? Path.GetFileNameWithoutExtension(Source);

    public string OutputFolder => Path.GetFullPath(OutputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(Source))!);

    /// <summary>
    /// aoc names its work folder after the -o file without its extension and puts it beside that file
    /// (aoc driver: $dirbase = $outbase); the reports are under it.
    /// </summary>
    public string WorkDirectory => Path.Combine(OutputFolder, BaseName);

    /// <summary>The binary aoc writes: .aocx, or for report-only runs .aocr (-rtl) or .aoco (-c).</summary>
    public string OutputFile(ToolVersion version) => Path.Combine(OutputFolder, BaseName + Flow switch
    {
        AocFlow.Report => AocArguments.UsesRtlFlag(version) ? ".aocr" : ".aoco",
        _ => ".aocx",
    });

    public string QuartusReport => Path.Combine(WorkDirectory, "acl_quartus_report.txt");

    public string JsonReports => Path.Combine(WorkDirectory, "reports", "lib", "json");

    public string ReportDataJs => Path.Combine(WorkDirectory, "reports", "lib", "report_data.js");
}
