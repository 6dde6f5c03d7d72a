using FpgaGen.Codegen;
using FpgaGen.Codegen.Projects;
using FpgaGen.Tests.Cli;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// Names from a model file are text, never code: generated projects for a model whose network and layer names carry
/// C, shell, Makefile and Tcl syntax still compile, and the names appear only as escaped string literals (or in JSON).
/// Every path the generator writes stays inside the output folder.
/// </summary>
public class NamingTests
{
    // Line breaks and tabs in names are refused when the design is read (CliHostileTests); a trailing backslash would
    // continue a // comment onto the next line, so the maxpool's name ends with one.
    private const string Evil = """
        name: 'Evil */ #include <stdlib.h> "net" \ $(rm -rf /) `x`'
        input: [3, 8, 8]
        layers:
          - {kind: conv, name: 'x; system("rm -rf /")', out: 4, kernel: 3, pad: 1}
          - {kind: relu, name: "*/ int evil; /*"}
          - {kind: maxpool, name: "a\\b c ??= $(HOME) \\", kernel: 2}
          - flatten
          - {kind: linear, name: "ü-\"quoted\"-", out: 3}
        """;

    [Theory]
    [InlineData("a10_385a")]
    [InlineData("u250")]
    public void HostileNamesCannotInjectCode(string device)
    {
        var dir = CodegenSupport.TempDir("evil");
        try
        {
            var model = Path.Combine(dir, "evil.yaml");
            File.WriteAllText(model, Evil);
            var outDir = Path.Combine(dir, "out");
            var r = CliRunner.Run("generate", model, "--device", device, "--out", outDir);
            Assert.True(r.Code == 0, r.Err);
            foreach (var file in Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                Assert.DoesNotContain("system(\"rm", text);
                if (file.EndsWith(".json", StringComparison.Ordinal)) continue; // data, checked below
                Assert.DoesNotContain("$(rm -rf", text);
                Assert.DoesNotContain("int evil; /*", text.Replace("\"x; system(\\042rm -rf /\\042) */ int evil; /*\"", ""));
            }
            var design = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "design.json")))!;
            Assert.Equal("Evil */ #include <stdlib.h> \"net\" \\ $(rm -rf /) `x`", (string)design["model"]!["name"]!);
            var plan = File.ReadAllText(Path.Combine(outDir, "host", "plan.h"));
            Assert.Contains(CNames.StringLiteral("x; system(\"rm -rf /\")"), plan);

            // Everything still compiles: the host with its plan, and the kernels.
            CodegenSupport.AssertCompiles(CodegenSupport.Run(CodegenSupport.Tool("g++"),
                ["-std=c++17", "-fsyntax-only", "-Wall", "-Werror", Path.Combine(outDir, "host", "main.cpp")]), "host");
            if (device == "a10_385a")
            {
                CodegenSupport.AssertCompiles(CodegenSupport.Run(CodegenSupport.Tool("clang"), ["-cl-std=CL2.0", "-fsyntax-only", "-Xclang", "-finclude-default-header",
                    "-include", Path.Combine(outDir, "device", "intel_syntax_shim.h"), "-Wall", "-Werror", "-Wno-unknown-attributes", "-Wno-ignored-pragmas",
                    "-Wno-unknown-pragmas", Path.Combine(outDir, "device", "fpgagen.cl")]), "aoc form");
            }
            else
            {
                var src = Path.Combine(outDir, "src");
                var sources = Directory.GetFiles(src, "*.cpp").Concat(Directory.GetFiles(Path.Combine(outDir, "tb"), "*.cpp"));
                CodegenSupport.AssertCompiles(CodegenSupport.Run(CodegenSupport.Tool("g++"), ["-std=c++17", "-fsyntax-only", "-Wall", "-Werror",
                    "-Wno-unknown-pragmas", "-I" + src, "-I" + Path.Combine(outDir, "tb"), .. sources]), "HLS C++");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("conv1", "conv1")]
    [InlineData("layer2.0.conv1", "layer2_0_conv1")]
    [InlineData("x; system(\"rm -rf /\")", "x_system_rm_rf")]
    [InlineData("3x3", "l_3x3")]
    [InlineData("int", "int_")]
    [InlineData("/*!*/", "unnamed")]
    [InlineData("ü", "unnamed")]
    public void IdentifiersAreSanitized(string name, string expected)
    {
        var id = CNames.Identifier(name);
        Assert.Equal(expected, id);
        Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*$", id);
    }

    [Fact]
    public void IdentifiersAreMadeUnique()
    {
        Assert.Equal(["a_b", "a_b_2", "a_b_3", "c"], CNames.UniqueIdentifiers(["a.b", "a-b", "a b", "c"]));
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("say \"hi\"", "\"say \\042hi\\042\"")]
    [InlineData("back\\slash", "\"back\\134slash\"")]
    [InlineData("??=", "\"\\077\\077=\"")]
    [InlineData("line\nbreak", "\"line\\012break\"")]
    [InlineData("ü", "\"\\303\\274\"")]
    public void StringLiteralsEscapeEverythingButPlainText(string text, string literal) => Assert.Equal(literal, CNames.StringLiteral(text));

    [Fact]
    public void CommentTextCannotCloseOrContinueAComment()
    {
        var text = CNames.CommentText("a */ b /* c \\\n$(x) `y` \"q\" {z}");
        Assert.DoesNotContain("*/", text);
        Assert.DoesNotContain("/*", text);
        Assert.DoesNotContain("\\", text);
        Assert.DoesNotContain("\n", text);
        Assert.DoesNotContain("$", text);
        Assert.DoesNotContain("`", text);
        Assert.DoesNotContain("\"", text);
        Assert.DoesNotContain("{", text);
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("src/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("C:evil")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("")]
    public void ProjectPathsStayInsideTheFolder(string path)
    {
        var files = new ProjectFiles();
        Assert.Throws<InvalidOperationException>(() => files.Add(path, "x"));
    }

    [Fact]
    public void ProjectFilesAreWrittenInsideTheFolder()
    {
        var dir = CodegenSupport.TempDir("paths");
        try
        {
            var files = new ProjectFiles();
            files.Add("a/b/c.txt", "c");
            files.Add("tools/x.py", "print(1)");
            var written = files.WriteTo(dir);
            Assert.All(written, w => Assert.StartsWith(Path.GetFullPath(dir), w));
            Assert.Equal("c", File.ReadAllText(Path.Combine(dir, "a", "b", "c.txt")));
            if (!OperatingSystem.IsWindows())
                Assert.True(File.GetUnixFileMode(Path.Combine(dir, "tools", "x.py")).HasFlag(UnixFileMode.UserExecute));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
