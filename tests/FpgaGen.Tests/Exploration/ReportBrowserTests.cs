using System.Text.Json;
using System.Text.RegularExpressions;
using FpgaGen.Tests.Cli;
using PuppeteerSharp;

namespace FpgaGen.Tests.Exploration;

/// <summary>
/// [Fact] for tests that need Chromium. They run, and fail with install advice when it is missing (test.sh installs
/// Debian's chromium); FPGAGEN_NO_BROWSER=1 is the one explicit opt-out, for machines that cannot have a browser.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string OptOutVariable = "FPGAGEN_NO_BROWSER";

    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "1") Skip = $"{OptOutVariable}=1";
    }
}

/// <summary>
/// report.html in a real browser: headless Chromium (driven over the DevTools protocol by PuppeteerSharp) loads the
/// file that `explore --out` wrote, with no console error and no request leaving the file; the plots are there, and
/// selecting a design in the table or in a Pareto plot redraws the roofline, the breakdown and the resource bars.
/// </summary>
public class ReportBrowserTests
{
    /// <summary>FPGAGEN_CHROMIUM, else Debian's /usr/bin/chromium, else chromium on PATH.</summary>
    public static string Chromium()
    {
        if (Environment.GetEnvironmentVariable("FPGAGEN_CHROMIUM") is { Length: > 0 } set) return set;
        foreach (var candidate in new[] { "/usr/bin/chromium" }
                     .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "chromium"))))
            if (File.Exists(candidate)) return candidate;
        throw new InvalidOperationException($"Chromium not found: install it (apt-get install chromium, as ./test.sh does), set FPGAGEN_CHROMIUM, or set {BrowserFactAttribute.OptOutVariable}=1");
    }

    [BrowserFact]
    public async Task ReportLoadsWithoutErrorsAndSelectingADesignRedrawsItsPlots()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-{Guid.NewGuid():N}");
        try
        {
            var run = CliRunner.Run("explore", "alexnet", "--device", "zcu102", "--precision", "fp32,int8", "--out", dir);
            Assert.True(run.Code == 0, run.Err);
            var file = Path.Combine(dir, "report.html");
            var html = await File.ReadAllTextAsync(file);
            using var data = JsonDocument.Parse(Regex.Match(html, "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value);
            var designs = data.RootElement.GetProperty("designs").EnumerateArray().ToList();
            // And the page of an exploration where nothing fits.
            var empty = Path.Combine(dir, "empty.html");
            var device = FpgaGen.Tests.Estimation.EstimationTestData.Device("zcu102");
            var options = new FpgaGen.Exploration.ExploreOptions { Device = device, Precisions = [FpgaGen.Precision.Fp32] };
            await File.WriteAllTextAsync(empty, FpgaGen.Exploration.Report.HtmlReport.Html(FpgaGen.Tests.Model.ZooTests.Load("alexnet"), options,
                new FpgaGen.Exploration.ExploreResult([], [], 100, 0.1, [])));
            await RunInBrowser(new Uri(file).AbsoluteUri, designs, data.RootElement.GetProperty("device").GetProperty("resources").GetArrayLength(), new Uri(empty).AbsoluteUri)
                .WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    private static async Task RunInBrowser(string url, List<JsonElement> designs, int resources, string emptyUrl)
    {
        var profile = Path.Combine(Path.GetTempPath(), $"fpgagen-chromium-{Guid.NewGuid():N}");
        var options = new LaunchOptions
        {
            ExecutablePath = Chromium(),
            Headless = true,
            UserDataDir = profile,
            Timeout = 60_000,
            // --no-sandbox: tests run as root in CI containers, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--window-size=1400,1000"],
        };
        try
        {
            await using var browser = await Puppeteer.LaunchAsync(options);
            await using var page = await browser.NewPageAsync();
            var problems = new List<string>();
            page.Console += (_, e) =>
            {
                if (e.Message.Type is ConsoleType.Error or ConsoleType.Warning) problems.Add($"console {e.Message.Type}: {e.Message.Text}");
            };
            page.PageError += (_, e) => problems.Add("page error: " + e.Message);
            page.Request += (_, e) =>
            {
                if (!e.Request.Url.StartsWith("file://", StringComparison.Ordinal) && !e.Request.Url.StartsWith("data:", StringComparison.Ordinal))
                    problems.Add("request: " + e.Request.Url);
            };
            page.RequestFailed += (_, e) => problems.Add("failed request: " + e.Request.Url);

            await page.GoToAsync(url, WaitUntilNavigation.Load);
            await page.WaitForFunctionAsync("() => document.documentElement.dataset.ready === 'true'");
            Assert.Empty(problems);

            // Everything is drawn for #1.
            var first = designs[0];
            Assert.Equal(designs.Count, await Count(page, "#designs tbody tr"));
            Assert.Equal(3, await Count(page, "svg.pareto-plot"));
            Assert.All(await page.EvaluateExpressionAsync<int[]>("[...document.querySelectorAll('svg.pareto-plot')].map(p => p.querySelectorAll('g.point').length)"),
                n => Assert.True(n > 0));
            await AssertDrawn(page, first, resources);

            // Select a design of another kind or data type by clicking its row (a real mouse click).
            var other = designs.First(d => d.GetProperty("kernel").GetString() != first.GetProperty("kernel").GetString()
                                           || d.GetProperty("precision").GetString() != first.GetProperty("precision").GetString());
            var rank = other.GetProperty("rank").GetInt32();
            var before = await Markup(page);
            await page.ClickAsync($"#designs tbody tr[data-rank='{rank}']");
            await AssertDrawn(page, other, resources);
            var after = await Markup(page);
            Assert.NotEqual(before.Roofline, after.Roofline);
            Assert.NotEqual(before.Breakdown, after.Breakdown);
            Assert.NotEqual(before.Resources, after.Resources);
            Assert.Equal(rank, await page.EvaluateExpressionAsync<int>("Number(document.querySelector('#designs tbody tr.selected').dataset.rank)"));
            Assert.Equal(1, await Count(page, "#designs tbody tr.selected"));

            // Sorting: by images/s ascending, then descending.
            await page.ClickAsync("#designs th[data-key='ips']");
            var ascending = await page.EvaluateExpressionAsync<int[]>("[...document.querySelectorAll('#designs tbody tr')].map(r => Number(r.dataset.rank))");
            var speed = designs.ToDictionary(d => d.GetProperty("rank").GetInt32(), d => d.GetProperty("images_per_s").GetDouble());
            Assert.Equal(designs.Count, ascending.Length);
            for (var i = 1; i < ascending.Length; i++) Assert.True(speed[ascending[i - 1]] <= speed[ascending[i]]);
            Assert.Equal("ascending", await page.EvaluateExpressionAsync<string>("document.querySelector(\"#designs th[data-key='ips']\").getAttribute('aria-sort')"));
            await page.ClickAsync("#designs th[data-key='ips']");
            var descending = await page.EvaluateExpressionAsync<int[]>("[...document.querySelectorAll('#designs tbody tr')].map(r => Number(r.dataset.rank))");
            Assert.Equal(designs.Count, descending.Length);
            for (var i = 1; i < descending.Length; i++) Assert.True(speed[descending[i - 1]] >= speed[descending[i]]);
            Assert.Equal(rank, await page.EvaluateExpressionAsync<int>("Number(document.querySelector('#designs tbody tr.selected').dataset.rank)"));

            // A Pareto point of a listed design selects it too.
            var listed = designs.Select(d => d.GetProperty("rank").GetInt32()).ToHashSet();
            var points = await page.EvaluateExpressionAsync<int[]>("[...document.querySelectorAll('#pareto-dsp g.point')].map(p => Number(p.dataset.rank))");
            var target = points.First(r => listed.Contains(r) && r != rank);
            await page.EvaluateExpressionAsync($"document.querySelector(\"#pareto-dsp g.point[data-rank='{target}']\").dispatchEvent(new MouseEvent('click', {{ bubbles: true }}))");
            await AssertDrawn(page, designs.First(d => d.GetProperty("rank").GetInt32() == target), resources);

            Assert.Empty(problems);

            await page.GoToAsync(emptyUrl, WaitUntilNavigation.Load);
            await page.WaitForFunctionAsync("() => document.documentElement.dataset.ready === 'true'");
            Assert.Equal("no design fits", await page.EvaluateExpressionAsync<string>("document.getElementById('table-note').textContent"));
            Assert.Equal(0, await Count(page, "#designs tbody tr"));
            Assert.Equal(3, await Count(page, "svg.pareto-plot"));
            Assert.Empty(problems);
        }
        finally
        {
            if (Directory.Exists(profile)) Directory.Delete(profile, true);
        }
    }

    private static Task<int> Count(IPage page, string selector) =>
        page.EvaluateExpressionAsync<int>($"document.querySelectorAll({JsonSerializer.Serialize(selector)}).length");

    private static async Task<(string Roofline, string Breakdown, string Resources)> Markup(IPage page) => (
        await page.EvaluateExpressionAsync<string>("document.getElementById('roofline').innerHTML"),
        await page.EvaluateExpressionAsync<string>("document.getElementById('breakdown').innerHTML"),
        await page.EvaluateExpressionAsync<string>("document.getElementById('resources').innerHTML"));

    /// <summary>The roofline, breakdown, resource bars and Pareto rings show <paramref name="design"/>, a point or row per layer.</summary>
    private static async Task AssertDrawn(IPage page, JsonElement design, int resources)
    {
        var rank = design.GetProperty("rank").GetInt32();
        var layers = design.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(rank, await page.EvaluateExpressionAsync<int>("Number(document.documentElement.dataset.selected)"));
        foreach (var id in new[] { "roofline-svg", "breakdown-svg", "resources-svg" })
            Assert.Equal(rank, await page.EvaluateExpressionAsync<int>($"Number(document.getElementById('{id}').dataset.rank)"));
        var onRoofline = layers.Count(l => l.GetProperty("ops").GetDouble() > 0 && l.GetProperty("bytes").GetDouble() > 0);
        Assert.True(onRoofline > 0);
        Assert.Equal(onRoofline, await Count(page, "#roofline-svg circle.layer-point"));
        Assert.Equal(layers.Count(l => l.GetProperty("bound").GetString() == "memory" && l.GetProperty("ops").GetDouble() > 0),
            await Count(page, "#roofline-svg circle.layer-point.memory"));
        Assert.Equal(1, await Count(page, "#roofline-svg polyline.device-roof"));
        Assert.Equal(layers.Count, await Count(page, "#breakdown-svg g.layer-row"));
        Assert.Equal(resources, await Count(page, "#resources-svg g.resource-bar"));
        Assert.Equal(Enumerable.Repeat(rank, 3), await page.EvaluateExpressionAsync<int[]>(
            "[...document.querySelectorAll('svg.pareto-plot .selected-marker')].map(m => Number(m.dataset.rank))"));
        // Every roofline point lies inside the plot.
        Assert.True(await page.EvaluateExpressionAsync<bool>(
            "[...document.querySelectorAll('#roofline-svg circle.layer-point')].every(c => { const x = +c.getAttribute('cx'), y = +c.getAttribute('cy'); return x >= 60 && x <= 620 && y >= 10 && y <= 380; })"));
    }
}
