using System.CommandLine;
using FpgaGen.Cli.Compile;
using FpgaGen.Toolchains.Projects;

namespace FpgaGen.Cli.Commands;

/// <summary>
/// `fpgagen compile`: runs the vendor tools on a generated project (aoc, v++, vitis_hls), or with --sweep generates
/// and compiles the best designs of an exploration, logging every result for calibration.
/// </summary>
internal static class CompileCommand
{
    public static Command Create(CliIo io)
    {
        var project = new Argument<string?>("project") { Description = "Project folder written by `fpgagen generate` (has design.json)", Arity = ArgumentArity.ZeroOrOne };
        var target = new Option<string?>("--target")
        {
            Description = "aoc: report|emu|hw; Vitis: csynth|csim|sw_emu|hw_emu|hw; Vivado HLS: csynth|csim (default: report for aoc, csynth for HLS)",
        };
        target.AcceptOnlyFromAmong([.. CompileTargets.Names]);
        var timeout = new Option<string?>("--timeout") { Description = "Limit for each compile, e.g. 90s, 30m, 2h; the tool's whole process tree is killed when it passes" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Tools running at once: designs of a sweep, or HLS kernels of one project", DefaultValueFactory = _ => 1 }.Positive();
        var sweep = new Option<string?>("--sweep") { Description = "Generate and compile the best designs of this `fpgagen explore --out` folder; results go to its results.jsonl" };
        var top = new Option<int>("--top") { Description = "With --sweep: how many of the best designs", DefaultValueFactory = _ => 3 }.Positive();
        var model = new Option<string?>("--model") { Description = "With --sweep: the explored network (default: the model named in designs.json)" };
        var toolPath = new Option<string[]>("--tool-path") { Description = $"Folder searched for aoc, v++ and vitis_hls before PATH (repeatable; also {ToolSet.ToolPathVariable})" };
        var cmd = new Command("compile", "Run the vendor compiler on a generated project and read its reports; or, with --sweep, generate and compile the best designs of an exploration.")
        {
            project, target, timeout, jobs, sweep, top, model, toolPath,
        };
        cmd.SetAction((r, ct) => io.GuardAsync(async () =>
        {
            var j = r.GetValue(jobs);
            var settings = new CompileSettings(new ToolSet(ToolSet.WithToolPath(io.Tools, r.GetValue(toolPath))))
            {
                Timeout = r.GetValue(timeout) is { } t ? Durations.Parse(t, "--timeout") : null,
                Jobs = j,
            };
            var dir = r.GetValue(project);
            var sweepDir = r.GetValue(sweep);
            if (sweepDir is not null)
            {
                if (dir is not null) throw new InputException("give either a project folder or --sweep DIR, not both");
                return await SweepCompile.RunAsync(io, new SweepOptions(sweepDir, r.GetValue(top), r.GetValue(target), r.GetValue(model)), settings, ct);
            }
            if (dir is null) throw new InputException("compile needs a project folder (from `fpgagen generate`) or --sweep DIR (from `fpgagen explore --out`)");
            foreach (var sweepOnly in new Option[] { top, model })
                if (r.GetResult(sweepOnly) is { Implicit: false })
                    throw new InputException($"{sweepOnly.Name} goes with --sweep DIR; a project folder is compiled as it is");
            return await SingleCompile.RunAsync(io, dir, r.GetValue(target), settings, ct);
        }, ct));
        return cmd;
    }
}
