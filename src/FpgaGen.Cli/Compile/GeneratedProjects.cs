using System.Security.Cryptography;
using FpgaGen.Codegen;
using FpgaGen.Codegen.Projects;
using FpgaGen.Model;
using FpgaGen.Toolchains.Sweeps;

namespace FpgaGen.Cli.Compile;

/// <summary>
/// Writes a sweep design's project with the generator of `fpgagen generate`: the design is checked against the
/// kernel's space and the device (as `generate --design designs.json --rank N` does), then the whole project is
/// generated, so a sweep compiles exactly what a user would. Safe to call from several threads.
/// </summary>
internal sealed class GeneratedProjects : IProjectGenerator
{
    private readonly Network network;
    private readonly ModelInfo model;

    public GeneratedProjects(Network network, ExploredDesigns explored)
    {
        if (network.Name != explored.Model)
            throw new InputException($"{explored.File}: the designs were explored for {explored.Model}, but the model given is {network.Name}");
        this.network = network;
        model = new ModelInfo(network.Name, network.Source, network.Source is { } src && File.Exists(src) ? Sha256(src) : null);
    }

    public void Generate(ExploredDesigns explored, SweepDesign design, string directory)
    {
        var parameters = design.Parameters.ToDictionary(p => p.Key, p => checked((int)p.Value), StringComparer.Ordinal);
        var selection = new DesignSelection(design.Kernel, parameters, design.Precision, design.Batch, design.Rank, design.Pareto, explored.Device.Id,
            $"{explored.File}: designs[{design.Rank - 1}]");
        var estimate = DesignDocument.Validate(selection, explored.Device, network, explored.MaxUtil);
        var accelerator = AcceleratorDesign.Create(network, estimate.Kernel, estimate.Config.AsDictionary(), estimate.Precision, estimate.Batch, explored.Device, computeUnits: estimate.ComputeUnits);
        ProjectGenerator.Generate(new ProjectRequest(accelerator, explored.Device, estimate, design.Rank, design.Pareto, model) { LayerNorm = explored.LayerNorm }).WriteTo(directory);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
