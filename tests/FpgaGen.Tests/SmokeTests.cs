namespace FpgaGen.Tests;

public class SmokeTests
{
    [Fact]
    public void DataFolderIsFound() => Assert.True(Directory.Exists(DataPaths.Hw));
}
