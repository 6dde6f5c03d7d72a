namespace FpgaGen;

/// <summary>A node of a parsed <see cref="Expression"/>; <see cref="Depth"/> is checked against the limit as the tree grows.</summary>
internal abstract class ExpressionNode(int depth)
{
    public int Depth { get; } = depth;

    public abstract ExpressionValue Eval(Func<string, ExpressionValue?> lookup);
    public abstract ValueKind KindOf(Func<string, ValueKind> kindOf);

    protected static ExpressionException KindError(string op, string wants) => new($"'{op}' needs {wants}");
}

internal sealed class LiteralNode(ExpressionValue value) : ExpressionNode(1)
{
    public override ExpressionValue Eval(Func<string, ExpressionValue?> lookup) => value;
    public override ValueKind KindOf(Func<string, ValueKind> kindOf) => value.Kind;
}

internal sealed class NameNode(string name) : ExpressionNode(1)
{
    public override ExpressionValue Eval(Func<string, ExpressionValue?> lookup) =>
        lookup(name) ?? throw new ExpressionException($"unknown argument '{name}'");

    public override ValueKind KindOf(Func<string, ValueKind> kindOf) => kindOf(name);
}

internal sealed class UnaryNode(char op, ExpressionNode operand) : ExpressionNode(operand.Depth + 1)
{
    public override ExpressionValue Eval(Func<string, ExpressionValue?> lookup)
    {
        var v = operand.Eval(lookup);
        return op == '!' ? !v.AsBool() : checked(-v.AsNumber());
    }

    public override ValueKind KindOf(Func<string, ValueKind> kindOf)
    {
        var want = op == '!' ? ValueKind.Boolean : ValueKind.Number;
        if (operand.KindOf(kindOf) != want) throw KindError(op.ToString(), want == ValueKind.Boolean ? "true or false" : "a number");
        return want;
    }
}

internal sealed class BinaryNode(string op, ExpressionNode left, ExpressionNode right)
    : ExpressionNode(Math.Max(left.Depth, right.Depth) + 1)
{
    public override ExpressionValue Eval(Func<string, ExpressionValue?> lookup)
    {
        switch (op)
        {
            case "&&": return left.Eval(lookup).AsBool() && right.Eval(lookup).AsBool();
            case "||": return left.Eval(lookup).AsBool() || right.Eval(lookup).AsBool();
            case "==" or "!=":
            {
                ExpressionValue a = left.Eval(lookup), b = right.Eval(lookup);
                if (a.Kind != b.Kind) throw new ExpressionException($"'{op}' compares {a} with {b}: a number with true or false");
                return a.Equals(b) == (op == "==");
            }
        }
        long x = left.Eval(lookup).AsNumber(), y = right.Eval(lookup).AsNumber();
        return op switch
        {
            "+" => checked(x + y),
            "-" => checked(x - y),
            "*" => checked(x * y),
            "/" => y == 0 ? throw DivisionByZero() : x / y,
            "%" => y == 0 ? throw DivisionByZero() : x % y,
            "<" => x < y,
            "<=" => x <= y,
            ">" => x > y,
            ">=" => x >= y,
            "min" => Math.Min(x, y),
            "max" => Math.Max(x, y),
            _ => throw new InvalidOperationException($"operator {op}"),
        };
    }

    public override ValueKind KindOf(Func<string, ValueKind> kindOf)
    {
        ValueKind a = left.KindOf(kindOf), b = right.KindOf(kindOf);
        switch (op)
        {
            case "&&" or "||":
                if (a != ValueKind.Boolean || b != ValueKind.Boolean) throw KindError(op, "true or false on both sides");
                return ValueKind.Boolean;
            case "==" or "!=":
                if (a != b) throw KindError(op, "two numbers or two true/false values");
                return ValueKind.Boolean;
        }
        if (a != ValueKind.Number || b != ValueKind.Number) throw KindError(op, "numbers");
        return op is "<" or "<=" or ">" or ">=" ? ValueKind.Boolean : ValueKind.Number;
    }

    private static ExpressionException DivisionByZero() => new("division by zero", arithmetic: true);
}
