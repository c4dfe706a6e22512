// Runs one kernel of native/kernels under the host emulation, the way cuLaunchKernel would:
//   harness <kernel> <gridX> <gridY> <blockX> <blockY> <buffer-file>... -- <arg>...
// Buffer files are device allocations (raw little-endian bytes), read before the launch and
// written back in place after it. Each <arg> is one kernel parameter:
//   p<k>+<byteOffset>  pointer into buffer k      null  a null pointer
//   i<int32>           int                        f<int32 bits>  float (raw IEEE bits)
//   u<uint64>          unsigned long long
// The argument count and kinds are checked against the kernel's C++ prototype, so a Java
// launcher passing the wrong list fails here as it would (silently) on a GPU.
#include "cuda_emulation.h"
#include "../kernels/bottleneck_kernels.cu"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <type_traits>
#include <utility>

namespace {

struct Arg {
    char kind;  // 'p', 'i', 'f', 'u'
    unsigned long long bits;
};

[[noreturn]] void fail(const std::string& msg) {
    std::fprintf(stderr, "harness: %s\n", msg.c_str());
    std::exit(2);
}

template <class T>
constexpr char kind_of() {
    if constexpr (std::is_pointer_v<T>) return 'p';
    else if constexpr (std::is_same_v<T, int>) return 'i';
    else if constexpr (std::is_same_v<T, float>) return 'f';
    else if constexpr (std::is_same_v<T, unsigned long long>) return 'u';
    else static_assert(sizeof(T) == 0, "unsupported kernel parameter type");
}

template <class T>
T value_of(const Arg& a) {
    if constexpr (std::is_pointer_v<T>) return reinterpret_cast<T>((uintptr_t) a.bits);
    else if constexpr (std::is_same_v<T, int>) return (int) (unsigned) a.bits;
    else if constexpr (std::is_same_v<T, float>) {
        unsigned u = (unsigned) a.bits;
        float f;
        std::memcpy(&f, &u, 4);
        return f;
    } else return (T) a.bits;
}

using Runner = void (*)(const std::vector<Arg>&, dim3, dim3);

template <class... P, size_t... I>
void run_kernel(void (*k)(P...), const std::vector<Arg>& args, dim3 g, dim3 b, std::index_sequence<I...>) {
    if (args.size() != sizeof...(P)) {
        fail("expected " + std::to_string(sizeof...(P)) + " arguments, got " + std::to_string(args.size()));
    }
    const char kinds[] = {kind_of<P>()..., 0};
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i].kind != kinds[i]) {
            fail("argument " + std::to_string(i) + " is '" + args[i].kind + "', kernel expects '" + kinds[i] + "'");
        }
    }
    bn_emu_launch(g, b, [&] { k(value_of<P>(args[I])...); });
}

}  // namespace

#define BN_KERNEL(name) {#name, [](const std::vector<Arg>& a, dim3 g, dim3 b) { \
    run_kernel(name, a, g, b, std::make_index_sequence<bn_arity(name)>{}); }}

template <class... P>
constexpr size_t bn_arity(void (*)(P...)) {
    return sizeof...(P);
}

int main(int argc, char** argv) {
    static const std::map<std::string, Runner> kernels = {
        BN_KERNEL(scale), BN_KERNEL(multiply), BN_KERNEL(accumulate), BN_KERNEL(sum_squares), BN_KERNEL(sum_squares_finish),
        BN_KERNEL(bias_activation_forward), BN_KERNEL(bias_activation_backward),
        BN_KERNEL(bce_with_logits), BN_KERNEL(mse), BN_KERNEL(l1_penalty),
        BN_KERNEL(gaussian_latent_forward), BN_KERNEL(gaussian_latent_backward),
        BN_KERNEL(uniform), BN_KERNEL(normal), BN_KERNEL(dropout_forward),
        
        BN_KERNEL(adamw), BN_KERNEL(sgd),
        BN_KERNEL(im2col), BN_KERNEL(col2im), BN_KERNEL(rows_to_nchw), BN_KERNEL(nchw_to_rows),
        BN_KERNEL(channel_bias_activation_forward), BN_KERNEL(channel_bias_activation_backward),
        BN_KERNEL(upsample_nearest_forward), BN_KERNEL(upsample_nearest_backward),
        BN_KERNEL(upsample_bicubic_forward), BN_KERNEL(subtract_plane_mean),
        BN_KERNEL(max_pool_forward), BN_KERNEL(max_pool_backward),
    };
    if (argc == 2 && std::string(argv[1]) == "--list") {
        for (const auto& e : kernels) std::printf("%s\n", e.first.c_str());
        return 0;
    }
    if (argc < 7) fail("usage: harness <kernel> <gridX> <gridY> <blockX> <blockY> <buffer>... -- <arg>...");
    auto it = kernels.find(argv[1]);
    if (it == kernels.end()) fail(std::string("unknown kernel ") + argv[1]);
    dim3 grid{(unsigned) std::atoi(argv[2]), (unsigned) std::atoi(argv[3]), 1};
    dim3 block{(unsigned) std::atoi(argv[4]), (unsigned) std::atoi(argv[5]), 1};
    if (grid.x == 0 || grid.y == 0 || block.x == 0 || block.y == 0 || block.x * block.y > 1024) {
        fail("invalid launch geometry");
    }

    std::vector<std::string> paths;
    int i = 6;
    for (; i < argc && std::string(argv[i]) != "--"; i++) paths.push_back(argv[i]);
    if (i == argc) fail("missing --");
    std::vector<std::vector<double>> buffers;  // double elements: 8-byte alignment
    std::vector<size_t> sizes;
    for (const std::string& p : paths) {
        std::ifstream in(p, std::ios::binary | std::ios::ate);
        if (!in) fail("cannot read " + p);
        size_t bytes = (size_t) in.tellg();
        in.seekg(0);
        buffers.emplace_back(bytes / 8 + 1);
        in.read(reinterpret_cast<char*>(buffers.back().data()), (std::streamsize) bytes);
        sizes.push_back(bytes);
    }
    std::vector<Arg> args;
    for (i++; i < argc; i++) {
        std::string a = argv[i];
        if (a == "null") {
            args.push_back({'p', 0});
        } else if (a[0] == 'p') {
            size_t plus = a.find('+');
            size_t k = std::stoul(a.substr(1, plus - 1));
            size_t off = std::stoul(a.substr(plus + 1));
            if (k >= buffers.size() || off > sizes[k]) fail("bad pointer argument " + a);
            args.push_back({'p', (unsigned long long) (uintptr_t) (reinterpret_cast<char*>(buffers[k].data()) + off)});
        } else if (a[0] == 'i' || a[0] == 'f') {
            args.push_back({a[0], (unsigned long long) (unsigned) std::stol(a.substr(1))});
        } else if (a[0] == 'u') {
            args.push_back({'u', std::stoull(a.substr(1))});
        } else {
            fail("bad argument " + a);
        }
    }
    it->second(args, grid, block);
    for (size_t k = 0; k < paths.size(); k++) {
        std::ofstream out(paths[k], std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(buffers[k].data()), (std::streamsize) sizes[k]);
        if (!out) fail("cannot write " + paths[k]);
    }
    return 0;
}
