using FpgaGen.OpenCl;
using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.Tests.OpenCl;

[Collection(OpenClCollection.Name)]
public sealed class GemmKernelTests(OpenClFixture fixture)
{
    private const float Sentinel = 12345.5f;

    public static TheoryData<string> ParameterSets =>
    [
        GemmKernel.DefaultParameters.Key,                                   // both tiles in local memory
        "MWG=16,NWG=32,KWG=8,MDIMC=4,NDIMC=8,VWN=2,KWI=2,SA=0,SB=0",          // direct global reads
        "MWG=32,NWG=64,KWG=16,MDIMC=8,NDIMC=4,VWN=4,KWI=4,SA=1,SB=0",
        "MWG=8,NWG=64,KWG=4,MDIMC=2,NDIMC=4,VWN=16,KWI=1,SA=0,SB=1",          // wide vectors, tile wider than N
        "MWG=4,NWG=8,KWG=32,MDIMC=4,NDIMC=8,VWN=1,KWI=8,SA=0,SB=0",           // KWG > K: only the guarded slice
    ];

    /// <summary>
    /// 37×53×29 fits no tile: every parameter set runs edge work-groups and a partial K slice.
    /// Padded leading dimensions and sentinels around C catch stores outside the matrix.
    /// </summary>
    [OpenClTheory]
    [MemberData(nameof(ParameterSets))]
    public void OddShapeWithPaddingAlphaBeta(string key)
    {
        var s = fixture.Session;
        var shape = new GemmShape(37, 53, 29);
        int lda = shape.K + 3, ldb = shape.N + 5, ldc = shape.N + 2;
        const float alpha = 1.5f, beta = -0.5f;
        var a = TestData.Floats((long)shape.M * lda, 1);
        var b = TestData.Floats((long)shape.K * ldb, 2);
        var c0 = TestData.Floats((long)shape.M * ldc + 16, 3);
        for (var r = 0; r < shape.M; r++)
            for (var col = shape.N; col < ldc; col++) c0[r * ldc + col] = Sentinel;
        for (var i = shape.M * ldc; i < c0.Length; i++) c0[i] = Sentinel;

        using var gemm = GemmKernel.Build(s, KernelParameters.Parse(key));
        using var ba = s.Context.CreateBuffer<float>(a);
        using var bb = s.Context.CreateBuffer<float>(b);
        using var bc = s.Context.CreateBuffer<float>(c0);
        using (var evt = gemm.Enqueue(ba, bb, bc, shape, alpha, beta, lda, ldb, ldc)) evt.Wait();
        var c = s.Queue.ReadAll<float>(bc);

        var reference = Reference.Gemm(a, b, shape, lda, ldb);
        var tolerance = reference.WorstCaseRelativeTolerance + 2 * ReferenceResult.FloatUnitRoundoff;
        for (var r = 0; r < shape.M; r++)
        {
            for (var col = 0; col < shape.N; col++)
            {
                var i = r * shape.N + col;
                var expected = alpha * reference.Values[i] + beta * c0[r * ldc + col];
                var bound = tolerance * (alpha * reference.Magnitudes[i] + Math.Abs(beta * c0[r * ldc + col]));
                var got = c[r * ldc + col];
                Assert.True(Math.Abs(got - expected) <= bound, $"{key}: C[{r},{col}] = {got}, expected {expected} ± {bound}");
            }
            for (var col = shape.N; col < ldc; col++) Assert.Equal(Sentinel, c[r * ldc + col]);
        }
        for (var i = shape.M * ldc; i < c.Length; i++) Assert.Equal(Sentinel, c[i]);
    }

    [OpenClTheory]
    [InlineData("MWG=16,NWG=32,KWG=8,MDIMC=4,NDIMC=8,VWN=2,KWI=2,SA=0,SB=0", 64, 64, 64)]   // whole tiles only
    [InlineData("MWG=32,NWG=32,KWG=16,MDIMC=8,NDIMC=8,VWN=1,KWI=1,SA=1,SB=1", 1, 70, 33)]  // a single row
    [InlineData("MWG=8,NWG=64,KWG=4,MDIMC=2,NDIMC=4,VWN=16,KWI=1,SA=0,SB=1", 19, 1, 7)]    // a single column
    public void BetaZeroOverwritesNaNAndMatchesReference(string key, int m, int n, int k)
    {
        var s = fixture.Session;
        var shape = new GemmShape(m, n, k);
        var a = TestData.Floats((long)m * k, 4);
        var b = TestData.Floats((long)k * n, 5);
        using var gemm = GemmKernel.Build(s, KernelParameters.Parse(key));
        using var ba = s.Context.CreateBuffer<float>(a);
        using var bb = s.Context.CreateBuffer<float>(b);
        using var bc = s.Context.CreateBuffer<float>(TestData.Filled((long)m * n, float.NaN));
        using (var evt = gemm.Enqueue(ba, bb, bc, shape)) evt.Wait();
        var reference = Reference.Gemm(a, b, shape);
        var check = reference.Compare(s.Queue.ReadAll<float>(bc), m, n, n, reference.WorstCaseRelativeTolerance);
        Assert.True(check.Passed, check.ToString());
    }

    [Fact]
    public void InconsistentTilesAreRejectedBeforeCompiling()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            GemmKernel.Validate(KernelParameters.Parse("MWG=30,NWG=32,KWG=16,MDIMC=8,NDIMC=8,VWN=1,KWI=1,SA=0,SB=0")));
        Assert.Contains("MWG (30) must be a multiple of MDIMC (8)", ex.Message);
        Assert.Throws<ArgumentException>(() => GemmKernel.Validate(KernelParameters.Parse("MWG=32")));
        Assert.Throws<ArgumentException>(() =>
            GemmKernel.Validate(GemmKernel.DefaultParameters.With("VWN", 3)));
    }

    [Fact]
    public void ShapesParse()
    {
        Assert.Equal(new GemmShape(197, 2304, 768), GemmShape.Parse("197x2304x768"));
        Assert.Throws<InputException>(() => GemmShape.Parse("197x0x768"));
        Assert.Throws<InputException>(() => GemmShape.Parse("12x12"));
    }
}
