namespace FpgaGen.Cli.Compile;

/// <summary>How a batch job on another node runs this same fpgagen: the apphost beside fpgagen.dll, else the dotnet host with the dll.</summary>
internal static class FpgagenCommand
{
    public static IReadOnlyList<string> Current()
    {
        var dll = Path.GetFullPath(typeof(FpgagenCommand).Assembly.Location);
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, OperatingSystem.IsWindows() ? "fpgagen.exe" : "fpgagen");
        if (File.Exists(apphost) && (OperatingSystem.IsWindows() || File.GetUnixFileMode(apphost).HasFlag(UnixFileMode.UserExecute))) return [apphost];
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return [host, dll];
    }
}
