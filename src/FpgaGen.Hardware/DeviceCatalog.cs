namespace FpgaGen.Hardware;

/// <summary>The devices in a folder of device files (hw/ by default); a device is named by id or by a file path.</summary>
public sealed class DeviceCatalog(string folder)
{
    public string Folder { get; } = folder;

    public static DeviceCatalog Default => new(DataPaths.Hw);

    public IReadOnlyList<string> Ids =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).OrderBy(x => x, StringComparer.Ordinal).ToList()
            : [];

    public IReadOnlyList<Device> LoadAll() => Ids.Select(id => DeviceLoader.Load(Path.Combine(Folder, id + ".yaml"))).ToList();

    /// <summary>Resolves an id ("a10_385a") or a path to a YAML file.</summary>
    public Device Get(string idOrPath)
    {
        if (idOrPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || idOrPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            || idOrPath.Contains('/') || idOrPath.Contains('\\'))
            return DeviceLoader.Load(idOrPath);
        var file = Path.Combine(Folder, idOrPath + ".yaml");
        if (File.Exists(file)) return DeviceLoader.Load(file);
        var ids = Ids;
        var near = ids.Where(i => i.Contains(idOrPath, StringComparison.OrdinalIgnoreCase)).ToList();
        var hint = near.Count > 0 ? $"did you mean {string.Join(" or ", near)}?" : $"known devices: {string.Join(", ", ids)}";
        throw new InputException($"unknown device '{idOrPath}' ({hint}; `fpgagen devices` lists them)");
    }
}
