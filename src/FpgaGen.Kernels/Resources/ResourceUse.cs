using FpgaGen.Hardware;

namespace FpgaGen.Kernels;

/// <summary>Resources a design uses: DSP blocks, logic (ALM or LUT), registers, and RAM blocks per RAM kind of the device.</summary>
public sealed class ResourceUse
{
    public ResourceUse(Device device)
    {
        Device = device;
        Ram = new double[device.Ram.Count];
    }

    public Device Device { get; }
    public double Dsp { get; set; }
    public double Logic { get; set; }
    public double Registers { get; set; }
    public double[] Ram { get; }

    /// <summary>Bits the buffers hold before rounding to blocks (the logical on-chip storage of the design).</summary>
    public double BufferBits { get; set; }

    /// <summary>Adds blocks of the RAM kind named <paramref name="kind"/>.</summary>
    public void AddBlocks(string kind, double blocks)
    {
        for (var k = 0; k < Device.Ram.Count; k++)
            if (Device.Ram[k].Kind == kind) { Ram[k] += blocks; return; }
        throw new InvalidOperationException($"device {Device.Id} has no RAM kind {kind}");
    }

    /// <summary>Multiplies everything counted so far (identical compute units).</summary>
    public void Scale(int copies)
    {
        Dsp *= copies;
        Logic *= copies;
        Registers *= copies;
        BufferBits *= copies;
        for (var k = 0; k < Ram.Length; k++) Ram[k] *= copies;
    }

    /// <summary>Adds the board support package / shell overhead.</summary>
    public void AddPlatform()
    {
        var p = Device.Platform;
        Dsp += p.Dsp;
        Logic += p.Logic;
        Registers += p.Registers;
        for (var k = 0; k < Device.Ram.Count; k++)
            Ram[k] += p.Ram.GetValueOrDefault(Device.Ram[k].Kind);
    }

    public double DspUtil => Dsp / Device.Dsp.Count;
    public double LogicUtil => Logic / Device.Logic.Count;
    public double RegisterUtil => Registers / Device.Registers;
    public double RamUtil(int kind) => Ram[kind] / Device.Ram[kind].Count;

    /// <summary>RAM in use as a fraction of the device, summed over block kinds (monotone in buffer sizes).</summary>
    public double RamFraction => Ram.Select((b, k) => b / Device.Ram[k].Count).Sum();

    /// <summary>Total RAM bits held by the blocks in use (all kinds), for comparing designs across devices.</summary>
    public double RamBits => Ram.Select((b, k) => b * Device.Ram[k].Bits).Sum();

    /// <summary>The highest utilization over all resources, and which resource it is.</summary>
    public (double Util, string Resource) Binding()
    {
        var best = (DspUtil, "DSP");
        if (LogicUtil > best.Item1) best = (LogicUtil, Device.Logic.Kind);
        if (RegisterUtil > best.Item1) best = (RegisterUtil, "registers");
        for (var k = 0; k < Ram.Length; k++)
            if (RamUtil(k) > best.Item1) best = (RamUtil(k), Device.Ram[k].Kind);
        return best;
    }

    /// <summary>
    /// Report keys: "dsp", "bram" (blocks of the device's first RAM kind: M20K or BRAM18), further RAM kinds by
    /// name ("uram"), "logic" (ALM or LUT) and "ff" (registers).
    /// </summary>
    public static string RamKey(Device device, int kind) => kind == 0 ? "bram" : device.Ram[kind].Kind.ToLowerInvariant();

    public IReadOnlyDictionary<string, double> Utilization()
    {
        var d = new Dictionary<string, double> { ["dsp"] = DspUtil };
        for (var k = 0; k < Ram.Length; k++) d[RamKey(Device, k)] = RamUtil(k);
        d["logic"] = LogicUtil;
        d["ff"] = RegisterUtil;
        return d;
    }

    public IReadOnlyDictionary<string, double> Amounts()
    {
        var d = new Dictionary<string, double> { ["dsp"] = Math.Ceiling(Dsp) };
        for (var k = 0; k < Ram.Length; k++) d[RamKey(Device, k)] = Math.Ceiling(Ram[k]);
        d["logic"] = Math.Ceiling(Logic);
        d["ff"] = Math.Ceiling(Registers);
        return d;
    }
}
