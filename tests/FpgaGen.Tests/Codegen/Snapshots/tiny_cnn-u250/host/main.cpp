/*
 * FpgaGen host program (OpenCL 1.2 host API; works with the Intel FPGA runtime and with XRT's OpenCL layer).
 *
 *   host <kernels.aocx|.xclbin> <weights.bin> [input.f32] [output.f32]
 *
 * Loads the FPGA image, the weights (packed by tools/pack_weights.py as weights.json describes), one batch of input
 * (FG_COMPUTE_UNITS x FG_BATCH samples)
 * in raw float32 in the network's input layout (a fixed test pattern without the argument), runs every step of the
 * network in order (plan.h, generated with the design: kernel names and every argument), times each step, writes the
 * output as float32 and prints the top classes of each sample.
 *
 * The kernels of a step run together, each on its own command queue: on Intel devices a step is a reader, a compute
 * kernel and a writer connected by channels, which only make progress when all three run. Each step is timed twice:
 * on the host clock and from the kernels' profiling events (first start to last end).
 *
 * With FG_COMPUTE_UNITS > 1 (Vitis cards with SLRs) the FPGA image holds that many identical copies of the kernels,
 * named <top>_1, <top>_2, ... in link.cfg; each copy has its own buffers in its own banks and runs FG_BATCH samples
 * of the input, and the copies run every step at the same time. Kernels of copy u are taken by XRT's
 * "<top>:{<top>_u}" name.
 *
 * Host buffers are 4 KiB aligned: XRT and the Intel runtime DMA straight from aligned memory and copy otherwise
 * (UG1393 "Data Alignment"; Intel FPGA SDK for OpenCL Best Practices, 64-byte alignment).
 */
#define CL_TARGET_OPENCL_VERSION 120
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "plan.h"

static void check(cl_int status, const char* what)
{
    if (status != CL_SUCCESS) {
        std::fprintf(stderr, "error: %s failed with OpenCL status %d\n", what, status);
        std::exit(1);
    }
}

/* A page-aligned host buffer (freed with std::free). */
struct aligned_bytes {
    unsigned char* data = nullptr;
    size_t size = 0;
    explicit aligned_bytes(size_t n) : size(n)
    {
        const size_t rounded = (n + 4095) / 4096 * 4096;
        data = static_cast<unsigned char*>(std::aligned_alloc(4096, rounded == 0 ? 4096 : rounded));
        if (data == nullptr) { std::fprintf(stderr, "error: out of host memory (%zu bytes)\n", n); std::exit(1); }
    }
    ~aligned_bytes() { std::free(data); }
    aligned_bytes(const aligned_bytes&) = delete;
    aligned_bytes& operator=(const aligned_bytes&) = delete;
};

static std::vector<unsigned char> read_file(const char* path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "error: cannot read %s\n", path);
        std::exit(1);
    }
    return std::vector<unsigned char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/* IEEE half from float, rounding to nearest even (for float16 designs). */
static uint16_t to_half(float f)
{
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u;
    int32_t exp = (int32_t)((x >> 23) & 0xff) - 127 + 15;
    uint32_t mant = x & 0x7fffffu;
    if (((x >> 23) & 0xff) == 0xff) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0));
    if (exp >= 31) return (uint16_t)(sign | 0x7c00u);
    if (exp <= 0) {
        if (exp < -10) return (uint16_t)sign;
        mant |= 0x800000u;
        const uint32_t shift = (uint32_t)(14 - exp);
        uint32_t h = mant >> shift;
        const uint32_t rest = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rest > half || (rest == half && (h & 1))) h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = ((uint32_t)exp << 10) | (mant >> 13);
    const uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

static float from_half(uint16_t h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ffu, x;
    if (exp == 0) {
        if (mant == 0) x = sign;
        else {
            exp = 127 - 15 + 1;
            while (!(mant & 0x400u)) { mant <<= 1; exp--; }
            x = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
        }
    } else if (exp == 31) x = sign | 0x7f800000u | (mant << 13);
    else x = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    float f;
    std::memcpy(&f, &x, 4);
    return f;
}

/* Real values to the data type: fixed point with the input scale from the weights header (round half up, saturate). */
static void encode(const std::vector<float>& v, float scale, unsigned char* out)
{
    for (size_t i = 0; i < v.size(); i++) {
        if (FG_FIXED) {
            double q = std::floor(v[i] / scale + 0.5);
            q = std::min(std::max(q, (double)-FG_QMAX - 1), (double)FG_QMAX);
            if (FG_ELEMENT_BYTES == 1) { const int8_t b = (int8_t)q; std::memcpy(out + i, &b, 1); }
            else { const int16_t s = (int16_t)q; std::memcpy(out + 2 * i, &s, 2); }
        } else if (FG_ELEMENT_BYTES == 2) {
            const uint16_t h = to_half(v[i]);
            std::memcpy(out + 2 * i, &h, 2);
        } else {
            std::memcpy(out + 4 * i, &v[i], 4);
        }
    }
}

static std::vector<float> decode(const unsigned char* in, size_t n, float scale)
{
    std::vector<float> v(n);
    for (size_t i = 0; i < n; i++) {
        if (FG_FIXED && FG_ELEMENT_BYTES == 1) { int8_t b; std::memcpy(&b, in + i, 1); v[i] = b * scale; }
        else if (FG_FIXED) { int16_t s; std::memcpy(&s, in + 2 * i, 2); v[i] = s * scale; }
        else if (FG_ELEMENT_BYTES == 2) { uint16_t h; std::memcpy(&h, in + 2 * i, 2); v[i] = from_half(h); }
        else std::memcpy(&v[i], in + 4 * i, 4);
    }
    return v;
}

/*
 * The first platform whose name contains the vendor hint (any platform if none does), and its first device. Intel's
 * emulation platform also contains the hint: it is taken only when the emulator is asked for (make run-emu sets
 * CL_CONTEXT_EMULATOR_DEVICE_INTELFPGA), so a board run never lands on it by accident.
 */
static cl_device_id pick_device(cl_platform_id* platform_out)
{
    cl_uint n = 0;
    check(clGetPlatformIDs(0, nullptr, &n), "clGetPlatformIDs");
    if (n == 0) { std::fprintf(stderr, "error: no OpenCL platform\n"); std::exit(1); }
    std::vector<cl_platform_id> platforms(n);
    check(clGetPlatformIDs(n, platforms.data(), nullptr), "clGetPlatformIDs");
    const bool emulator = std::getenv("CL_CONTEXT_EMULATOR_DEVICE_INTELFPGA") != nullptr;
    cl_platform_id chosen = platforms[0];
    for (auto p : platforms) {
        char name[256] = {0};
        clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof(name) - 1, name, nullptr);
        const bool emulation = std::strstr(name, "Emulation") != nullptr;
        if (std::strstr(name, FG_PLATFORM_HINT) && emulation == emulator) { chosen = p; break; }
    }
    cl_device_id device;
    if (clGetDeviceIDs(chosen, CL_DEVICE_TYPE_ACCELERATOR, 1, &device, nullptr) != CL_SUCCESS)
        check(clGetDeviceIDs(chosen, CL_DEVICE_TYPE_ALL, 1, &device, nullptr), "clGetDeviceIDs");
    *platform_out = chosen;
    return device;
}

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s <kernels.aocx|.xclbin> <weights.bin> [input.f32] [output.f32]\n", argv[0]);
        return 2;
    }
    const std::vector<unsigned char> image = read_file(argv[1]);
    const std::vector<unsigned char> weights = read_file(argv[2]);
    if (weights.size() != (size_t)FG_WEIGHTS_BYTES) {
        std::fprintf(stderr, "error: %s has %zu bytes, the design expects %lld (pack it with tools/pack_weights.py)\n",
                     argv[2], weights.size(), (long long)FG_WEIGHTS_BYTES);
        return 1;
    }
    float in_scale, out_scale;
    std::memcpy(&in_scale, weights.data() + FG_HEADER_OFFSET, 4);
    std::memcpy(&out_scale, weights.data() + FG_HEADER_OFFSET + 4, 4);

    const int units = FG_COMPUTE_UNITS;
    std::vector<float> input((size_t)FG_INPUT_COUNT * units);
    if (argc > 3) {
        const std::vector<unsigned char> raw = read_file(argv[3]);
        if (raw.size() != input.size() * 4) {
            std::fprintf(stderr, "error: %s has %zu bytes, expected %zu float32 values\n", argv[3], raw.size(), input.size());
            return 1;
        }
        std::memcpy(input.data(), raw.data(), raw.size());
    } else {
        for (size_t i = 0; i < input.size(); i++) input[i] = (float)((i * 37) % 255) / 255.0f - 0.5f;
    }

    cl_platform_id platform;
    cl_device_id device = pick_device(&platform);
    char device_name[256] = {0};
    clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof(device_name) - 1, device_name, nullptr);
    std::printf("device: %s\n", device_name);
    cl_int err;
    cl_context context = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &err);
    check(err, "clCreateContext");
    const unsigned char* binary = image.data();
    const size_t binary_size = image.size();
    cl_int binary_status;
    cl_program program = clCreateProgramWithBinary(context, 1, &device, &binary_size, &binary, &binary_status, &err);
    check(err, "clCreateProgramWithBinary");
    check(binary_status, "loading the FPGA image");
    if (clBuildProgram(program, 1, &device, "", nullptr, nullptr) != CL_SUCCESS) {
        size_t log_size = 0;
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &log_size);
        std::vector<char> log(log_size + 1, 0);
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log_size, log.data(), nullptr);
        std::fprintf(stderr, "error: clBuildProgram failed; build log:\n%s\n", log.data());
        return 1;
    }

    /* One compute unit: its two buffers, its kernels and a command queue per kernel. */
    struct unit {
        cl_mem buffers[2];
        std::map<std::string, cl_kernel> kernels;
        std::map<std::string, cl_command_queue> queues;
    };
    std::vector<unit> cus(units);
    aligned_bytes weights_host(weights.size());
    std::memcpy(weights_host.data, weights.data(), weights.size());
    aligned_bytes encoded((size_t)FG_INPUT_COUNT * FG_ELEMENT_BYTES);
    for (int u = 0; u < units; u++) {
        unit& cu = cus[u];
        cu.buffers[FG_BUF_ACTIVATIONS] = clCreateBuffer(context, CL_MEM_READ_WRITE, FG_ACTIVATION_BYTES, nullptr, &err);
        check(err, "clCreateBuffer(activations)");
        /* FG_WEIGHTS_ALLOC_BYTES: the blob, or padded to whole HBM pseudo channels when one memory group holds both buffers
           (the activations then start on a pseudo channel of their own; see the bindings below). */
        cu.buffers[FG_BUF_WEIGHTS] = clCreateBuffer(context, CL_MEM_READ_ONLY, FG_WEIGHTS_ALLOC_BYTES, nullptr, &err);
        check(err, "clCreateBuffer(weights)");
        for (int i = 0; i < FG_NUM_KERNELS; i++) {
            const std::string name = units == 1 ? std::string(fg_kernel_names[i])
                : std::string(fg_kernel_names[i]) + ":{" + fg_kernel_names[i] + "_" + std::to_string(u + 1) + "}";
            cu.kernels[fg_kernel_names[i]] = clCreateKernel(program, name.c_str(), &err);
            check(err, name.c_str());
            cu.queues[fg_kernel_names[i]] = clCreateCommandQueue(context, device, CL_QUEUE_PROFILING_ENABLE, &err);
            check(err, "clCreateCommandQueue");
        }
        /* XRT places a buffer in the memory bank of the kernel argument it is first bound to, and only if it is bound
           before its first write (UG1393, "Memory Allocation"): bind every buffer argument once before writing, the
           weights' arguments first, so that in a memory group shared by both buffers the weights are allocated first. */
        for (int pass = 0; pass < 2; pass++)
            for (int l = 0; l < FG_NUM_LAUNCHES; l++)
                for (int a = 0; a < fg_launches[l].nargs; a++)
                    if (fg_launches[l].args[a].buffer && (fg_launches[l].args[a].value == FG_BUF_WEIGHTS) == (pass == 0))
                        check(clSetKernelArg(cu.kernels[fg_launches[l].kernel], a, sizeof(cl_mem), &cu.buffers[fg_launches[l].args[a].value]), "clSetKernelArg");
        cl_command_queue io = cu.queues.begin()->second;
        check(clEnqueueWriteBuffer(io, cu.buffers[FG_BUF_WEIGHTS], CL_TRUE, 0, FG_WEIGHTS_BYTES, weights_host.data, 0, nullptr, nullptr), "writing weights");
        const std::vector<float> share(input.begin() + (size_t)u * FG_INPUT_COUNT, input.begin() + (size_t)(u + 1) * FG_INPUT_COUNT);
        encode(share, in_scale, encoded.data);
        check(clEnqueueWriteBuffer(io, cu.buffers[FG_BUF_ACTIVATIONS], CL_TRUE, (size_t)FG_INPUT_OFFSET * FG_ELEMENT_BYTES, encoded.size,
                                   encoded.data, 0, nullptr, nullptr), "writing the input");
    }

    double total_ms = 0, total_kernel_ms = 0;
    std::printf("%-40s %10s %10s\n", "step", "ms", "kernel ms");
    for (int s = 0; s < FG_NUM_STEPS; s++) {
        const fg_step& step = fg_steps[s];
        const auto start = std::chrono::steady_clock::now();
        std::vector<cl_event> events;
        for (int u = 0; u < units; u++) {
            unit& cu = cus[u];
            for (int l = step.first_launch; l < step.first_launch + step.launches; l++) {
                const fg_launch& launch = fg_launches[l];
                cl_kernel k = cu.kernels[launch.kernel];
                for (int a = 0; a < launch.nargs; a++) {
                    const fg_arg& arg = launch.args[a];
                    if (arg.buffer) check(clSetKernelArg(k, a, sizeof(cl_mem), &cu.buffers[arg.value]), "clSetKernelArg");
                    else check(clSetKernelArg(k, a, sizeof(cl_int), &arg.value), "clSetKernelArg");
                }
                cl_event done;
                check(clEnqueueTask(cu.queues[launch.kernel], k, 0, nullptr, &done), launch.kernel);
                events.push_back(done);
                check(clFlush(cu.queues[launch.kernel]), "clFlush");
            }
        }
        for (int u = 0; u < units; u++)
            for (int l = step.first_launch; l < step.first_launch + step.launches; l++) check(clFinish(cus[u].queues[fg_launches[l].kernel]), "clFinish");
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        cl_ulong first = ~(cl_ulong)0, last = 0;
        for (cl_event e : events) {
            cl_ulong t0 = 0, t1 = 0;
            check(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof(t0), &t0, nullptr), "clGetEventProfilingInfo");
            check(clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, sizeof(t1), &t1, nullptr), "clGetEventProfilingInfo");
            first = std::min(first, t0);
            last = std::max(last, t1);
            clReleaseEvent(e);
        }
        const double kernel_ms = events.empty() ? 0.0 : (double)(last - first) / 1e6;
        total_ms += ms;
        total_kernel_ms += kernel_ms;
        std::printf("%-40s %10.3f %10.3f\n", step.name, ms, kernel_ms);
    }
    const int samples = FG_BATCH * units;
    std::printf("%-40s %10.3f %10.3f  (%d samples, %.1f per second)\n", "total", total_ms, total_kernel_ms, samples, samples * 1000.0 / total_ms);

    aligned_bytes out_raw((size_t)FG_OUTPUT_COUNT * FG_ELEMENT_BYTES);
    std::vector<float> output;
    for (int u = 0; u < units; u++) {
        check(clEnqueueReadBuffer(cus[u].queues.begin()->second, cus[u].buffers[FG_BUF_ACTIVATIONS], CL_TRUE, (size_t)FG_OUTPUT_OFFSET * FG_ELEMENT_BYTES,
                                  out_raw.size, out_raw.data, 0, nullptr, nullptr), "reading the output");
        const std::vector<float> part = decode(out_raw.data, FG_OUTPUT_COUNT, out_scale);
        output.insert(output.end(), part.begin(), part.end());
    }
    if (argc > 4) {
        std::ofstream out(argv[4], std::ios::binary);
        out.write(reinterpret_cast<const char*>(output.data()), (std::streamsize)(output.size() * 4));
    }
    const int per_sample = FG_OUTPUT_COUNT / FG_BATCH;
    for (int b = 0; b < samples; b++) {
        std::vector<int> order(per_sample);
        for (int i = 0; i < per_sample; i++) order[i] = i;
        const int top = std::min(5, per_sample);
        std::partial_sort(order.begin(), order.begin() + top, order.end(),
                          [&](int x, int y) { return output[b * per_sample + x] > output[b * per_sample + y]; });
        std::printf("sample %d top classes:", b);
        for (int i = 0; i < top; i++) std::printf(" %d (%.4f)", order[i], output[b * per_sample + order[i]]);
        std::printf("\n");
    }

    for (unit& cu : cus) {
        for (auto& kv : cu.kernels) clReleaseKernel(kv.second);
        for (auto& kv : cu.queues) clReleaseCommandQueue(kv.second);
        clReleaseMemObject(cu.buffers[0]);
        clReleaseMemObject(cu.buffers[1]);
    }
    clReleaseProgram(program);
    clReleaseContext(context);
    return 0;
}
