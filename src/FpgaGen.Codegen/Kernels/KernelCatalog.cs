namespace FpgaGen.Codegen.Kernels;

/// <summary>A kernel parameter: an int scalar, or a pointer to global memory of <see cref="PointerType"/> elements.</summary>
public sealed record KernelParam(string Name, string? PointerType = null, bool Writes = false)
{
    public bool IsPointer => PointerType is not null;
}

/// <summary>A stream between two stages: an Intel channel, an hls::stream, or a FIFO buffer in the portable form.</summary>
public sealed record ChannelDef(string Name, string Type, int Depth);

/// <summary>
/// An on-chip memory of a stage; <see cref="Size"/> is a C expression over the configuration macros. A
/// <see cref="Registers"/> buffer is read all at once by unrolled lanes (a private array for aoc, completely partitioned
/// in HLS); the others are RAM banks (<c>__local</c>, cyclically partitioned by <see cref="Partition"/>).
/// </summary>
public sealed record BufferDef(string Name, string Type, string Size, string? Partition = null, bool Registers = false);

/// <summary>One stage of a kernel group (reader, compute or writer) with its interface; the body is a template partial.</summary>
public sealed record KernelDef(string Name, string Body, IReadOnlyList<KernelParam> Params, IReadOnlyList<string> Reads,
    IReadOnlyList<string> Writes, IReadOnlyList<BufferDef> Buffers)
{
    public IEnumerable<string> Channels => Reads.Concat(Writes);
}

/// <summary>
/// A kernel group: the stages that run one step together, connected by channels, with the template that renders
/// them (templates/&lt;dir&gt;/intel/&lt;name&gt;.cl.hbs and hls/&lt;name&gt;.cpp.hbs) and the name of its HLS top function.
/// Kernels are listed producer first, the order the portable form runs them in.
/// </summary>
public sealed record KernelGroup(string Name, string TemplateDir, IReadOnlyList<KernelDef> Kernels, IReadOnlyList<ChannelDef> Channels)
{
    public string HlsTop => Name + "_top";

    /// <summary>Parameters of the HLS top function: pointers first (one AXI port each), then the scalars, without duplicates.</summary>
    public IReadOnlyList<KernelParam> TopParams =>
        Kernels.SelectMany(k => k.Params).Where(p => p.IsPointer)
            .Concat(Kernels.SelectMany(k => k.Params).Where(p => !p.IsPointer))
            .DistinctBy(p => p.Name).ToList();
}

/// <summary>The interfaces of every kernel group FpgaGen generates. The bodies in templates/ use exactly these names.</summary>
public static class KernelCatalog
{
    public const int ChannelDepth = 64;

    private static KernelParam[] Ints(params string[] names) => names.Select(n => new KernelParam(n)).ToArray();

    private static readonly string[] MacShape = ["batch", "groups", "m_out", "n_in", "ih", "iw", "oh", "ow", "kh", "kw", "stride", "pad_h", "pad_w", "dil"];
    private static readonly string[] XAddr = ["x_off", "x_b", "x_g", "x_c", "x_y", "x_x"];
    private static readonly string[] WAddr = ["w_off", "w_b", "w_g", "w_o", "w_i"];
    private static readonly string[] YAddr = ["y_off", "y_b", "y_g", "y_c", "y_y", "y_x"];
    private static readonly string[] Epilogue = ["b_off", "act", "norm", "q_off", "f_off", "ln_off"];

    /// <summary>Pointer parameters that always address the weights blob (scales, biases, LayerNorm vectors).</summary>
    public static readonly IReadOnlySet<string> BlobPointers = new HashSet<string> { "bq", "fq", "fr", "fc", "iq" };

    public static KernelGroup Group(string name) => name switch
    {
        "conv_tiled" => ConvTiled,
        "conv_systolic" => ConvSystolic,
        "gemm" => Gemm("gemm", fusedLn: false),
        "ln_linear" => Gemm("ln_linear", fusedLn: true),
        "vu_map" => VuMap,
        "vu_pool" => VuPool,
        "vu_row" => VuRow,
        _ => throw new ArgumentException($"no kernel group '{name}'"),
    };

    private static KernelDef Reader(string group, string body, IEnumerable<KernelParam> extraPointers, IEnumerable<string> extraInts,
        string[] writes, BufferDef[] buffers) =>
        new($"{group}_read", body,
            [new("x", "DTYPE"), new("w", "DTYPE"), .. extraPointers, .. Ints(MacShape), .. Ints(XAddr), .. Ints(WAddr), .. Ints(extraInts.ToArray())],
            [], writes, buffers);

    private static KernelDef Compute(string group, string body, string[] reads, string[] writes, BufferDef[] buffers) =>
        new($"{group}_compute", body, Ints(MacShape), reads, writes, buffers);

    private static KernelDef Writer(string group, string body, string[] reads, BufferDef[] buffers) =>
        new($"{group}_write", body,
            [new("bq", "BIAS_T"), new("fq", "float"), new("iq", "int"), new("y", "DTYPE", Writes: true), .. Ints(MacShape), .. Ints(YAddr), .. Ints(Epilogue)],
            reads, [], buffers);

    private static readonly KernelGroup ConvTiled = new("conv_tiled", "conv_tiled",
    [
        Reader("conv_tiled", "conv_tiled/body/read", [], [], ["ct_w", "ct_x"], [new("ibuf", "DTYPE", "Tn * ITH * ITW", "Tn")]),
        Compute("conv_tiled", "conv_tiled/body/compute", ["ct_w", "ct_x"], ["ct_o"],
            [new("wbuf", "DTYPE", "KMAX * KMAX * Tm * Tn", "Tm * Tn"), new("acc", "ACC_T", "Tr * Tc * Tm", "Tm")]),
        Writer("conv_tiled", "conv_tiled/body/write", ["ct_o"], []),
    ], [new("ct_w", "ct_vec", ChannelDepth), new("ct_x", "ct_vec", ChannelDepth), new("ct_o", "ct_ovec", ChannelDepth)]);

    private static readonly KernelGroup ConvSystolic = new("conv_systolic", "conv_systolic",
    [
        Reader("conv_systolic", "conv_systolic/body/read", [], [], ["cs_x", "cs_w"],
            [new("pbuf", "DTYPE", "CWB * PTH * PTW * simd", "simd"), new("wcache", "DTYPE", "rows * CWB * KMAX * KMAX * simd", "simd")]),
        Compute("conv_systolic", "conv_systolic/body/compute", ["cs_x", "cs_w"], ["cs_o"],
            [new("acc", "ACC_T", "tile_h * rows * cols", "rows * cols")]),
        Writer("conv_systolic", "conv_systolic/body/write", ["cs_o"], []),
    ], [new("cs_x", "cs_xvec", ChannelDepth), new("cs_w", "cs_wvec", ChannelDepth), new("cs_o", "cs_ovec", ChannelDepth)]);

    private static KernelGroup Gemm(string name, bool fusedLn) => new(name, fusedLn ? "ln_linear" : "gemm",
    [
        Reader(name, "gemm/body/read", fusedLn ? [new("fr", "float")] : [], fusedLn ? ["norm", "f_off"] : [],
            fusedLn ? ["gm_s", "gm_w", "gm_a"] : ["gm_w", "gm_a"], [new("abuf", "DTYPE", "Tm * KTMAX * Tk", "Tk")]),
        Compute(name, "gemm/body/compute", ["gm_w", "gm_a"], ["gm_o"],
            [new("wreg", "DTYPE", "Tk * Tn", Registers: true), new("acc", "ACC_T", "Tm * Tn", "Tn")]),
        Writer(name, "gemm/body/write", fusedLn ? ["gm_s", "gm_o"] : ["gm_o"], fusedLn ? [new("sbuf", "float", "2 * Tm")] : []),
    ], [new("gm_w", "gm_wvec", ChannelDepth), new("gm_a", "gm_avec", ChannelDepth), new("gm_o", "gm_ovec", ChannelDepth),
        .. fusedLn ? new[] { new ChannelDef("gm_s", "gm_stat", 256) } : []]);

    private static readonly KernelGroup VuMap = new("vu_map", "vector",
    [
        new("vu_map_read", "vector/body/map_read", [new("a", "DTYPE"), new("s", "DTYPE"), new("fr", "float"),
            .. Ints("batch", "d0", "d1", "d2", "op", "a_off", "a_b", "a_0", "a_1", "a_2", "s_off", "s_b", "s_0", "s_1", "s_2", "f_off")], [], ["vm_a", "vm_s"], []),
        new("vu_map_compute", "vector/body/map_compute", Ints("batch", "d0", "d1", "d2", "op"), ["vm_a", "vm_s"], ["vm_o"], []),
        new("vu_map_write", "vector/body/map_write", [new("fq", "float"), new("y", "DTYPE", Writes: true),
            .. Ints("batch", "d0", "d1", "d2", "y_off", "y_b", "y_0", "y_1", "y_2", "f_off")], ["vm_o"], [], []),
    ], [new("vm_a", "vu_vec", ChannelDepth), new("vm_s", "vu_vec", ChannelDepth), new("vm_o", "vu_vec", ChannelDepth)]);

    private static readonly KernelGroup VuPool = new("vu_pool", "vector",
    [
        new("vu_pool_read", "vector/body/pool_read", [new("x", "DTYPE"), new("fr", "float"),
            .. Ints("batch", "chans", "ih", "iw", "oh", "ow", "kh", "kw", "stride", "pad", "mode", "adaptive", "x_off", "f_off")], [], ["vp_x"], []),
        new("vu_pool_compute", "vector/body/pool_compute", Ints("batch", "chans", "oh", "ow", "kh", "kw", "mode"), ["vp_x"], ["vp_o"], []),
        new("vu_pool_write", "vector/body/pool_write", [new("fq", "float"), new("y", "DTYPE", Writes: true),
            .. Ints("batch", "chans", "oh", "ow", "y_off", "f_off")], ["vp_o"], [], []),
    ], [new("vp_x", "vu_vec", ChannelDepth), new("vp_o", "vu_vec", ChannelDepth)]);

    private static readonly KernelGroup VuRow = new("vu_row", "vector",
    [
        new("vu_row_read", "vector/body/row_read", [new("x", "DTYPE"), new("fr", "float"), .. Ints("nrows", "len", "x_off", "f_off")], [], ["vr_x"], []),
        new("vu_row_compute", "vector/body/row_compute", [new("fc", "float"), .. Ints("nrows", "len", "op", "f_off")], ["vr_x"], ["vr_o"],
            [new("rowbuf", "float", "ROWMAX", "vu")]),
        new("vu_row_write", "vector/body/row_write", [new("fq", "float"), new("y", "DTYPE", Writes: true),
            .. Ints("nrows", "len", "op", "y_off", "f_off", "g_off")], ["vr_o"], [], []),
    ], [new("vr_x", "vu_vec", ChannelDepth), new("vr_o", "vu_vec", ChannelDepth)]);
}
