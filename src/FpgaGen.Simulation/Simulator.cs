using System.Diagnostics;
using FpgaGen.Codegen;
using FpgaGen.Codegen.Portable;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;
using FpgaGen.OpenCl;

namespace FpgaGen.Simulation;

/// <summary>
/// Runs a design's portable kernels (the same compute text that goes to aoc) on an OpenCL device through the launch
/// plan, layer by layer, and compares every tensor with the float reference (<see cref="NetworkReference"/>, written
/// from the model's definitions and accumulating in double) as soon as its last writer has run. int8 and int16 designs
/// are also compared with the bit-exact <see cref="IntegerReference"/>, each step on the kernels' own inputs: a step
/// passes only within 0 LSB (integer steps) or 1 LSB (steps that compute in float internally) of it.
/// </summary>
public static class Simulator
{
    /// <summary>The phases of a simulation, in order, as <see cref="SimulationProgress"/> names them.</summary>
    public const string Building = "building the OpenCL program", Reference = "reference", Packing = "packing weights", Kernels = "kernels";

    /// <param name="predictedMs">Predicted FPGA time per layer name (from the estimator), shown beside measured times.</param>
    public static SimulationReport Run(AcceleratorDesign design, OpenClSession session, IReadOnlyDictionary<string, float[]> weights, float[] input,
        string deviceId, IReadOnlyDictionary<string, double> predictedMs, SimulationOptions? options = null)
    {
        options ??= new SimulationOptions();
        var progress = options.Progress;
        var clock = Stopwatch.StartNew();
        var portable = design.Portable();
        var missing = portable.RequiredExtensions.Where(e => !session.Device.Extensions.Contains(e)).ToList();
        if (missing.Count > 0)
            throw new InputException($"OpenCL device '{session.Device.Name}' lacks {string.Join(", ", missing)}, which {design.Lowered.Precision.Id()} kernels need; choose another device or data type");

        // A quantized model's own scales and zero points replace the ranges for the tensors it quantizes (fixed point
        // only); what the kernels cannot run of it is refused before the reference's long run.
        var model = portable.Precision.IsFixedPoint() ? ModelQuantization.Of(design.Network) : null;
        if (model?.Problem(design) is { } refusal) throw new InputException(refusal);
        var batch = design.Lowered.Batch;
        var phases = new Dictionary<string, double> { ["lower"] = clock.Elapsed.TotalSeconds };
        // Build the program and create the buffers first: a device without room fails here, before the long reference.
        progress?.Report(new SimulationProgress(Building, 0, 1));
        using var runner = new PlanRunner(session, portable);
        phases["build"] = clock.Elapsed.TotalSeconds - phases.Values.Sum();
        progress?.Report(new SimulationProgress(Reference, 0, design.Network.Layers.Count));
        var reference = NetworkReference.Run(design.Network, weights, input, batch, options.ReferenceLinear,
            (done, total) => progress?.Report(new SimulationProgress(Reference, done, total)));
        // Fixed point is scaled by calibration ranges: measured on other inputs when given, else on this input itself.
        var ranges = options.Ranges ?? NetworkReference.Ranges(reference);
        phases["reference"] = clock.Elapsed.TotalSeconds - phases.Values.Sum();
        progress?.Report(new SimulationProgress(Packing, 0, portable.Weights.Steps.Count));
        var blob = WeightPacker.Pack(portable.Weights, weights, ranges, (done, total) => progress?.Report(new SimulationProgress(Packing, done, total)), model);
        phases["pack"] = clock.Elapsed.TotalSeconds - phases.Values.Sum();
        // The model's own 8-bit quantization bounds how close it comes to the float reference, whatever the storage.
        var tolerance = Tolerances.For(model is not null ? Precision.Int8 : portable.Precision);
        var qmax = WeightPacker.QMax(portable.Weights.DataType);

        var lastWriter = new Dictionary<string, int>();
        for (var i = 0; i < portable.Steps.Count; i++) lastWriter[portable.Steps[i].Output] = i;
        // Each layer's predicted time is shown on the step that finishes its last tensor.
        var layerDone = new Dictionary<string, int>();
        for (var i = 0; i < portable.Steps.Count; i++)
            foreach (var l in portable.Steps[i].Layers) layerDone[l] = i;
        var views = portable.TensorViews.ToDictionary(v => v.Name);
        var keys = portable.Network.Tensors.ToDictionary(t => t.Name, t => t.Calibration);

        var encoded = model?.Tensor(portable.Weights.InputKey) is { } inputQ ? EncodeModelInput(portable, input, inputQ) : portable.EncodeInput(input, blob);
        runner.Upload(blob, encoded);
        var integer = qmax > 0 ? IntegerReference.For(design, blob) : null;
        integer?.SetInput(encoded);
        var results = new List<StepResult>();
        double pendingMs = 0;
        progress?.Report(new SimulationProgress(Kernels, 0, portable.Steps.Count));
        for (var i = 0; i < portable.Steps.Count; i++)
        {
            var step = portable.Steps[i];
            integer?.Prepare(i, t => runner.ReadTensor(views[t.Name]));
            var (ms, problem) = runner.RunStep(step);
            integer?.Run(i);
            pendingMs += ms;
            progress?.Report(new SimulationProgress(Kernels, i + 1, portable.Steps.Count));
            if (problem is null && lastWriter[step.Output] != i) continue;
            // Values before a folded stored-statistics LayerNorm (a token selection ahead of the fold): the model has no
            // such tensor to compare; the outputs of the linear layers that read it check the selection and the fold.
            if (problem is null && design.Lowered.Steps[i].Output.BeforeFoldedLayerNorm is not null) continue;
            var predicted = layerDone.Where(kv => kv.Value == i).Sum(kv => predictedMs.GetValueOrDefault(kv.Key));
            var expected = design.Lowered.Steps[i].Output.InStoredOrder(reference[keys[step.Output]], batch);
            var scale = qmax > 0 ? model?.Tensor(keys[step.Output]) is { } q ? (float)q.Scales[0] : (float)(ranges[keys[step.Output]] / qmax) : 1f;
            var bytes = runner.ReadTensor(views[step.Output]);
            var result = Compare(step, expected, portable.Decode(bytes, scale), tolerance, pendingMs, predicted, problem);
            if (integer is not null)
            {
                var lowered = design.Lowered.Steps[i];
                var lsb = integer.Compare(lowered.Output, bytes);
                var allowed = IntegerReference.AllowedLsb(lowered);
                result = result with { LsbError = lsb.MaxLsb, LsbDiffering = lsb.Differing, LsbAllowed = allowed, Pass = result.Pass && lsb.Within(allowed) };
            }
            results.Add(result);
            pendingMs = 0;
            if (problem is not null) break; // the arena is no longer trustworthy after a kernel moved the wrong amount
        }
        // A classifier's answer, by both: the top classes of the network's output.
        IReadOnlyList<TopClasses>? top = null;
        if (options.Labels is { } labels && results.All(r => r.Problem is null) && portable.Network.Output.Elements == labels.Count)
            top = ClassRanking.Compare(reference[portable.Network.Output.Calibration], portable.DecodeOutput(runner.ReadTensor(portable.Output), blob), batch, labels);
        phases["run"] = clock.Elapsed.TotalSeconds - phases.Values.Sum();
        return new SimulationReport(design.Network.Name, deviceId, session.Device.Name, design.Kernel,
            string.Join(",", design.Parameters.Select(kv => $"{kv.Key}={kv.Value}")), portable.Precision.Id(), batch, tolerance, results,
            results.Sum(r => r.KernelMs), clock.Elapsed.TotalSeconds, predictedMs.Values.Sum()) { PhaseSeconds = phases, TopClasses = top };
    }

    /// <summary>The input as the model's QuantizeLinear stores it (round half to even, saturated), zero-centred.</summary>
    public static byte[] EncodeModelInput(PortableProgram portable, ReadOnlySpan<float> values, FpgaGen.Model.TensorQuantization q)
    {
        var bytes = new byte[values.Length * portable.ElementBytes];
        for (var i = 0; i < values.Length; i++)
        {
            var v = ModelQuantization.Quantize(values[i], q);
            if (portable.ElementBytes == 1) bytes[i] = (byte)(sbyte)v;
            else System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), (short)v);
        }
        return bytes;
    }

    /// <summary>Largest errors; the relative one divides by |expected| but never by less than 1e-3 of the tensor's magnitude.</summary>
    private static StepResult Compare(PlanStep step, float[] expected, float[] got, double tolerance, double ms, double predicted, string? problem)
    {
        if (expected.Length != got.Length)
            return new StepResult(step.Name, step.Layers, step.Output, got.Length, double.NaN, double.NaN, 0, false, ms, predicted,
                $"tensor has {got.Length} values, the reference {expected.Length}");
        double magnitude = 0, maxAbs = 0, maxRel = 0;
        foreach (var v in expected) magnitude = Math.Max(magnitude, Math.Abs((double)v));
        var floor = Math.Max(magnitude * 1e-3, 1e-30);
        for (var j = 0; j < expected.Length; j++)
        {
            var e = Math.Abs((double)got[j] - expected[j]);
            if (double.IsNaN(e)) e = double.PositiveInfinity;
            maxAbs = Math.Max(maxAbs, e);
            maxRel = Math.Max(maxRel, e / Math.Max(Math.Abs((double)expected[j]), floor));
        }
        var pass = problem is null && maxAbs <= tolerance * Math.Max(magnitude, 1e-30);
        return new StepResult(step.Name, step.Layers, step.Output, expected.Length, maxAbs, maxRel, magnitude, pass, ms, predicted, problem);
    }
}
