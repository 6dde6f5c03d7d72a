namespace FpgaGen;

/// <summary>
/// The one expression language of FpgaGen: design-file values (<c>$width*4</c>, <c>$(stride &gt; 1)</c>) and the
/// constraints of parameter spaces (<c>Tm &gt;= Tn</c>, <c>MWG % MDIMC == 0</c>). Parsed once into a tree, then
/// evaluated as often as needed.
/// <para>
/// Values are 64-bit integers (overflow is an error) or true/false; the two never mix. Integers: + - * / %
/// (truncating), unary -, min(a, b), max(a, b), &lt; &lt;= &gt; &gt;=; both kinds: == !=; booleans: &amp;&amp; || !
/// (short-circuit, so <c>SA == 0 || KWG / SA &gt; 1</c> never divides by zero). Precedence as in C. Literals:
/// digits (grouped with _ if wanted), true, false; names: a letter or _ then letters, digits, _.
/// </para>
/// </summary>
public sealed class Expression
{
    /// <summary>
    /// Deepest tree accepted: parentheses, unary operators and operator chains all count. Real expressions stay
    /// under 20; the limit keeps a hostile file from exhausting the stack of the recursive parser and evaluator.
    /// </summary>
    public const int MaxDepth = 100;

    private readonly ExpressionNode root;

    private Expression(string text, ExpressionNode root, IReadOnlySet<string> variables)
    {
        Text = text;
        this.root = root;
        Variables = variables;
    }

    public string Text { get; }

    /// <summary>The names the expression reads.</summary>
    public IReadOnlySet<string> Variables { get; }

    /// <summary>Parses <paramref name="text"/>; a syntax error throws <see cref="FormatException"/> naming the position.</summary>
    public static Expression Parse(string text)
    {
        var parser = new ExpressionParser(text);
        var root = parser.ParseAll();
        return new Expression(text, root, parser.Variables);
    }

    /// <summary>
    /// The value, reading names through <paramref name="lookup"/> (null: unknown). Throws
    /// <see cref="ExpressionException"/> for an unknown name, a value of the wrong kind, a division by zero or an
    /// overflow.
    /// </summary>
    public ExpressionValue Evaluate(Func<string, ExpressionValue?> lookup)
    {
        try
        {
            return root.Eval(lookup);
        }
        catch (OverflowException)
        {
            throw new ExpressionException("the result overflows a 64-bit integer", arithmetic: true);
        }
    }

    /// <summary>The value over named values; an unknown name's error lists the known ones.</summary>
    public ExpressionValue Evaluate(IReadOnlyDictionary<string, ExpressionValue> values) =>
        Evaluate(name => values.TryGetValue(name, out var v)
            ? v
            : throw new ExpressionException($"unknown argument '{name}' (known: {(values.Count == 0 ? "none" : string.Join(", ", values.Keys))})"));

    /// <summary>
    /// The kind of value the expression yields when each name has the kind <paramref name="kindOf"/> says, without
    /// evaluating it; throws <see cref="ExpressionException"/> where an operator gets the wrong kind. Lets a space
    /// refuse a constraint that can never be true or false when it is loaded, not midway through a search.
    /// </summary>
    public ValueKind KindOf(Func<string, ValueKind> kindOf) => root.KindOf(kindOf);

    public override string ToString() => Text;
}
