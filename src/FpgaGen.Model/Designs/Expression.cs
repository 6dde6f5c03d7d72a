using System.Globalization;

namespace FpgaGen.Model.Designs;

/// <summary>
/// The small expression language of design files: a value written as <c>$width*4</c> or <c>$(stride &gt; 1)</c> is
/// evaluated against the arguments of the enclosing block. Integers (64-bit, checked) and booleans; operators
/// + - * / % (integer), comparisons, &amp;&amp; || !, parentheses.
/// </summary>
public sealed class Expression
{
    private readonly string text;
    private readonly IReadOnlyDictionary<string, object> args;
    private int pos;

    private Expression(string text, IReadOnlyDictionary<string, object> args)
    {
        this.text = text;
        this.args = args;
    }

    /// <summary>Evaluates <paramref name="text"/> (without the leading $); throws <see cref="FormatException"/> with a reason.</summary>
    public static object Evaluate(string text, IReadOnlyDictionary<string, object> args)
    {
        var e = new Expression(text, args);
        try
        {
            var value = e.Or();
            e.SkipSpace();
            if (e.pos < text.Length) throw new FormatException($"unexpected '{text[e.pos..]}'");
            return value;
        }
        catch (OverflowException)
        {
            throw new FormatException("the result overflows a 64-bit integer");
        }
        catch (DivideByZeroException)
        {
            throw new FormatException("division by zero");
        }
    }

    private object Or()
    {
        var left = And();
        while (Accept("||")) left = Bool(left) | Bool(And());
        return left;
    }

    private object And()
    {
        var left = Compare();
        while (Accept("&&")) left = Bool(left) & Bool(Compare());
        return left;
    }

    private object Compare()
    {
        var left = Sum();
        foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
        {
            if (!Accept(op)) continue;
            var right = Sum();
            if (op is "==" or "!=")
                return left.Equals(right) == (op == "==");
            var (a, b) = (Int(left), Int(right));
            return op switch { "<=" => a <= b, ">=" => a >= b, "<" => a < b, _ => a > b };
        }
        return left;
    }

    private object Sum()
    {
        var left = Product();
        while (true)
        {
            if (Accept("+")) left = checked(Int(left) + Int(Product()));
            else if (Accept("-")) left = checked(Int(left) - Int(Product()));
            else return left;
        }
    }

    private object Product()
    {
        var left = Unary();
        while (true)
        {
            if (Accept("*")) left = checked(Int(left) * Int(Unary()));
            else if (Accept("/")) left = Int(left) / Int(Unary());
            else if (Accept("%")) left = Int(left) % Int(Unary());
            else return left;
        }
    }

    private object Unary()
    {
        if (Accept("-")) return checked(-Int(Unary()));
        if (Accept("!")) return !Bool(Unary());
        return Primary();
    }

    private object Primary()
    {
        SkipSpace();
        if (Accept("("))
        {
            var inner = Or();
            if (!Accept(")")) throw new FormatException("missing ')'");
            return inner;
        }
        var start = pos;
        if (pos < text.Length && char.IsDigit(text[pos]))
        {
            while (pos < text.Length && (char.IsDigit(text[pos]) || text[pos] == '_')) pos++;
            return long.Parse(text[start..pos].Replace("_", ""), CultureInfo.InvariantCulture);
        }
        while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] == '_')) pos++;
        var name = text[start..pos];
        if (name.Length == 0) throw new FormatException(pos < text.Length ? $"unexpected '{text[pos]}'" : "expression ends too early");
        if (name == "true") return true;
        if (name == "false") return false;
        return args.TryGetValue(name, out var v)
            ? v
            : throw new FormatException($"unknown argument '{name}' (known: {(args.Count == 0 ? "none" : string.Join(", ", args.Keys))})");
    }

    private bool Accept(string token)
    {
        SkipSpace();
        if (string.CompareOrdinal(text, pos, token, 0, token.Length) != 0) return false;
        // Do not read the first character of "<=" or "&&" as "<" or "&".
        if (token.Length == 1 && pos + 1 < text.Length && "<>=!".Contains(token[0]) && text[pos + 1] == '=') return false;
        pos += token.Length;
        return true;
    }

    private void SkipSpace()
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
    }

    private static long Int(object v) => v is long l ? l : throw new FormatException($"expected a number, got {Format(v)}");
    private static bool Bool(object v) => v is bool b ? b : throw new FormatException($"expected true or false, got {Format(v)}");

    public static string Format(object v) => v switch
    {
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
