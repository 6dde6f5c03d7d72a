/*
 * FpgaGen HLS support header. Under Vitis HLS it includes the vendor headers; anywhere else (g++ for C simulation) it
 * supplies the few pieces the kernels use: hls::stream (an unbounded FIFO, which is what C simulation of a DATAFLOW
 * region needs, since the processes run one after another), the math functions, and the data types. Fixed-point
 * data are plain int8_t/int16_t with int32/int64 accumulators, so no ap_int/ap_fixed emulation is needed.
 */
#ifndef FPGAGEN_HLS_H
#define FPGAGEN_HLS_H

#include <cstdint>
#include <cstddef>

#if defined(__SYNTHESIS__) || defined(FG_USE_VITIS_HEADERS) || __has_include(<hls_stream.h>)
#include <hls_stream.h>
#include <hls_math.h>
#include <hls_half.h>
#include <ap_int.h>
/* One DSP48E2 multiplier, 27 x 18 bits (UG579): the operand widths say so to the tool. */
#define FG_PAIR_MUL(a, w) ((long long)((ap_int<18>)(a) * (ap_int<27>)(w)))
#define FG_EXP(v) hls::exp(v)
#define FG_ERF(v) hls::erf(v)
#define FG_SQRT(v) hls::sqrt(v)
#define FG_FLOOR(v) hls::floor(v)
#define FG_RINT(v) hls::rint(v)
#else
#include <cmath>
#include <deque>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace hls {
/* C-simulation stream: FIFO order, unbounded, reading an empty stream is a testbench error. */
template <typename T>
class stream {
public:
    stream() = default;
    explicit stream(const char* name) : name_(name) {}
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;
    void write(const T& v) { items_.push_back(v); }
    T read()
    {
        if (items_.empty()) {
            std::fprintf(stderr, "hls::stream '%s' read while empty (producer and consumer disagree on the item count)\n", name_.c_str());
            std::abort();
        }
        T v = items_.front();
        items_.pop_front();
        return v;
    }
    bool empty() const { return items_.empty(); }
    std::size_t size() const { return items_.size(); }

private:
    std::deque<T> items_;
    std::string name_ = "stream";
};
} // namespace hls

typedef _Float16 half;
#define FG_EXP(v) std::exp(v)
#define FG_ERF(v) std::erf(v)
#define FG_SQRT(v) std::sqrt(v)
#define FG_FLOOR(v) std::floor(v)
#define FG_RINT(v) std::rint(v)
#define FG_PAIR_MUL(a, w) ((long long)(a) * (long long)(w))
#endif

#define FG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define FG_MAX(a, b) ((a) > (b) ? (a) : (b))
#define FG_NEG_BIG (-3.0e38f)
#define FG_INLINE static inline

#define CH_READ(c) (c).read()
#define CH_WRITE(c, v) (c).write(v)

#endif
