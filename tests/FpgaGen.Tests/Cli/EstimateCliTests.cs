using System.Globalization;
using System.Text.Json;

namespace FpgaGen.Tests.Cli;

public class EstimateCliTests
{
    // 128 x 32 = 4,096 fp32 MAC lanes on an Arria 10 GX 1150 with 1,518 DSPs (one fp32 MAC each): 2.7x over.
    private static readonly string[] OverBudget = ["estimate", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=128,Tn=32,Tr=13,Tc=13,vu=8", "--freq", "200"];

    [Fact]
    public void DesignOverTheDspBudgetNeverShowsAPeakAboveTheDevices()
    {
        var r = CliRunner.Run([.. OverBudget, "--format", "json"]);
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        var totals = root.GetProperty("totals");
        // The device's peak: 1,518 DSP x 1 fp32 MAC per DSP x 2 ops x 200 MHz = 607.2 GOPS.
        Assert.Equal(607.2, totals.GetProperty("device_peak_gops").GetDouble(), 6);
        Assert.True(totals.GetProperty("peak_gops").GetDouble() <= 607.2 + 1e-6);
        Assert.True(totals.GetProperty("gops").GetDouble() <= 607.2 + 1e-6);
        Assert.True(totals.GetProperty("gops").GetDouble() > 0);
        Assert.False(root.GetProperty("fits").GetBoolean());
        Assert.True(root.GetProperty("over_device").GetBoolean());
        Assert.Equal("hypothetical", root.GetProperty("figures").GetString());
        Assert.Equal("DSP", root.GetProperty("binding").GetProperty("resource").GetString());
        Assert.True(root.GetProperty("binding").GetProperty("util").GetDouble() > 2.5);
    }

    [Fact]
    public void TableSaysTheDesignDoesNotFitWhichResourceBindsAndMarksTheFigures()
    {
        var r = CliRunner.Run(OverBudget);
        Assert.Equal(0, r.Code);
        Assert.Contains("(does not fit: hypothetical figures)", r.Out);
        Assert.Contains("total (hypothetical, does not fit):", r.Out);
        Assert.Contains("does not fit: DSP at", r.Out);
        Assert.Contains("exceed the 1,518 the device's DSPs hold", r.Out);
        var peak = double.Parse(System.Text.RegularExpressions.Regex.Match(r.Out, @"GOPS of ([0-9.]+) peak").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(peak <= 607.2 + 0.05, $"peak {peak} above the device's 607.2");
    }

    [Fact]
    public void FittingDesignIsNotMarked()
    {
        var r = CliRunner.Run("estimate", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=64,Tn=8,Tr=13,Tc=13,vu=8", "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.True(doc.RootElement.GetProperty("fits").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("over_device").GetBoolean());
        Assert.Equal("estimated", doc.RootElement.GetProperty("figures").GetString());
        Assert.DoesNotContain("hypothetical", CliRunner.Run("estimate", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--set", "Tm=64,Tn=8,Tr=13,Tc=13,vu=8").Out);
    }
}
