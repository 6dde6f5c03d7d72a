using FpgaGen.OpenCl;

namespace FpgaGen.Tests.OpenCl;

[Collection(OpenClCollection.Name)]
public sealed class BindingTests(OpenClFixture fixture)
{
    private const string VectorAdd = """
        __kernel void add(__global const float* a, __global const float* b, __global float* c, const int n) {
            int i = get_global_id(0);
            if (i < n) c[i] = a[i] + b[i];
        }
        """;

    [OpenClFact]
    public void ListingFindsADeviceWithPlausibleProperties()
    {
        var devices = OpenClDevices.List();
        Assert.NotEmpty(devices);
        foreach (var d in devices)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.DeviceName));
            Assert.True(d.ComputeUnits > 0);
            Assert.True(d.GlobalMemBytes > 0);
            Assert.True(d.MaxWorkGroupSize > 0);
            Assert.StartsWith("OpenCL ", d.OpenClVersion);
        }
        Assert.Equal(Enumerable.Range(0, devices.Count), devices.Select(d => d.Index));
    }

    [OpenClFact]
    public void SelectionByIndexAndNameAgree()
    {
        var first = OpenClDevices.List()[0];
        Assert.Equal(first.Device.Id, OpenClDevices.Select("0").Id);
        Assert.Contains(first.DeviceName[..Math.Min(6, first.DeviceName.Length)],
            OpenClDevices.Select(first.DeviceName).Name);
        var bad = Assert.Throws<InputException>(() => OpenClDevices.Select("no-such-device-xyz"));
        Assert.Contains("no OpenCL device matches", bad.Message);
        Assert.Contains(first.DeviceName, bad.Message);
        Assert.Throws<InputException>(() => OpenClDevices.Select("999"));
    }

    [OpenClFact]
    public void VectorAddRoundTripsAndProfiles()
    {
        var s = fixture.Session;
        const int n = 1000; // not a multiple of the work-group size: the guard matters
        var a = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        var b = Enumerable.Range(0, n).Select(i => 0.5f * i).ToArray();
        using var program = s.Build(VectorAdd);
        using var kernel = program.CreateKernel("add");
        using var ba = s.Context.CreateBuffer<float>(a, ClMemFlags.ReadOnly);
        using var bb = s.Context.CreateBuffer(n * sizeof(float), ClMemFlags.ReadOnly);
        using var bc = s.Context.CreateBuffer(n * sizeof(float));
        s.Queue.Write<float>(bb, b);
        kernel.SetArg(0, ba).SetArg(1, bb).SetArg(2, bc).SetArg(3, n);
        using var evt = s.Queue.EnqueueNDRange(kernel, [1024], [64]);
        var ns = evt.DurationNs();
        var c = new float[n];
        s.Queue.Read<float>(bc, c);
        for (var i = 0; i < n; i++) Assert.Equal(1.5f * i, c[i]);
        Assert.True(ns > 0, $"profiled duration {ns} ns");
        Assert.True(evt.EndNs >= evt.StartNs);
        Assert.Equal(0, evt.ExecutionStatus); // CL_COMPLETE
    }

    [OpenClFact]
    public void BuildFailureCarriesErrorNameAndLog()
    {
        var s = fixture.Session;
        var source = "__kernel void broken(__global float* x) {\n  x[0] = undeclared_identifier_42;\n}\n";
        var ex = Assert.Throws<OpenClException>(() => s.Build(source));
        Assert.Equal("CL_BUILD_PROGRAM_FAILURE", ex.ErrorName);
        Assert.Equal(-11, ex.ErrorCode);
        Assert.Equal("clBuildProgram", ex.Function);
        Assert.NotNull(ex.BuildLog);
        Assert.Contains("undeclared_identifier_42", ex.BuildLog);
        Assert.Contains("CL_BUILD_PROGRAM_FAILURE", ex.Message);
    }

    [OpenClFact]
    public void BinaryRoundTripRunsAsTask()
    {
        var s = fixture.Session;
        const string source = "__kernel void fill(__global int* x, const int v) { for (int i = 0; i < 4; i++) x[i] = v + i; }";
        byte[] binary;
        using (var built = s.Build(source)) binary = built.GetBinary();
        Assert.NotEmpty(binary);
        using var program = ClProgram.FromBinary(s.Context, binary).Build();
        using var kernel = program.CreateKernel("fill");
        using var buffer = s.Context.CreateBuffer(4 * sizeof(int));
        kernel.SetArg(0, buffer).SetArg(1, 40);
        using var evt = s.Queue.EnqueueTask(kernel);
        evt.Wait();
        Assert.Equal([40, 41, 42, 43], s.Queue.ReadAll<int>(buffer));
    }

    [OpenClFact]
    public void ApiErrorsAreNamed()
    {
        var s = fixture.Session;
        using var program = s.Build(VectorAdd);
        var missing = Assert.Throws<OpenClException>(() => program.CreateKernel("nope"));
        Assert.Equal("CL_INVALID_KERNEL_NAME", missing.ErrorName);
        using var kernel = program.CreateKernel("add");
        var badIndex = Assert.Throws<OpenClException>(() => kernel.SetArg(9, 1));
        Assert.Equal("CL_INVALID_ARG_INDEX", badIndex.ErrorName);
        Assert.Equal("CL_UNKNOWN_ERROR(-9999)", ClErrorCodes.Name(-9999));
    }
}
