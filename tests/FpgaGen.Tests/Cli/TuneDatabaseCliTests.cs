using System.Diagnostics;
using System.Text.Json;
using FpgaGen.OpenCl.Tuning;

namespace FpgaGen.Tests.Cli;

/// <summary>`fpgagen tune` and its SQLite database: concurrent runs, --export/--import, bad paths.</summary>
public sealed class TuneDatabaseCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fpgagen-tunecli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TwoTuneProcessesAtOnceLoseNoTrial()
    {
        var db = Path.Combine(_dir, "shared.sqlite");
        // Separate processes, as two users (or two jobs) on one machine: each its own SQLite connection, each
        // committing trials while the other does. Different seeds, so they mostly measure different candidates.
        var runs = new[] { 11, 12 }.Select(seed => RunCliProcess("tune", "--kernel", "gemm", "--shape", "24x40x20", "--budget", "6",
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db, "--format", "json")).ToArray();
        var results = await Task.WhenAll(runs);

        var measured = new HashSet<string>();
        var measuredCount = 0;
        foreach (var (code, stdout, stderr) in results)
        {
            Assert.True(code == 0, $"exit {code}: {stderr}");
            using var doc = JsonDocument.Parse(stdout);
            foreach (var t in doc.RootElement.GetProperty("trials").EnumerateArray().Where(t => !t.GetProperty("from_cache").GetBoolean()))
            {
                // params is an object; the database keys a trial by NAME=VALUE in name order.
                measured.Add(string.Join(",", t.GetProperty("params").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetInt32()}")));
                measuredCount++;
            }
        }
        Assert.True(measuredCount >= 2, $"only {measuredCount} candidates measured in all"); // at least one each: the default always runs when nothing is cached
        using var database = TuningDatabase.Open(db);
        var entry = Assert.Single(database.Entries);
        // Every candidate either process measured is stored; nothing else is.
        Assert.Equal(measured.Order(StringComparer.Ordinal), entry.Trials.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExportAndImportShareTunedParameters()
    {
        var source = Path.Combine(_dir, "a.sqlite");
        var file = Path.Combine(_dir, "shared.json");
        var bench = Path.Combine(OpenCl.TuningDatabaseTests.RepoRoot(), "bench", "OpenClGemm", "results", "pocl-gemm-tuning.json");

        var imported = CliRunner.Run("tune", "--import", bench, "--db", source);
        Assert.Equal(0, imported.Code);
        Assert.Matches(@"imported .*: 8 entries, \d+ trial\(s\) added, 0 already held", imported.Out);
        var exported = CliRunner.Run("tune", "--export", file, "--db", source);
        Assert.Equal(0, exported.Code);
        Assert.Contains("exported 8 tuning entries", exported.Out);
        // Exports are version 2, in snake_case like every other document; the version 1 file above imported as it is.
        var text = File.ReadAllText(file);
        Assert.Contains("\"version\": 2", text);
        Assert.Contains("\"median_ns\":", text);
        Assert.Contains("\"shape_class\":", text);
        Assert.DoesNotContain("medianNs", text);
        Assert.DoesNotContain("\\u00", text);

        var target = Path.Combine(_dir, "b.sqlite");
        Assert.Equal(0, CliRunner.Run("tune", "--import", file, "--db", target).Code);
        using var a = TuningDatabase.Open(source);
        using var b = TuningDatabase.Open(target);
        Assert.Equal(Summary(a), Summary(b));
        var again = CliRunner.Run("tune", "--import", file, "--db", target);
        Assert.Contains("0 trial(s) added", again.Out);
    }

    [Theory]
    [InlineData("--db", "/nonexistent-folder/x.sqlite", "--kernel", "gemm", "--shape", "8x8x8")]
    [InlineData("--db", "/nonexistent-folder/x.sqlite", "--export", "out.json")]
    [InlineData("--db", "{dir}", "--kernel", "gemm", "--shape", "8x8x8")]
    [InlineData("--db", "{dir}/old.json", "--kernel", "gemm", "--shape", "8x8x8")]
    [InlineData("--db", "{dir}/t.sqlite", "--import", "{dir}/missing.json")]
    [InlineData("--db", "{dir}/t.sqlite", "--export", "/nonexistent-folder/sub/out.json")]
    [InlineData("--db", "{dir}/t.sqlite", "--export", "{dir}/o.json", "--kernel", "gemm")]
    [InlineData("--db", "{dir}/t.sqlite", "--export", "{dir}/o.json", "--import", "{dir}/i.json")]
    [InlineData("--db", "{dir}/t.sqlite", "--shape", "8x8x8")]
    public void BadDatabaseOrExchangeArgumentsExitWithTwo(params string[] args)
    {
        var r = CliRunner.Run(["tune", .. args.Select(a => a.Replace("{dir}", _dir))]);
        Assert.Equal(2, r.Code);
        Assert.StartsWith("error:", r.Err);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
    }

    private static string[] Summary(TuningDatabase db) =>
        db.Entries.Select(e => $"{e.Kernel} {e.Device} {e.Shape} {string.Join(";", e.Trials.OrderBy(t => t.Key, StringComparer.Ordinal))}").ToArray();

    /// <summary>The built CLI (fpgagen.dll beside the tests) in its own process, with an argument list.</summary>
    private static async Task<(int Code, string Out, string Err)> RunCliProcess(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fpgagen.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"fpgagen {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}
