namespace FpgaGen.Tests.Codegen;

/// <summary>
/// Every file of two small generated projects (Intel aoc and AMD Vitis) against checked-in snapshots, so that a
/// template change shows up as a reviewed diff; and their host programs compile and link with g++ against the
/// OpenCL headers and libOpenCL (ocl-icd-opencl-dev). After an intended change, regenerate the snapshots with
/// FPGAGEN_UPDATE_SNAPSHOTS=1 dotnet test --filter ProjectSnapshotTests and review the diff.
/// </summary>
public class ProjectSnapshotTests
{
    private const string Design = """{"kernel": "conv_tiled", "params": {"Tm": 16, "Tn": 4, "Tr": 7, "Tc": 7, "vu": 8}, "precision": "int8", "batch": 1}""";

    /// <summary>The tool version records the commit it was built from (1.0.0+&lt;sha&gt;), which changes with every commit.</summary>
    private static string WithoutCommit(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, @"(\d+\.\d+\.\d+)\+[0-9a-f]{7,40}", "$1+<commit>");

    private static string SnapshotDir(string name) => Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Snapshots", name);

    [Theory]
    [InlineData("a10_385a")]
    [InlineData("u250")]
    public void GeneratedProjectMatchesItsSnapshotAndTheHostBuilds(string device)
    {
        var dir = CodegenSupport.TempDir("snap");
        try
        {
            var designFile = Path.Combine(dir, "design-choice.json");
            File.WriteAllText(designFile, Design);
            var project = Path.Combine(dir, "project");
            var r = FpgaGen.Tests.Cli.CliRunner.Run("generate", "tiny_cnn", "--device", device, "--design", designFile, "--out", project);
            Assert.True(r.Code == 0, r.Err);

            var snapshot = SnapshotDir($"tiny_cnn-{device}");
            var files = Directory.GetFiles(project, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(project, f)).Order().ToList();
            if (Environment.GetEnvironmentVariable("FPGAGEN_UPDATE_SNAPSHOTS") == "1")
            {
                if (Directory.Exists(snapshot)) Directory.Delete(snapshot, true);
                foreach (var f in files)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(snapshot, f))!);
                    File.Copy(Path.Combine(project, f), Path.Combine(snapshot, f));
                }
            }
            Assert.True(Directory.Exists(snapshot), $"no snapshot at {snapshot}; create it with FPGAGEN_UPDATE_SNAPSHOTS=1");
            var expected = Directory.GetFiles(snapshot, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(snapshot, f)).Order().ToList();
            Assert.Equal(expected, files);
            foreach (var f in files)
            {
                var want = File.ReadAllLines(Path.Combine(snapshot, f)).Select(WithoutCommit).ToArray();
                var got = File.ReadAllLines(Path.Combine(project, f)).Select(WithoutCommit).ToArray();
                var line = Enumerable.Range(0, Math.Min(want.Length, got.Length)).FirstOrDefault(i => want[i] != got[i], -1);
                Assert.True(line < 0 && want.Length == got.Length,
                    $"{f} differs from its snapshot at line {(line < 0 ? Math.Min(want.Length, got.Length) + 1 : line + 1)}:\n  snapshot: {(line >= 0 ? want[line] : "(length)")}\n  now:      {(line >= 0 ? got[line] : "(length)")}\n"
                    + "regenerate with FPGAGEN_UPDATE_SNAPSHOTS=1 if the change is intended");
            }

            // The host program compiles and links against the OpenCL ICD loader.
            var host = CodegenSupport.Run(CodegenSupport.Tool("g++"), ["-std=c++17", "-O0", "-Wall", "-Werror", "-I" + Path.Combine(project, "host"),
                Path.Combine(project, "host", "main.cpp"), "-o", Path.Combine(dir, "host.bin"), "-lOpenCL"]);
            CodegenSupport.AssertCompiles(host, "host program");
            Assert.True(File.Exists(Path.Combine(dir, "host.bin")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
