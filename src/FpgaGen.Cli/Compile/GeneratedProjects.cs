using FpgaGen.Model;
using FpgaGen.Toolchains.Sweeps;

namespace FpgaGen.Cli.Compile;

/// <summary>Writes sweep projects with the project generator of `fpgagen generate` (branch gen; wired in when it is merged).</summary>
internal sealed class GeneratedProjects(Network network) : IProjectGenerator
{
    public Network Network { get; } = network;

    public void Generate(ExploredDesigns explored, SweepDesign design, string directory) =>
        throw new InputException("compile --sweep needs the project generator of `fpgagen generate`, which is not merged into this build yet");
}
