/* An embedder's program: built outside the tree with only
 *     cc embed.c $(pkg-config --cflags --libs pel)
 * it runs kernels on its own arrays and checks closed forms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <pel/pel.h>

static int heat(pel_context *ctx)
{
    /* One FTCS step multiplies the discrete mode sin(pi i/N) sin(pi j/N) by
     * 1 - sum_d 4 r_d sin^2(pi/2N), to round-off. */
    enum { N = 64 };
    size_t n[2] = {N + 1, N + 1};
    double r[2] = {0.2, 0.2}, pi = acos(-1.0);
    double *u = pel_malloc(sizeof(double) * (N + 1) * (N + 1));
    double *v = pel_malloc(sizeof(double) * (N + 1) * (N + 1));
    if (!u || !v) return 1;
    for (int i = 0; i <= N; i++)
        for (int j = 0; j <= N; j++) u[i * (N + 1) + j] = sin(pi * i / N) * sin(pi * j / N);
    if (pel_heat_ftcs_step(ctx, 2, n, r, PEL_BC_DIRICHLET, u, v)) {
        fprintf(stderr, "heat: %s\n", pel_context_error(ctx));
        return 1;
    }
    double s2 = pow(sin(pi / (2 * N)), 2), g = 1 - 4 * r[0] * s2 - 4 * r[1] * s2, err = 0;
    for (int k = 0; k < (N + 1) * (N + 1); k++) err = fmax(err, fabs(v[k] - g * u[k]));
    printf("heat: one step of a Fourier mode, max error %.2e\n", err);
    pel_free(u);
    pel_free(v);
    return err > 1e-14; /* a few roundings of values <= 1 */
}

static int poisson(pel_context *ctx)
{
    pel_poisson_params p;
    pel_poisson_params_default(&p, 3);
    p.n[0] = 32, p.n[1] = 24, p.n[2] = 16;
    pel_poisson *ps;
    if (pel_poisson_create(ctx, &p, &ps)) {
        fprintf(stderr, "poisson: %s\n", pel_context_error(ctx));
        return 1;
    }
    size_t np = pel_poisson_points(ps);
    double *f = pel_malloc(np * sizeof *f), *phi = pel_malloc(np * sizeof *phi),
           *exact = pel_malloc(np * sizeof *exact);
    pel_verify_log *log;
    pel_verify_log_create(&log);
    int bad = !f || !phi || !exact || pel_poisson_manufactured(ps, f, exact) ||
              pel_poisson_solve(ps, f, phi) || pel_poisson_verify(ps, f, phi, exact, log);
    pel_verify_log_print(log, stdout);
    bad |= !pel_verify_log_passed(log);
    char fp[PEL_FINGERPRINT_HEX];
    pel_fingerprint(phi, np * sizeof *phi, fp);
    printf("poisson: fingerprint %s\n", fp);
    pel_verify_log_destroy(log);
    pel_poisson_destroy(ps);
    pel_free(f);
    pel_free(phi);
    pel_free(exact);
    return bad;
}

/* CG on the 1D Laplacian tridiag(-1, 2, -1) of order N: the solution of
 * A x = b for b = A (1, 2, ..., N) is (1, 2, ..., N); CG reaches it in at
 * most N iterations in exact arithmetic. */
static int cg(pel_context *ctx)
{
    enum { N = 50 };
    int64_t rowptr[N + 1];
    int32_t col[3 * N];
    double val[3 * N], b[N], x[N];
    int64_t nz = 0;
    for (int i = 0; i < N; i++) {
        rowptr[i] = nz;
        for (int j = i - 1; j <= i + 1; j++)
            if (j >= 0 && j < N) col[nz] = j, val[nz++] = j == i ? 2.0 : -1.0;
        b[i] = (i == 0 ? 0.0 : -(double)i) + 2.0 * (i + 1) - (i == N - 1 ? 0.0 : (double)(i + 2));
    }
    rowptr[N] = nz;
    pel_sparse_csr *A;
    pel_sparse_cg *solver;
    pel_sparse_cg_info info;
    if (pel_sparse_csr_create(ctx, N, N, rowptr, col, val, &A) || pel_sparse_cg_create(ctx, A, &solver)) {
        fprintf(stderr, "cg: %s\n", pel_context_error(ctx));
        return 1;
    }
    pel_sparse_cg_params opt;
    pel_sparse_cg_params_default(&opt);
    opt.max_iter = 2 * N;
    opt.rtol = 1e-12;
    int bad = pel_sparse_cg_solve(solver, &opt, b, x, &info) != PEL_OK;
    double err = 0;
    for (int i = 0; i < N; i++) err = fmax(err, fabs(x[i] - (i + 1)));
    printf("cg: %d iterations, max error %.2e\n", info.iterations, err);
    pel_sparse_cg_destroy(solver);
    pel_sparse_csr_destroy(A);
    /* cond(A) ~ 4 N^2 / pi^2 ~ 1000 and |x| <= 50: 1e-12 relative residual gives about 1e-7 */
    return bad || err > 1e-7;
}

int main(void)
{
    pel_context *ctx;
    if (pel_context_create(&ctx)) return 1;
    printf("PEL %s on %d threads\n", pel_version(), pel_context_threads(ctx));
    int bad = heat(ctx) | poisson(ctx) | cg(ctx);
    pel_context_destroy(ctx);
    puts(bad ? "embedding test FAILED" : "embedding test passed");
    return bad;
}
