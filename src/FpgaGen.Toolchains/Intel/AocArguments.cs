using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Intel;

/// <summary>
/// Builds aoc command lines. Flags as in PipeCNN's project_intel/Makefile (docs/vendor-formats.md §1.1):
/// emulator "aoc -v -report -march=emulator ...", report "aoc -v -rtl -report" (Pro, .aocr) or "aoc -v -c -report"
/// (Standard, .aoco), hardware "aoc -v -report -board-package=... k.cl -o k.aocx".
/// </summary>
public static class AocArguments
{
    /// <summary>-rtl (stop after RTL generation, keep reports) exists in the Pro edition from 17.1; before, -c.</summary>
    public static bool UsesRtlFlag(ToolVersion version) => version.Edition == ToolEdition.Pro && version.AtLeast(17, 1);

    /// <summary>
    /// aoc 17.x deprecated "--board NAME" for "-board=NAME" (the 20.3 driver still accepts the old form with a
    /// warning); releases before 17.0 only know "--board NAME".
    /// </summary>
    public static bool UsesEqualsForm(ToolVersion version) => version.AtLeast(17, 0);

    /// <summary>
    /// -board-package=DIR appears in 18.1+ documentation and Makefiles (PipeCNN); the driver implements it by
    /// setting AOCL_BOARD_PACKAGE_ROOT, which older releases read directly, so older ones get the variable instead.
    /// The 18.1 boundary is our reading of the documentation, not confirmed for every release.
    /// </summary>
    public static bool UsesBoardPackageFlag(ToolVersion version) => version.AtLeast(18, 1);

    public static ToolCommand Build(AocJob job, ToolVersion version)
    {
        Check.NotEmpty(job.Source, "the kernel source path");
        var args = new List<string> { "-v", "-report" };
        var environment = new Dictionary<string, string?>();
        switch (job.Flow)
        {
            case AocFlow.Emulator: args.Add("-march=emulator"); break;
            case AocFlow.Report: args.Add(UsesRtlFlag(version) ? "-rtl" : "-c"); break;
            case AocFlow.Hardware: break;
        }
        if (job.BoardPackage is { } bsp)
        {
            Check.NotEmpty(bsp, "the board package folder");
            if (UsesBoardPackageFlag(version)) args.Add("-board-package=" + Path.GetFullPath(bsp));
            else environment["AOCL_BOARD_PACKAGE_ROOT"] = Path.GetFullPath(bsp);
        }
        if (job.Board is { } board)
        {
            Check.NotEmpty(board, "the board name");
            args.AddRange(UsesEqualsForm(version) ? ["-board=" + board] : ["--board", board]);
        }
        // Joined -I<dir> and -DNAME=VALUE: aoc hands unknown flags to clang, and a separate argument such as
        // "FILE=x.cl" would be taken for an input file by the driver (it matches /\.cl$/).
        args.AddRange(job.IncludeDirectories.Select(d => "-I" + Path.GetFullPath(d)));
        args.AddRange(job.Defines.Select(d => "-D" + Check.Define(d)));
        args.AddRange(job.ExtraArguments);
        args.Add(Path.GetFullPath(job.Source));
        args.Add("-o");
        args.Add(job.OutputFile(version));
        return new ToolCommand(args) { Environment = environment };
    }
}
