using System.Buffers.Binary;
using System.Text.Json;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;

namespace FpgaGen.Codegen.Portable;

/// <summary>
/// A design in a form any OpenCL 1.2 device runs (PoCL on a CPU in CI): the program source, the buffers to create and
/// the launch plan. Executing the steps in order computes the network:
/// <list type="number">
/// <item>Build <see cref="Source"/> with <see cref="BuildOptions"/> (the device must offer <see cref="RequiredExtensions"/>).</item>
/// <item>Create every buffer of <see cref="Buffers"/>; write the packed weights blob to "weights" and the encoded input
/// (<see cref="EncodeInput"/>) to "activations" at <see cref="Input"/>.Offset elements.</item>
/// <item>For each step, for each launch in order: set the arguments, enqueue it as a task, wait; optionally read
/// "counts" and compare with the launch's checks.</item>
/// <item>Read <see cref="Output"/> from "activations" and decode it (<see cref="DecodeOutput"/>).</item>
/// </list>
/// </summary>
public sealed class PortableProgram
{
    internal PortableProgram(LoweredNetwork network, string source, IReadOnlyList<string> extensions, IReadOnlyList<PlanBuffer> buffers,
        IReadOnlyList<PlanStep> steps, int countSlots)
    {
        Network = network;
        Source = source;
        RequiredExtensions = extensions;
        Buffers = buffers;
        Steps = steps;
        CountSlots = countSlots;
        Input = View(network.Input);
        Output = View(network.Output);
        TensorViews = network.Tensors.Select(View).ToList();
    }

    public LoweredNetwork Network { get; }

    /// <summary>The schedule check's probes when the program was built instrumented, else null.</summary>
    public ScheduleProbes? Probes { get; init; }

    /// <summary>Bytes of the scratch buffer to clear before each instrumented launch (the probes' shadows live there).</summary>
    public long ShadowBytes { get; init; }
    public string Source { get; }
    public string BuildOptions => "-cl-std=CL1.2";
    public IReadOnlyList<string> RequiredExtensions { get; }
    public IReadOnlyList<PlanBuffer> Buffers { get; }
    public IReadOnlyList<PlanStep> Steps { get; }
    public int CountSlots { get; }
    public TensorView Input { get; }
    public TensorView Output { get; }

    /// <summary>Every activation tensor (for layer-by-layer comparisons with a reference).</summary>
    public IReadOnlyList<TensorView> TensorViews { get; }

    public WeightsLayout Weights => Network.Weights;
    public Precision Precision => Network.Precision;
    public int ElementBytes => Network.Precision.Bytes();

    private TensorView View(ActivationTensor t) => new(t.Name, t.Offset, t.Elements * Network.Batch, t.Shape);

    /// <summary>
    /// Stores real values in the data type: fixed point with the input scale from the blob's header (what the host
    /// programs do), float16 rounded, float32 as is. Returns the bytes to write at <see cref="Input"/>.Offset.
    /// </summary>
    public byte[] EncodeInput(ReadOnlySpan<float> values, ReadOnlySpan<byte> weightsBlob) =>
        Encode(values, BinaryPrimitives.ReadSingleLittleEndian(weightsBlob[(int)Weights.Header.Offset..]));

    /// <summary>Real values of a tensor read back from the activation buffer (the output scale for the output).</summary>
    public float[] DecodeOutput(ReadOnlySpan<byte> outputBytes, ReadOnlySpan<byte> weightsBlob) =>
        Decode(outputBytes, BinaryPrimitives.ReadSingleLittleEndian(weightsBlob[((int)Weights.Header.Offset + 4)..]));

    public byte[] Encode(ReadOnlySpan<float> values, float scale)
    {
        var bytes = new byte[values.Length * ElementBytes];
        for (var i = 0; i < values.Length; i++)
            switch (Precision)
            {
                case Precision.Fp32: BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]); break;
                case Precision.Fp16: BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]); break;
                case Precision.Int16: BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), (short)Quantize(values[i], scale, 32767)); break;
                default: bytes[i] = (byte)(sbyte)Quantize(values[i], scale, 127); break;
            }
        return bytes;
    }

    public float[] Decode(ReadOnlySpan<byte> bytes, float scale)
    {
        var n = bytes.Length / ElementBytes;
        var values = new float[n];
        for (var i = 0; i < n; i++)
            values[i] = Precision switch
            {
                Precision.Fp32 => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                Precision.Fp16 => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]),
                Precision.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]) * scale,
                _ => (sbyte)bytes[i] * scale,
            };
        return values;
    }

    private static int Quantize(float v, float scale, int qmax) => (int)Math.Clamp(Math.Floor(v / scale + 0.5), -qmax - 1, qmax);
}
