using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>
/// A built-in tuning problem (GEMM, convolution): its inputs on the device, an output poisoned with NaN before every
/// verified run, the reference to compare with, and the buffers released together. The kernel's own tuning class
/// uploads the data and says how a candidate is compiled and launched (<see cref="Ready"/>).
/// </summary>
internal sealed class VerifiedProblem(
    OpenClSession session, TuningShape shape, ParameterSpace space, IReadOnlyDictionary<string, long> environment,
    KernelParameters defaultParameters, double flops) : ITuningProblem
{
    private readonly List<ClBuffer> _buffers = [];
    private ReferenceResult? _reference;
    private float[] _poison = [];
    private ClBuffer? _output;
    private int _rows, _cols;
    private Func<KernelParameters, ITuningCandidate>? _compile;

    public OpenClSession Session { get; } = session;
    public TuningShape Shape { get; } = shape;
    public ParameterSpace Space { get; } = space;
    public double Flops { get; } = flops;
    public KernelParameters Default { get; } = defaultParameters;
    public IReadOnlyDictionary<string, long> Environment { get; } = environment;

    /// <summary>A read-only input buffer holding <paramref name="data"/>.</summary>
    public ClBuffer Upload(float[] data) => Track(Session.Context.CreateBuffer<float>(data, ClMemFlags.ReadOnly));

    /// <summary>The output buffer: <paramref name="rows"/> × <paramref name="cols"/> floats expected to equal <paramref name="reference"/>.</summary>
    public ClBuffer Output(ReferenceResult reference, int rows, int cols)
    {
        (_reference, _rows, _cols) = (reference, rows, cols);
        _poison = new float[(long)rows * cols];
        Array.Fill(_poison, float.NaN);
        return _output = Track(Session.Context.CreateBuffer<float>(_poison));
    }

    /// <summary>Sets how a candidate is built: <paramref name="compile"/> returns the kernel and its launch.</summary>
    public VerifiedProblem Ready(Func<KernelParameters, (IDisposable Kernel, Func<ClEvent> Run)> compile)
    {
        _compile = p =>
        {
            var (kernel, run) = compile(p);
            return new Candidate(this, kernel, run);
        };
        return this;
    }

    public ITuningCandidate Compile(KernelParameters parameters) =>
        (_compile ?? throw new InvalidOperationException("the problem is not ready"))(parameters);

    public void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
    }

    private ClBuffer Track(ClBuffer buffer)
    {
        _buffers.Add(buffer);
        return buffer;
    }

    private sealed class Candidate(VerifiedProblem problem, IDisposable kernel, Func<ClEvent> run) : ITuningCandidate
    {
        public ClEvent Run() => run();

        public (Verification Result, long DurationNs) RunAndVerify()
        {
            var queue = problem.Session.Queue;
            queue.Write<float>(problem._output!, problem._poison);
            long ns;
            using (var evt = Run()) ns = evt.DurationNs();
            var result = new float[problem._poison.Length];
            queue.Read<float>(problem._output!, result);
            // Exact data (see TuningData): one unit roundoff of slack is effectively "equal".
            return (problem._reference!.Compare(result, problem._rows, problem._cols, problem._cols, ReferenceResult.FloatUnitRoundoff), ns);
        }

        public void Dispose() => kernel.Dispose();
    }
}
