using System.Globalization;

namespace FpgaGen.OpenCl.Kernels;

/// <summary>
/// A 2-D convolution layer: NCHW input, OIHW weights, symmetric zero padding, stride and dilation.
/// Text form (the `--shape` syntax): "n=1,c=64,h=56,w=56,o=64,k=3,s=1,p=1,d=1", with k/s/p/d also
/// as kh/kw, sy/sx, py/px, dy/dx; n, s, p and d default to 1, 1, 0 and 1.
/// </summary>
public sealed record ConvShape(
    int Batch, int InChannels, int Height, int Width, int OutChannels,
    int KernelHeight, int KernelWidth,
    int StrideY = 1, int StrideX = 1, int PadY = 0, int PadX = 0, int DilationY = 1, int DilationX = 1)
{
    public int OutHeight => (int)Math.Clamp(OutSize(Height, PadY, DilationY, KernelHeight, StrideY), int.MinValue, int.MaxValue);
    public int OutWidth => (int)Math.Clamp(OutSize(Width, PadX, DilationX, KernelWidth, StrideX), int.MinValue, int.MaxValue);

    // In longs: int.MaxValue padding or a dilation of 65,536 times a kernel of 65,537 wrap around in ints.
    private static long OutSize(long size, long pad, long dilation, long kernel, long stride) =>
        stride <= 0 ? 0 : (size + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;

    // In doubles: products of four 32-bit sizes overflow a long.
    public long InputElements => (long)Math.Min(long.MaxValue, (double)Batch * InChannels * Height * Width);
    public long WeightElements => (long)Math.Min(long.MaxValue, (double)OutChannels * InChannels * KernelHeight * KernelWidth);
    public long OutputElements => (long)Math.Min(long.MaxValue, (double)Batch * OutChannels * OutHeight * OutWidth);

    /// <summary>Two operations per multiply-accumulate.</summary>
    public double Flops => 2.0 * OutputElements * InChannels * KernelHeight * KernelWidth;

    public void Validate()
    {
        if (Batch <= 0 || InChannels <= 0 || Height <= 0 || Width <= 0 || OutChannels <= 0 || KernelHeight <= 0 || KernelWidth <= 0
            || StrideY <= 0 || StrideX <= 0 || DilationY <= 0 || DilationX <= 0 || PadY < 0 || PadX < 0)
            throw new InputException($"convolution shape {this} needs positive sizes, strides and dilations and non-negative padding");
        if (OutHeight <= 0 || OutWidth <= 0)
            throw new InputException($"convolution shape {this} produces an empty output");
        if (InputElements > int.MaxValue || WeightElements > int.MaxValue || OutputElements > int.MaxValue)
            throw new InputException($"convolution shape {this} exceeds the kernel's 32-bit indexing");
    }

    public override string ToString()
    {
        var text = $"n={Batch},c={InChannels},h={Height},w={Width},o={OutChannels}";
        text += KernelHeight == KernelWidth ? $",k={KernelHeight}" : $",kh={KernelHeight},kw={KernelWidth}";
        text += StrideY == StrideX ? $",s={StrideY}" : $",sy={StrideY},sx={StrideX}";
        text += PadY == PadX ? $",p={PadY}" : $",py={PadY},px={PadX}";
        text += DilationY == DilationX ? $",d={DilationY}" : $",dy={DilationY},dx={DilationX}";
        return text;
    }

    public static ConvShape Parse(string text)
    {
        var v = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !int.TryParse(part[(eq + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                throw new InputException($"convolution shape '{InputException.OneLine(text)}': '{InputException.OneLine(part)}' is not name=integer (at most {int.MaxValue:N0})");
            v[part[..eq]] = value;
        }
        var known = new[] { "n", "c", "h", "w", "o", "k", "kh", "kw", "s", "sy", "sx", "p", "py", "px", "d", "dy", "dx" };
        var unknown = v.Keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0) throw new InputException($"convolution shape '{text}': unknown field(s) {string.Join(", ", unknown)}");
        int Get(string name, int? fallback)
        {
            if (v.TryGetValue(name, out var x)) return x;
            return fallback ?? throw new InputException($"convolution shape '{text}' lacks '{name}=' (format n=1,c=64,h=56,w=56,o=64,k=3,s=1,p=1)");
        }
        int? k = v.TryGetValue("k", out var kk) ? kk : null, s = v.TryGetValue("s", out var ss) ? ss : 1;
        int? p = v.TryGetValue("p", out var pp) ? pp : 0, d = v.TryGetValue("d", out var dd) ? dd : 1;
        var shape = new ConvShape(Get("n", 1), Get("c", null), Get("h", null), Get("w", null), Get("o", null),
            Get("kh", k), Get("kw", k), Get("sy", s), Get("sx", s), Get("py", p), Get("px", p), Get("dy", d), Get("dx", d));
        shape.Validate();
        TuningShapeLimits.Check(shape.ToString(), shape.InputElements, shape.WeightElements, shape.OutputElements, (double)shape.InChannels * shape.KernelHeight * shape.KernelWidth);
        return shape;
    }
}
