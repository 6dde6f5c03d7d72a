using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Tests.Toolchains;

public class HlsScriptTests
{
    private static readonly HlsProject Project = new("conv_prj", "conv", ["/src/conv.cpp"], "xcu250-figd2104-2L-e", 3.333)
    {
        TestBenches = ["/src/conv_tb.cpp"],
        CFlags = "-std=c++14 -DPE=4",
        CSimulation = true,
        VitisKernel = true,
    };

    [Fact]
    public void TclScriptForVitisHls()
    {
        Assert.Equal(
            """
            open_project -reset conv_prj
            set_top conv
            add_files /src/conv.cpp -cflags {-std=c++14 -DPE=4}
            add_files -tb /src/conv_tb.cpp -cflags {-std=c++14 -DPE=4}
            open_solution -reset solution1 -flow_target vitis
            set_part {xcu250-figd2104-2L-e}
            create_clock -period 3.333 -name default
            csim_design
            csynth_design
            exit

            """.ReplaceLineEndings("\n"),
            HlsScripts.Tcl(Project, new ToolVersion(2022, 2)).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void VivadoHlsGetsNoFlowTarget()
    {
        var tcl = HlsScripts.Tcl(Project, new ToolVersion(2020, 1));
        Assert.Contains("open_solution -reset solution1\n", tcl.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("flow_target", tcl);
    }

    [Fact]
    public void PathsWithSpacesAreBracedForTcl()
    {
        var tcl = HlsScripts.Tcl(Project with { Sources = ["/my designs/conv.cpp"], CFlags = null, TestBenches = [] }, new ToolVersion(2022, 2));
        Assert.Contains("add_files {/my designs/conv.cpp}\n", tcl.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("a}b")]
    [InlineData("a\nb")]
    [InlineData("a\"b")]
    public void TextATclScriptCannotCarryIsRejected(string top)
    {
        var e = Assert.Throws<InputException>(() => HlsScripts.Tcl(Project with { Top = top }, new ToolVersion(2022, 2)));
        Assert.Contains("a Tcl script cannot carry", e.Message);
    }

    [Fact]
    public void ProjectsNeedSourcesAndAClock()
    {
        Assert.Contains("no source files", Assert.Throws<InputException>(() => HlsScripts.Config(Project with { Sources = [] })).Message);
        Assert.Contains("clock period must be positive", Assert.Throws<InputException>(() => HlsScripts.Tcl(Project with { ClockNs = 0 }, new ToolVersion(2022, 2))).Message);
    }

    [Fact]
    public void ConfigForTheUnifiedFlow()
    {
        Assert.Equal(
            """
            part=xcu250-figd2104-2L-e

            [hls]
            clock=3.333ns
            flow_target=vitis
            syn.file=/src/conv.cpp
            syn.top=conv
            tb.file=/src/conv_tb.cpp
            syn.cflags=-std=c++14 -DPE=4
            tb.cflags=-std=c++14 -DPE=4
            syn.output.format=xo

            """.ReplaceLineEndings("\n"),
            HlsScripts.Config(Project).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void ReportPathsPerFlow()
    {
        Assert.Equal("/w/conv_prj/solution1/syn/report/csynth.xml", Project.CsynthXml(HlsFlow.Tcl, "/w"));
        Assert.Equal("/w/conv_prj/hls/syn/report/conv_csynth.xml", Project.CsynthXml(HlsFlow.Unified, "/w"));
        Assert.Equal("/w/conv_prj/solution1/csim/report/conv_csim.log", Project.CsimLog("/w"));
    }

    [Fact]
    public void FlowChoice()
    {
        var hls = new InstalledTool(ToolKind.VitisHls, "/x/vitis_hls", new ToolVersion(2022, 2));
        var oldVpp = new InstalledTool(ToolKind.Vpp, "/x/v++", new ToolVersion(2022, 2));
        var newVpp = new InstalledTool(ToolKind.Vpp, "/x/v++", new ToolVersion(2023, 2));
        Assert.Equal(HlsFlow.Tcl, HlsProject.ChooseFlow(hls, newVpp));
        Assert.Equal(HlsFlow.Unified, HlsProject.ChooseFlow(null, newVpp));
        Assert.Null(HlsProject.ChooseFlow(null, oldVpp));
        Assert.Null(HlsProject.ChooseFlow(null, null));
    }
}
