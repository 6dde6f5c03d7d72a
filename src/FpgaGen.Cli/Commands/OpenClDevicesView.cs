using System.Globalization;
using FpgaGen.OpenCl;
using FpgaGen.Cli.Tables;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen devices --opencl`: the OpenCL devices `simulate` and `tune` can run on.</summary>
internal static class OpenClDevicesView
{
    public static int Write(CliIo io, string format, bool wide)
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
                var table = new TextTable("OpenCL devices")
                    .Column("#", right: true).Column("platform", priority: 2).Column("device").Column("type", priority: 1)
                    .Column("compute units", right: true, priority: 3).Column("memory", right: true, priority: 4).Column("OpenCL", priority: 5);
                foreach (var d in devices)
                    table.Row(d.Index.ToString(CultureInfo.InvariantCulture), d.PlatformName, d.DeviceName, d.Type,
                        d.ComputeUnits.ToString(CultureInfo.InvariantCulture), CliIo.Bytes((long)d.GlobalMemBytes), d.OpenClVersion);
                table.Write(io, wide);
                io.Out.WriteLine("name one with --opencl-device N (index) or a part of its name");
                break;
        }
        return 0;
    }
}
