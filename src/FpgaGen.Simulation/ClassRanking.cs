namespace FpgaGen.Simulation;

/// <summary>One class of a classifier's output: its index, its name when known, and its score (the output value).</summary>
public sealed record ClassScore(int Index, string? Label, double Score);

/// <summary>The highest-scoring classes of one sample, by the reference and by the kernels.</summary>
public sealed record TopClasses(int Sample, IReadOnlyList<ClassScore> Reference, IReadOnlyList<ClassScore> Kernels)
{
    /// <summary>Both put the same class first.</summary>
    public bool SameTop1 => Reference.Count > 0 && Kernels.Count > 0 && Reference[0].Index == Kernels[0].Index;

    /// <summary>Both name the same classes in the same order.</summary>
    public bool SameOrder => Reference.Select(c => c.Index).SequenceEqual(Kernels.Select(c => c.Index));
}

/// <summary>
/// The top-k classes of a classifier's output. An output of 1000 values per sample is taken as ImageNet-1k's classes
/// and named from designs/labels/imagenet1k.txt; another labels file (one name a line) names any other count.
/// </summary>
public static class ClassRanking
{
    public const int ImageNetClasses = 1000;
    public const int TopK = 5;
    public const long MaxLabelBytes = 16L << 20;

    public static string ImageNetLabelsFile => Path.Combine(DataPaths.Designs, "labels", "imagenet1k.txt");

    /// <summary>Class names, one per line; blank lines and lines starting with '#' are skipped.</summary>
    public static IReadOnlyList<string> ReadLabels(string path) =>
        InputFile.ReadAllText(path, MaxLabelBytes, "labels file").Split('\n')
            .Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).ToList();

    /// <summary>
    /// The labels for an output of <paramref name="classes"/> values per sample: <paramref name="labelsFile"/>'s
    /// (which must list that many), or ImageNet's for 1000; null when the output is not a classifier's we can name.
    /// </summary>
    public static IReadOnlyList<string>? LabelsFor(long classes, string? labelsFile)
    {
        if (labelsFile is not null)
        {
            var labels = ReadLabels(labelsFile);
            if (labels.Count != classes)
                throw new InputException($"{labelsFile}: {labels.Count} labels, but the network has {classes} outputs per sample");
            return labels;
        }
        return classes == ImageNetClasses && File.Exists(ImageNetLabelsFile) ? ReadLabels(ImageNetLabelsFile) : null;
    }

    /// <summary>Per sample, the top classes of both outputs (batch-major, <paramref name="labels"/>.Count values each).</summary>
    public static IReadOnlyList<TopClasses> Compare(float[] reference, float[] kernels, int batch, IReadOnlyList<string> labels)
    {
        var n = labels.Count;
        return Enumerable.Range(0, batch).Select(b => new TopClasses(b, Top(reference.AsSpan(b * n, n), labels), Top(kernels.AsSpan(b * n, n), labels))).ToList();
    }

    /// <summary>The <see cref="TopK"/> highest values, highest first; ties by the lower index.</summary>
    public static IReadOnlyList<ClassScore> Top(ReadOnlySpan<float> scores, IReadOnlyList<string>? labels)
    {
        var indices = Enumerable.Range(0, scores.Length).ToArray();
        var copy = scores.ToArray();
        return indices.OrderByDescending(i => float.IsNaN(copy[i]) ? float.NegativeInfinity : copy[i]).ThenBy(i => i).Take(TopK)
            .Select(i => new ClassScore(i, labels?[i], copy[i])).ToList();
    }
}
