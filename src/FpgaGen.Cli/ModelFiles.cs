using FpgaGen.Model;
using FpgaGen.Model.Designs;
using FpgaGen.Onnx;

namespace FpgaGen.Cli;

/// <summary>
/// Loads a network named on the command line: a design YAML file, an ONNX file, or the name of a bundled design.
/// Importer notes (batch-norm folding, dropped nodes) go to stderr so that JSON on stdout stays clean.
/// </summary>
internal static class ModelFiles
{
    public static Network Load(string pathOrName, TextWriter? notes = null)
    {
        if (string.IsNullOrWhiteSpace(pathOrName))
            throw new UsageException($"<model>: empty; expected a design YAML or ONNX file, or a bundled design ({Bundled()})");
        if (File.Exists(pathOrName)) return LoadFile(pathOrName, notes);
        if (Directory.Exists(pathOrName)) throw new InputException($"{pathOrName}: is a folder; expected a design YAML or ONNX file");
        var bundled = Path.Combine(DataPaths.Designs, pathOrName + ".yaml");
        if (!pathOrName.Contains('/') && !pathOrName.Contains('.') && File.Exists(bundled)) return LoadFile(bundled, notes);
        throw new InputException($"{pathOrName}: file not found (bundled designs: {Bundled()})");
    }

    private static string Bundled() => Directory.Exists(DataPaths.Designs)
        ? string.Join(", ", Directory.GetFiles(DataPaths.Designs, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order())
        : "none";

    private static Network LoadFile(string path, TextWriter? notes)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".yaml" or ".yml":
                return DesignLoader.Load(path);
            case ".onnx":
                var import = OnnxImporter.Import(path);
                foreach (var note in import.Notes) notes?.WriteLine("note: " + note);
                return import.Network;
            case var ext:
                throw new InputException($"{path}: unsupported model file type '{ext}' (expected .yaml or .onnx)");
        }
    }
}
