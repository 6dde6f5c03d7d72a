/* FpgaGen launch plan for TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1. Generated: edit the design, not this file. */
#ifndef FPGAGEN_PLAN_H
#define FPGAGEN_PLAN_H

#define FG_PLATFORM_HINT "Xilinx"
#define FG_BATCH 1
#define FG_COMPUTE_UNITS 1
#define FG_ELEMENT_BYTES 1
#define FG_FIXED 1
#define FG_QMAX 127
#define FG_ACTIVATION_BYTES 24576LL
#define FG_WEIGHTS_BYTES 16384LL
#define FG_WEIGHTS_ALLOC_BYTES 16384LL
#define FG_HEADER_OFFSET 0
#define FG_INPUT_OFFSET 0LL
#define FG_INPUT_COUNT 3072
#define FG_OUTPUT_OFFSET 0LL
#define FG_OUTPUT_COUNT 10
#define FG_BUF_ACTIVATIONS 0
#define FG_BUF_WEIGHTS 1

struct fg_arg { int buffer; int value; };            /* buffer: value is FG_BUF_*; else an int argument */
struct fg_launch { const char* kernel; int nargs; const fg_arg* args; };
struct fg_step { const char* name; const char* layers; int first_launch; int launches; };

#define FG_NUM_KERNELS 3
static const char* const fg_kernel_names[] = {"conv_tiled_top", "vu_map_top", "vu_pool_top"};

static const fg_arg fg_args_0[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 16}, {0, 3}, {0, 32}, {0, 32}, {0, 32}, {0, 32}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 3072}, {0, 3072}, {0, 1024}, {0, 32}, {0, 1}, {0, 64}, {0, 0}, {0, 576}, {0, 576}, {0, 0}, {0, 64}, {0, 4}, {0, 3072}, {0, 16384}, {0, 16384}, {0, 1024}, {0, 32}, {0, 1}, {0, 160}, {0, 1}, {0, 0}, {0, 176}, {0, 192}, {0, 0}};
static const fg_arg fg_args_1[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 16}, {0, 32}, {0, 32}, {0, 16}, {0, 16}, {0, 2}, {0, 2}, {0, 2}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 3072}, {0, 224}, {0, 19456}};
static const fg_arg fg_args_2[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 32}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 19456}, {0, 4096}, {0, 4096}, {0, 256}, {0, 16}, {0, 1}, {0, 960}, {0, 0}, {0, 4608}, {0, 2304}, {0, 0}, {0, 64}, {0, 4}, {0, 0}, {0, 8192}, {0, 8192}, {0, 256}, {0, 16}, {0, 1}, {0, 1392}, {0, 1}, {0, 0}, {0, 1424}, {0, 1440}, {0, 0}};
static const fg_arg fg_args_3[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 32}, {0, 32}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 8192}, {0, 8192}, {0, 256}, {0, 16}, {0, 1}, {0, 5824}, {0, 0}, {0, 9216}, {0, 4608}, {0, 0}, {0, 64}, {0, 4}, {0, 8192}, {0, 8192}, {0, 8192}, {0, 256}, {0, 16}, {0, 1}, {0, 3760}, {0, 1}, {0, 0}, {0, 3792}, {0, 3808}, {0, 0}};
static const fg_arg fg_args_4[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 1}, {0, 8192}, {0, 5}, {0, 8192}, {0, 8192}, {0, 0}, {0, 0}, {0, 1}, {0, 0}, {0, 8192}, {0, 0}, {0, 0}, {0, 1}, {0, 3840}, {0, 16384}, {0, 8192}, {0, 0}, {0, 0}, {0, 1}, {0, 1}};
static const fg_arg fg_args_5[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 32}, {0, 16}, {0, 16}, {0, 8}, {0, 8}, {0, 2}, {0, 2}, {0, 2}, {0, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 16384}, {0, 3872}, {0, 0}};
static const fg_arg fg_args_6[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 32}, {0, 8}, {0, 8}, {0, 1}, {0, 1}, {0, 8}, {0, 8}, {0, 8}, {0, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 0}, {0, 3904}, {0, 2048}};
static const fg_arg fg_args_7[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 10}, {0, 32}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 1}, {0, 0}, {0, 2048}, {0, 32}, {0, 0}, {0, 1}, {0, 0}, {0, 32}, {0, 15680}, {0, 0}, {0, 512}, {0, 512}, {0, 0}, {0, 64}, {0, 4}, {0, 0}, {0, 10}, {0, 0}, {0, 1}, {0, 0}, {0, 10}, {0, 4048}, {0, 0}, {0, 0}, {0, 4064}, {0, 4080}, {0, 0}};

#define FG_NUM_LAUNCHES 8
static const fg_launch fg_launches[] = {
    {"conv_tiled_top", 46, fg_args_0},
    {"vu_pool_top", 20, fg_args_1},
    {"conv_tiled_top", 46, fg_args_2},
    {"conv_tiled_top", 46, fg_args_3},
    {"vu_map_top", 27, fg_args_4},
    {"vu_pool_top", 20, fg_args_5},
    {"vu_pool_top", 20, fg_args_6},
    {"conv_tiled_top", 46, fg_args_7},
};

#define FG_NUM_STEPS 8
static const fg_step fg_steps[] = {
    {"conv1", "conv1 relu1", 0, 1},
    {"maxpool1", "maxpool1", 1, 1},
    {"conv2", "conv2 bn2 relu2", 2, 1},
    {"conv3", "conv3 relu3", 3, 1},
    {"add1", "add1", 4, 1},
    {"avgpool1", "avgpool1", 5, 1},
    {"global_avgpool1", "global_avgpool1", 6, 1},
    {"fc", "fc", 7, 1},
};

#endif
