using FpgaGen.Model;
using FpgaGen.Model.Designs;

namespace FpgaGen.Cli;

/// <summary>Loads a network named on the command line: a path to a design file, or the name of a bundled design.</summary>
internal static class ModelFiles
{
    public static Network Load(string pathOrName)
    {
        if (File.Exists(pathOrName)) return LoadFile(pathOrName);
        var bundled = Path.Combine(DataPaths.Designs, pathOrName + ".yaml");
        if (!pathOrName.Contains('/') && !pathOrName.Contains('.') && File.Exists(bundled)) return LoadFile(bundled);
        var known = Directory.Exists(DataPaths.Designs)
            ? string.Join(", ", Directory.GetFiles(DataPaths.Designs, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order())
            : "none";
        throw new InputException($"{pathOrName}: file not found (bundled designs: {known})");
    }

    private static Network LoadFile(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".yaml" or ".yml" => DesignLoader.Load(path),
        var ext => throw new InputException($"{path}: unsupported model file type '{ext}' (expected .yaml)"),
    };
}
