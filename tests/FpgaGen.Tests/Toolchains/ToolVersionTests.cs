using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Tests.Toolchains;

public class ToolVersionTests
{
    [Theory]
    // aoc driver version() subs, 20.3 Pro and 18.1 Pro (public Perl sources).
    [InlineData("Intel(R) FPGA SDK for OpenCL(TM), 64-Bit Offline Compiler\nVersion 20.3.0 Build 168.5 Pro Edition\nCopyright (C) 2020 Intel Corporation\n", 20, 3, 0, "168.5", ToolEdition.Pro)]
    [InlineData("Intel(R) FPGA SDK for OpenCL(TM), 64-Bit Offline Compiler\nVersion 18.1.0 Build 222 Pro Edition\n", 18, 1, 0, "222", ToolEdition.Pro)]
    // The 15.0 Altera driver, before editions were printed.
    [InlineData("Altera SDK for OpenCL, 64-Bit Offline Compiler\nVersion 15.0.0 Build 120\nCopyright (C) 2015 Altera Corporation\n", 15, 0, 0, "120", ToolEdition.Unknown)]
    // info.json's "AOC Version" row.
    [InlineData("17.1.1 Build 273", 17, 1, 1, "273", ToolEdition.Unknown)]
    [InlineData("Version 19.1.0 Build 240 Standard Edition", 19, 1, 0, "240", ToolEdition.Standard)]
    public void AocVersions(string text, int major, int minor, int patch, string build, ToolEdition edition) =>
        Assert.Equal(new ToolVersion(major, minor, patch, build, edition), ToolVersion.TryParseAoc(text));

    [Theory]
    [InlineData("\n****** v++ v2022.1 (64-bit)\n  **** SW Build 3524075 on 2022-04-13-17:42:45\n    ** Copyright 1986-2022 Xilinx, Inc. All Rights Reserved.\n", 2022, 1, 0)]
    [InlineData("****** Vitis HLS - High-Level Synthesis from C, C++ and OpenCL v2021.2 (64-bit)\n  **** SW Build 3367213 on Tue Oct 19 02:47:39 MDT 2021\n", 2021, 2, 0)]
    [InlineData("****** Vitis HLS - High-Level Synthesis from C, C++ and OpenCL v2020.2.2 (64-bit)\n", 2020, 2, 2)]
    [InlineData("Vivado v2022.1 (64-bit)\nTool Version Limit: 2022.04\n", 2022, 1, 0)]
    public void VitisVersions(string text, int major, int minor, int patch) =>
        Assert.Equal(new ToolVersion(major, minor, patch), ToolVersion.TryParseVitis(text));

    [Theory]
    [InlineData("Tool Version Limit: 2022.04")]
    [InlineData("****** v++ (64-bit)")]
    [InlineData("")]
    public void TextWithoutAVitisVersionGivesNull(string text) => Assert.Null(ToolVersion.TryParseVitis(text));

    [Fact]
    public void TextWithoutAnAocVersionGivesNull() => Assert.Null(ToolVersion.TryParseAoc("aoc: command not found"));

    [Fact]
    public void VersionsCompareByNumberNotBuildOrEdition()
    {
        Assert.True(new ToolVersion(17, 1).AtLeast(17, 1));
        Assert.True(new ToolVersion(18, 0).AtLeast(17, 1));
        Assert.False(new ToolVersion(17, 0, 9).AtLeast(17, 1));
        Assert.True(new ToolVersion(2023, 1).AtLeast(2023, 1));
        Assert.False(new ToolVersion(2022, 2).AtLeast(2023, 1));
        Assert.True(new ToolVersion(2020, 2, 2).CompareTo(new ToolVersion(2020, 2)) > 0);
        Assert.Equal(0, new ToolVersion(20, 1, 0, "711", ToolEdition.Pro).CompareTo(new ToolVersion(20, 1, 0, "99", ToolEdition.Standard)));
    }

    [Fact]
    public void VersionsPrintLikeTheTools()
    {
        Assert.Equal("20.3.0 Build 168.5 Pro Edition", new ToolVersion(20, 3, 0, "168.5", ToolEdition.Pro).ToString());
        Assert.Equal("2022.2", new ToolVersion(2022, 2).ToString());
        Assert.Equal("2020.2.2", new ToolVersion(2020, 2, 2).ToString());
    }
}
