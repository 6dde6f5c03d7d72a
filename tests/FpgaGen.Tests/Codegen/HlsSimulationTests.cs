using FpgaGen.Codegen.Projects;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// The generated C-simulation testbenches, built with g++ -std=c++17 (under AddressSanitizer and UBSan, so an
/// out-of-bounds access in a kernel fails) and run: each compares its kernel group's HLS top function with
/// fpgagen_ref.h on representative layers. Together the designs cover every engine, every vector operation and every
/// data type, float16 included.
/// </summary>
public class HlsSimulationTests
{
    [Theory]
    [InlineData("tiny_cnn", "conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "int8")]
    [InlineData("tiny_mix", "conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8", "fp32")]
    [InlineData("tiny_mix", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int16")]
    [InlineData("tiny_lrn", "conv_tiled", "Tm=8,Tn=4,Tr=5,Tc=5,vu=8", "int8")]
    [InlineData("tiny_vit", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "fp16")]
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "int8")]
    [InlineData("tiny_vit", "ln_linear", "Tm=16,Tn=4,Tk=8,vu=16", "fp32")]
    // DSP48E2 cards: int8 designs pair the gemm and conv_tiled engines' output lanes, two products a multiplier (PAIRS = 1).
    [InlineData("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "int8", "u280")]
    [InlineData("tiny_mix", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8", "u250")]
    [InlineData("tiny_lrn", "conv_tiled", "Tm=8,Tn=4,Tr=5,Tc=5,vu=8", "int8", "u250")]
    public void TestbenchesPass(string network, string kernel, string parameters, string precision, string? device = null) =>
        RunTestbenches(CodegenSupport.Design(network, kernel, parameters, precision, batch: 2, device));

    /// <summary>
    /// An int16 design with a quantized model's int8 layer on a DSP48E2 card (PAIRS = 2): the testbench runs the int8
    /// layer (two products a multiplier, int8 operands) and the int16 ones (two iterations a row) as cases of their own.
    /// </summary>
    [Fact]
    public void PairedColumnsTestbenchRunsNarrowAndFullWidthSteps()
    {
        var import = FpgaGen.Onnx.OnnxImporter.Import(Path.Combine(DataPaths.Root, "tests", "fixtures", "onnx", "qdq_int8.onnx"));
        var design = FpgaGen.Codegen.AcceleratorDesign.Create(import.Network, "gemm", CodegenSupport.Params("Tm=8,Tn=8,Tk=8,vu=8"),
            Precision.Int16, 1, FpgaGen.Hardware.DeviceCatalog.Default.Get("u250"));
        Assert.Equal(2, design.Plan.Define("PAIRS"));
        var cases = Testbench.Cases(design, "gemm").OfType<FpgaGen.Kernels.Lowering.MacStep>().ToList();
        Assert.Contains(cases, m => m.Narrow);
        Assert.Contains(cases, m => !m.Narrow);
        RunTestbenches(design);
    }

    /// <summary>A quantized model's requantization between layers (qlinear_ops.onnx): the map writer's VU_REQUANT path.</summary>
    [Theory]
    [InlineData("int16")]
    [InlineData("int8")]
    public void RequantizationTestbenchPasses(string precision)
    {
        var import = FpgaGen.Onnx.OnnxImporter.Import(Path.Combine(DataPaths.Root, "tests", "fixtures", "onnx", "qlinear_ops.onnx"));
        var design = FpgaGen.Codegen.AcceleratorDesign.Create(import.Network, "gemm", CodegenSupport.Params("Tm=8,Tn=8,Tk=8,vu=8"),
            PrecisionExtensions.Parse(precision), 1, FpgaGen.Hardware.DeviceCatalog.Default.Get("u250"));
        Assert.Contains(design.Plan.Defines, d => d.Name == "VU_REQUANT");
        Assert.Contains(Testbench.Cases(design, "vu_map"), s => s is FpgaGen.Kernels.Lowering.MapStep { Op: FpgaGen.Kernels.Lowering.MapOp.Requantize });
        RunTestbenches(design);
    }

    private static void RunTestbenches(FpgaGen.Codegen.AcceleratorDesign design)
    {
        var dir = CodegenSupport.TempDir("csim");
        try
        {
            CodegenSupport.WriteFiles(dir, design.HlsSources());
            CodegenSupport.WriteFiles(dir, Testbench.Files(design));
            File.WriteAllText(Path.Combine(dir, "tb", "fpgagen_ref.h"), design.Library.Raw("common/hls/fpgagen_ref.h"));
            var groups = design.Plan.Groups.Select(g => g.Name).ToList();
            // The groups compile in parallel (two cores in CI); each binary then runs its cases.
            var builds = groups.AsParallel().WithDegreeOfParallelism(2).Select(g => (Group: g, Result: CodegenSupport.Run(CodegenSupport.Tool("g++"),
                ["-std=c++17", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-Wall", "-Wextra", "-Werror",
                 "-Wno-unknown-pragmas", "-Wno-unused-parameter", "-Isrc", "-Itb", $"tb/tb_{g}.cpp", $"src/{g}.cpp", "-o", $"tb_{g}"], dir))).ToList();
            foreach (var (group, result) in builds) CodegenSupport.AssertCompiles(result, $"testbench of {group}");
            var cases = 0;
            foreach (var group in groups)
            {
                var run = CodegenSupport.Run(Path.Combine(dir, $"tb_{group}"), [], dir);
                Assert.True(run.Code == 0, $"testbench of {group} failed:\n{run.Output}");
                Assert.Contains($"{group}_top: 0 of ", run.Output);
                Assert.DoesNotContain("FAIL", run.Output);
                cases += run.Output.Split('\n').Count(l => l.StartsWith("PASS ", StringComparison.Ordinal));
            }
            // Every vector op and MAC kind the network uses is a case of its own.
            Assert.True(cases >= groups.Count && cases >= Testbench.Cases(design, design.Kernel).Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ViTInt8SoftmaxOnFullLengthRowsIsARealTest()
    {
        // 197-token rows: with the default output scale every probability rounded to 0 and the case tested nothing.
        var design = CodegenSupport.Design("vit_b16", "ln_linear", "Tm=64,Tn=64,Tk=32,vu=64", "int8", device: "u280");
        var dir = CodegenSupport.TempDir("csim-vit");
        try
        {
            CodegenSupport.WriteFiles(dir, design.HlsSources());
            CodegenSupport.WriteFiles(dir, Testbench.Files(design));
            File.WriteAllText(Path.Combine(dir, "tb", "fpgagen_ref.h"), design.Library.Raw("common/hls/fpgagen_ref.h"));
            CodegenSupport.AssertCompiles(CodegenSupport.Run(CodegenSupport.Tool("g++"),
                ["-std=c++17", "-O1", "-Wno-unknown-pragmas", "-Isrc", "-Itb", "tb/tb_vu_row.cpp", "src/vu_row.cpp", "-o", "tb_vu_row"], dir), "testbench of vu_row");
            var run = CodegenSupport.Run(Path.Combine(dir, "tb_vu_row"), [], dir);
            Assert.True(run.Code == 0, run.Output);
            Assert.Contains("PASS encoder.0.self_attention/softmax", run.Output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TestbenchCoversEachKindOfStep()
    {
        // tiny_vit on ln_linear: the engine runs normalized linear layers, plain linear layers and both attention
        // products; the testbench has a case for each, and for every vector op.
        var design = CodegenSupport.Design("tiny_vit", "ln_linear", "Tm=8,Tn=8,Tk=8,vu=8", "fp32");
        var engine = Testbench.Cases(design, "ln_linear").Cast<FpgaGen.Kernels.Lowering.MacStep>().ToList();
        Assert.Contains(engine, s => s.Normalizes);
        Assert.Contains(engine, s => s.WTensor is not null && s.Name.EndsWith("/scores", StringComparison.Ordinal));
        Assert.Contains(engine, s => s.WTensor is not null && s.Name.EndsWith("/context", StringComparison.Ordinal));
        Assert.Contains(engine, s => !s.Normalizes && s.WTensor is null);
        var maps = Testbench.Cases(design, "vu_map").Cast<FpgaGen.Kernels.Lowering.MapStep>().Select(m => m.Op).ToHashSet();
        Assert.Equal([FpgaGen.Kernels.Lowering.MapOp.Copy, FpgaGen.Kernels.Lowering.MapOp.Gelu, FpgaGen.Kernels.Lowering.MapOp.Add], maps.Order());
        var rows = Testbench.Cases(design, "vu_row").Cast<FpgaGen.Kernels.Lowering.RowStep>().Select(r => r.LayerNorm).ToHashSet();
        Assert.Equal(2, rows.Count);
    }
}
