using System.Globalization;

namespace FpgaGen;

/// <summary>
/// Recursive descent for <see cref="Expression"/>, lowest precedence first as in C:
/// || &amp;&amp; equality relational additive multiplicative unary. Nesting beyond <see cref="Expression.MaxDepth"/>
/// is refused before it recurses further.
/// </summary>
internal sealed class ExpressionParser(string text)
{
    private int pos;
    private int nesting;

    public HashSet<string> Variables { get; } = new(StringComparer.Ordinal);

    public ExpressionNode ParseAll()
    {
        var node = Or();
        SkipSpace();
        if (pos < text.Length) throw Error($"unexpected {Show(text[pos])}");
        return node;
    }

    private ExpressionNode Or()
    {
        var left = And();
        while (Accept("||")) left = Binary("||", left, And());
        return left;
    }

    private ExpressionNode And()
    {
        var left = Equality();
        while (Accept("&&")) left = Binary("&&", left, Equality());
        return left;
    }

    private ExpressionNode Equality() => Chain(Relational, "==", "!=");
    private ExpressionNode Relational() => Chain(Additive, "<=", ">=", "<", ">");
    private ExpressionNode Additive() => Chain(Multiplicative, "+", "-");
    private ExpressionNode Multiplicative() => Chain(Unary, "*", "/", "%");

    /// <summary>Left-associative operands of one precedence level.</summary>
    private ExpressionNode Chain(Func<ExpressionNode> operand, params string[] ops)
    {
        var left = operand();
        while (ops.FirstOrDefault(Accept) is { } op) left = Binary(op, left, operand());
        return left;
    }

    private ExpressionNode Unary()
    {
        SkipSpace();
        if (Accept("!")) return Nested(() => new UnaryNode('!', Unary()));
        if (Accept("-")) return Nested(() => new UnaryNode('-', Unary()));
        return Primary();
    }

    private ExpressionNode Primary()
    {
        SkipSpace();
        if (pos >= text.Length) throw Error("unexpected end");
        var c = text[pos];
        if (Accept("("))
        {
            var inner = Nested(Or);
            Expect(")");
            return inner;
        }
        var start = pos;
        if (char.IsAsciiDigit(c))
        {
            while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '_')) pos++;
            if (!long.TryParse(text.AsSpan(start, pos - start).ToString().Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw Error("number too large for 64 bits", start);
            return new LiteralNode(n);
        }
        if (char.IsLetter(c) || c == '_')
        {
            while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] == '_')) pos++;
            var name = text[start..pos];
            if (name is "true" or "false") return new LiteralNode(name == "true");
            if (name is "min" or "max" && Accept("("))
            {
                return Nested(() =>
                {
                    var a = Or();
                    Expect(",");
                    var b = Or();
                    Expect(")");
                    return Binary(name, a, b);
                });
            }
            Variables.Add(name);
            return new NameNode(name);
        }
        throw Error($"unexpected {Show(c)}");
    }

    private ExpressionNode Nested(Func<ExpressionNode> inner)
    {
        if (++nesting > Expression.MaxDepth) throw Error($"nested more than {Expression.MaxDepth} deep");
        var node = inner();
        nesting--;
        return node;
    }

    private ExpressionNode Binary(string op, ExpressionNode left, ExpressionNode right)
    {
        var node = new BinaryNode(op, left, right);
        return node.Depth > Expression.MaxDepth ? throw Error($"nested more than {Expression.MaxDepth} deep (too many operators in a row)") : node;
    }

    private bool Accept(string token)
    {
        SkipSpace();
        if (string.CompareOrdinal(text, pos, token, 0, token.Length) != 0) return false;
        // "<" must not take the first half of "<=", nor "!" of "!=".
        if (token is "<" or ">" or "!" && pos + 1 < text.Length && text[pos + 1] == '=') return false;
        pos += token.Length;
        return true;
    }

    private void Expect(string token)
    {
        if (!Accept(token)) throw Error(pos < text.Length ? $"expected '{token}', found {Show(text[pos])}" : $"expected '{token}' before the end");
    }

    private void SkipSpace()
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
    }

    /// <summary>A character for a one-line message: control characters as their code.</summary>
    private static string Show(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private FormatException Error(string what, int? at = null) => new($"{what} at position {(at ?? pos) + 1}");
}
