using FpgaGen.OpenCl;
using FpgaGen.OpenCl.Kernels;
using FpgaGen.OpenCl.Tuning;

namespace FpgaGen.Tests.OpenCl;

[Collection(OpenClCollection.Name)]
public sealed class TunerTests(OpenClFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fpgagen-tune-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [OpenClFact]
    public void TinyGemmTuneFindsVerifiedConfigPersistsAndResumes()
    {
        var s = fixture.Session;
        var path = Path.Combine(_dir, "tuning.sqlite");
        var shape = GemmShape.Parse("24x40x20");
        var reports = new List<TuningProgress>();
        TuningResult first;
        using (var problem = GemmTuning.CreateProblem(s, shape))
        {
            var options = new TuningOptions { Budget = TimeSpan.FromSeconds(2.5), Seed = 7 };
            using var database = TuningDatabase.Open(path);
            first = Tuner.Run(problem, options, database, new SyncProgress(reports.Add));
        }
        Assert.NotNull(first.Best);
        Assert.Equal(TrialStatus.Verified, first.Best!.Status);
        Assert.True(first.Best.MedianNs > 0);
        Assert.Equal(first.Trials.Count, reports.Count);
        Assert.Equal(first.Trials.Count, reports[^1].Done);
        Assert.Equal(GemmTuning.DefaultFor(s.Device.Type), first.Trials[0].Parameters); // the default goes first
        Assert.All(first.Trials, t => Assert.False(t.FromCache));
        Assert.Equal(first.Trials.Where(t => t.Status == TrialStatus.Verified).Min(t => t.MedianNs), first.Best.MedianNs);

        // The file holds every trial; lookups fall back device → vendor+type → default.
        using var db = TuningDatabase.Open(path);
        var entry = Assert.Single(db.Entries);
        Assert.Equal(first.Trials.Count, entry.Trials.Count);
        Assert.Equal(first.Best.Parameters.Key, entry.Best!.Parameters);
        var self = DeviceIdentity.Of(s.Device);
        var tuned = GemmTuning.ShapeOf(shape);
        var fallback = GemmKernel.DefaultParameters;

        var exact = db.Lookup(self, tuned, fallback);
        Assert.Equal((TuningMatch.Device, true, first.Best.Parameters), (exact.Match, exact.ExactClass, exact.Parameters));
        var otherShape = db.Lookup(self, GemmTuning.ShapeOf(GemmShape.Parse("1024x1024x1024")), fallback);
        Assert.Equal((TuningMatch.Device, false, "24x40x20"), (otherShape.Match, otherShape.ExactClass, otherShape.TunedShape));
        var sibling = db.Lookup(self with { Name = "another device of the same kind" }, tuned, fallback);
        Assert.Equal(TuningMatch.VendorAndType, sibling.Match);
        Assert.Equal(first.Best.Parameters, sibling.Parameters);
        var stranger = db.Lookup(new DeviceIdentity("x", "OtherVendor", "GPU"), tuned, fallback);
        Assert.Equal((TuningMatch.Default, fallback), (stranger.Match, stranger.Parameters));
        Assert.Equal(TuningMatch.Device, KernelTuning.Lookup(db, "gemm", "24x40x20", s.Device).Match);

        // Same device and shape again: what was measured is read back, not run again.
        using (var problem = GemmTuning.CreateProblem(s, shape))
        {
            // A budget the cached trials cannot run out of on a loaded machine; at most two new candidates measured.
            var options = new TuningOptions { Budget = TimeSpan.FromSeconds(60), MaxCandidates = 2, Seed = 7 };
            using var database = TuningDatabase.Open(path);
            var second = Tuner.Run(problem, options, database);
            var measuredBefore = first.Trials.Select(t => t.Parameters.Key).ToHashSet();
            Assert.Equal(measuredBefore, second.Trials.Where(t => t.FromCache).Select(t => t.Parameters.Key).ToHashSet());
            Assert.All(second.Trials.Where(t => !t.FromCache), t => Assert.DoesNotContain(t.Parameters.Key, measuredBefore));
            Assert.True(second.Best!.MedianNs <= first.Best.MedianNs);
        }
        Assert.True(db.Entries.Single().Trials.Count >= first.Trials.Count);

        // A zero budget with a tuned entry measures nothing and returns the database's best.
        using (var problem = GemmTuning.CreateProblem(s, shape))
        {
            using var db2 = TuningDatabase.Open(path);
            var lookupOnly = Tuner.Run(problem, new TuningOptions { Budget = TimeSpan.Zero }, db2);
            Assert.Empty(lookupOnly.Trials);
            Assert.Equal(db2.Entries.Single().Best!.Parameters, lookupOnly.Best!.Parameters.Key);
            Assert.True(lookupOnly.Best.FromCache);
        }
    }

    [OpenClFact]
    public void WrongResultsNeverWinEvenWhenFaster()
    {
        using var problem = new FlawedCopyProblem(fixture.Session);
        var result = Tuner.Run(problem, new TuningOptions { Strategy = SearchStrategy.Exhaustive, Budget = TimeSpan.FromSeconds(30) });
        Assert.Equal(StopReason.Exhausted, result.Stop);
        var wrong = Assert.Single(result.Trials, t => t.Parameters["SKIP"] == 1);
        Assert.Equal(TrialStatus.WrongResult, wrong.Status);
        Assert.Contains("mismatch", wrong.Message);
        var broken = Assert.Single(result.Trials, t => t.Parameters["SKIP"] == 2);
        Assert.Equal(TrialStatus.BuildFailed, broken.Status);
        Assert.Contains("CL_BUILD_PROGRAM_FAILURE", broken.Message);
        Assert.Equal(0, result.Best!.Parameters["SKIP"]);
    }

    [OpenClFact]
    public void ConvTuneVerifiesCandidatesAndRespectsTheLimit()
    {
        using var problem = ConvTuning.CreateProblem(fixture.Session, ConvShape.Parse("c=3,h=10,w=9,o=6,k=3,p=1"));
        var result = Tuner.Run(problem, new TuningOptions { MaxCandidates = 3, Seed = 3, Runs = 1 });
        Assert.Equal(StopReason.MaxCandidates, result.Stop);
        Assert.Equal(3, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(TrialStatus.Verified, t.Status));
        Assert.True(result.Candidates > 100);
    }

    private sealed class SyncProgress(Action<TuningProgress> report) : IProgress<TuningProgress>
    {
        public void Report(TuningProgress value) => report(value);
    }

    /// <summary>
    /// A copy kernel whose SKIP=1 variant leaves the last element alone (less work, wrong) and
    /// whose SKIP=2 variant does not compile: the tuner must rank neither.
    /// </summary>
    private sealed class FlawedCopyProblem : ITuningProblem
    {
        private const int N = 4096;
        private const string Source = """
            #if SKIP == 2
            #error deliberately broken variant
            #endif
            __kernel void copy(__global const float* x, __global float* y) {
                int i = get_global_id(0);
                if (SKIP == 0 || i < get_global_size(0) - 1) y[i] = x[i];
            }
            """;

        private readonly ClBuffer _x, _y;
        private readonly ReferenceResult _reference;

        public FlawedCopyProblem(OpenClSession session)
        {
            Session = session;
            var x = Enumerable.Range(0, N).Select(i => (float)(i % 7 - 3)).ToArray();
            _reference = new ReferenceResult(x.Select(v => (double)v).ToArray(), x.Select(v => (double)Math.Abs(v)).ToArray(), 1);
            _x = session.Context.CreateBuffer<float>(x);
            _y = session.Context.CreateBuffer(N * sizeof(float));
        }

        public OpenClSession Session { get; }
        public TuningShape Shape { get; } = new("copy", "4096", "n4096", [12]);
        public ParameterSpace Space { get; } = new("copy", [new("SKIP", [1, 2, 0])], []);
        public double Flops => N;
        public KernelParameters Default { get; } = KernelParameters.Parse("SKIP=1");
        public IReadOnlyDictionary<string, long> Environment { get; } = new Dictionary<string, long>();

        public ITuningCandidate Compile(KernelParameters parameters)
        {
            var program = Session.Build(Source, parameters.ToBuildOptions());
            return new Candidate(this, program, program.CreateKernel("copy"));
        }

        private sealed class Candidate(FlawedCopyProblem p, ClProgram program, ClKernel kernel) : ITuningCandidate
        {
            public ClEvent Run()
            {
                kernel.SetArg(0, p._x).SetArg(1, p._y);
                return p.Session.Queue.EnqueueNDRange(kernel, [N]);
            }

            public (Verification Result, long DurationNs) RunAndVerify()
            {
                p.Session.Queue.Write<float>(p._y, Enumerable.Repeat(float.NaN, N).ToArray());
                long ns;
                using (var e = Run()) ns = e.DurationNs();
                return (p._reference.Compare(p.Session.Queue.ReadAll<float>(p._y), 1, N, N, 0), ns);
            }

            public void Dispose()
            {
                kernel.Dispose();
                program.Dispose();
            }
        }

        public void Dispose()
        {
            _x.Dispose();
            _y.Dispose();
        }
    }
}
