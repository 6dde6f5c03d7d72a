using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Exploration.Documents;
using FpgaGen.Hardware;
using FpgaGen.Model.Designs;
using FpgaGen.Onnx;
using FpgaGen.Simulation;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Security;

/// <summary>
/// Seeded mutation fuzzing of every parser of user files: design YAML, device YAML, kernel-space YAML, ONNX models and
/// tensor files, .npz archives and .npy arrays, images, the design documents (a single design, designs.json,
/// design.json), results.jsonl, the Slurm jobs log, ranges files, tuning exports and spaces, and each vendor report
/// format. Each parser gets a
/// fixed time budget (<see cref="Budget"/>) of mutated inputs from a fixed seed, so a run is reproducible from the
/// seed and iteration printed on failure. A parser may accept an input or fail with a clear error (an
/// <see cref="InputException"/>, which includes the document and report format errors); any other exception fails.
/// </summary>
public class FuzzTests
{
    /// <summary>Time per parser; 31 parsers, so the whole set stays near 80 seconds on two cores.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2.5);

    private const int Seed = 20_240_613;

    /// <summary>Tokens that have broken parsers before: huge and non-finite numbers, deep nesting, aliases, quotes, NULs.</summary>
    private static readonly string[] Tokens =
    [
        "1e400", "-1e400", "1e300", "1e12", "99999999999", "2147483647", "-2147483648", "9223372036854775808", "-0", "NaN", "0x10", "1.5",
        "null", "true", "[", "]", "{", "}", "[[[[[[[[[[", "\"", "'", ":", ",", "\n", "\r\n", "\t", "\0", "&a", "*a", "&a [*a]", "<<: *a",
        "- ", "---", "...", "#", "\\", "\\u0000", "%", "$(shell touch PWNED)", "\u00e9", "\ud83d\ude00", "<", ">", "</", "<!--",
    ];

    private static string MutateText(string s, Random rng)
    {
        var sb = new StringBuilder(s);
        var steps = 1 + rng.Next(4);
        for (var i = 0; i < steps; i++)
        {
            var at = sb.Length == 0 ? 0 : rng.Next(sb.Length);
            switch (rng.Next(7))
            {
                case 0: sb.Insert(at, Tokens[rng.Next(Tokens.Length)]); break;
                case 1: if (sb.Length > 0) sb.Remove(at, Math.Min(sb.Length - at, 1 + rng.Next(16))); break;
                case 2: if (sb.Length > 0) sb[at] = (char)rng.Next(32, 127); break;
                case 3: sb.Length = at; break;
                case 4:
                    var len = Math.Min(sb.Length - at, 1 + rng.Next(64));
                    sb.Insert(rng.Next(sb.Length + 1), sb.ToString(at, len));
                    break;
                case 5:
                    // Replace a number with a hostile one.
                    var text = sb.ToString();
                    var digit = text.IndexOfAny("0123456789".ToCharArray(), at);
                    if (digit >= 0)
                    {
                        var end = digit;
                        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
                        sb.Remove(digit, end - digit).Insert(digit, Tokens[rng.Next(12)]);
                    }
                    break;
                default: sb.Insert(at, new string(Tokens[rng.Next(Tokens.Length)][0], 1 + rng.Next(200))); break;
            }
        }
        return sb.ToString();
    }

    private static byte[] MutateBytes(byte[] b, Random rng)
    {
        var list = new List<byte>(b);
        var steps = 1 + rng.Next(4);
        for (var i = 0; i < steps; i++)
        {
            var at = list.Count == 0 ? 0 : rng.Next(list.Count);
            switch (rng.Next(6))
            {
                case 0: if (list.Count > 0) list[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: if (list.Count > 0) list[at] = (byte)rng.Next(256); break;
                case 2: if (list.Count > 0) list.RemoveRange(at, Math.Min(list.Count - at, 1 + rng.Next(32))); break;
                case 3: list.RemoveRange(at, list.Count - at); break;
                case 4:
                    // A varint or length field set to a lie: 0xFF bytes read as a huge value.
                    for (var k = 0; k < 1 + rng.Next(5) && at + k < list.Count; k++) list[at + k] = 0xFF;
                    break;
                default: list.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(16)).Select(_ => (byte)rng.Next(256))); break;
            }
        }
        return list.ToArray();
    }

    /// <summary>Runs <paramref name="parse"/> on mutations of <paramref name="seed"/> until the budget is spent.</summary>
    private static void Fuzz<T>(string name, T seed, Func<T, Random, T> mutate, Action<T> parse)
    {
        parse(seed); // the unmutated seed must be valid
        // string.GetHashCode differs per process; this one does not, so a failure replays from the seed.
        var rng = new Random(Seed + name.Aggregate(0, (h, c) => unchecked(h * 31 + c)));
        var watch = Stopwatch.StartNew();
        var (runs, refused) = (0, 0);
        var current = seed;
        while (watch.Elapsed < Budget)
        {
            // Mostly mutate the seed, sometimes keep mutating the last input (deeper damage).
            var input = mutate(rng.Next(4) == 0 ? current : seed, rng);
            current = input;
            runs++;
            try
            {
                parse(input);
            }
            catch (InputException e)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{name}: empty message at iteration {runs}");
            }
            catch (Exception e)
            {
                Assert.Fail($"{name} (seed {Seed}, iteration {runs}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}\ninput:\n{Show(input)}");
            }
        }
        Assert.True(runs > 20, $"{name}: only {runs} inputs in {Budget.TotalSeconds} s");
        Assert.True(refused > 0, $"{name}: no mutated input was refused in {runs} runs; the fuzzer does not reach the parser");
    }

    /// <summary>As a file on disk holds text: UTF-8 bytes, a split surrogate pair becoming U+FFFD.</summary>
    private static void WriteUtf8(string path, string text) => File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    private static string Show<T>(T input) => input switch
    {
        string s => s.Length > 2000 ? s[..2000] + "..." : s,
        byte[] b => Convert.ToHexString(b.AsSpan(0, Math.Min(b.Length, 512))),
        _ => input?.ToString() ?? "",
    };

    [Fact]
    public void DesignYaml() =>
        Fuzz("design yaml", File.ReadAllText(Path.Combine(DataPaths.Designs, "resnet18.yaml")), MutateText, t => DesignLoader.Parse(t, "fuzz.yaml"));

    [Fact]
    public void DeviceYaml()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "fuzz.yaml");
        Fuzz("device yaml", File.ReadAllText(Path.Combine(DataPaths.Hw, "u280.yaml")), MutateText, t =>
        {
            WriteUtf8(file, t);
            DeviceLoader.Load(file);
        });
    }

    [Fact]
    public void Onnx() =>
        Fuzz("onnx", File.ReadAllBytes(Path.Combine(DataPaths.Root, "tests", "fixtures", "onnx", "alexnet.onnx")), MutateBytes,
            b => OnnxImporter.Import(new MemoryStream(b), "fuzz.onnx"));

    [Fact]
    public void Npz()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "fuzz.npz");
        var seed = new MemoryStream();
        using (var zip = new ZipArchive(seed, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, n, compress) in new[] { ("conv1.weight", 24, CompressionLevel.NoCompression), ("fc.bias", 10, CompressionLevel.Optimal) })
            {
                using var s = zip.CreateEntry(name + ".npy", compress).Open();
                var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({n},), }}";
                header = header.PadRight(64 - 10 - 1) + "\n";
                s.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0]);
                s.Write(Encoding.ASCII.GetBytes(header));
                s.Write(new byte[4 * n]);
            }
        }
        Fuzz("npz", seed.ToArray(), MutateBytes, b =>
        {
            File.WriteAllBytes(file, b);
            NpzFile.Read(file);
        });
    }

    private static string ExploredDesignsJson()
    {
        using var dir = new TempDir();
        var outDir = Path.Combine(dir.Path, "e");
        var r = Cli.CliRunner.Run("explore", "tiny_cnn", "--device", "u250", "--kernel", "conv_tiled", "--precision", "int8", "--out", outDir);
        Assert.True(r.Code == 0, r.Err);
        var text = File.ReadAllText(Path.Combine(outDir, "designs.json"));
        // Keep three designs: the parser's time goes to mutations, not to a long list.
        var root = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        var designs = root["designs"]!.AsArray();
        while (designs.Count > 3) designs.RemoveAt(designs.Count - 1);
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    [Fact]
    public void DesignsJson()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "designs.json");
        Fuzz("designs.json", ExploredDesignsJson(), MutateText, t =>
        {
            WriteUtf8(file, t);
            DesignList.Read(file);
            FpgaGen.Codegen.Projects.DesignDocument.Read(file, 1);
        });
    }

    [Fact]
    public void ProjectDesignJson()
    {
        var seed = File.ReadAllText(Path.Combine(DataPaths.Root, "tests", "FpgaGen.Tests", "Codegen", "Snapshots", "tiny_cnn-u250", "design.json"));
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "design.json");
        Fuzz("design.json", seed, MutateText, t =>
        {
            WriteUtf8(file, t);
            ProjectDesign.Read(file);
            FpgaGen.Codegen.Projects.DesignDocument.Read(file, null);
        });
    }

    [Fact]
    public void SingleDesignJson()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "choice.json");
        var seed = """{"kernel": "conv_tiled", "params": {"Tm": 16, "Tn": 4, "Tr": 7, "Tc": 7, "vu": 8}, "precision": "int8", "batch": 1, "rank": 2, "pareto": true}""";
        Fuzz("design file", seed, MutateText, t =>
        {
            WriteUtf8(file, t);
            FpgaGen.Codegen.Projects.DesignDocument.Read(file, null);
        });
    }

    [Fact]
    public void ResultsLog()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "results.jsonl");
        var record = new CompileRecord
        {
            Key = "gemm|int8|1|Tm=8|report", Device = "a10_385a", Kernel = "gemm", Params = new DesignParameters([new("Tm", 8)]), Precision = "int8",
            Target = "report", Status = "ok", Predicted = new Figures { Dsp = 10, Bram = 20, FmaxMhz = 240 }, Reported = new Figures { Dsp = 12, FmaxMhz = 230 },
        };
        var seed = string.Concat(Enumerable.Range(0, 3).Select(_ => System.Text.Json.JsonSerializer.Serialize(record,
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower }) + "\n"));
        var refusedSomething = false;
        Fuzz("results.jsonl", seed, MutateText, t =>
        {
            WriteUtf8(file, t);
            var (records, skipped) = FpgaGen.Exploration.Compiles.ResultsLog.Read(file);
            foreach (var r in records) _ = (r.Key, r.Params.ToString(), r.Predicted);
            if (skipped > 0)
            {
                refusedSomething = true;
                throw new InputException("skipped lines");
            }
            Calibrator.Fit(dir.Path, "a10_385a");
        });
        Assert.True(refusedSomething);
    }

    public static TheoryData<string> Reports() => ReportRobustnessTests.Parsers();

    [Theory]
    [MemberData(nameof(Reports))]
    public void VendorReport(string parser)
    {
        var (sample, parse) = ReportRobustnessTests.Pick(parser);
        Fuzz(parser, sample, MutateText, parse);
    }
    [Fact]
    public void TuningExport()
    {
        using var dir = new TempDir();
        var seedFile = Path.Combine(dir.Path, "seed.json");
        using var database = FpgaGen.OpenCl.Tuning.TuningDatabase.Open(Path.Combine(dir.Path, "tuning.sqlite"));
        // A real export: the bundled PoCL tuning results (an earlier JSON format) imported, then exported, cut to two entries.
        database.Import(Path.Combine(DataPaths.Root, "bench", "OpenClGemm", "results", "pocl-gemm-tuning.json"));
        database.Export(seedFile);
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(seedFile))!;
        var entries = root["entries"]!.AsArray();
        while (entries.Count > 2) entries.RemoveAt(entries.Count - 1);
        var file = Path.Combine(dir.Path, "import.json");
        Fuzz("tuning export", root.ToJsonString(), MutateText, t =>
        {
            WriteUtf8(file, t);
            database.Import(file);
        });
    }

    [Fact]
    public void BuildSummary()
    {
        using var dir = new TempDir();
        var project = FpgaGen.Toolchains.Projects.DesignFile.Load(Cli.TestProjects.Intel(dir));
        var file = dir.File("intel/build/report.report.json", "");
        var seed = """{"status": "failed", "error": "aoc failed with exit code 1: Error: x (log: build/report.log)", "target": "report", "seconds": 12.5, "tools": [{"name": "aoc", "version": "20.1"}]}""";
        Fuzz("build summary", seed, MutateText, t =>
        {
            WriteUtf8(file, t);
            var message = FpgaGen.Toolchains.Projects.ProjectReports.NothingBuilt(project, "intel");
            Assert.DoesNotContain('\n', message);
            if (!message.Contains("the last report compile", StringComparison.Ordinal)) throw new InputException("summary not used");
        });
    }

    [Fact]
    public void LockFile()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "sweep");
        var file = Path.Combine(folder, FolderLock.FileName);
        Directory.CreateDirectory(folder);
        var seed = new LockHolder(999_999, FolderLock.Host, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)).Text;
        Fuzz("lock file", seed, MutateText, t =>
        {
            WriteUtf8(file, t);
            using var held = FolderLock.Acquire(folder, "a fuzzed run");
            Assert.True(held.IsHeld);
        });
    }

    [Fact]
    public void KernelSpaceYaml()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "conv_tiled", "space.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        Fuzz("space.yaml", File.ReadAllText(Path.Combine(DataPaths.Templates, "conv_tiled", "space.yaml")), MutateText, t =>
        {
            WriteUtf8(file, t);
            FpgaGen.Kernels.SpaceLoader.Load("conv_tiled", dir.Path);
        });
    }

    [Fact]
    public void OnnxTensorFile()
    {
        // An ONNX backend test's input (float raw_data), as `simulate` reads tensor files; libonnx-testdata as in QuantizedOnnxTests.
        var seed = "/usr/share/libonnx-testdata/data/node/test_relu/test_data_set_0/input_0.pb";
        if (!File.Exists(seed)) Assert.Fail($"{seed} is missing: apt-get install -y libonnx-testdata");
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "fuzz.pb");
        Fuzz("onnx tensor", File.ReadAllBytes(seed), MutateBytes, b =>
        {
            File.WriteAllBytes(file, b);
            FpgaGen.Onnx.OnnxTensorFile.Read(file);
        });
    }

    [Fact]
    public void NpyArray()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "fuzz.npy");
        Fuzz("npy", File.ReadAllBytes(Path.Combine(DataPaths.Root, "tests", "fixtures", "images", "pattern_torchvision.npy")), MutateBytes, b =>
        {
            File.WriteAllBytes(file, b);
            ModelInput.Load(file, new FpgaGen.Model.Shape(3, 32, 32), 1, Normalization.ImageNet);
        });
    }

    [Theory]
    [InlineData("pattern.png")]
    [InlineData("pattern.jpg")]
    public void Image(string seedFile)
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "fuzz" + Path.GetExtension(seedFile));
        Fuzz("image " + seedFile, File.ReadAllBytes(Path.Combine(DataPaths.Root, "tests", "fixtures", "images", seedFile)), MutateBytes, b =>
        {
            File.WriteAllBytes(file, b);
            ModelInput.Load(file, new FpgaGen.Model.Shape(3, 16, 16), 1, Normalization.ImageNet);
        });
    }

    [Fact]
    public void RangesFile()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "ranges.json");
        var seed = ActivationRanges.ToJson(new Dictionary<string, double> { ["input"] = 2.5, ["conv1"] = 13.25, ["fc"] = 0.75 });
        Fuzz("ranges file", seed, MutateText, t =>
        {
            WriteUtf8(file, t);
            ActivationRanges.Read(file);
        });
    }

    [Fact]
    public void SlurmJobsLog()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, FpgaGen.Toolchains.Slurm.JobsLog.FileName);
        for (var i = 1; i <= 3; i++)
            FpgaGen.Toolchains.Slurm.JobsLog.Append(file, new FpgaGen.Toolchains.Slurm.SubmittedArray
            {
                JobId = 1000 + i, SubmittedUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), Target = "report", Array = "1-2%2",
                Designs = [new(1, "gemm|int8|1|Tm=8|report", "sweep/1-gemm-0a1b2c3d"), new(2, "gemm|int8|1|Tm=16|report", "sweep/2-gemm-4e5f6a7b")],
            });
        var seed = File.ReadAllText(file);
        Fuzz("jobs.jsonl", seed, MutateText, t =>
        {
            WriteUtf8(file, t);
            var arrays = FpgaGen.Toolchains.Slurm.JobsLog.Read(file);
            foreach (var a in arrays) _ = (a.Array.Length, a.Target.Length, a.Designs.Sum(d => d.Key.Length + d.Project.Length));
            // The log skips a damaged line (a kill's torn last line): counted as refused, so the fuzzer sees it reached the parser.
            if (arrays.Count < 3) throw new InputException("lines skipped");
        });
    }

    [Fact]
    public void TuningSpaceJson()
    {
        // The space a tuning database stores with each kernel's entries (read back from a database someone sent).
        var seed = FpgaGen.OpenCl.Tuning.TuningSpaceFile.ToJson(FpgaGen.Kernels.Kinds.KernelKinds.Get("conv_tiled").Space);
        Fuzz("tuning space", seed, MutateText, t => FpgaGen.OpenCl.Tuning.TuningSpaceFile.FromJson(t, "space.json"));
    }

    [Fact]
    public void TuningShapes()
    {
        Fuzz("gemm shape", "197x2304x768", MutateText, t => FpgaGen.OpenCl.Kernels.GemmShape.Parse(t));
        Fuzz("conv shape", "n=1,c=64,h=56,w=56,o=64,k=3,s=1,p=1", MutateText, t => FpgaGen.OpenCl.Kernels.ConvShape.Parse(t));
    }

    [Fact]
    public void CommandLineValues()
    {
        var space = FpgaGen.Kernels.Kinds.KernelKinds.Get("conv_tiled").Space;
        Fuzz("--set", "Tm=64,Tn=7,Tr=13,Tc=13,vu=8", MutateText, t => space.Parse(t));
        Fuzz("--timeout", "1h30m", MutateText, t => FpgaGen.Cli.Durations.Parse(t, "--timeout"));
    }
}
