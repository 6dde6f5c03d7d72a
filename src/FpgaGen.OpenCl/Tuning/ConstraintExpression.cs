using System.Globalization;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>
/// An integer expression over tuning parameters and environment values, written as text in a
/// tuning space, e.g. "MWG % MDIMC == 0" or "4 * SA * KWG * (MWG + 1) &lt;= LOCAL_MEM_BYTES".
/// C semantics on 64-bit integers: + - * / % (truncating), comparisons, &amp;&amp; || ! (0 is false),
/// parentheses and min(a, b) / max(a, b). Division by zero makes the whole constraint false.
/// </summary>
public sealed class ConstraintExpression
{
    private readonly Node _root;

    private ConstraintExpression(string text, Node root, IReadOnlySet<string> variables)
    {
        Text = text;
        _root = root;
        Variables = variables;
    }

    public string Text { get; }

    /// <summary>Identifiers the expression reads.</summary>
    public IReadOnlySet<string> Variables { get; }

    /// <summary>Parses <paramref name="text"/>; a syntax error throws FormatException naming the position.</summary>
    public static ConstraintExpression Parse(string text)
    {
        var parser = new Parser(text);
        var root = parser.ParseAll();
        return new ConstraintExpression(text, root, parser.Variables);
    }

    /// <summary>The expression's value; unknown identifiers throw KeyNotFoundException.</summary>
    public long Evaluate(Func<string, long> lookup) => _root.Eval(lookup);

    /// <summary>True when the value is non-zero; false also when it divides by zero.</summary>
    public bool Holds(Func<string, long> lookup)
    {
        try
        {
            return Evaluate(lookup) != 0;
        }
        catch (DivideByZeroException)
        {
            return false;
        }
    }

    public override string ToString() => Text;

    private abstract record Node
    {
        public abstract long Eval(Func<string, long> lookup);
    }

    private sealed record Number(long Value) : Node
    {
        public override long Eval(Func<string, long> lookup) => Value;
    }

    private sealed record Variable(string Name) : Node
    {
        public override long Eval(Func<string, long> lookup) => lookup(Name);
    }

    private sealed record Unary(char Op, Node Operand) : Node
    {
        public override long Eval(Func<string, long> lookup)
        {
            var v = Operand.Eval(lookup);
            return Op == '!' ? (v == 0 ? 1 : 0) : -v;
        }
    }

    private sealed record Binary(string Op, Node Left, Node Right) : Node
    {
        public override long Eval(Func<string, long> lookup)
        {
            // && and || short-circuit like C, so "SA == 0 || X / SA > 1" is safe.
            if (Op == "&&") return Left.Eval(lookup) != 0 && Right.Eval(lookup) != 0 ? 1 : 0;
            if (Op == "||") return Left.Eval(lookup) != 0 || Right.Eval(lookup) != 0 ? 1 : 0;
            long a = Left.Eval(lookup), b = Right.Eval(lookup);
            return Op switch
            {
                "+" => a + b,
                "-" => a - b,
                "*" => a * b,
                "/" => b == 0 ? throw new DivideByZeroException() : a / b,
                "%" => b == 0 ? throw new DivideByZeroException() : a % b,
                "==" => a == b ? 1 : 0,
                "!=" => a != b ? 1 : 0,
                "<" => a < b ? 1 : 0,
                "<=" => a <= b ? 1 : 0,
                ">" => a > b ? 1 : 0,
                ">=" => a >= b ? 1 : 0,
                "min" => Math.Min(a, b),
                "max" => Math.Max(a, b),
                _ => throw new InvalidOperationException($"operator {Op}"),
            };
        }
    }

    /// <summary>Recursive descent, lowest precedence first as in C: || &amp;&amp; equality relational additive multiplicative unary.</summary>
    private sealed class Parser(string text)
    {
        private int _pos;
        public HashSet<string> Variables { get; } = new(StringComparer.Ordinal);

        public Node ParseAll()
        {
            var node = Or();
            SkipSpace();
            if (_pos < text.Length) throw Error($"unexpected '{text[_pos]}'");
            return node;
        }

        private Node Or()
        {
            var left = And();
            while (Accept("||")) left = new Binary("||", left, And());
            return left;
        }

        private Node And()
        {
            var left = Equality();
            while (Accept("&&")) left = new Binary("&&", left, Equality());
            return left;
        }

        private Node Equality()
        {
            var left = Relational();
            while (true)
            {
                if (Accept("==")) left = new Binary("==", left, Relational());
                else if (Accept("!=")) left = new Binary("!=", left, Relational());
                else return left;
            }
        }

        private Node Relational()
        {
            var left = Additive();
            while (true)
            {
                var op = new[] { "<=", ">=", "<", ">" }.FirstOrDefault(Accept);
                if (op is null) return left;
                left = new Binary(op, left, Additive());
            }
        }

        private Node Additive()
        {
            var left = Multiplicative();
            while (true)
            {
                if (Accept("+")) left = new Binary("+", left, Multiplicative());
                else if (Accept("-")) left = new Binary("-", left, Multiplicative());
                else return left;
            }
        }

        private Node Multiplicative()
        {
            var left = UnaryNode();
            while (true)
            {
                if (Accept("*")) left = new Binary("*", left, UnaryNode());
                else if (Accept("/")) left = new Binary("/", left, UnaryNode());
                else if (Accept("%")) left = new Binary("%", left, UnaryNode());
                else return left;
            }
        }

        private Node UnaryNode()
        {
            SkipSpace();
            if (Peek('!') && !Peek("!=")) { _pos++; return new Unary('!', UnaryNode()); }
            if (Accept("-")) return new Unary('-', UnaryNode());
            return Primary();
        }

        private Node Primary()
        {
            SkipSpace();
            if (_pos >= text.Length) throw Error("unexpected end");
            var c = text[_pos];
            if (Accept("("))
            {
                var inner = Or();
                Expect(")");
                return inner;
            }
            if (char.IsAsciiDigit(c))
            {
                var start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                return new Number(long.Parse(text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture));
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = _pos;
                while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
                var name = text[start.._pos];
                if (name is "min" or "max" && Accept("("))
                {
                    var a = Or();
                    Expect(",");
                    var b = Or();
                    Expect(")");
                    return new Binary(name, a, b);
                }
                Variables.Add(name);
                return new Variable(name);
            }
            throw Error($"unexpected '{c}'");
        }

        private bool Peek(char c) => _pos < text.Length && text[_pos] == c;
        private bool Peek(string s) => string.CompareOrdinal(text, _pos, s, 0, s.Length) == 0;

        private bool Accept(string token)
        {
            SkipSpace();
            if (!Peek(token)) return false;
            // "<" must not swallow the first half of "<=", "|" alone is not an operator, etc.
            if (token.Length == 1 && token is "<" or ">" && _pos + 1 < text.Length && text[_pos + 1] == '=') return false;
            _pos += token.Length;
            return true;
        }

        private void Expect(string token)
        {
            if (!Accept(token)) throw Error($"expected '{token}'");
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private FormatException Error(string what) => new($"constraint '{text}': {what} at position {_pos + 1}");
    }
}
