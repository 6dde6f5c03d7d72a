using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace FpgaGen.TestProgress;

/// <summary>
/// How many xunit test cases each class of a test assembly has, read from its metadata without loading it: a [Fact]
/// (or an attribute named *FactAttribute) is one, a [Theory] one per [InlineData]. A theory with [MemberData] or [ClassData] has a count known only when
/// its data is computed: its class gets -1 (unknown).
/// </summary>
public static class TestCounts
{
    public static IEnumerable<(string Class, int Count)> Read(string assemblyPath)
    {
        if (!File.Exists(assemblyPath)) yield break;
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) yield break;
        var md = pe.GetMetadataReader();
        var results = new List<(string, int)>();
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            var count = 0;
            var unknown = false;
            foreach (var m in type.GetMethods())
            {
                var names = md.GetMethodDefinition(m).GetCustomAttributes().Select(a => AttributeName(md, md.GetCustomAttribute(a))).ToList();
                // By name, so that attributes derived from them count too ([OpenClFact] : FactAttribute).
                if (names.Any(n => n.EndsWith("FactAttribute", StringComparison.Ordinal))) count++;
                else if (names.Any(n => n.EndsWith("TheoryAttribute", StringComparison.Ordinal)))
                {
                    if (names.Contains("MemberDataAttribute") || names.Contains("ClassDataAttribute")) unknown = true;
                    count += names.Count(n => n == "InlineDataAttribute");
                }
            }
            if (count > 0 || unknown) results.Add((FullName(md, type), unknown ? -1 : count));
        }
        foreach (var r in results) yield return r;
    }

    /// <summary>Namespace.Outer+Inner, as test case names spell a (nested) class.</summary>
    private static string FullName(MetadataReader md, TypeDefinition type)
    {
        var name = md.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil) return FullName(md, md.GetTypeDefinition(declaring)) + "+" + name;
        var ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string AttributeName(MetadataReader md, CustomAttribute a) => a.Constructor.Kind switch
    {
        HandleKind.MemberReference => md.GetMemberReference((MemberReferenceHandle)a.Constructor).Parent is var p && p.Kind == HandleKind.TypeReference
            ? md.GetString(md.GetTypeReference((TypeReferenceHandle)p).Name) : "",
        HandleKind.MethodDefinition => md.GetString(md.GetTypeDefinition(md.GetMethodDefinition((MethodDefinitionHandle)a.Constructor).GetDeclaringType()).Name),
        _ => "",
    };
}
