namespace FpgaGen.Tests.Toolchains;

/// <summary>
/// Report samples from docs/vendor-formats.md. Where the doc abridges a sample ("..."), the gap is filled with rows
/// of the same shape and the comment says so; everything else is verbatim.
/// </summary>
public static class Samples
{
    /// <summary>Verbatim (§1.2, real file [S1]).</summary>
    public const string QuartusReport = """
        ALUTs: 107051
        Registers: 124,820
        Logic utilization: 82,696 / 427,200 ( 19 % )
        I/O pins: 305 / 826 ( 37 % )
        DSP blocks: 1 / 1,518 ( < 1 % )
        Memory bits: 2,635,032 / 55,562,240 ( 5 % )
        RAM blocks: 343 / 2,713 ( 13 % )
        Actual clock freq: 234
        Kernel fmax: 234.85
        1x clock fmax: 260.75
        2x clock fmax: 469.7
        Highest non-global fanout: 26696

        """;

    /// <summary>
    /// The summary.json excerpt of §1.2 (leading-comma pretty print, trailing-space column names, Total and Available
    /// rows verbatim) with the elided kernel list filled by the one kernel row the excerpt shows.
    /// </summary>
    public const string SummaryJson = """
        {
          "performanceSummary":
          {
            "name":"Kernel Summary"
            , "columns":
            ["Kernel Name","Kernel Type","Autorun","Workgroup Size","# Compute Units"]
            , "children":
            [
              {
                "name":"convolution"
                , "data":["Single work-item","Yes",[1,1,1],32]
              }
            ]
          }
          , "estimatedResources":
          {
            "name":"Estimated Resource Usage"
            , "columns":
            ["Kernel Name", "ALUTs ", "FFs  ", "RAMs ", "DSPs "]
            , "children":
            [
              {"name":"convolution (x32)", "data":[114843, 169820, 0, 320]}
              , {
                "name":"Total"
                , "classes":
                ["summary-highlight", "nohover"]
                , "data":
                [246188, 486089, 946, 320]
                , "data_percent":
                [33.2462, 32.8217, 40.4966, 21.0804]
              }
              , { "name":"Available", "classes":["summary-highlight", "nohover"], "data": [740500, 1481000, 2336, 1518] }
            ]
          }
          , "compileWarnings":
          {
            "name":"Compile Warnings"
            , "children":
            [
            ]
          }
        }
        """;

    /// <summary>The collapsed area.json of §1.2 with its "..." removed, plus one kernel node of the same shape.</summary>
    public const string AreaJson = """
        {"columns":["", "ALUTs", "FFs", "RAMs", "DSPs", "Details"], "debug_enabled":"true", "type":"module",
         "total_percent":[64.0971, 33.2462, 32.8217, 40.4966, 21.0804], "total":[246188, 486089, 946, 320],
         "name":"Kernel System", "max_resources":[740500, 1481000, 2336, 1518],
         "children":[{"name":"Static Partition","type":"partition","children":[{"name":"Board interface","type":"resource","data":[113900, 227800, 377, 0]}]},
          {"name":"convolution_0_0_0", "compute_units":1, "type":"function", "total_kernel_resources":[3896, 5460, 0, 10],
           "children":[{"name":"Private Variable: \n - 'buffer' (conv3-64.cl:70)", "type":"resource", "data":[52, 330, 0, 0]}]}]}
        """;

    /// <summary>loops.json assembled from the §1.2 pieces: the columns, a kernel node and loop rows.</summary>
    public const string LoopsJson = """
        {
          "columns":
          ["", "Pipelined", "II", "Bottleneck", "Details"]
          , "children":
          [
            {
              "name":"Kernel: weight_loader"
              , "data":["","",""]
              , "children":
              [
                {"name":"weight_loader.B1", "data":["Yes","~1","n/a"], "children":[]}
                , {"name":"weight_loader.B2", "data":["Yes",">=1","n/a"], "children":
                  [
                    {"name":"Fully unrolled loop", "data":["n/a","n/a","n/a"], "children":[]}
                  ]}
              ]
            }
            , {
              "name":"Kernel: result_unloader"
              , "data":["","",""]
              , "children":
              [
                {"name":"result_unloader.B1","data":["Yes","~1","n/a"]}
                , {"name":"result_unloader.B2","data":["Yes","4","Memory dependency"]}
              ]
            }
          ]
        }
        """;

    /// <summary>The info.json excerpt of §1.2, closed after the rows it shows.</summary>
    public const string InfoJson = """
        {"name":"Info","rows":[
        {"name":"Project Name","data":["conv3_64"],"classes":["info-table"]},
        {"name":"AOC Version","data":["17.1.1 Build 273"]}
        ]}
        """;

    /// <summary>Verbatim (§2.2, real 2020.2 file [S6], abridged by the doc; "..." is element text, so still XML).</summary>
    public const string Csynth2020_2 = """
        <profile>
            <ReportVersion><Version>2020.2</Version></ReportVersion>
            <UserAssignments>
                <unit>ns</unit><ProductFamily>zynquplus</ProductFamily><Part>xczu7ev-ffvc1156-2-e</Part>
                <TopModelName>gaussian</TopModelName><TargetClockPeriod>10.00</TargetClockPeriod>
                <ClockUncertainty>2.70</ClockUncertainty><FlowTarget>vivado</FlowTarget>
            </UserAssignments>
            <PerformanceEstimates>
                <PipelineType>none</PipelineType>
                <SummaryOfTimingAnalysis><unit>ns</unit><EstimatedClockPeriod>6.427</EstimatedClockPeriod></SummaryOfTimingAnalysis>
                <SummaryOfOverallLatency>
                    <unit>clock cycles</unit><Best-caseLatency>262673</Best-caseLatency><Average-caseLatency>262673</Average-caseLatency>
                    <Worst-caseLatency>262673</Worst-caseLatency><Best-caseRealTimeLatency>2.627 ms</Best-caseRealTimeLatency>
                    <Interval-min>262674</Interval-min><Interval-max>262674</Interval-max>
                </SummaryOfOverallLatency>
                <SummaryOfLoopLatency><for_y_for_x><TripCount>262144</TripCount><Latency>262146</Latency>
                    <AbsoluteTimeLatency>2621460</AbsoluteTimeLatency><PipelineII>1</PipelineII><PipelineDepth>4</PipelineDepth></for_y_for_x></SummaryOfLoopLatency>
            </PerformanceEstimates>
            <AreaEstimates>
                <Resources><BRAM_18K>3</BRAM_18K><FF>976</FF><LUT>1870</LUT><DSP>0</DSP><URAM>0</URAM></Resources>
                <AvailableResources><BRAM_18K>624</BRAM_18K><DSP>1728</DSP><FF>460800</FF><LUT>230400</LUT><URAM>96</URAM></AvailableResources>
            </AreaEstimates>
            <InterfaceSummary><RtlPorts>...</RtlPorts></InterfaceSummary>
        </profile>
        """;

    /// <summary>
    /// A Vivado HLS 2020.1 report in the shape §2.2 describes for the hls4ml fixture: no indentation, no FlowTarget,
    /// PipelineType dataflow, DataflowPipelineThroughput, &lt;DSP48E&gt; (numbers are ours), undef loop latency.
    /// </summary>
    public const string Csynth2020_1 =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile>\n<ReportVersion>\n<Version>2020.1</Version>\n</ReportVersion>\n" +
        "<UserAssignments>\n<unit>ns</unit>\n<ProductFamily>virtexuplus</ProductFamily>\n<Part>xcvu9p-flgb2104-2-e</Part>\n" +
        "<TopModelName>myproject</TopModelName>\n<TargetClockPeriod>5.00</TargetClockPeriod>\n<ClockUncertainty>0.62</ClockUncertainty>\n</UserAssignments>\n" +
        "<PerformanceEstimates>\n<PipelineType>dataflow</PipelineType>\n<SummaryOfTimingAnalysis>\n<unit>ns</unit>\n<EstimatedClockPeriod>4.049</EstimatedClockPeriod>\n</SummaryOfTimingAnalysis>\n" +
        "<SummaryOfOverallLatency>\n<unit>clock cycles</unit>\n<Best-caseLatency>9</Best-caseLatency>\n<Average-caseLatency>11</Average-caseLatency>\n<Worst-caseLatency>13</Worst-caseLatency>\n" +
        "<Interval-min>3</Interval-min>\n<Interval-max>5</Interval-max>\n<DataflowPipelineThroughput>3</DataflowPipelineThroughput>\n</SummaryOfOverallLatency>\n" +
        "<SummaryOfLoopLatency>\n<Loop1>\n<TripCount>undef</TripCount>\n<Latency>undef</Latency>\n<PipelineII>-</PipelineII>\n" +
        "<Loop1.1>\n<TripCount>8</TripCount>\n<Latency>10</Latency>\n<PipelineII>1</PipelineII>\n<PipelineDepth>3</PipelineDepth>\n</Loop1.1>\n</Loop1>\n</SummaryOfLoopLatency>\n" +
        "</PerformanceEstimates>\n<AreaEstimates>\n<Resources>\n<BRAM_18K>2</BRAM_18K>\n<DSP48E>73</DSP48E>\n<FF>7032</FF>\n<LUT>21374</LUT>\n<URAM>0</URAM>\n</Resources>\n" +
        "<AvailableResources>\n<BRAM_18K>4320</BRAM_18K>\n<DSP48E>6840</DSP48E>\n<FF>2364480</FF>\n<LUT>1182240</LUT>\n<URAM>960</URAM>\n</AvailableResources>\n</AreaEstimates>\n</profile>\n";

    /// <summary>
    /// The system_estimate tables of §2.1, verbatim as the doc gives them: the Timing table keeps its dashed
    /// underline, the Latency and Area tables lost theirs in the excerpt (so columns come from the header).
    /// </summary>
    public const string SystemEstimateAbridged = """
        Design Name:             pi_container
        Target Device:           xilinx:u250:xdma:201830.2
        Target Clock:            300.000000MHz
        Total number of kernels: 1
        ...
        Timing Information (MHz)
        Compute Unit  Kernel Name  Module Name                    Target Frequency  Estimated Frequency
        ------------  -----------  -----------------------------  ----------------  -------------------
        krnl_Tree_1   krnl_Tree    krnl_Tree                      300.300293        213.492737

        Latency Information
        Compute Unit  Kernel Name  Module Name  Start Interval  Best (cycles)  Avg (cycles)  Worst (cycles)  Best (absolute)  Avg (absolute)  Worst (absolute)
        krnl_Tree_1   krnl_Tree    p_get...     162 ~ 770       162            429           770             0.540 us         1.430 us        2.566 us
        krnl_Tree_1   krnl_Tree    krnl_Tree    undef           undef          undef         undef           undef            undef           undef

        Area Information
        Compute Unit  Kernel Name  Module Name                    FF     LUT    DSP  BRAM  URAM
        krnl_Tree_1   krnl_Tree    krnl_Tree                      22036  31772  0    5     0

        """;

    /// <summary>A full-layout system_estimate (every table underlined, as v++ 2020.2 writes them) with two kernels.</summary>
    public const string SystemEstimateFull = """
        ===============================================================================
        Version:    v++ v2020.2 (64-bit)
        ===============================================================================

        -------------------------------------------------------------------------------
        Design Name:             vadd
        Target Device:           xilinx:u250:xdma:201830.2
        Target Clock:            300.000000MHz
        Total number of kernels: 2
        -------------------------------------------------------------------------------

        Kernel Summary
        Kernel Name  Type  Target              OpenCL Library  Compute Units
        -----------  ----  ------------------  --------------  -------------
        conv         c     fpga0:OCL_REGION_0  vadd            1
        pool         c     fpga0:OCL_REGION_0  vadd            1


        -------------------------------------------------------------------------------
        OpenCL Binary:     vadd
        Kernels mapped to: clc_region

        Timing Information (MHz)
        Compute Unit  Kernel Name  Module Name  Target Frequency  Estimated Frequency
        ------------  -----------  -----------  ----------------  -------------------
        conv_1        conv         conv_loop    300.300293        411.015198
        conv_1        conv         conv         300.300293        286.615082
        pool_1        pool         pool         300.300293        350.5

        Latency Information
        Compute Unit  Kernel Name  Module Name  Start Interval  Best (cycles)  Avg (cycles)  Worst (cycles)  Best (absolute)  Avg (absolute)  Worst (absolute)
        ------------  -----------  -----------  --------------  -------------  ------------  --------------  ---------------  --------------  ----------------
        conv_1        conv         conv         162 ~ 770       162            429           770             0.540 us         1.430 us        2.566 us
        pool_1        pool         pool         undef           undef          undef         undef           undef            undef           undef

        Area Information
        Compute Unit  Kernel Name  Module Name  FF     LUT    DSP  BRAM  URAM
        ------------  -----------  -----------  -----  -----  ---  ----  ----
        conv_1        conv         conv_loop    997    2528   0    0     0
        conv_1        conv         conv         22036  31772  16   5     0
        pool_1        pool         pool         4030   3155   0    1     2
        -------------------------------------------------------------------------------

        """;

    /// <summary>C-simulation logs with the markers of §2.2.</summary>
    public const string CsimPassVitis = """
        INFO: [SIM 211-2] *************** CSIM start ***************
        INFO: [SIM 211-4] CSIM will launch GCC as the compiler.
           Compiling ../../../../tb.cpp in debug mode
           Generating csim.exe
        Test passed
        INFO: [SIM 211-1] CSim done with 0 errors.
        INFO: [SIM 211-3] *************** CSIM finish ***************
        """;

    public const string CsimPassVivado = "INFO: [SIM 1] CSim done with 0 errors.\n";

    public const string CsimFail = """
        INFO: [SIM 211-2] *************** CSIM start ***************
        y[2] = 0.142282, expected 0.142382  FAIL
        @E Simulation failed: Function 'main' returns nonzero value '1'.
        ERROR: [SIM 211-100] 'csim_design' failed: nonzero return value.
        INFO: [SIM 211-3] *************** CSIM finish ***************
        """;
}
