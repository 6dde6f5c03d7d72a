/*
 * Lets a plain OpenCL C compiler check the syntax and types of aoc sources (used by `make check` and by FpgaGen's
 * tests): clang -cl-std=CL2.0 -fsyntax-only -Xclang -finclude-default-header -include intel_syntax_shim.h \
 *       -Wno-unknown-attributes -Wno-ignored-pragmas -Wno-unknown-pragmas fpgagen.cl
 * A channel becomes a program-scope global variable (allowed from OpenCL C 2.0 on) of the channel's type, a read a
 * load of it and a write a store to it, so element types, channel names and argument counts are checked as aoc
 * would check them. Intel-only attributes (depth, max_global_work_dim, autorun) are then merely unknown attributes.
 */
#ifndef FPGAGEN_INTEL_SYNTAX_SHIM_H
#define FPGAGEN_INTEL_SYNTAX_SHIM_H
#define channel __global
#define read_channel_intel(c) (c)
#define write_channel_intel(c, v) ((void)((c) = (v)))
#define read_channel_nb_intel(c, ok) ((*(ok) = true), (c))
#define write_channel_nb_intel(c, v) (((c) = (v)), true)
#endif
