using System.Globalization;
using FpgaGen.OpenCl;
using Spectre.Console;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen devices --opencl`: the OpenCL devices `simulate` and `tune` can run on.</summary>
internal static class OpenClDevicesView
{
    public static int Write(CliIo io, string format)
    {
        var devices = OpenClDevices.List();
        switch (format)
        {
            case "json":
                io.WriteJson(devices.Select(d => new
                {
                    d.Index, Platform = d.PlatformName, Device = d.DeviceName, d.Vendor, d.Type, d.ComputeUnits, d.GlobalMemBytes, d.LocalMemBytes,
                    d.MaxWorkGroupSize, OpenclVersion = d.OpenClVersion, d.DriverVersion,
                }));
                break;
            case "csv":
                io.WriteCsv(["index", "platform", "device", "vendor", "type", "compute_units", "global_mem_bytes", "opencl_version"],
                    devices.Select(d => (IReadOnlyList<object?>)[d.Index, d.PlatformName, d.DeviceName, d.Vendor, d.Type, d.ComputeUnits, d.GlobalMemBytes, d.OpenClVersion]));
                break;
            default:
                var table = new Table().Border(TableBorder.Simple).Title("OpenCL devices");
                foreach (var c in new[] { "#", "platform", "device", "type", "compute units", "memory", "OpenCL" }) table.AddColumn(c);
                foreach (var d in devices)
                    table.AddRow(d.Index.ToString(CultureInfo.InvariantCulture), CliIo.Escape(d.PlatformName), CliIo.Escape(d.DeviceName), d.Type,
                        d.ComputeUnits.ToString(CultureInfo.InvariantCulture), CliIo.Bytes((long)d.GlobalMemBytes), CliIo.Escape(d.OpenClVersion));
                io.Console.Write(table);
                io.Out.WriteLine("name one with --opencl-device N (index) or a part of its name");
                break;
        }
        return 0;
    }
}
