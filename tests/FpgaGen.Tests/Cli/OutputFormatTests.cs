using System.Globalization;
using System.Text.Json;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// docs/formats.md: one schema per document, the same snake_case names in JSON and CSV, params an object in every
/// JSON, --format csv wherever a table is printed, text without \u escapes, paths relative.
/// </summary>
public class OutputFormatTests
{
    /// <summary>A CSV line's fields (quoted fields may hold commas).</summary>
    private static string[] Fields(string line) =>
        System.Text.RegularExpressions.Regex.Split(line, ",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)").Select(f => f.Length > 1 && f[0] == '"' ? f[1..^1].Replace("\"\"", "\"") : f).ToArray();

    /// <summary>A JSON object's scalar fields, nested objects as parent.child (params as NAME=VALUE,… text).</summary>
    private static List<(string Name, JsonElement Value)> Flatten(JsonElement o, string prefix = "")
    {
        var fields = new List<(string, JsonElement)>();
        foreach (var p in o.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Object && p.Name != "params") fields.AddRange(Flatten(p.Value, prefix + p.Name + "."));
            else fields.Add((prefix + p.Name, p.Value));
        }
        return fields;
    }

    [Fact]
    public void DesignsCsvHasTheJsonEntriesFieldsUnderTheSameNames()
    {
        using var dir = new TempDir();
        var outDir = Path.Combine(dir.Path, "out");
        var r = CliRunner.Run("explore", "alexnet", "--device", "u280", "--out", outDir);
        Assert.Equal(0, r.Code);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "designs.json")));
        var designs = json.RootElement.GetProperty("designs").EnumerateArray().ToList();
        var csv = File.ReadAllLines(Path.Combine(outDir, "designs.csv"));
        Assert.Equal(designs.Count + 1, csv.Length);

        var first = Flatten(designs[0]);
        Assert.Equal(first.Select(f => f.Name), csv[0].Split(','));
        foreach (var key in new[] { "ram_bits", "binding", "max_util", "resources.bram", "resources.uram", "utilization.uram", "params" })
            Assert.Contains(key, csv[0].Split(','));
        for (var i = 0; i < 3; i++)
        {
            var values = Fields(csv[i + 1]);
            foreach (var ((name, value), text) in Flatten(designs[i]).Zip(values))
            {
                if (name == "params")
                {
                    Assert.Equal(JsonValueKind.Object, value.ValueKind);
                    Assert.Equal(string.Join(",", value.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt32()}")), text);
                }
                else if (value.ValueKind == JsonValueKind.Number) Assert.Equal(value.GetDouble(), double.Parse(text, CultureInfo.InvariantCulture));
                else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) Assert.Equal(value.GetBoolean() ? "true" : "false", text);
                else Assert.Equal(value.GetString(), text);
            }
        }
        // The binding resource is one of the utilization keys, at the largest utilization.
        var util = designs[0].GetProperty("utilization").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(util.Values.Max(), util[designs[0].GetProperty("binding").GetString()!]);
        Assert.Equal(util.Values.Max(), designs[0].GetProperty("max_util").GetDouble());
        Assert.Contains("fewer DSPs, then less RAM", json.RootElement.GetProperty("tie_break").GetString());

        // The model's file is named relative to the document's folder, and it resolves.
        var model = json.RootElement.GetProperty("model_file").GetString()!;
        Assert.False(Path.IsPathRooted(model));
        Assert.True(File.Exists(Path.Combine(outDir, model)), model);
    }

    [Fact]
    public void EveryTableCommandWritesCsvUnderTheJsonNames()
    {
        string[] estimate = ["estimate", "tiny_cnn", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=16,Tn=4,Tr=8,Tc=8,vu=8"];
        var csv = CliRunner.Run([.. estimate, "--format", "csv"]);
        Assert.True(csv.Code == 0, csv.Err);
        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var json = JsonDocument.Parse(CliRunner.Run([.. estimate, "--format", "json"]).Out);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(layers[0].EnumerateObject().Select(p => p.Name), lines[0].Split(','));
        Assert.Equal(layers.Count + 1, lines.Length);
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("params").ValueKind);

        string[] simulate = ["simulate", "tiny_cnn", "--device", "a10_385a"];
        var sim = CliRunner.Run([.. simulate, "--format", "csv"]);
        Assert.True(sim.Code == 0, sim.Err);
        var simLines = sim.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var simJson = JsonDocument.Parse(CliRunner.Run([.. simulate, "--format", "json"]).Out);
        var steps = simJson.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(steps[0].EnumerateObject().Select(p => p.Name), simLines[0].Split(','));
        Assert.Equal(steps.Count + 1, simLines.Length);
        Assert.All(simLines.Skip(1), l => Assert.Contains(",true,", l));
        Assert.Equal(JsonValueKind.Object, simJson.RootElement.GetProperty("params").ValueKind);
        Assert.True(simJson.RootElement.TryGetProperty("opencl_device", out _));
        Assert.False(simJson.RootElement.TryGetProperty("open_cl_device", out _));
    }

    [Fact]
    public void DevicesCsvHasNumericRamColumns()
    {
        var r = CliRunner.Run("devices", "--format", "csv");
        Assert.Equal(0, r.Code);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        using var json = JsonDocument.Parse(CliRunner.Run("devices", "--format", "json").Out);
        var first = json.RootElement[0];
        // The CSV's columns are the JSON's first fields, under the same names.
        Assert.Equal(header, first.EnumerateObject().Select(p => p.Name).Take(header.Length));
        foreach (var line in lines.Skip(1))
        {
            var f = Fields(line);
            var row = header.Zip(f).ToDictionary(x => x.First, x => x.Second);
            Assert.True(long.Parse(row["bram_blocks"], CultureInfo.InvariantCulture) > 0, line);
            Assert.True(long.Parse(row["ram_bits"], CultureInfo.InvariantCulture) > 0, line);
            Assert.True(row["uram_blocks"].Length == 0 || long.Parse(row["uram_blocks"], CultureInfo.InvariantCulture) > 0, line);
        }
        var u280 = lines.Select(Fields).Single(f => f[0] == "u280");
        Assert.Equal("URAM", u280[Array.IndexOf(header, "uram_kind")]);
        Assert.Equal("960", u280[Array.IndexOf(header, "uram_blocks")]);
    }

    [Fact]
    public void TextKeepsQuotesAndNonAsciiAsTheyAre()
    {
        using var dir = new TempDir();
        var yaml = File.ReadAllText(Path.Combine(DataPaths.Designs, "tiny_cnn.yaml")).Replace("name: TinyCNN", "name: \"Ana's net <µ>\"");
        var file = dir.File("net.yaml", yaml);
        var r = CliRunner.Run("analyze", file, "--format", "json");
        Assert.Equal(0, r.Code);
        Assert.Contains("\"model\": \"Ana's net <µ>\"", r.Out);
        Assert.DoesNotContain("\\u", r.Out);

        var outDir = Path.Combine(dir.Path, "out");
        Assert.Equal(0, CliRunner.Run("explore", file, "--device", "zcu102", "--out", outDir).Code);
        var designs = File.ReadAllText(Path.Combine(outDir, "designs.json"));
        Assert.Contains("\"model\": \"Ana's net <µ>\"", designs);
        Assert.DoesNotContain("\\u", designs);
        Assert.Equal("net.yaml", JsonDocument.Parse(designs).RootElement.GetProperty("model_file").GetString()![3..]);
    }
}
