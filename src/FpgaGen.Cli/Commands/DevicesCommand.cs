using System.CommandLine;
using System.Globalization;
using FpgaGen.Hardware;
using Spectre.Console;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen devices`: the FPGA device catalog in hw/.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliIo io)
    {
        var format = CommonOptions.Format(CliIo.Formats);
        var opencl = new Option<bool>("--opencl") { Description = "List the OpenCL platforms and devices of this machine instead (for simulate and tune)" };
        var cmd = new Command("devices", "List the FPGA devices and boards of the catalog (hw/) with their resources.") { format, opencl };
        cmd.SetAction(r => io.Guard(() =>
        {
            if (r.GetValue(opencl)) return OpenClDevicesView.Write(io, r.GetValue(format)!);
            var devices = DeviceCatalog.Default.LoadAll();
            switch (r.GetValue(format))
            {
                case "json": io.WriteJson(devices.Select(ToJson)); break;
                case "csv":
                    io.WriteCsv(["id", "vendor", "family", "part", "board", "dsp", "ram", "logic", "registers", "memory_gbps", "fmax_mhz", "precisions"],
                        devices.Select(d => (IReadOnlyList<object?>)[d.Id, d.Vendor, d.Family, d.Part, d.Board, d.Dsp.Count, RamText(d), d.Logic.Count,
                            d.Registers, d.Memory.GBps, d.FmaxMhz, string.Join(" ", d.Precisions.Select(p => p.Id()))]));
                    break;
                default: WriteTable(io, devices); break;
            }
            return 0;
        }));
        return cmd;
    }

    private static object ToJson(Device d) => new
    {
        d.Id,
        d.Name,
        d.Vendor,
        d.Family,
        d.Part,
        d.Board,
        Toolchain = new { d.Toolchain.Kind, d.Toolchain.AocBoard, d.Toolchain.Platform, d.Toolchain.HlsPart },
        Dsp = d.Dsp.Count,
        DspKind = d.Dsp.Kind,
        DspPerMac = d.Dsp.PerMac.ToDictionary(p => p.Key.Id(), p => p.Value),
        Ram = d.Ram.Select(r => new { r.Kind, r.Count, r.Bits, Shapes = r.Shapes.Select(s => s.ToString()) }),
        RamBits = d.RamBits,
        Logic = d.Logic.Count,
        LogicKind = d.Logic.Kind,
        d.Registers,
        ExternalMemory = new { d.Memory.Kind, d.Memory.Banks, Gbps = d.Memory.GBps },
        d.FmaxMhz,
        Host = new { d.Host.Kind, Arch = d.Host.Arch.Id, d.Host.Cpu },
        Precisions = d.Precisions.Select(p => p.Id()),
        Platform = new { d.Platform.Dsp, d.Platform.Logic, d.Platform.Registers, d.Platform.Ram },
        Unconfirmed = d.Unconfirmed,
        d.Sources,
    };

    private static string RamText(Device d) => string.Join(" + ", d.Ram.Select(r => $"{r.Count} {r.Kind}"));

    private static void WriteTable(CliIo io, IReadOnlyList<Device> devices)
    {
        var table = new Table().Border(TableBorder.Simple).Title("FPGA device catalog");
        foreach (var c in new[] { "id", "board", "part", "DSP", "on-chip RAM", "logic", "memory", "fmax", "precisions", "toolchain target" })
            table.AddColumn(c);
        foreach (var d in devices)
        {
            var target = $"{d.Toolchain.Kind}: {d.Toolchain.AocBoard ?? d.Toolchain.Platform ?? d.Toolchain.HlsPart}"
                         + (d.Host.IsSoc ? $" ({d.Host.Arch.Id} host)" : "");
            table.AddRow(d.Id, CliIo.Escape(d.Board), d.Part, CliIo.Count(d.Dsp.Count), RamText(d) + $" ({d.RamBits / 8e6:0.#} MB)",
                $"{CliIo.Count(d.Logic.Count)} {d.Logic.Kind}", $"{d.Memory.Kind} {d.Memory.GBps.ToString(CultureInfo.InvariantCulture)} GB/s",
                $"{d.FmaxMhz} MHz", string.Join(" ", d.Precisions.Select(p => p.Id())), CliIo.Escape(target));
        }
        io.Console.Write(table);
        io.Out.WriteLine($"{devices.Count} devices in {DeviceCatalog.Default.Folder}; name one by id or by a path to a YAML file.");
    }
}
