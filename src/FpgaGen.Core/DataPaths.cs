namespace FpgaGen;

/// <summary>
/// Finds the data folders (hw/, designs/, templates/). In this order: $FPGAGEN_HOME (a checkout or any folder with
/// hw/, designs/, templates/); the data the installed .NET tool carries (data/ beside the program); the checkout the
/// program was built in (looking upwards from the program's folder); the checkout the working folder is in.
/// </summary>
public static class DataPaths
{
    public const string HomeVariable = "FPGAGEN_HOME";

    /// <summary>The folder beside the program that holds the tool's own copy of the data (see FpgaGen.Cli.csproj).</summary>
    public const string BundledFolder = "data";

    public static string Root => root ??= FindRoot();
    private static string? root;

    public static string Hw => Path.Combine(Root, "hw");
    public static string Designs => Path.Combine(Root, "designs");
    public static string Templates => Path.Combine(Root, "templates");

    private static bool HasData(string dir) => Directory.Exists(Path.Combine(dir, "hw")) && Directory.Exists(Path.Combine(dir, "designs"));

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrEmpty(env))
            return Directory.Exists(Path.Combine(env, "hw")) ? Path.GetFullPath(env) : throw new InputException($"{HomeVariable}={env} has no hw/ folder");
        var bundled = Path.Combine(AppContext.BaseDirectory, BundledFolder);
        if (HasData(bundled)) return bundled;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (HasData(dir.FullName))
                    return dir.FullName;
        throw new InputException($"cannot find FpgaGen's data folders (hw/, designs/); set {HomeVariable} to a checkout of FpgaGen");
    }
}
