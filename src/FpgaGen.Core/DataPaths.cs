namespace FpgaGen;

/// <summary>
/// Finds the bundled data folders (hw/, designs/, templates/). They live at the repository root; we look upwards
/// from the program's folder, then from the working folder. FPGAGEN_HOME overrides both.
/// </summary>
public static class DataPaths
{
    public static string Root => root ??= FindRoot();
    private static string? root;

    public static string Hw => Path.Combine(Root, "hw");
    public static string Designs => Path.Combine(Root, "designs");
    public static string Templates => Path.Combine(Root, "templates");

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("FPGAGEN_HOME");
        if (!string.IsNullOrEmpty(env))
            return Directory.Exists(Path.Combine(env, "hw")) ? env : throw new InputException($"FPGAGEN_HOME={env} has no hw/ folder");
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "hw")) && Directory.Exists(Path.Combine(dir.FullName, "designs")))
                    return dir.FullName;
        throw new InputException("cannot find FpgaGen's data folders (hw/, designs/); set FPGAGEN_HOME to the repository root");
    }
}
