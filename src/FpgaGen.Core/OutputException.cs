namespace FpgaGen;

/// <summary>
/// Writing an output failed while the work ran (a full disk, a quota, an I/O error), after the place itself was
/// checked. The CLI prints the message as one line and exits with code 1 (a failed run, not bad input); whoever
/// throws it has removed what it half wrote, so earlier results are intact.
/// </summary>
public sealed class OutputException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The message for an I/O error while writing <paramref name="what"/>, with the system's reason.</summary>
    public static OutputException Writing(string what, IOException e) =>
        new($"writing {what} failed: {Reason(e)}; nothing was changed there", e);

    /// <summary>
    /// ENOSPC or EDQUOT: the file system is full, whatever the message's language; also .NET's own preallocation failure
    /// (File.WriteAllBytes preallocates and reports ERROR_DISK_FULL, 112, "because the disk was full").
    /// </summary>
    public static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) is 28 or 122 or 112
        || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("disk was full", StringComparison.OrdinalIgnoreCase);

    private static string Reason(IOException e) => IsDiskFull(e) ? "no space left on the device" : InputException.OneLine(e.Message);
}
