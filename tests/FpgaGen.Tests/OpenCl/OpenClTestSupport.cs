using FpgaGen.OpenCl;

namespace FpgaGen.Tests.OpenCl;

/// <summary>
/// [Fact] for tests that need an OpenCL device. They run, and fail loudly when no platform exists
/// (CI installs PoCL, so a silent skip would hide a broken setup); FPGAGEN_NO_OPENCL=1 is the one
/// explicit opt-out, for machines that cannot have OpenCL.
/// </summary>
public sealed class OpenClFactAttribute : FactAttribute
{
    public const string OptOutVariable = "FPGAGEN_NO_OPENCL";

    public OpenClFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "1") Skip = $"{OptOutVariable}=1";
    }
}

/// <inheritdoc cref="OpenClFactAttribute"/>
public sealed class OpenClTheoryAttribute : TheoryAttribute
{
    public OpenClTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable(OpenClFactAttribute.OptOutVariable) == "1") Skip = $"{OpenClFactAttribute.OptOutVariable}=1";
    }
}

/// <summary>
/// One session for the whole OpenCL test collection (contexts are slow to make on some ICDs).
/// FPGAGEN_TEST_OPENCL_DEVICE picks the device (index or name), default as `--opencl-device`.
/// </summary>
public sealed class OpenClFixture : IDisposable
{
    private readonly Lazy<OpenClSession> _session = new(() =>
        OpenClSession.Open(Environment.GetEnvironmentVariable("FPGAGEN_TEST_OPENCL_DEVICE")));

    /// <summary>The shared session; creating it throws OpenClUnavailableException with install advice when OpenCL is missing.</summary>
    public OpenClSession Session => _session.Value;

    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class OpenClCollection : ICollectionFixture<OpenClFixture>
{
    public const string Name = "OpenCL";
}
