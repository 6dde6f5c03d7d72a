using Silk.NET.OpenCL;

namespace FpgaGen.OpenCl;

/// <summary>An OpenCL platform (one installed ICD). Platform ids are not reference counted.</summary>
public sealed unsafe class ClPlatform
{
    private ClPlatform(nint id)
    {
        Id = id;
        Name = Info(PlatformInfo.Name);
        Vendor = Info(PlatformInfo.Vendor);
        Version = Info(PlatformInfo.Version);
    }

    /// <summary>The raw cl_platform_id, for interop with other OpenCL libraries.</summary>
    public nint Id { get; }

    public string Name { get; }
    public string Vendor { get; }

    /// <summary>CL_PLATFORM_VERSION, e.g. "OpenCL 3.0 PoCL 3.1+debian ...".</summary>
    public string Version { get; }

    /// <summary>The numeric OpenCL version parsed from <see cref="Version"/>.</summary>
    public Version OpenClVersion => ClVersion.Parse(Version);

    /// <summary>
    /// Every platform the ICD loader reports. Empty when a loader is installed but no driver is
    /// registered (the loader then answers CL_PLATFORM_NOT_FOUND_KHR); throws
    /// <see cref="OpenClUnavailableException"/> when no loader library exists.
    /// </summary>
    public static IReadOnlyList<ClPlatform> GetAll()
    {
        var cl = ClLibrary.Api;
        uint count = 0;
        var status = cl.GetPlatformIDs(0, null, &count);
        if (status == ClErrorCodes.PlatformNotFoundKhr || count == 0) return [];
        OpenClException.Check(status, "clGetPlatformIDs");
        var ids = new nint[count];
        fixed (nint* p = ids) OpenClException.Check(cl.GetPlatformIDs(count, p, null), "clGetPlatformIDs");
        return ids.Select(id => new ClPlatform(id)).ToArray();
    }

    /// <summary>The platform's devices of <paramref name="type"/>; empty when it has none.</summary>
    public IReadOnlyList<ClDevice> GetDevices(ClDeviceType type = ClDeviceType.All)
    {
        uint count = 0;
        var cl = ClLibrary.Api;
        var status = cl.GetDeviceIDs(Id, (DeviceType)type, 0, null, &count);
        if (status == ClErrorCodes.DeviceNotFound || count == 0) return [];
        OpenClException.Check(status, "clGetDeviceIDs");
        var ids = new nint[count];
        fixed (nint* p = ids) OpenClException.Check(cl.GetDeviceIDs(Id, (DeviceType)type, count, p, null), "clGetDeviceIDs");
        return ids.Select(id => new ClDevice(this, id)).ToArray();
    }

    private string Info(PlatformInfo param) =>
        ClInfo.String((size, value, ret) => ClLibrary.Api.GetPlatformInfo(Id, param, size, value, ret), "clGetPlatformInfo");

    public override string ToString() => $"{Name} ({Version})";
}

/// <summary>Parses the "OpenCL &lt;major&gt;.&lt;minor&gt; &lt;vendor text&gt;" version strings of cl.h's *_VERSION queries.</summary>
public static class ClVersion
{
    public static Version Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // "OpenCL 3.0 PoCL..." (platform/device) or "OpenCL C 1.2 ..." (C version).
        foreach (var part in parts.Skip(1))
            if (System.Version.TryParse(part, out var v)) return v;
        return new Version(1, 0);
    }
}
