using FpgaGen.Tests.Toolchains;
using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// The vendor tools' environment for in-process CLI runs: tests/fakes first on the tools' PATH (never this process's,
/// so parallel tests do not see each other's settings) plus FAKE_* variables for the fakes.
/// </summary>
public static class FakeTools
{
    public static ToolEnvironment Environment(params (string Name, string? Value)[] vars) => Fakes.Environment(vars);

    /// <summary>No vendor tool anywhere: an empty PATH and none of the vendors' install variables.</summary>
    public static ToolEnvironment None() =>
        ToolEnvironment.Inherited.With("PATH", "").With("INTELFPGAOCLSDKROOT", null).With("XILINX_VITIS", null).With("XILINX_HLS", null)
            .With("FPGAGEN_TOOL_PATH", null);

    /// <summary>
    /// A folder of wrapper scripts that run the fakes, making the tool hang (FAKE_TOOL_HANG=1) when one of its
    /// arguments contains <paramref name="hangWhenArgumentContains"/>: one design of a sweep hangs, the others do not.
    /// </summary>
    public static string HangingFor(TempDir dir, string hangWhenArgumentContains)
    {
        var folder = System.IO.Path.Combine(dir.Path, "tools");
        foreach (var tool in new[] { "aoc", "v++", "vitis_hls" })
        {
            var script = dir.File($"tools/{tool}", $$"""
                #!/usr/bin/env bash
                # Test wrapper: hang for one design, run the fake for the others.
                for a in "$@"; do
                  case "$a" in *'{{hangWhenArgumentContains}}'*) export FAKE_TOOL_HANG=1;; esac
                done
                exec '{{System.IO.Path.Combine(Fakes.Directory, tool)}}' "$@"
                """);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return folder;
    }
}

/// <summary>
/// Small hand-written project folders in the layout `fpgagen generate` writes (design.json, device/*.cl or
/// src/*.cpp and tb/), with numbers chosen so the fakes' report figures are known (tests/fakes/README.md).
/// </summary>
public static class TestProjects
{
    /// <summary>
    /// An Intel project for a10_385a: one kernel with one "#pragma unroll" (U = 1) and no -D (D = 0: the sizes are in
    /// the sources). The fake aoc then reports DSP 8U + D = 8, RAM 2 + U + 377 = 380, ALUTs 1000 + 500U + 10D + 113900 =
    /// 115400 (57700 ALM), FF 230800; after the hw build fmax 300 - 10U = 290 MHz.
    /// </summary>
    public static string Intel(TempDir dir, string name = "intel")
    {
        dir.File($"{name}/design.json", """
            {
              "format": "fpgagen-design-1",
              "device": {"id": "a10_385a", "toolchain": {"kind": "aoc", "aoc_board": "p385a_sch_ax115"}},
              "design": {
                "rank": 1, "kernel": "conv_tiled", "params": {"Tm": 4, "Tn": 2}, "precision": "fp32", "batch": 1,
                "freq_mhz": 240, "latency_ms": 12.5,
                "resources": {"dsp": 10, "bram": 400, "logic": 60000, "ff": 240000}
              },
              "tools": "Intel FPGA SDK for OpenCL (aoc, aocl) 19.1 or later",
              "kernels": [{"group": "conv_tiled", "hls_top": "conv_tiled_top", "opencl_kernels": ["conv_tiled_compute"]}]
            }
            """);
        dir.File($"{name}/device/fpgagen.cl", """
            #include "config.h"
            __kernel void conv_tiled_compute(__global float *restrict y, __global const float *restrict x) {
              float acc = 0;
              #pragma unroll
              for (int i = 0; i < Tm; i++) acc += x[i];
              y[0] = acc;
            }
            """);
        dir.File($"{name}/device/config.h", "#ifndef Tm\n#define Tm 4\n#endif\n#ifndef Tn\n#define Tn 2\n#endif\n");
        return Path.Combine(dir.Path, name);
    }

    /// <summary>
    /// A Vitis project for u250: kernel conv_tiled_top with one "#pragma HLS unroll" (U = 1), no -D (D = 0), and its
    /// test bench. vitis_hls then reports per kernel LUT 1500 + 400U + 20D = 1900, DSP 5U + D = 5,
    /// BRAM 2 + U = 3; kernels only, so the prediction is compared without the U250 shell (DSP 780, BRAM18 1376).
    /// </summary>
    public static string Vitis(TempDir dir, string name = "vitis")
    {
        dir.File($"{name}/design.json", """
            {
              "format": "fpgagen-design-1",
              "device": {"id": "u250"},
              "design": {
                "rank": 1, "kernel": "conv_tiled", "params": {"Tm": 4, "Tn": 2}, "precision": "fp32", "batch": 1,
                "freq_mhz": 250, "latency_ms": 3.2,
                "resources": {"dsp": 800, "bram": 1380, "uram": 0, "logic": 350160, "ff": 643000}
              },
              "kernels": [{"group": "conv_tiled", "hls_top": "conv_tiled_top"}]
            }
            """);
        dir.File($"{name}/src/conv_tiled.cpp", """
            #include "fpgagen_config.h"
            extern "C" void conv_tiled_top(float *y, const float *x) {
              for (int i = 0; i < Tm; i++) {
              #pragma HLS unroll
                y[i] = x[i];
              }
            }
            """);
        dir.File($"{name}/src/fpgagen_config.h", "#ifndef Tm\n#define Tm 4\n#endif\n");
        dir.File($"{name}/tb/tb_conv_tiled.cpp", "int main() { return 0; }\n");
        return Path.Combine(dir.Path, name);
    }
}
