using System.Text.Json;

namespace FpgaGen.Tests.Cli;

public class OpenClCliTests
{
    [Fact]
    public void DevicesOpenClListsPoCl()
    {
        var r = CliRunner.Run("devices", "--opencl", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var first = doc.RootElement[0];
        Assert.True(first.GetProperty("compute_units").GetInt32() > 0);
        Assert.StartsWith("OpenCL ", first.GetProperty("opencl_version").GetString());
    }

    [Fact]
    public void TuneStoresAVerifiedBestAndReusesIt()
    {
        var db = Path.Combine(Path.GetTempPath(), $"tune-{Guid.NewGuid():N}.sqlite");
        try
        {
            var r = CliRunner.Run("tune", "--kernel", "gemm", "--shape", "64x48x40", "--budget", "3", "--db", db, "--format", "json");
            Assert.Equal(0, r.Code);
            using var doc = JsonDocument.Parse(r.Out);
            var best = doc.RootElement.GetProperty("best");
            Assert.True(best.GetProperty("gflops").GetDouble() > 0);
            Assert.True(File.Exists(db));
            // A zero budget measures nothing new and reports the stored best.
            var again = CliRunner.Run("tune", "--kernel", "gemm", "--shape", "64x48x40", "--budget", "0", "--db", db, "--format", "json");
            using var doc2 = JsonDocument.Parse(again.Out);
            Assert.Equal(best.GetProperty("params").GetRawText(), doc2.RootElement.GetProperty("best").GetProperty("params").GetRawText());
            Assert.Equal(JsonValueKind.Object, best.GetProperty("params").ValueKind);
            Assert.Matches("^[a-z_]+$", doc2.RootElement.GetProperty("stop").GetString());

            // --format csv: the trials, under the JSON's names; with a zero budget (no trial) the header alone.
            var none = CliRunner.Run("tune", "--kernel", "gemm", "--shape", "64x48x40", "--budget", "0", "--db", db, "--format", "csv");
            Assert.Equal("params,status,median_ns,gflops,from_cache,message", none.Out.Split('\n')[0]);
            var csv = CliRunner.Run("tune", "--kernel", "gemm", "--shape", "64x48x40", "--budget", "2", "--db", db + ".csv", "--format", "csv");
            Assert.Equal(0, csv.Code);
            var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("params,status,median_ns,gflops,from_cache,message", lines[0]);
            Assert.Contains(lines.Skip(1), l => l.Contains(",verified,", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(db);
            File.Delete(db + ".csv");
        }
    }

    [Theory]
    [InlineData("gemm", "64x48")]
    [InlineData("conv", "n=1,c=0")]
    public void BadShapeExitsWithTwo(string kernel, string shape)
    {
        var r = CliRunner.Run("tune", "--kernel", kernel, "--shape", shape, "--budget", "1", "--db", "/tmp/unused-tuning.sqlite");
        Assert.Equal(2, r.Code);
        Assert.StartsWith("error:", r.Err);
    }
}
