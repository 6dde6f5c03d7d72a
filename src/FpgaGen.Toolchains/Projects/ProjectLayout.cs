using System.Text.RegularExpressions;
using FpgaGen.Hardware;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// Finds the files to compile in a generated project, by the layout `fpgagen generate` writes: Intel projects keep
/// the OpenCL kernels in device/*.cl (one top file; others may be #included by it); Xilinx and Vivado-HLS projects
/// keep one C++ file per kernel group in src/ (src/&lt;group&gt;.cpp), each defining an extern "C" top function, and
/// C-simulation test benches tb_&lt;group&gt;.cpp or &lt;group&gt;_tb.cpp (in tb/, src/ or hls/), each its own program
/// testing that group's top. A link.cfg beside design.json is the v++ connectivity file.
/// </summary>
public static partial class ProjectLayout
{
    /// <param name="hlsTops">Kernel group → HLS top function, from design.json; null to find the tops in src/*.cpp.</param>
    public static BuildProject Apply(BuildProject project, IReadOnlyDictionary<string, string>? hlsTops = null) =>
        project.ToolchainKind == Toolchain.Aoc ? Intel(project) : Hls(project, hlsTops);

    private static BuildProject Intel(BuildProject project)
    {
        var device = Path.Combine(project.Directory, "device");
        var sources = Files(device, "*.cl");
        if (sources.Count == 0) throw new InputException($"{project.Directory}: no OpenCL kernel source (device/*.cl) for aoc");
        // With several .cl files the top one is the file no other file includes.
        var tops = sources.Where(s => !sources.Any(o => o != s && InputFile.ReadAllText(o, InputFile.ReportBytes, "OpenCL source").Contains($"\"{Path.GetFileName(s)}\"", StringComparison.Ordinal))).ToList();
        if (tops.Count != 1)
            throw new InputException($"{device}: cannot tell which .cl file aoc should compile ({string.Join(", ", sources.Select(Path.GetFileName))})");
        return project with { OpenClSource = tops[0], IncludeDirectories = [device] };
    }

    private static BuildProject Hls(BuildProject project, IReadOnlyDictionary<string, string>? hlsTops)
    {
        var src = Path.Combine(project.Directory, "src");
        var benches = new[] { Path.Combine(project.Directory, "tb"), src, Path.Combine(project.Directory, "hls") }
            .SelectMany(d => Files(d, "*.cpp")).Where(IsTestBench).ToList();
        var kernels = new List<HlsKernel>();
        if (hlsTops is not null)
        {
            foreach (var (group, top) in hlsTops)
            {
                var file = Path.Combine(src, group + ".cpp");
                if (!SafeName().IsMatch(group) || !SafeName().IsMatch(top) || !File.Exists(file))
                    throw new InputException($"{project.Directory}: design.json lists kernel group '{group}' but there is no src/{group}.cpp (or the group or its top function '{top}' is not an identifier)");
                kernels.Add(new HlsKernel(top, file) { TestBenches = benches.Where(b => Tests(b, file)).ToList() });
            }
        }
        else
        {
            foreach (var file in Files(src, "*.cpp").Where(f => !IsTestBench(f)))
                foreach (Match m in TopFunction().Matches(InputFile.ReadAllText(file, InputFile.ReportBytes, "HLS source")))
                    kernels.Add(new HlsKernel(m.Groups[1].Value, file) { TestBenches = benches.Where(b => Tests(b, file)).ToList() });
        }
        if (kernels.Count == 0) throw new InputException($"{project.Directory}: no HLS kernel (an extern \"C\" function in src/*.cpp)");
        var link = Path.Combine(project.Directory, "link.cfg");
        return project with
        {
            HlsKernels = kernels,
            IncludeDirectories = [src],
            LinkConfig = File.Exists(link) ? link : null,
        };
    }

    private static bool Tests(string bench, string source)
    {
        var group = Path.GetFileNameWithoutExtension(source);
        return Path.GetFileNameWithoutExtension(bench) is var name && (name == "tb_" + group || name == group + "_tb");
    }

    private static bool IsTestBench(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        return name.EndsWith("_tb", StringComparison.Ordinal) || name.StartsWith("tb_", StringComparison.Ordinal)
               || Path.GetFileName(Path.GetDirectoryName(file)) == "tb";
    }

    private static List<string> Files(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, pattern).Order(StringComparer.Ordinal).ToList() : [];

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"extern\s+""C""\s+void\s+([A-Za-z_]\w*)\s*\(")]
    private static partial Regex TopFunction();
}
