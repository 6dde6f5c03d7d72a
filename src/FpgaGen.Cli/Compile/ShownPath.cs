namespace FpgaGen.Cli.Compile;

/// <summary>Paths in messages: relative to the working folder when they are under it, else absolute.</summary>
internal static class ShownPath
{
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }
}
