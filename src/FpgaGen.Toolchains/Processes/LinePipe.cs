using System.Text;
using CliWrap;

namespace FpgaGen.Toolchains.Processes;

/// <summary>
/// CliWrap pipe target that splits one output stream into lines for the sink. It ends when the pipe closes or when
/// <paramref name="drained"/> fires. CliWrap waits for its pipes to close before it returns, and a daemon the tool left
/// behind holding stdout keeps them open after the tool exits (CliWrap issue #185, closed as won't-fix), so the
/// runner fires <paramref name="drained"/> a grace period after the tool exits. CliWrap's own token is left unused:
/// it fires on forceful cancellation, and the lines a killed tool wrote last are the ones worth keeping.
/// </summary>
internal sealed class LinePipe(OutputStream stream, OutputSink sink, Action<Exception> fail, CancellationToken drained)
    : PipeTarget
{
    public override async Task CopyFromAsync(Stream origin, CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(origin, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        try
        {
            while (await reader.ReadLineAsync(drained) is { } line)
            {
                try
                {
                    sink.Add(new OutputLine(stream, line));
                }
                catch (Exception e)
                {
                    // The caller's callback failed: stop reading and let the runner stop the tool.
                    fail(e);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (drained.IsCancellationRequested)
        {
            // Whoever still holds the pipe is not the tool, which has exited.
        }
        catch (IOException)
        {
            // The pipe broke under a killed process tree.
        }
    }
}
