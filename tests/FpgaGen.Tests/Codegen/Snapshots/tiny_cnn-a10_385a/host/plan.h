/* FpgaGen launch plan for TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1. Generated: edit the design, not this file. */
#ifndef FPGAGEN_PLAN_H
#define FPGAGEN_PLAN_H

#define FG_PLATFORM_HINT "Intel(R) FPGA"
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

#define FG_NUM_KERNELS 9
static const char* const fg_kernel_names[] = {"conv_tiled_read", "conv_tiled_compute", "conv_tiled_write", "vu_map_read", "vu_map_compute", "vu_map_write", "vu_pool_read", "vu_pool_compute", "vu_pool_write"};

static const fg_arg fg_args_0[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {0, 1}, {0, 1}, {0, 16}, {0, 3}, {0, 32}, {0, 32}, {0, 32}, {0, 32}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 3072}, {0, 3072}, {0, 1024}, {0, 32}, {0, 1}, {0, 64}, {0, 0}, {0, 576}, {0, 576}, {0, 0}, {0, 64}, {0, 4}};
static const fg_arg fg_args_1[] = {{0, 1}, {0, 1}, {0, 16}, {0, 3}, {0, 32}, {0, 32}, {0, 32}, {0, 32}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 4}};
static const fg_arg fg_args_2[] = {{1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 16}, {0, 3}, {0, 32}, {0, 32}, {0, 32}, {0, 32}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 3072}, {0, 16384}, {0, 16384}, {0, 1024}, {0, 32}, {0, 1}, {0, 160}, {0, 1}, {0, 0}, {0, 176}, {0, 192}, {0, 0}};
static const fg_arg fg_args_3[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {0, 1}, {0, 16}, {0, 32}, {0, 32}, {0, 16}, {0, 16}, {0, 2}, {0, 2}, {0, 2}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 3072}, {0, 224}};
static const fg_arg fg_args_4[] = {{0, 1}, {0, 16}, {0, 16}, {0, 16}, {0, 2}, {0, 2}, {0, 0}, {0, 0}};
static const fg_arg fg_args_5[] = {{1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 16}, {0, 16}, {0, 16}, {0, 0}, {0, 19456}, {0, 224}};
static const fg_arg fg_args_6[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {0, 1}, {0, 1}, {0, 32}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 19456}, {0, 4096}, {0, 4096}, {0, 256}, {0, 16}, {0, 1}, {0, 960}, {0, 0}, {0, 4608}, {0, 2304}, {0, 0}, {0, 64}, {0, 4}};
static const fg_arg fg_args_7[] = {{0, 1}, {0, 1}, {0, 32}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 4}};
static const fg_arg fg_args_8[] = {{1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 32}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 8192}, {0, 8192}, {0, 256}, {0, 16}, {0, 1}, {0, 1392}, {0, 1}, {0, 0}, {0, 1424}, {0, 1440}, {0, 0}};
static const fg_arg fg_args_9[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {0, 1}, {0, 1}, {0, 32}, {0, 32}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 8192}, {0, 8192}, {0, 256}, {0, 16}, {0, 1}, {0, 5824}, {0, 0}, {0, 9216}, {0, 4608}, {0, 0}, {0, 64}, {0, 4}};
static const fg_arg fg_args_10[] = {{0, 1}, {0, 1}, {0, 32}, {0, 32}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 4}};
static const fg_arg fg_args_11[] = {{1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 32}, {0, 32}, {0, 16}, {0, 16}, {0, 16}, {0, 16}, {0, 3}, {0, 3}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 8192}, {0, 8192}, {0, 8192}, {0, 256}, {0, 16}, {0, 1}, {0, 3760}, {0, 1}, {0, 0}, {0, 3792}, {0, 3808}, {0, 0}};
static const fg_arg fg_args_12[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {0, 1}, {0, 1}, {0, 1}, {0, 8192}, {0, 5}, {0, 8192}, {0, 8192}, {0, 0}, {0, 0}, {0, 1}, {0, 0}, {0, 8192}, {0, 0}, {0, 0}, {0, 1}, {0, 3840}};
static const fg_arg fg_args_13[] = {{0, 1}, {0, 1}, {0, 1}, {0, 8192}, {0, 5}};
static const fg_arg fg_args_14[] = {{1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 1}, {0, 8192}, {0, 5}, {0, 16384}, {0, 8192}, {0, 0}, {0, 0}, {0, 1}, {0, 1}, {0, 3840}};
static const fg_arg fg_args_15[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {0, 1}, {0, 32}, {0, 16}, {0, 16}, {0, 8}, {0, 8}, {0, 2}, {0, 2}, {0, 2}, {0, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 16384}, {0, 3872}};
static const fg_arg fg_args_16[] = {{0, 1}, {0, 32}, {0, 8}, {0, 8}, {0, 2}, {0, 2}, {0, 1}, {0, 0}};
static const fg_arg fg_args_17[] = {{1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 32}, {0, 8}, {0, 8}, {0, 0}, {0, 0}, {0, 3872}};
static const fg_arg fg_args_18[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {0, 1}, {0, 32}, {0, 8}, {0, 8}, {0, 1}, {0, 1}, {0, 8}, {0, 8}, {0, 8}, {0, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 0}, {0, 3904}};
static const fg_arg fg_args_19[] = {{0, 1}, {0, 32}, {0, 1}, {0, 1}, {0, 8}, {0, 8}, {0, 1}, {0, 0}};
static const fg_arg fg_args_20[] = {{1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 32}, {0, 1}, {0, 1}, {0, 0}, {0, 2048}, {0, 3904}};
static const fg_arg fg_args_21[] = {{1, FG_BUF_ACTIVATIONS}, {1, FG_BUF_WEIGHTS}, {0, 1}, {0, 1}, {0, 10}, {0, 32}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 1}, {0, 0}, {0, 2048}, {0, 32}, {0, 0}, {0, 1}, {0, 0}, {0, 32}, {0, 15680}, {0, 0}, {0, 512}, {0, 512}, {0, 0}, {0, 64}, {0, 4}};
static const fg_arg fg_args_22[] = {{0, 1}, {0, 1}, {0, 10}, {0, 32}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 1}, {0, 0}, {0, 4}};
static const fg_arg fg_args_23[] = {{1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_WEIGHTS}, {1, FG_BUF_ACTIVATIONS}, {0, 1}, {0, 1}, {0, 10}, {0, 32}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 10}, {0, 0}, {0, 1}, {0, 0}, {0, 10}, {0, 4048}, {0, 0}, {0, 0}, {0, 4064}, {0, 4080}, {0, 0}};

#define FG_NUM_LAUNCHES 24
static const fg_launch fg_launches[] = {
    {"conv_tiled_read", 30, fg_args_0},
    {"conv_tiled_compute", 16, fg_args_1},
    {"conv_tiled_write", 31, fg_args_2},
    {"vu_pool_read", 17, fg_args_3},
    {"vu_pool_compute", 8, fg_args_4},
    {"vu_pool_write", 9, fg_args_5},
    {"conv_tiled_read", 30, fg_args_6},
    {"conv_tiled_compute", 16, fg_args_7},
    {"conv_tiled_write", 31, fg_args_8},
    {"conv_tiled_read", 30, fg_args_9},
    {"conv_tiled_compute", 16, fg_args_10},
    {"conv_tiled_write", 31, fg_args_11},
    {"vu_map_read", 19, fg_args_12},
    {"vu_map_compute", 5, fg_args_13},
    {"vu_map_write", 14, fg_args_14},
    {"vu_pool_read", 17, fg_args_15},
    {"vu_pool_compute", 8, fg_args_16},
    {"vu_pool_write", 9, fg_args_17},
    {"vu_pool_read", 17, fg_args_18},
    {"vu_pool_compute", 8, fg_args_19},
    {"vu_pool_write", 9, fg_args_20},
    {"conv_tiled_read", 30, fg_args_21},
    {"conv_tiled_compute", 16, fg_args_22},
    {"conv_tiled_write", 31, fg_args_23},
};

#define FG_NUM_STEPS 8
static const fg_step fg_steps[] = {
    {"conv1", "conv1 relu1", 0, 3},
    {"maxpool1", "maxpool1", 3, 3},
    {"conv2", "conv2 bn2 relu2", 6, 3},
    {"conv3", "conv3 relu3", 9, 3},
    {"add1", "add1", 12, 3},
    {"avgpool1", "avgpool1", 15, 3},
    {"global_avgpool1", "global_avgpool1", 18, 3},
    {"fc", "fc", 21, 3},
};

#endif
