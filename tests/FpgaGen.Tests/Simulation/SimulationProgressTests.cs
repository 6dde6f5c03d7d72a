using FpgaGen.Codegen.Weights;
using FpgaGen.Simulation;
using FpgaGen.Tests.Codegen;

namespace FpgaGen.Tests.Simulation;

/// <summary>
/// A simulation reports its phases in order (program build, reference, weight packing, kernels), each from 0 to its
/// total, so a progress bar shows where the time goes instead of sitting at 0% through the reference and the packing.
/// </summary>
[Collection(CodegenOpenClCollection.Name)]
public class SimulationProgressTests(CodegenOpenClFixture fixture)
{
    [Fact]
    public void PhasesAreReportedInOrder()
    {
        var design = CodegenSupport.Design("tiny_cnn", "gemm", "Tm=8,Tn=8,Tk=8,vu=8", "int8");
        var reports = new List<SimulationProgress>();
        var report = Simulator.Run(design, fixture.Session, RandomWeights.For(design.Network, 2), CodegenSupport.Input(design.Network, 1), "test",
            new Dictionary<string, double>(), new SimulationOptions { Progress = new Recorder(reports) });
        Assert.True(report.Pass);
        var phases = reports.Select(r => r.Phase).Distinct().ToList();
        Assert.Equal([Simulator.Building, Simulator.Reference, Simulator.Packing, Simulator.Kernels], phases);
        foreach (var phase in phases.Skip(1))
        {
            var of = reports.Where(r => r.Phase == phase).ToList();
            Assert.Equal(0, of[0].Done);
            Assert.Equal(of[^1].Total, of[^1].Done);
            Assert.True(of.Zip(of.Skip(1)).All(p => p.Second.Done >= p.First.Done));
            Assert.True(of.Count > 2, $"{phase}: {of.Count} reports");
        }
        // Nothing of an earlier phase is reported after a later one began.
        Assert.Equal(phases, reports.Select(r => r.Phase).Where((p, i) => i == 0 || reports[i - 1].Phase != p));
    }

    private sealed class Recorder(List<SimulationProgress> into) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => into.Add(value);
    }
}
