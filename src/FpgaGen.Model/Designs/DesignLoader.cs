namespace FpgaGen.Model.Designs;

/// <summary>
/// Reads a network design file (format in designs/README.md): an input shape, reusable blocks with arguments, and a
/// layer list in which <c>repeat</c> instantiates blocks. Expands everything into a flat <see cref="Network"/>.
/// </summary>
public sealed class DesignLoader
{
    private static readonly string[] TopKeys = ["name", "description", "source", "input", "reference", "layernorm", "blocks", "layers"];
    private static readonly string[] CommonLayerKeys = ["kind", "name", "from", "when", "precision"];
    private static readonly string[] RepeatKeys = ["repeat", "times", "name", "args", "first", "when", "precision"];

    /// <summary>Most layers a design may expand to; real networks have a few hundred.</summary>
    public const int MaxLayers = 100_000;

    /// <summary>
    /// Most expansion steps (a layer entry or a block instance, switched off or not): nested repeats of blocks that add
    /// no layers would otherwise loop for hours under the layer limit.
    /// </summary>
    public const int MaxExpansions = 1_000_000;

    /// <summary>Deepest nesting of blocks repeating blocks.</summary>
    public const int MaxBlockDepth = 16;

    private readonly string file;
    private readonly Dictionary<string, Block> blocks = new();
    private readonly List<Layer> layers = [];
    private readonly HashSet<string> names = [Network.InputName];
    private int expansions;

    /// <summary>The statistics of LayerNorm layers that do not name theirs (the design's <c>layernorm: {stats: …}</c>).</summary>
    private LayerNormStats layerNormStats = LayerNormStats.Runtime;

    /// <summary>Each distinct <c>$expression</c> parsed once, however many block instances evaluate it.</summary>
    private readonly Dictionary<string, Expression> parsed = new(StringComparer.Ordinal);

    private DesignLoader(string file) => this.file = file;

    private sealed record Block(string Name, YMap Args, YSeq Layers);

    /// <summary>One level of naming: a block instance (or the top level) with its arguments and local names.</summary>
    private sealed class Scope(string prefix, string input, IReadOnlyDictionary<string, ExpressionValue> args, Precision? precision = null)
    {
        /// <summary>The <c>precision:</c> of the block instance (or an enclosing one) its layers take unless they set their own.</summary>
        public Precision? Precision { get; } = precision;
        public string Prefix { get; } = prefix;
        public string Input { get; } = input;
        public IReadOnlyDictionary<string, ExpressionValue> Args { get; } = args;
        public Dictionary<string, string> Local { get; } = new();
        public Dictionary<string, int> Counters { get; } = new();
        public string Previous { get; set; } = input;
    }

    public static Network Load(string path)
    {
        var root = YamlTree.LoadFile(path).AsMap();
        return new DesignLoader(path).Read(root);
    }

    public static Network Parse(string yaml, string file = "design.yaml") =>
        new DesignLoader(file).Read(YamlTree.Parse(yaml, file).AsMap());

    private Network Read(YMap root)
    {
        root.CheckKeys("design", TopKeys);
        var name = root.Get("name")?.AsOneLine("network name") ?? Path.GetFileNameWithoutExtension(file);
        var input = ReadInput(root.Require("input", "the input shape, e.g. [3, 224, 224]"));
        if (root.Get("layernorm") is { } layerNorm)
        {
            var m = layerNorm.AsMap();
            m.CheckKeys("layernorm", ["stats"]);
            layerNormStats = LayerFields.ParseStats(m.Require("stats", "runtime or stored"));
        }

        if (root.Get("blocks") is { } blockNode)
            foreach (var (key, value) in blockNode.AsMap().Entries)
            {
                var b = value.AsMap();
                key.AsOneLine("block name");
                b.CheckKeys($"block '{key.Value}'", ["args", "layers"]);
                blocks[key.Value] = new Block(key.Value, b.Get("args")?.AsMap() ?? new YMap(file, b.Mark, []), b.Require("layers").AsSeq());
            }

        var top = new Scope("", Network.InputName, new Dictionary<string, ExpressionValue>());
        var layerList = root.Require("layers", "the list of layers").AsSeq();
        if (layerList.Items.Count == 0) throw layerList.Error("layers: the list is empty");
        Expand(layerList, top, depth: 0);

        return Network.Build(name, input, layers, file, ReadReference(root.Get("reference")));
    }

    private static ReferenceFigures? ReadReference(YNode? node)
    {
        if (node is null) return null;
        var m = node.AsMap();
        m.CheckKeys("reference", ["params", "gmacs", "source"]);
        return new ReferenceFigures(m.Get("params")?.AsLong(), m.Get("gmacs")?.AsDouble(), m.Require("source", "where the figures come from").AsOneLine("reference source"));
    }

    private Shape ReadInput(YNode node)
    {
        var dims = node.AsSeq().Items.Select(i => i.AsInt()).ToArray();
        try { return new Shape(dims); }
        catch (ShapeException e) { throw node.Error($"input: {e.Message}"); }
        catch (OverflowException) { throw node.Error("input: the shape has too many elements"); }
    }

    private void Expand(YSeq items, Scope scope, int depth)
    {
        if (depth > MaxBlockDepth) throw items.Error($"blocks are nested more than {MaxBlockDepth} deep (does a block repeat itself?)");
        foreach (var item in items.Items)
        {
            Count(item);
            if (item is YScalar s)
            {
                AddLayer(new YMap(file, s.Mark, [new(new YScalar(file, s.Mark, "kind", false), s)]), scope);
                continue;
            }
            var map = item.AsMap();
            if (map.Has("repeat")) ExpandRepeat(map, scope, depth);
            else AddLayer(map, scope);
        }
    }

    private void ExpandRepeat(YMap map, Scope scope, int depth)
    {
        map.CheckKeys("repeat", RepeatKeys);
        if (map.Get("when") is { } when && !EvalBool(when, scope)) return;
        var blockName = map.Require("repeat").AsString();
        if (!blocks.TryGetValue(blockName, out var block))
            throw map.Require("repeat").Error($"unknown block '{blockName}' (defined blocks: {(blocks.Count == 0 ? "none" : string.Join(", ", blocks.Keys))})");
        var times = Resolve(map.Get("times"), scope)?.AsInt() ?? 1;
        if (times is <= 0 or > MaxLayers) throw map.Require("times").Error($"times: expected a count from 1 to {MaxLayers}, got {times}");
        var name = map.Get("name")?.AsOneLine("repeat name") ?? block.Name;
        var precision = ReadPrecision(Resolve(map.Get("precision"), scope)) ?? scope.Precision;

        for (var i = 0; i < times; i++)
        {
            Count(map);
            var args = new Dictionary<string, ExpressionValue>();
            foreach (var (k, v) in block.Args.Entries) args[k.Value] = Value(Resolve(v, scope)!);
            SetArgs(args, map.Get("args"), scope, block);
            if (i == 0) SetArgs(args, map.Get("first"), scope, block);
            var prefix = $"{scope.Prefix}{name}.{i}.";
            var inner = new Scope(prefix, scope.Previous, args, precision);
            Expand(block.Layers, inner, depth + 1);
            scope.Previous = inner.Previous;
        }
    }

    private void Count(YNode at)
    {
        if (++expansions > MaxExpansions)
            throw at.Error($"the design takes more than {MaxExpansions:N0} expansion steps (layers and block instances, also those switched off by 'when'); are repeats nested too deeply?");
    }

    private void SetArgs(Dictionary<string, ExpressionValue> args, YNode? node, Scope outer, Block block)
    {
        if (node is null) return;
        foreach (var (k, v) in node.AsMap().Entries)
        {
            if (!block.Args.Has(k.Value))
                throw k.Error($"block '{block.Name}' has no argument '{k.Value}' (its arguments: {(block.Args.Entries.Count == 0 ? "none" : string.Join(", ", block.Args.Keys))})");
            args[k.Value] = Value(Resolve(v, outer)!);
        }
    }

    private void AddLayer(YMap raw, Scope scope)
    {
        var kindNode = raw.Require("kind", "the layer kind, e.g. conv");
        var kindName = kindNode.AsString();
        if (!LayerKinds.All.TryGetValue(kindName, out var kind))
            throw kindNode.Error($"unknown layer kind '{kindName}' (expected one of: {string.Join(", ", LayerKinds.All.Keys)})");
        raw.CheckKeys($"{kindName} layer", CommonLayerKeys.Concat(kind.Fields));
        var map = (YMap)Resolve(raw, scope)!;

        var localName = map.Get("name")?.AsOneLine("layer name");
        if (localName is null)
        {
            // Auto names count per kind ("relu3") and skip names the file already uses.
            do
            {
                scope.Counters[kindName] = scope.Counters.GetValueOrDefault(kindName) + 1;
                localName = kindName + scope.Counters[kindName];
            } while (scope.Local.ContainsKey(localName) || names.Contains(scope.Prefix + localName));
        }
        var inputs = map.Get("from") is { } from
            ? (from is YSeq seq ? seq.Items : [from]).Select(n => Lookup(n.AsString(), n, scope)).ToList()
            : [scope.Previous];

        if (map.Get("when") is { } when && !when.AsBool())
        {
            // A layer switched off acts as identity: its name stands for its first input from here on.
            scope.Local[localName] = inputs[0];
            scope.Previous = inputs[0];
            return;
        }

        var fullName = scope.Prefix + localName;
        if (!names.Add(fullName)) throw map.Error($"layer name '{fullName}' is used twice; names must be unique");
        if (layers.Count >= MaxLayers) throw map.Error($"the design expands to more than {MaxLayers} layers");
        var origin = InputException.Locate(file, raw.Mark).TrimEnd(' ', ':');
        var precision = ReadPrecision(map.Get("precision")) ?? scope.Precision;
        try
        {
            var layer = kind.Create(new LayerFields(map, fullName, inputs, origin, layerNormStats));
            layer.Precision = precision;
            layers.Add(layer);
        }
        catch (ShapeException e)
        {
            throw map.Error($"layer '{fullName}' ({kindName}): {e.Message}");
        }
        scope.Local[localName] = fullName;
        scope.Previous = fullName;
    }

    /// <summary>A layer's or block instance's <c>precision:</c> (fp32, fp16, int16, int8), if given.</summary>
    private static Precision? ReadPrecision(YNode? node)
    {
        if (node is null) return null;
        var text = node.AsString();
        return PrecisionExtensions.TryParse(text, out var p)
            ? p
            : throw node.Error($"precision: unknown data type '{text}' (expected one of: {string.Join(", ", PrecisionExtensions.All.Select(x => x.Id()))})");
    }

    private string Lookup(string name, YNode at, Scope scope)
    {
        if (scope.Local.TryGetValue(name, out var full)) return full;
        if (name == Network.InputName) return scope.Input;
        if (names.Contains(name)) return name;
        throw at.Error($"'{name}' is not an earlier layer in this block (known here: {string.Join(", ", scope.Local.Keys.Prepend(Network.InputName))})");
    }

    /// <summary>Replaces every unquoted <c>$expression</c> scalar below <paramref name="node"/> by its value.</summary>
    private YNode? Resolve(YNode? node, Scope scope) => node switch
    {
        null => null,
        YScalar { Quoted: false } s when s.Value.StartsWith('$') => new YScalar(file, s.Mark, Evaluate(s, scope), false),
        YScalar s => s,
        YSeq q => new YSeq(file, q.Mark, q.Items.Select(i => Resolve(i, scope)!).ToList()),
        YMap m => new YMap(file, m.Mark, m.Entries.Select(e => new KeyValuePair<YScalar, YNode>(e.Key, Resolve(e.Value, scope)!)).ToList()),
        _ => node,
    };

    private string Evaluate(YScalar s, Scope scope)
    {
        try
        {
            var text = s.Value[1..];
            if (!parsed.TryGetValue(text, out var expression)) parsed[text] = expression = Expression.Parse(text);
            return expression.Evaluate(scope.Args).ToString();
        }
        catch (FormatException e)
        {
            throw s.Error($"cannot evaluate '{s.Value}': {e.Message}");
        }
    }

    private bool EvalBool(YNode node, Scope scope) => Resolve(node, scope)!.AsBool();

    private static ExpressionValue Value(YNode node)
    {
        var s = node.AsScalar();
        if (long.TryParse(s.Value, out var l)) return l;
        return s.Value switch { "true" => true, "false" => false, _ => throw s.Error($"block arguments must be integers or true/false, got '{s.Value}'") };
    }
}
