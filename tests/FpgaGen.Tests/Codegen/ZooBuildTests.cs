using FpgaGen.Codegen.Projects;
using FpgaGen.Tests.OpenCl;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// Every zoo network on every engine that applies to it, across the data types: the portable OpenCL form builds with
/// PoCL (here), the aoc form passes clang with the channel shim and the HLS kernels and their testbenches compile with
/// g++ -std=c++17 -Wall -Werror (<see cref="ZooCompileTests"/>). (Running whole zoo networks is `fpgagen simulate`'s job; the tiny networks run in
/// <see cref="PortableExecutionTests"/>, the testbenches in <see cref="HlsSimulationTests"/>.)
/// </summary>
[Collection(CodegenOpenClCollection.Name)]
public class ZooBuildTests(CodegenOpenClFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string, string, string, string> Designs => new()
    {
        { "alexnet", "conv_tiled", "Tm=64,Tn=7,Tr=13,Tc=13,vu=16", "fp32" },
        { "alexnet", "conv_systolic", "rows=11,cols=14,simd=8,tile_h=14,vu=32", "int8" },
        { "alexnet", "gemm", "Tm=64,Tn=32,Tk=32,vu=32", "int16" },
        { "alexnet_grouped", "conv_tiled", "Tm=64,Tn=7,Tr=13,Tc=13,vu=16", "int8" },
        { "vgg16", "conv_tiled", "Tm=64,Tn=8,Tr=14,Tc=14,vu=16", "int8" },
        { "vgg16", "conv_systolic", "rows=24,cols=7,simd=8,tile_h=14,vu=32", "fp32" },
        { "vgg16", "gemm", "Tm=128,Tn=32,Tk=32,vu=32", "fp32" },
        { "resnet50", "conv_tiled", "Tm=64,Tn=16,Tr=14,Tc=14,vu=32", "int16" },
        { "resnet50", "conv_systolic", "rows=16,cols=14,simd=8,tile_h=7,vu=32", "fp32" },
        { "resnet50", "gemm", "Tm=64,Tn=32,Tk=32,vu=32", "int8" },
        { "vit_b16", "conv_tiled", "Tm=96,Tn=12,Tr=14,Tc=14,vu=32", "fp32" },
        { "vit_b16", "conv_systolic", "rows=16,cols=14,simd=8,tile_h=7,vu=32", "int8" },
        { "vit_b16", "gemm", "Tm=64,Tn=64,Tk=32,vu=64", "int16" },
        { "vit_b16", "ln_linear", "Tm=64,Tn=64,Tk=32,vu=64", "int8" },
        { "vit_b16", "ln_linear", "Tm=128,Tn=32,Tk=32,vu=32", "fp16" },
        { "tiny_cnn", "gemm", "Tm=32,Tn=16,Tk=16,vu=16", "fp16" },
    };

    [OpenClTheory]
    [MemberData(nameof(Designs))]
    public void PortableFormBuilds(string network, string kernel, string parameters, string precision)
    {
        // Built by the OpenCL device. PoCL has no cl_khr_fp16, so float16 designs are checked by clang with the
        // extension declared instead.
        var design = CodegenSupport.Design(network, kernel, parameters, precision);
        var portable = design.Portable();
        Assert.All(portable.Steps.SelectMany(s => s.Launches), l => Assert.NotEmpty(l.Checks));
        output.WriteLine($"{network} {kernel} {precision}: {portable.Steps.Count} steps, buffers " +
            string.Join(", ", portable.Buffers.Select(b => $"{b.Name} {b.Bytes / 1e6:0.#} MB")));
        if (portable.RequiredExtensions.Count == 0)
        {
            fixture.Build(portable.Source, portable.BuildOptions);
            return;
        }
        var dir = CodegenSupport.TempDir("portable");
        try
        {
            File.WriteAllText(Path.Combine(dir, "portable.cl"), portable.Source);
            CodegenSupport.AssertCompiles(CodegenSupport.Run(CodegenSupport.Tool("clang"), ["-cl-std=CL1.2", "-fsyntax-only", "-Xclang",
                "-finclude-default-header", "-Xclang", "-cl-ext=+cl_khr_fp16", "-Wall", "-Werror", Path.Combine(dir, "portable.cl")]), "portable form");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>The aoc form (clang with the channel shim) and the HLS C++ (g++) of the same designs; no OpenCL device needed.</summary>
public class ZooCompileTests
{
    [Theory]
    [MemberData(nameof(ZooBuildTests.Designs), MemberType = typeof(ZooBuildTests))]
    public void AocAndHlsFormsCompile(string network, string kernel, string parameters, string precision)
    {
        var design = CodegenSupport.Design(network, kernel, parameters, precision);
        var dir = CodegenSupport.TempDir("zoo");
        try
        {
            var shim = Path.Combine(dir, "intel_syntax_shim.h");
            File.WriteAllText(shim, design.Library.Raw("common/opencl/intel_syntax_shim.h"));
            File.WriteAllText(Path.Combine(dir, "fpgagen.cl"), design.IntelSource());
            var extra = precision == "fp16" ? new[] { "-Xclang", "-cl-ext=+cl_khr_fp16" } : [];
            CodegenSupport.AssertCompiles(CodegenSupport.Run(CodegenSupport.Tool("clang"), [.. extra, "-cl-std=CL2.0", "-fsyntax-only", "-Xclang",
                "-finclude-default-header", "-include", shim, "-Wall", "-Werror", "-Wno-unknown-attributes", "-Wno-ignored-pragmas",
                "-Wno-unknown-pragmas", Path.Combine(dir, "fpgagen.cl")]), "aoc form");

            // Every kernel group and testbench in one g++ run.
            CodegenSupport.WriteFiles(dir, design.HlsSources());
            CodegenSupport.WriteFiles(dir, Testbench.Files(design));
            File.WriteAllText(Path.Combine(dir, "tb", "fpgagen_ref.h"), design.Library.Raw("common/hls/fpgagen_ref.h"));
            var sources = Directory.GetFiles(Path.Combine(dir, "src"), "*.cpp").Concat(Directory.GetFiles(Path.Combine(dir, "tb"), "*.cpp"));
            CodegenSupport.AssertCompiles(CodegenSupport.Run(CodegenSupport.Tool("g++"), ["-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                "-Wno-unknown-pragmas", "-Wno-unused-parameter", "-I" + Path.Combine(dir, "src"), "-I" + Path.Combine(dir, "tb"), .. sources]), "HLS C++");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
