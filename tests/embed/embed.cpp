// A C++ embedder's program: built outside the tree with only
//     c++ -std=c++11 embed.cpp $(pkg-config --cflags --libs pel)
//         -Wl,-rpath,$(pkg-config --variable=libdir pel)
// (one command line).
// It checks that <pel/pel.h> is valid C++11 (the header's inline functions
// included), that the C symbols link, and runs kernels on std::vector data
// against closed forms.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <pel/pel.h>

namespace {

typedef std::unique_ptr<pel_context, void (*)(pel_context *)> context_ptr;

// One FTCS step of the periodic mode cos(2 pi i / N) (constant along the other
// axis) multiplies it by 1 - 4 r_0 sin^2(pi / N), to round-off.
int heat(pel_context *ctx)
{
    const size_t n0 = 48, n1 = 20;
    const size_t n[2] = {n0, n1};
    const double r[2] = {0.2, 0.1}, pi = std::acos(-1.0);
    std::vector<double> u(n0 * n1), v(n0 * n1);
    for (size_t i = 0; i < n0; i++)
        for (size_t j = 0; j < n1; j++) u[i * n1 + j] = std::cos(2 * pi * double(i) / double(n0));
    pel_status st = pel_heat_ftcs_step(ctx, 2, n, r, PEL_BC_PERIODIC, u.data(), v.data());
    if (st != PEL_OK) {
        std::fprintf(stderr, "heat: %s: %s\n", pel_strerror(st), pel_context_error(ctx));
        return 1;
    }
    double s = std::sin(pi / double(n0)), g = 1 - 4 * r[0] * s * s, err = 0;
    for (size_t k = 0; k < u.size(); k++) err = std::fmax(err, std::fabs(v[k] - g * u[k]));
    std::printf("heat (C++): one step of a periodic Fourier mode, max error %.2e\n", err);
    return err > 1e-14; // a few roundings of values <= 1
}

// An invalid call returns a status and leaves a message on the context; the
// library prints nothing.
int error_path(pel_context *ctx)
{
    const size_t n[2] = {2, 8}; // n[0] must be at least 3
    const double r[2] = {0.1, 0.1};
    std::vector<double> u(16, 0.0), v(16, 0.0);
    pel_status st = pel_heat_ftcs_step(ctx, 2, n, r, PEL_BC_DIRICHLET, u.data(), v.data());
    std::printf("error path (C++): %s (%s): %s\n", pel_status_name(st), pel_strerror(st),
                pel_context_error(ctx));
    return st != PEL_EINVAL || pel_context_error(ctx)[0] == '\0';
}

// The solver round trip on a manufactured problem, with the arrays in vectors.
int poisson(pel_context *ctx)
{
    pel_poisson_params p;
    pel_poisson_params_default(&p, 2);
    p.n[0] = 32;
    p.n[1] = 24;
    pel_poisson *raw = 0;
    if (pel_poisson_create(ctx, &p, &raw) != PEL_OK) {
        std::fprintf(stderr, "poisson: %s\n", pel_context_error(ctx));
        return 1;
    }
    std::unique_ptr<pel_poisson, void (*)(pel_poisson *)> ps(raw, pel_poisson_destroy);
    std::vector<double> f(pel_poisson_points(ps.get())), phi(f.size()), exact(f.size());
    if (pel_poisson_manufactured(ps.get(), f.data(), exact.data()) != PEL_OK ||
        pel_poisson_solve(ps.get(), f.data(), phi.data()) != PEL_OK) {
        std::fprintf(stderr, "poisson: %s\n", pel_context_error(ctx));
        return 1;
    }
    double err = 0, scale = 0;
    for (size_t k = 0; k < f.size(); k++) {
        err = std::fmax(err, std::fabs(phi[k] - exact[k]));
        scale = std::fmax(scale, std::fabs(exact[k]));
    }
    std::printf("poisson (C++): max relative error %.2e\n", err / scale);
    return !(err <= 1e-12 * scale); // spectral solve of trigonometric data: round-off
}

// The header's inline LCG (compiled here as C++) against the library's randlc
// (compiled as C): the same doubles, bit for bit.
int lcg46()
{
    uint64_t x = 314159265; // NPB's seed
    double xd = 314159265.0;
    for (int k = 0; k < 1000; k++) {
        x = pel_lcg46_next(x, PEL_LCG46_A);
        double a = pel_lcg46_real(x), b = pel_randlc(&xd, double(PEL_LCG46_A));
        if (std::memcmp(&a, &b, sizeof a) != 0) {
            std::fprintf(stderr, "lcg46: step %d: %.17g != %.17g\n", k + 1, a, b);
            return 1;
        }
    }
    std::printf("lcg46 (C++): inline header code equals pel_randlc for 1000 steps\n");
    return 0;
}

} // namespace

int main()
{
    pel_context *raw = 0;
    if (pel_context_create(&raw) != PEL_OK) return 1;
    context_ptr ctx(raw, pel_context_destroy);
    std::printf("PEL %s on %d threads (C++)\n", pel_version(), pel_context_threads(ctx.get()));
    int bad = heat(ctx.get()) | error_path(ctx.get()) | poisson(ctx.get()) | lcg46();
    std::puts(bad ? "C++ embedding test FAILED" : "C++ embedding test passed");
    return bad;
}
