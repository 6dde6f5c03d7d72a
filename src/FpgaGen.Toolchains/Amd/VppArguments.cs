namespace FpgaGen.Toolchains.Amd;

/// <summary>
/// Builds v++ command lines (docs/vendor-formats.md §2.1, after AMD's Vitis_Accel_Examples Makefiles):
/// "v++ -c -t hw_emu --platform P --config u200.cfg -k vadd -I./src ./src/vadd.cpp -o hw_emu/vadd.xo" and
/// "v++ -l -t hw_emu --platform P --config u200.cfg hw_emu/vadd.xo -o hw_emu/vadd.xclbin".
/// </summary>
public static class VppArguments
{
    public static ToolCommand Compile(VppCompileJob job, string workingDirectory)
    {
        workingDirectory = Path.GetFullPath(workingDirectory);
        Check.NotEmpty(job.Source, "the kernel source path");
        Check.NotEmpty(job.Kernel, "the kernel name");
        Check.NotEmpty(job.Platform, "the platform");
        var args = new List<string> { "-c", "-t", job.Target.Argument(), "--platform", job.Platform };
        if (job.Config is { } config) args.AddRange(["--config", Path.GetFullPath(config, workingDirectory)]);
        if (job.TempDirectory is { } temp) args.AddRange(["--temp_dir", temp]);
        args.AddRange(["-k", job.Kernel]);
        foreach (var dir in job.IncludeDirectories) args.Add("-I" + Path.GetFullPath(dir, workingDirectory));
        foreach (var define in job.Defines) args.AddRange(["-D", Check.Define(define)]);
        args.AddRange(job.ExtraArguments);
        args.Add(Path.GetFullPath(job.Source, workingDirectory));
        args.AddRange(["-o", job.OutputFile(workingDirectory)]);
        return new ToolCommand(args);
    }

    public static ToolCommand Link(VppLinkJob job, string workingDirectory)
    {
        workingDirectory = Path.GetFullPath(workingDirectory);
        Check.NotEmpty(job.Platform, "the platform");
        Check.NotEmpty(job.Output, "the .xclbin path");
        if (job.Objects.Count == 0) throw new InputException("v++ link: no kernel objects (.xo) to link");
        var args = new List<string> { "-l", "-t", job.Target.Argument(), "--platform", job.Platform };
        if (job.Config is { } config) args.AddRange(["--config", Path.GetFullPath(config, workingDirectory)]);
        if (job.TempDirectory is { } temp) args.AddRange(["--temp_dir", temp]);
        args.AddRange(job.ExtraArguments);
        args.AddRange(job.Objects.Select(o => Path.GetFullPath(o, workingDirectory)));
        args.AddRange(["-o", Path.GetFullPath(job.Output, workingDirectory)]);
        return new ToolCommand(args);
    }
}
