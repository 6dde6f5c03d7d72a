using System.Text.RegularExpressions;
using FpgaGen.Codegen.Backends;
using FpgaGen.Codegen.Projects;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// A VC707 project (no v++ platform) carries a Vivado block design that connects every exported core to the board's
/// DDR3 and to a control master, and the cores' control-register map. The Tcl runs in tclsh with Vivado's commands
/// stubbed; the header compiles and agrees with <see cref="ControlRegisters"/>.
/// </summary>
public class VivadoBlockDesignTests
{
    /// <summary>tiny_cnn's VC707 project in the folder; its path.</summary>
    private static string Generate(TempDir temp)
    {
        var project = Path.Combine(temp.Path, "p");
        var r = CliRunner.Run("generate", "tiny_cnn", "--device", "v7_vc707", "--out", project);
        Assert.True(r.Code == 0, r.Out + r.Err);
        return project;
    }

    [Fact]
    public void TheBlockDesignConnectsEveryCoreToMemoryAndControl()
    {
        using var temp = new TempDir();
        var (dir, out_) = (temp.Path, Generate(temp));
        var log = Path.Combine(dir, "bd.log");
        // Vivado's commands as recorders of their arguments; the queries return what the script goes on with.
        File.WriteAllText(Path.Combine(dir, "stub.tcl"), $$"""
            set record [open {{{log}}} w]
            foreach cmd {create_project set_property update_ip_catalog create_bd_design create_bd_cell apply_bd_automation
                         assign_bd_address validate_bd_design save_bd_design make_wrapper} {
                proc $cmd {args} "puts \$::record \"$cmd \$args\"; return $cmd"
            }
            proc get_board_parts {args} { return {xilinx.com:vc707:part0:1.3 xilinx.com:vc707:part0:1.4} }
            proc current_project {} { return fpgagen_bd }
            proc get_bd_intf_pins {p} { return $p }
            proc get_files {f} { return $f }
            source vivado/block_design.tcl
            close $record
            """);
        var run = CodegenSupport.Run("tclsh", [Path.Combine(dir, "stub.tcl")], out_, 30);
        Assert.True(run.Code == 0, run.Output);
        var lines = File.ReadAllLines(log);
        Assert.Contains(lines, l => l.StartsWith("set_property board_part xilinx.com:vc707:part0:1.4", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("mig_7series", StringComparison.Ordinal) && l.Contains("ddr3_sdram", StringComparison.Ordinal));
        var design = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(out_, "design.json"))).RootElement;
        var tops = design.GetProperty("kernels").EnumerateArray().Select(k => k.GetProperty("hls_top").GetString()!).ToList();
        Assert.NotEmpty(tops);
        foreach (var top in tops)
        {
            Assert.Contains(lines, l => l == $"create_bd_cell -type ip -vlnv xilinx.com:hls:{top}:1.0 {top}_0");
            Assert.Contains(lines, l => l.Contains($"Master \"/jtag_axi_0/M_AXI\" Slave \"/{top}_0/s_axi_control\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => Regex.IsMatch(l, $"Master \"/{top}_0/m_axi_gmem[0-9]+\" Slave \"/mig_0/S_AXI\""));
        }
        Assert.Equal(["update_ip_catalog", "assign_bd_address", "validate_bd_design", "save_bd_design"], lines.Select(l => l.Trim()).Where(l => !l.Contains(' ')).ToList());
        Assert.Contains(lines, l => l.StartsWith("make_wrapper", StringComparison.Ordinal));
        // Every exported core's IP repository is searched.
        Assert.All(tops, t => Assert.Contains(lines, l => l.StartsWith("set_property ip_repo_paths", StringComparison.Ordinal) && l.Contains($"hls_prj/{t[..^4]}/solution1/impl/ip")));
    }

    [Fact]
    public void TheRegisterMapFollowsVitisHlsLayoutAndCompiles()
    {
        using var temp = new TempDir();
        var (dir, out_) = (temp.Path, Generate(temp));
        var header = File.ReadAllText(Path.Combine(out_, VivadoIpBackend.RegisterMap));
        // Pointers first, 12 bytes each from 0x10, then 32-bit scalars, 8 bytes each.
        // The engine's top function (the explorer's best kind for tiny_cnn on the VC707).
        var top = Regex.Match(header, @"#define (\w+_TOP)_X_DATA 0x10 ").Groups[1].Value;
        Assert.NotEmpty(top);
        var offsets = Regex.Matches(header, $@"#define {top}_(\w+)_DATA 0x([0-9a-f]+) /\* (64-bit|32-bit)").Select(m => (m.Groups[1].Value, Convert.ToInt32(m.Groups[2].Value, 16), m.Groups[3].Value)).ToList();
        Assert.True(offsets.Count > 6);
        Assert.Equal(0x10, offsets[0].Item2);
        for (var i = 1; i < offsets.Count; i++)
            Assert.Equal(offsets[i - 1].Item2 + (offsets[i - 1].Item3 == "64-bit" ? 12 : 8), offsets[i].Item2);
        Assert.Equal("X", offsets[0].Item1);
        File.WriteAllText(Path.Combine(dir, "use.c"), $"#include \"regmap.h\"\nint main(void) {{ return {top}_X_DATA == 0x10 && FG_AP_START == 1 ? 0 : 1; }}\n");
        var cc = CodegenSupport.Run(CodegenSupport.Tool("gcc"), ["-Wall", "-Werror", "-I", Path.Combine(out_, "host"), "use.c", "-o", "use"], dir);
        Assert.True(cc.Code == 0, cc.Output);
        Assert.Equal(0, CodegenSupport.Run(Path.Combine(dir, "use"), [], dir).Code);
    }
}
