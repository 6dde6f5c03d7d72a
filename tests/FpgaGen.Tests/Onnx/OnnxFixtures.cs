using FpgaGen.Onnx;

namespace FpgaGen.Tests.Onnx;

/// <summary>Paths of the committed ONNX fixtures (tests/fixtures/onnx, made by export_torchvision.py) and imports of them.</summary>
internal static class OnnxFixtures
{
    public static string Folder => Path.Combine(DataPaths.Root, "tests", "fixtures", "onnx");

    public static string PathOf(string name) => Path.Combine(Folder, name + ".onnx");

    private static readonly Dictionary<string, OnnxImport> Cache = new();

    /// <summary>Imports a fixture once per test run (ViT takes a moment; several tests read it).</summary>
    public static OnnxImport Import(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var import)) Cache[name] = import = OnnxImporter.Import(PathOf(name));
            return import;
        }
    }
}
