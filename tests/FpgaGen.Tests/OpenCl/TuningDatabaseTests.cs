using FpgaGen.OpenCl.Kernels;
using FpgaGen.OpenCl.Tuning;
using Microsoft.Data.Sqlite;

namespace FpgaGen.Tests.OpenCl;

/// <summary>The SQLite tuning database without a device: storage, concurrency, fallback lookup, export and import.</summary>
public sealed class TuningDatabaseTests : IDisposable
{
    private static readonly DeviceIdentity Gpu = new("Radeon X", "AMD", "GPU", "1.0");
    private static readonly TuningShape Small = new("gemm", "64x64x64", "m64-n64-k64", [6, 6, 6]);
    private static readonly TuningShape Large = new("gemm", "1024x1024x1024", "m1024-n1024-k1024", [10, 10, 10]);

    private readonly string _dir = Directory.CreateTempSubdirectory("fpgagen-tunedb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    private static string Key(int i) => $"MWG={i},NWG={i % 7}";

    [Fact]
    public async Task ConcurrentWritersOnSeparateConnectionsLoseNoTrial()
    {
        var path = File("shared.sqlite");
        const int perWriter = 300;
        using (TuningDatabase.Open(path)) { } // schema in place, as after a first tune run

        // Two writers with their own connections, as two `fpgagen tune` processes have: both write the shared entry
        // (distinct candidates) and one of their own, reading between writes as the tuner does.
        using var start = new Barrier(2);
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            using var db = TuningDatabase.Open(path);
            var own = Small with { Text = $"{w}x64x64" };
            start.SignalAndWait();
            for (var i = 0; i < perWriter; i++)
            {
                var key = Key(w * perWriter + i);
                Assert.Null(db.FindTrial(Gpu, Small, key));
                db.Record(Gpu, Small, key, new TrialRecord(1000 + i, 1.5, null));
                db.Record(Gpu, own, Key(i), new TrialRecord(null, null, $"BuildFailed: {i}"));
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2));

        using var check = TuningDatabase.Open(path);
        var entries = check.Entries;
        Assert.Equal(3, entries.Count);
        var shared = Assert.Single(entries, e => e.Shape == Small.Text);
        Assert.Equal(Enumerable.Range(0, 2 * perWriter).Select(Key).ToHashSet(), shared.Trials.Keys.ToHashSet());
        Assert.All(entries.Where(e => e != shared), e => Assert.Equal(perWriter, e.Trials.Count));
        Assert.Equal("wal", SqliteJournal(path));
    }

    [Fact]
    public void RecordReplacesACandidatesOutcomeAndKeepsEveryOther()
    {
        using var db = TuningDatabase.Open(File("t.sqlite"));
        Assert.Empty(db.EntryFor(Gpu, Small).Trials);
        db.Record(Gpu, Small, Key(1), new TrialRecord(null, null, "RunFailed: CL_OUT_OF_RESOURCES"));
        db.Record(Gpu, Small, Key(2), new TrialRecord(500, 4, null));
        db.Record(Gpu, Small, Key(1), new TrialRecord(250, 8, null));
        var entry = db.EntryFor(Gpu, Small);
        Assert.Equal(2, entry.Trials.Count);
        Assert.Equal(new BestTrial(Key(1), 250, 8), entry.Best);
        Assert.Equal(new TrialRecord(500, 4, null), db.FindTrial(Gpu, Small, Key(2)));
        Assert.Equal(Small.Features, entry.Features);
        Assert.True(entry.Updated > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public void LookupFallsBackFromDeviceToVendorAndTypeToDefault()
    {
        using var db = TuningDatabase.Open(File("t.sqlite"));
        var fallback = KernelParameters.Parse("MWG=1");
        db.Record(Gpu, Small, "MWG=8", new TrialRecord(100, 10, null));
        db.Record(Gpu, Small, "MWG=16", new TrialRecord(50, 20, null));
        db.Record(Gpu, Large, "MWG=64", new TrialRecord(5000, 200, null));
        db.Record(Gpu, Large, "MWG=128", new TrialRecord(null, null, "WrongResult: mismatch")); // never a best

        var exact = db.Lookup(Gpu, Large, fallback);
        Assert.Equal((TuningMatch.Device, "MWG=64", true), (exact.Match, exact.Parameters.Key, exact.ExactClass));
        var near = db.Lookup(Gpu, Large with { Text = "900x1000x1100", Class = "other", Features = [9.8, 10, 10.1] }, fallback);
        Assert.Equal((TuningMatch.Device, "1024x1024x1024", false), (near.Match, near.TunedShape, near.ExactClass));
        var sibling = db.Lookup(Gpu with { Name = "Radeon Y" }, Small, fallback);
        Assert.Equal((TuningMatch.VendorAndType, "MWG=16"), (sibling.Match, sibling.Parameters.Key));
        var stranger = db.Lookup(new DeviceIdentity("Arc", "Intel", "GPU"), Small, fallback);
        Assert.Equal((TuningMatch.Default, fallback), (stranger.Match, stranger.Parameters));
        Assert.Equal(TuningMatch.Default, db.Lookup(Gpu, Small with { Kernel = "conv" }, fallback).Match);
    }

    [Fact]
    public void ExportImportRoundTripsAndImportKeepsWhatTheDatabaseHolds()
    {
        var json = File("shared.json");
        using (var source = TuningDatabase.Open(File("a.sqlite")))
        {
            source.Record(Gpu, Small, Key(1), new TrialRecord(100, 10, null));
            source.Record(Gpu, Small, Key(2), new TrialRecord(null, null, "BuildFailed: CL_BUILD_PROGRAM_FAILURE"));
            source.Record(Gpu with { Name = "Radeon Y", Driver = null }, Large, Key(3), new TrialRecord(900, 90, null));
            Assert.Equal(2, source.Export(json));
        }
        Assert.Contains("\"format\": \"fpgagen-opencl-tuning\"", System.IO.File.ReadAllText(json));

        using var target = TuningDatabase.Open(File("b.sqlite"));
        target.Record(Gpu, Small, Key(1), new TrialRecord(80, 12.5, null)); // measured here: must survive the import
        Assert.Equal(new ImportSummary(2, 2, 1), target.Import(json));
        Assert.Equal(new ImportSummary(2, 0, 3), target.Import(json)); // importing again adds nothing

        var entries = target.Entries;
        Assert.Equal(2, entries.Count);
        var small = Assert.Single(entries, e => e.Shape == Small.Text);
        Assert.Equal(new TrialRecord(80, 12.5, null), small.Trials[Key(1)]);
        Assert.Equal("BuildFailed: CL_BUILD_PROGRAM_FAILURE", small.Trials[Key(2)].Error);
        var large = Assert.Single(entries, e => e.Shape == Large.Text);
        Assert.Equal(new DeviceIdentity("Radeon Y", "AMD", "GPU"), large.Device);
        Assert.Equal(Large.Features, large.Features);
        Assert.Equal(TuningMatch.Device, target.Lookup(Gpu with { Name = "Radeon Y" }, Large, KernelParameters.Parse("MWG=1")).Match);
    }

    [Fact]
    public void TheCommittedBenchDatabaseImports()
    {
        // bench/OpenClGemm/results holds a database written by the JSON-file era; exports keep that layout.
        var file = Path.Combine(RepoRoot(), "bench", "OpenClGemm", "results", "pocl-gemm-tuning.json");
        using var db = TuningDatabase.Open(File("bench.sqlite"));
        var summary = db.Import(file);
        Assert.Equal(8, summary.Entries);
        Assert.True(summary.Added > 100);
        var cpu = db.Entries[0].Device;
        var best = db.Lookup(cpu, new TuningShape("gemm", "1024x1024x1024", "m1024-n1024-k1024", [10, 10, 10]), KernelParameters.Parse("MWG=1"));
        Assert.Equal((TuningMatch.Device, true), (best.Match, best.ExactClass));
        Assert.True(best.Gflops > 50);
    }

    [Theory]
    [InlineData("{\"format\":\"something else\",\"version\":1}", "not a tuning export")]
    [InlineData("[1,2", "not a tuning export")]
    [InlineData("{\"format\":\"fpgagen-opencl-tuning\",\"version\":9,\"entries\":[]}", "version 9")]
    [InlineData("{\"format\":\"fpgagen-opencl-tuning\",\"version\":1,\"entries\":[{\"kernel\":\"gemm\",\"device\":{\"name\":\"d\",\"vendor\":\"v\",\"type\":\"GPU\"},\"shape\":\"1x1x1\",\"shapeClass\":\"c\",\"features\":[1],\"trials\":{\"MWG=x\":{\"medianNs\":5}}}]}", "trial 'MWG=x'")]
    [InlineData("{\"format\":\"fpgagen-opencl-tuning\",\"version\":1,\"entries\":[{\"kernel\":\"gemm\",\"device\":{\"name\":\"d\",\"vendor\":\"v\",\"type\":\"GPU\"},\"shape\":\"1x1x1\",\"shapeClass\":\"c\",\"features\":[1],\"trials\":{\"MWG=1\":{\"medianNs\":5},\"MWG=2\":{}}}]}", "neither a positive medianNs nor an error")]
    [InlineData("{\"format\":\"fpgagen-opencl-tuning\",\"version\":1,\"entries\":[{\"kernel\":\"gemm\",\"device\":null,\"shape\":\"1x1x1\",\"shapeClass\":\"c\",\"features\":[1]}]}", "needs a device")]
    public void BadImportFilesAreInputErrorsAndImportNothing(string text, string message)
    {
        var json = File("bad.json");
        System.IO.File.WriteAllText(json, text);
        using var db = TuningDatabase.Open(File("t.sqlite"));
        var e = Assert.Throws<InputException>(() => db.Import(json));
        Assert.Contains(message, e.Message);
        Assert.StartsWith(json, e.Message);
        Assert.Empty(db.Entries);
    }

    [Fact]
    public void BadDatabasePathsAreInputErrors()
    {
        System.IO.File.WriteAllText(File("text.sqlite"), "{\"format\":\"fpgagen-opencl-tuning\",\"version\":1,\"entries\":[]}");
        Assert.Contains("not an SQLite file", Assert.Throws<InputException>(() => TuningDatabase.Open(File("text.sqlite"))).Message);
        Assert.Contains("--import", Assert.Throws<InputException>(() => TuningDatabase.Open(File("old.json"))).Message);
        Assert.Contains("does not exist", Assert.Throws<InputException>(() => TuningDatabase.Open(File("no/such/folder/t.sqlite"))).Message);
        Assert.Contains("is a folder", Assert.Throws<InputException>(() => TuningDatabase.Open(_dir)).Message);

        var other = File("other.sqlite"); // an SQLite file of some other program
        using (var c = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE t (x)";
            cmd.ExecuteNonQuery();
        }
        Assert.Contains("not an fpgagen tuning database", Assert.Throws<InputException>(() => TuningDatabase.Open(other)).Message);

        using var missing = TuningDatabase.OpenIfExists(File("missing.sqlite"));
        Assert.Empty(missing.Entries);
        Assert.False(System.IO.File.Exists(File("missing.sqlite")));
    }

    private static string SqliteJournal(string path)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        return (string)cmd.ExecuteScalar()!;
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "FpgaGen.sln"))) return dir.FullName;
        throw new InvalidOperationException("FpgaGen.sln not found above " + AppContext.BaseDirectory);
    }
}
