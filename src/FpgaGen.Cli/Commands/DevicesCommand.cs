using System.CommandLine;
using System.Globalization;
using FpgaGen.Cli.Tables;
using FpgaGen.Hardware;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen devices`: the FPGA device catalog in hw/.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliIo io)
    {
        var format = CommonOptions.Format(CliIo.Formats);
        var wide = CommonOptions.Wide();
        var opencl = new Option<bool>("--opencl") { Description = "List the OpenCL platforms and devices of this machine instead (for simulate and tune)" };
        var cmd = new Command("devices", "List the FPGA devices and boards of the catalog (hw/) with their resources.") { format, wide, opencl };
        cmd.SetAction(r => io.Guard(() =>
        {
            if (r.GetValue(opencl)) return OpenClDevicesView.Write(io, r.GetValue(format)!, r.GetValue(wide));
            var devices = DeviceCatalog.Default.LoadAll();
            switch (r.GetValue(format))
            {
                case "json": io.WriteJson(devices.Select(ToJson)); break;
                case "csv": io.WriteRecords(devices.Select(Fields)); break;
                default: WriteTable(io, devices, r.GetValue(wide)); break;
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// The scalar fields of a device, in order: the CSV's columns and the first fields of each JSON entry, under the
    /// same names (docs/formats.md). RAM: "bram" is the device's first RAM kind (M20K or BRAM18), "uram" a second one.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, object?>> Fields(Device d)
    {
        RamKind? Ram(int k) => k < d.Ram.Count ? d.Ram[k] : null;
        return
        [
            new("id", d.Id), new("name", d.Name), new("vendor", d.Vendor), new("family", d.Family), new("part", d.Part), new("board", d.Board),
            new("toolchain", d.Toolchain.Kind), new("toolchain_target", d.Toolchain.AocBoard ?? d.Toolchain.Platform ?? d.Toolchain.HlsPart),
            new("dsp", d.Dsp.Count), new("dsp_kind", d.Dsp.Kind),
            new("bram_kind", Ram(0)?.Kind), new("bram_blocks", Ram(0)?.Count), new("bram_block_bits", Ram(0)?.Bits),
            new("uram_kind", Ram(1)?.Kind), new("uram_blocks", Ram(1)?.Count), new("uram_block_bits", Ram(1)?.Bits),
            new("ram_bits", d.RamBits), new("logic", d.Logic.Count), new("logic_kind", d.Logic.Kind), new("registers", d.Registers),
            new("memory_kind", d.Memory.Kind), new("memory_banks", d.Memory.Banks), new("memory_gbps", d.Memory.GBps), new("fmax_mhz", d.FmaxMhz),
            new("host_kind", d.Host.Kind), new("host_arch", d.Host.Arch.Id), new("host_cpu", d.Host.Cpu),
            new("precisions", string.Join(" ", d.Precisions.Select(p => p.Id()))),
        ];
    }

    /// <summary>The CSV's fields, then what only JSON holds: MAC costs, RAM shapes, platform overhead, unconfirmed facts, sources.</summary>
    private static Dictionary<string, object?> ToJson(Device d)
    {
        var json = Fields(d).Where(f => f.Key != "precisions").ToDictionary(f => f.Key, f => f.Value);
        json["precisions"] = d.Precisions.Select(p => p.Id()).ToList();
        json["dsp_per_mac"] = d.Dsp.PerMac.ToDictionary(p => p.Key.Id(), p => p.Value);
        json["ram"] = d.Ram.Select(r => new { r.Kind, Blocks = r.Count, BlockBits = r.Bits, Shapes = r.Shapes.Select(s => s.ToString()) }).ToList();
        json["platform"] = new { d.Platform.Dsp, d.Platform.Logic, d.Platform.Registers, RamBlocks = d.Platform.Ram };
        json["unconfirmed"] = d.Unconfirmed.ToList();
        json["sources"] = d.Sources;
        return json;
    }

    private static void WriteTable(CliIo io, IReadOnlyList<Device> devices, bool wide)
    {
        var table = new TextTable("FPGA device catalog")
            .Column("id").Column("part").Column("DSP", right: true).Column("RAM blocks", right: true, priority: 1).Column("2nd RAM", right: true, priority: 1)
            .Column("logic", right: true, priority: 2).Column("memory", priority: 3).Column("fmax", right: true, priority: 4)
            .Column("precisions", priority: 5).Column("board", priority: 6).Column("toolchain target", priority: 7);
        foreach (var d in devices)
        {
            var target = $"{d.Toolchain.Kind}: {d.Toolchain.AocBoard ?? d.Toolchain.Platform ?? d.Toolchain.HlsPart}"
                         + (d.Host.IsSoc ? $" ({d.Host.Arch.Id} host)" : "");
            string Ram(int k) => k < d.Ram.Count ? $"{CliIo.Count(d.Ram[k].Count)} {d.Ram[k].Kind}" : "";
            table.Row(d.Id, d.Part, CliIo.Count(d.Dsp.Count), Ram(0), Ram(1), $"{CliIo.Count(d.Logic.Count)} {d.Logic.Kind}",
                $"{d.Memory.Kind} {d.Memory.GBps.ToString(CultureInfo.InvariantCulture)} GB/s", $"{d.FmaxMhz} MHz",
                string.Join(" ", d.Precisions.Select(p => p.Id())), d.Board, target);
        }
        table.Write(io, wide);
        io.Out.WriteLine($"{devices.Count} devices in {Compile.ShownPath.Of(DeviceCatalog.Default.Folder)}; name one by id or by a path to a YAML file.");
    }
}
