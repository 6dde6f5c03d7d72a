using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("FpgaGen.Tests")]
