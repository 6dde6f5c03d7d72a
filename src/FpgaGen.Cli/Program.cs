using System.CommandLine;

namespace FpgaGen.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args);

    public static int Run(string[] args)
    {
        var root = new RootCommand("FpgaGen: from neural networks to ranked FPGA accelerator designs and vendor projects.");
        return root.Parse(args).Invoke();
    }
}
