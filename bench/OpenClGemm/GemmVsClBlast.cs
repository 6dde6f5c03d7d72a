#:project ../../src/FpgaGen.OpenCl/FpgaGen.OpenCl.csproj
#:property AllowUnsafeBlocks=true
#:property PublishAot=false

// FpgaGen tuned GEMM vs CLBlast SGEMM on one OpenCL device. A file-based app (dotnet run FILE),
// kept out of the solution and the unit tests: timings need an otherwise idle machine.
//
//   dotnet run bench/OpenClGemm/GemmVsClBlast.cs -- [--device N|name] [--budget SECONDS] [--runs N]
//       [--db FILE] [--shapes MxNxK,...] [--clblast-tuned clblast_xgemm_*.json]...
//
// Per shape: tune our kernel (resuming from --db), verify both libraries' results exactly against
// a double CPU reference on integer-valued data, then report median wall times (enqueue → done,
// which is fair to CLBlast's multi-kernel GEMM) and our kernel's event-profiled device time.
// --clblast-tuned passes clblast_tuner_xgemm's best "Xgemm" parameters to CLBlast at run time
// through CLBlastOverrideParameters (CLBlast otherwise only uses its compiled-in database).

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using FpgaGen.OpenCl;
using FpgaGen.OpenCl.Benchmarks;
using FpgaGen.OpenCl.Kernels;
using FpgaGen.OpenCl.Tuning;

var opts = Args.Parse(args);
using var session = OpenClSession.Open(opts.Device);
Console.WriteLine($"device: {session.Device.Name} ({session.Device.Platform.Name}, {session.Device.ComputeUnits} CUs)");
using var db = TuningDatabase.Open(opts.Db);
var clblastTuned = opts.ClBlastTuned.Count == 0 ? null : ClBlastTuning.BestOf(opts.ClBlastTuned);
if (clblastTuned is not null) Console.WriteLine($"CLBlast tuned Xgemm: {string.Join(" ", clblastTuned.Select(kv => $"{kv.Key}={kv.Value}"))}");

var rows = new List<string>();
foreach (var shape in opts.Shapes)
{
    Console.WriteLine($"\n== {shape} ({shape.Flops / 1e9:F2} GFLOP)");
    TrialResult? best;
    using (var problem = GemmTuning.CreateProblem(session, shape))
    {
        var result = Tuner.Run(problem, new TuningOptions { Budget = TimeSpan.FromSeconds(opts.Budget), Seed = 1 }, db);
        best = result.Best;
        Console.WriteLine($"tuned: {result.Trials.Count} candidates ({result.Trials.Count(t => t.FromCache)} cached, " +
                          $"{result.Trials.Count(t => t.Status != TrialStatus.Verified)} rejected) of {result.Candidates}, stop: {result.Stop}");
    }
    if (best is null) { Console.WriteLine("no verified configuration"); continue; }
    Console.WriteLine($"best: {best.Parameters}");

    var a = TuningData.SmallIntegers((long)shape.M * shape.K, 11);
    var b = TuningData.SmallIntegers((long)shape.K * shape.N, 12);
    var reference = Reference.Gemm(a, b, shape);
    using var ba = session.Context.CreateBuffer<float>(a, ClMemFlags.ReadOnly);
    using var bb = session.Context.CreateBuffer<float>(b, ClMemFlags.ReadOnly);
    using var bc = session.Context.CreateBuffer((long)shape.M * shape.N * sizeof(float));

    using var kernel = GemmKernel.Build(session, best.Parameters);
    var ours = KernelTiming.Time(kernel, ba, bb, bc, shape, opts.Runs);
    var oursCheck = Verify(session, bc, reference, shape);

    double ClBlastWall(string label)
    {
        var ns = KernelTiming.MedianWallNs(() => ClBlast.Sgemm(session, shape, ba, bb, bc), opts.Runs);
        Console.WriteLine($"{label}: {Verify(session, bc, reference, shape)}");
        return ns;
    }
    ClBlast.Reset(); // compiled-in database parameters
    var clblast = ClBlastWall("CLBlast (database)");
    double? clblastTunedNs = null;
    if (clblastTuned is not null)
    {
        ClBlast.Override(session.Device, clblastTuned);
        clblastTunedNs = ClBlastWall("CLBlast (tuned)");
    }

    double G(double ns) => shape.Flops / ns;
    Console.WriteLine($"ours: {oursCheck}; device {ours.MedianDeviceNs / 1e6:F3} ms = {ours.DeviceGflops(shape.Flops):F1} GFLOPS, " +
                      $"wall {ours.MedianWallNs / 1e6:F3} ms = {ours.WallGflops(shape.Flops):F1} GFLOPS");
    Console.WriteLine($"CLBlast: wall {clblast / 1e6:F3} ms = {G(clblast):F1} GFLOPS" +
                      (clblastTunedNs is { } t ? $"; tuned wall {t / 1e6:F3} ms = {G(t):F1} GFLOPS" : ""));
    var bestClBlast = Math.Min(clblast, clblastTunedNs ?? double.MaxValue);
    rows.Add($"| {shape} | {ours.WallGflops(shape.Flops):F1} | {ours.DeviceGflops(shape.Flops):F1} | {G(clblast):F1} | " +
             $"{(clblastTunedNs is { } tt ? G(tt).ToString("F1", CultureInfo.InvariantCulture) : "-")} | {bestClBlast / ours.MedianWallNs:F2} | {best.Parameters} |");
}

Console.WriteLine("\n| shape MxNxK | ours GFLOPS (wall) | ours GFLOPS (device) | CLBlast GFLOPS | CLBlast tuned GFLOPS | ours / best CLBlast | our parameters |");
Console.WriteLine("|---|---|---|---|---|---|---|");
rows.ForEach(Console.WriteLine);
return 0;

static Verification Verify(OpenClSession session, ClBuffer c, ReferenceResult reference, GemmShape shape)
{
    var result = session.Queue.ReadAll<float>(c);
    return reference.Compare(result, shape.M, shape.N, shape.N, ReferenceResult.FloatUnitRoundoff);
}

sealed record Args(string? Device, double Budget, int Runs, string Db, List<GemmShape> Shapes, List<string> ClBlastTuned)
{
    // 1024³; VGG-16 FC6/FC7 at batch 1 and 16; ViT-B/16 QKV, MLP-up and MLP-down over 197 tokens.
    private const string DefaultShapes =
        "1024x1024x1024,1x4096x25088,16x4096x25088,1x4096x4096,16x4096x4096,197x2304x768,197x3072x768,197x768x3072";

    public static Args Parse(string[] args)
    {
        string? device = null, db = "gemm-bench-tuning.sqlite", shapes = DefaultShapes;
        double budget = 60;
        int runs = 5;
        var tuned = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--device": device = Next(); break;
                case "--budget": budget = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--db": db = Next(); break;
                case "--shapes": shapes = Next(); break;
                case "--clblast-tuned": tuned.Add(Next()); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return new Args(device, budget, runs, db, shapes.Split(',').Select(GemmShape.Parse).ToList(), tuned);
    }
}

/// <summary>Reads clblast_tuner_xgemm output files and keeps the fastest "Xgemm" parameter set.</summary>
static class ClBlastTuning
{
    public static Dictionary<string, long> BestOf(IEnumerable<string> files)
    {
        (double Time, Dictionary<string, long> Parameters)? best = null;
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
            {
                if (r.GetProperty("kernel").GetString() != "Xgemm") continue;
                var time = r.GetProperty("time").GetDouble();
                if (best is not null && time >= best.Value.Time) continue;
                var p = r.GetProperty("parameters").EnumerateObject()
                    .Where(x => x.Name != "PRECISION").ToDictionary(x => x.Name, x => x.Value.GetInt64());
                best = (time, p);
            }
        }
        return best?.Parameters ?? throw new ArgumentException("no Xgemm results in the CLBlast tuner files");
    }
}

/// <summary>The few CLBlast C API calls the comparison needs (clblast_c.h, CLBlast 1.5).</summary>
static unsafe partial class ClBlast
{
    private const string Lib = "libclblast.so.1";
    private const int RowMajor = 101, NoTranspose = 111, PrecisionSingle = 32;

    [LibraryImport(Lib)]
    private static partial int CLBlastSgemm(int layout, int aTranspose, int bTranspose, nuint m, nuint n, nuint k, float alpha,
        nint a, nuint aOffset, nuint aLd, nint b, nuint bOffset, nuint bLd, float beta, nint c, nuint cOffset, nuint cLd,
        nint* queue, nint* evt);

    [LibraryImport(Lib)]
    private static partial int CLBlastOverrideParameters(nint device, byte* kernelName, int precision, nuint count, byte** names, nuint* values);

    [LibraryImport(Lib)]
    private static partial int CLBlastClearCache();

    /// <summary>C = A·B, row-major, beta 0; blocks until the queue is idle.</summary>
    public static void Sgemm(OpenClSession s, GemmShape shape, ClBuffer a, ClBuffer b, ClBuffer c)
    {
        var queue = s.Queue.DangerousGetHandle(); // the buffers and queue outlive the call: owned by the caller
        var status = CLBlastSgemm(RowMajor, NoTranspose, NoTranspose, (nuint)shape.M, (nuint)shape.N, (nuint)shape.K, 1f,
            a.DangerousGetHandle(), 0, (nuint)shape.K, b.DangerousGetHandle(), 0, (nuint)shape.N, 0f,
            c.DangerousGetHandle(), 0, (nuint)shape.N, &queue, null);
        if (status != 0) throw new InvalidOperationException($"CLBlastSgemm returned {status}");
        s.Queue.Finish();
    }

    /// <summary>Drops compiled programs so the next call recompiles with the database parameters.</summary>
    public static void Reset() => Check(CLBlastClearCache(), "CLBlastClearCache");

    public static void Override(ClDevice device, Dictionary<string, long> parameters)
    {
        var names = parameters.Keys.Select(k => Marshal.StringToHGlobalAnsi(k)).ToArray();
        var kernel = Marshal.StringToHGlobalAnsi("Xgemm");
        try
        {
            var namePtrs = new byte*[names.Length];
            for (var i = 0; i < names.Length; i++) namePtrs[i] = (byte*)names[i];
            var values = parameters.Values.Select(v => (nuint)v).ToArray();
            fixed (byte** n = namePtrs)
            fixed (nuint* v = values)
                Check(CLBlastOverrideParameters(device.Id, (byte*)kernel, PrecisionSingle, (nuint)values.Length, n, v), "CLBlastOverrideParameters");
        }
        finally
        {
            foreach (var p in names) Marshal.FreeHGlobal(p);
            Marshal.FreeHGlobal(kernel);
        }
    }

    private static void Check(int status, string what)
    {
        if (status != 0) throw new InvalidOperationException($"{what} returned {status}");
    }
}
