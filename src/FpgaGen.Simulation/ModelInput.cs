using System.Globalization;
using FpgaGen.Model;
using SkiaSharp;

namespace FpgaGen.Simulation;

/// <summary>
/// Per-channel normalisation of an image: (pixel / 255 − mean) / std. <see cref="ImageNet"/> is torchvision's
/// (mean 0.485, 0.456, 0.406; std 0.229, 0.224, 0.225; torchvision.transforms docs for its ImageNet models).
/// </summary>
public sealed record Normalization(double[] Mean, double[] Std)
{
    public static readonly Normalization ImageNet = new([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    /// <summary>Parses "0.485,0.456,0.406" for <paramref name="option"/>; null text keeps <paramref name="fallback"/>.</summary>
    public static double[] ParseList(string? text, double[] fallback, string option, bool positive)
    {
        if (text is null) return fallback;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]) || (positive && values[i] <= 0))
                throw new UsageException($"{option} {InputException.OneLine(text)}: expected one {(positive ? "positive " : "")}number per channel, separated by commas (e.g. {string.Join(",", fallback)})");
        return values;
    }
}

/// <summary>
/// A network input from a file: a NumPy .npy array of the input's values (one sample, or the whole batch), or an image
/// (.png, .jpg, .jpeg, .bmp, .webp, decoded by SkiaSharp) prepared as torchvision prepares ImageNet images for its
/// models: the shorter side resized to 1/0.875 of the input's (256 for 224), a centred crop of the input's size,
/// then <see cref="Normalization"/> per channel (torchvision references/classification/presets.py, resize 256, crop
/// 224). Resampling is Skia's bilinear with mipmaps, close to but not bit-equal with PIL's antialiased bilinear.
/// </summary>
public static class ModelInput
{
    public static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp"];

    /// <summary>Largest image file and decoded size accepted (a camera photo is well below both).</summary>
    public const long MaxImageBytes = 256L << 20;
    public const long MaxImagePixels = 100_000_000;

    /// <summary>The fraction of the resized image the centre crop keeps (torchvision: 224 of 256).</summary>
    public const double CropFraction = 0.875;

    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    public static bool IsInput(string path) => IsImage(path) || Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>The input for <paramref name="batch"/> samples; one sample's file is repeated over the batch.</summary>
    public static float[] Load(string path, Shape input, int batch, Normalization normalization)
    {
        var sample = IsImage(path) ? Image(path, input, normalization)
            : Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase) ? Npy(path)
            : throw new InputException($"{path}: unsupported input file type '{Path.GetExtension(path)}' (expected .npy or an image: {string.Join(", ", ImageExtensions)})");
        var perSample = input.Elements;
        if (sample.LongLength == perSample * batch) return sample;
        if (sample.LongLength != perSample)
            throw new InputException($"{path}: {sample.LongLength} values, but the network's input {input} takes {perSample} per sample (batch {batch})");
        var all = new float[perSample * batch];
        for (var b = 0; b < batch; b++) Array.Copy(sample, 0, all, b * perSample, perSample);
        return all;
    }

    /// <summary>The input files of a folder (.npy and images), in name order.</summary>
    public static IReadOnlyList<string> InFolder(string folder, string option)
    {
        if (!Directory.Exists(folder)) throw new UsageException($"{option} {folder}: no such folder");
        var files = Directory.GetFiles(folder).Where(IsInput).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new UsageException($"{option} {folder}: no input files in the folder (expected .npy arrays or images: {string.Join(", ", ImageExtensions)})");
        return files;
    }

    private static float[] Npy(string path) => NpzFile.ReadNpy(InputFile.ReadAllBytes(path, NpzFile.MaxArrayBytes, "NumPy .npy array"), path);

    private static float[] Image(string path, Shape input, Normalization normalization)
    {
        if (input.Rank != 3 || input[0] is not (1 or 3))
            throw new InputException($"{path}: an image needs a network input of [1 or 3 channels, height, width], this network takes {input}; give a .npy array");
        var (channels, height, width) = (input[0], input[1], input[2]);
        if (normalization.Mean.Length != channels || normalization.Std.Length != channels)
            throw new InputException($"{path}: --mean and --std need {channels} value(s), one per channel of the input {input}");
        using var bitmap = Decode(path);
        var scale = Math.Max((double)height / bitmap.Height, (double)width / bitmap.Width) / CropFraction;
        var (rw, rh) = (Math.Max(width, (int)Math.Round(bitmap.Width * scale)), Math.Max(height, (int)Math.Round(bitmap.Height * scale)));
        using var resized = bitmap.Resize(new SKImageInfo(rw, rh, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new InputException($"{path}: the image could not be resized to {rw}x{rh}");
        var (left, top) = ((rw - width) / 2, (rh - height) / 2);
        var values = new float[channels * height * width];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var p = resized.GetPixel(left + x, top + y);
                // Grayscale inputs take the luma of ITU-R BT.601 (what PIL's convert("L") computes).
                double[] rgb = channels == 3 ? [p.Red, p.Green, p.Blue] : [0.299 * p.Red + 0.587 * p.Green + 0.114 * p.Blue];
                for (var c = 0; c < channels; c++)
                    values[(c * height + y) * width + x] = (float)((rgb[c] / 255.0 - normalization.Mean[c]) / normalization.Std[c]);
            }
        return values;
    }

    private static SKBitmap Decode(string path)
    {
        var bytes = InputFile.ReadAllBytes(path, MaxImageBytes, "image");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InputException($"{path}: not an image SkiaSharp can decode (or a damaged one)");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > MaxImagePixels)
            throw new InputException($"{path}: image of {info.Width}x{info.Height} pixels; at most {MaxImagePixels / 1_000_000} megapixels are read");
        var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new InputException($"{path}: the image could not be decoded ({(result == SKCodecResult.IncompleteInput ? "the file is cut off" : result.ToString())})");
        }
        return bitmap;
    }
}
