using System.Text;

namespace FpgaGen.OpenCl;

/// <summary>
/// The two-call clGet*Info pattern (ask for the size, then the value) shared by every info query.
/// </summary>
internal static unsafe class ClInfo
{
    public delegate int Query(nuint size, void* value, nuint* sizeRet);

    public static string String(Query query, string function)
    {
        var bytes = Bytes(query, function);
        var len = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, len < 0 ? bytes.Length : len).Trim();
    }

    public static byte[] Bytes(Query query, string function)
    {
        nuint size = 0;
        OpenClException.Check(query(0, null, &size), function);
        var bytes = new byte[(int)size];
        if (size == 0) return bytes;
        fixed (byte* p = bytes) OpenClException.Check(query(size, p, null), function);
        return bytes;
    }

    public static T Value<T>(Query query, string function) where T : unmanaged
    {
        T value = default;
        OpenClException.Check(query((nuint)sizeof(T), &value, null), function);
        return value;
    }
}
