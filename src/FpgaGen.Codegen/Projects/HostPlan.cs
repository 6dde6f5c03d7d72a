using System.Globalization;
using System.Text;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Plans;
using FpgaGen.Codegen.Portable;

namespace FpgaGen.Codegen.Projects;

/// <summary>
/// host/plan.h: the launch table the host program runs. On Intel devices a step launches the reader, compute and
/// writer kernels of its group together; on Xilinx devices it calls the group's HLS top function once. Model text
/// (layer names) appears only as escaped string literals.
/// </summary>
public static class HostPlan
{
    public static string Header(AcceleratorDesign design, bool hlsTops, string platformHint)
    {
        var net = design.Lowered;
        var placement = BankPlacement.Of(design.Plan, net, design.Planned.Target.Device);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $$"""
            /* FpgaGen launch plan for {{design.Title}}. Generated: edit the design, not this file. */
            #ifndef FPGAGEN_PLAN_H
            #define FPGAGEN_PLAN_H

            #define FG_PLATFORM_HINT {{CNames.StringLiteral(platformHint)}}
            #define FG_BATCH {{net.Batch}}
            #define FG_COMPUTE_UNITS {{design.Plan.ComputeUnits}}
            #define FG_ELEMENT_BYTES {{net.Precision.Bytes()}}
            #define FG_FIXED {{(net.Precision.IsFixedPoint() ? 1 : 0)}}
            #define FG_QMAX {{Weights.WeightPacker.QMax(net.Weights.DataType)}}
            #define FG_ACTIVATION_BYTES {{Math.Max(1, net.ArenaElements) * net.Precision.Bytes()}}LL
            #define FG_WEIGHTS_BYTES {{net.Weights.TotalBytes}}LL
            #define FG_WEIGHTS_ALLOC_BYTES {{placement.WeightsAllocationBytes}}LL
            #define FG_HEADER_OFFSET {{net.Weights.Header.Offset}}
            #define FG_INPUT_OFFSET {{net.Input.Offset}}LL
            #define FG_INPUT_COUNT {{net.Input.Elements * net.Batch}}
            #define FG_OUTPUT_OFFSET {{net.Output.Offset}}LL
            #define FG_OUTPUT_COUNT {{net.Output.Elements * net.Batch}}
            #define FG_BUF_ACTIVATIONS 0
            #define FG_BUF_WEIGHTS 1

            struct fg_arg { int buffer; int value; };            /* buffer: value is FG_BUF_*; else an int argument */
            struct fg_launch { const char* kernel; int nargs; const fg_arg* args; };
            struct fg_step { const char* name; const char* layers; int first_launch; int launches; };


            """);
        var kernels = hlsTops
            ? design.Plan.Groups.Select(g => g.Top).ToList()
            : design.Plan.Groups.SelectMany(g => g.Stages.Select(k => k.Name)).ToList();
        sb.Append(inv, $"#define FG_NUM_KERNELS {kernels.Count}\n");
        sb.Append("static const char* const fg_kernel_names[] = {").Append(string.Join(", ", kernels.Select(CNames.StringLiteral))).Append("};\n\n");

        var launches = new List<(string Kernel, int Args)>();
        var steps = new List<(string Name, string Layers, int First, int Count)>();
        foreach (var step in net.Steps)
        {
            var group = design.Planned.GroupFor(step);
            var calls = hlsTops ? [(group.Top, group.TopParams)] : group.Stages.Select(k => (k.Name, k.Params)).ToList();
            var first = launches.Count;
            foreach (var (kernel, parameters) in calls)
            {
                var args = PortableProgramBuilder.Arguments(parameters, step).Select(a => a switch
                {
                    BufferArg b => $"{{1, {(b.Buffer == "weights" ? "FG_BUF_WEIGHTS" : "FG_BUF_ACTIVATIONS")}}}",
                    IntArg n => $"{{0, {n.Value}}}",
                    _ => throw new InvalidOperationException(),
                }).ToList();
                sb.Append(inv, $"static const fg_arg fg_args_{launches.Count}[] = {{{string.Join(", ", args)}}};\n");
                launches.Add((kernel, args.Count));
            }
            steps.Add((step.Name, string.Join(" ", step.Layers), first, launches.Count - first));
        }
        sb.Append(inv, $"\n#define FG_NUM_LAUNCHES {launches.Count}\nstatic const fg_launch fg_launches[] = {{\n");
        for (var i = 0; i < launches.Count; i++)
            sb.Append(inv, $"    {{{CNames.StringLiteral(launches[i].Kernel)}, {launches[i].Args}, fg_args_{i}}},\n");
        sb.Append("};\n\n");
        sb.Append(inv, $"#define FG_NUM_STEPS {steps.Count}\nstatic const fg_step fg_steps[] = {{\n");
        foreach (var (name, layers, first, count) in steps)
            sb.Append(inv, $"    {{{CNames.StringLiteral(name)}, {CNames.StringLiteral(layers)}, {first}, {count}}},\n");
        sb.Append("};\n\n#endif\n");
        return sb.ToString();
    }
}
