namespace FpgaGen.Kernels;

/// <summary>Reads a kernel kind's tuning space from templates/&lt;kind&gt;/space.yaml (values positive, constraints over the parameters only).</summary>
public static class SpaceLoader
{
    public static ParameterSpace Load(string kernel, string? templatesDir = null)
    {
        var path = Path.Combine(templatesDir ?? DataPaths.Templates, kernel, "space.yaml");
        var root = YamlTree.LoadFile(path).AsMap();
        root.CheckKeys("space", ["kernel", "description", "params", "constraints"]);
        var declared = root.Require("kernel").AsString();
        if (declared != kernel) throw root.Require("kernel").Error($"kernel: expected '{kernel}' (the folder name), got '{declared}'");
        var parameters = new List<Parameter>();
        foreach (var (key, value) in root.Require("params").AsMap().Entries)
        {
            var m = value.AsMap();
            m.CheckKeys($"params.{key.Value}", ["values", "description"]);
            var values = m.Require("values").AsSeq().Items.Select(v =>
            {
                var x = v.AsInt();
                return x > 0 ? x : throw v.Error($"params.{key.Value}: values must be positive, got {x}");
            }).ToList();
            if (values.Count == 0) throw m.Error($"params.{key.Value}: at least one value is needed");
            parameters.Add(new Parameter(key.Value, values, m.GetString("description") ?? ""));
        }
        var constraints = root.Get("constraints")?.AsSeq().Items.Select(c => c.AsString()).ToList() ?? [];
        var space = new ParameterSpace(kernel, parameters, constraints, path);
        space.CheckNames(); // a kind's constraints read only its parameters: a typo fails here, not deep in a search
        return space;
    }
}
