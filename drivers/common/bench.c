/* Benchmark support (bench.h). */
#include <config.h>

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/bench.h"
#include "common/report.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void pel_bench_stats(const pel_bench_series *s, double *med, double *lo, double *hi)
{
    double v[PEL_BENCH_MAX_REPS];
    memcpy(v, s->v, (size_t)s->n * sizeof *v);
    qsort(v, (size_t)s->n, sizeof *v, cmp);
    *lo = v[0];
    *hi = v[s->n - 1];
    *med = s->n % 2 ? v[s->n / 2] : 0.5 * (v[s->n / 2 - 1] + v[s->n / 2]);
}

/* The last-level cache from sysfs (sysconf's figure is wrong on some VMs:
 * 320 MiB for a 32 MiB L3 has been seen), else sysconf, else 32 MiB. */
size_t pel_bench_llc_bytes(void)
{
    size_t best = 0;
    int best_level = 0;
    for (int i = 0; i < 8; i++) {
        char path[96];
        int level = 0;
        unsigned long kib = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        int ok = fscanf(f, "%d", &level) == 1;
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if (!ok || !(f = fopen(path, "r"))) continue;
        ok = fscanf(f, "%luK", &kib) == 1;
        fclose(f);
        if (ok && level >= best_level) best_level = level, best = (size_t)kib << 10;
    }
    if (best) return best;
    long b = sysconf(_SC_LEVEL3_CACHE_SIZE);
    return b > 0 ? (size_t)b : (size_t)32 << 20;
}


double pel_bench_triad_gbs(const pel_bench_triad *t, int nthreads, int passes)
{
    double *restrict a = t->a;
    const double *restrict b = t->b, *restrict c = t->c;
    size_t n = t->n;
    const double s = 3.0;
    double t0 = pel_wtime();
#pragma omp parallel num_threads(nthreads) default(none) shared(a, b, c, n, passes, s)
    for (int p = 0; p < passes; p++) {
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
    }
    return 24.0 * (double)n * passes / (pel_wtime() - t0) * 1e-9;
}

/* The same triad with streaming stores: no read-for-ownership of a, so the
 * bus moves the 24 counted bytes and no more.  A second view of the bound,
 * printed beside STREAM's own loop. */
double pel_bench_triad_nt_gbs(const pel_bench_triad *t, int nthreads, int passes)
{
#if defined(__SSE2__)
    double *restrict a = t->a;
    const double *restrict b = t->b, *restrict c = t->c;
    size_t n = t->n & ~(size_t)1;
    double t0 = pel_wtime();
#pragma omp parallel num_threads(nthreads) default(none) shared(a, b, c, n, passes)
    {
        const __m128d s = _mm_set1_pd(3.0);
        for (int p = 0; p < passes; p++) {
#pragma omp for schedule(static)
            for (size_t i = 0; i < n; i += 2)
                _mm_stream_pd(a + i, _mm_add_pd(_mm_load_pd(b + i), _mm_mul_pd(s, _mm_load_pd(c + i))));
            _mm_sfence();
        }
    }
    return 24.0 * (double)n * passes / (pel_wtime() - t0) * 1e-9;
#else
    return pel_bench_triad_gbs(t, nthreads, passes);
#endif
}

void pel_bench_print(FILE *out, const pel_bench_series *s)
{
    double med, lo, hi;
    pel_bench_stats(s, &med, &lo, &hi);
    fprintf(out, "  %-34s %10.3f %10.3f %10.3f  %s\n", s->name, med, lo, hi, s->unit);
}

/* One series as a problem entry of the common run report: its median,
 * minimum and maximum are figures of merit, each repetition's value under
 * timing.repetitions; a benchmark verifies nothing and fingerprints nothing. */
static void json_series(pel_json *w, const pel_bench_series *s)
{
    double med, lo, hi;
    pel_bench_stats(s, &med, &lo, &hi);
    pel_json_object_begin(w);
    pel_json_kv_string(w, "name", s->name);
    pel_json_kv_string(w, "component", NULL);
    pel_json_kv_string(w, "numerics_version", NULL);
    pel_json_kv_string(w, "class", NULL);
    pel_json_kv_string(w, "info", NULL);
    pel_json_key(w, "timing");
    pel_json_object_begin(w);
    pel_json_kv_string(w, "kernel_s", NULL);
    pel_json_key(w, "repetitions");
    pel_json_array_begin(w);
    for (int i = 0; i < s->n; i++) pel_json_number(w, s->v[i]);
    pel_json_array_end(w);
    pel_json_object_end(w);
    pel_json_key(w, "figures_of_merit");
    pel_json_array_begin(w);
    const char *what[3] = {"median", "min", "max"};
    const double val[3] = {med, lo, hi};
    for (int k = 0; k < 3; k++) {
        pel_json_object_begin(w);
        pel_json_kv_string(w, "name", what[k]);
        pel_json_kv_number(w, "value", val[k]);
        pel_json_kv_string(w, "unit", s->unit);
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
    pel_json_kv_string(w, "verification", NULL);
    pel_json_key(w, "fingerprints");
    pel_json_object_begin(w);
    pel_json_object_end(w);
    pel_json_kv_string(w, "error", NULL);
    pel_json_object_end(w);
}

int pel_bench_report(pel_context *ctx, const char *path, const pel_bench_series *s, int ns, int threads,
                        size_t llc)
{
    pel_afile *a;
    pel_json *w;
    if (pel_afile_open(ctx, path, &a)) return 0;
    if (pel_json_create(&w, pel_afile_stream(a))) {
        pel_afile_abort(a);
        return 0;
    }
    pel_json_object_begin(w);
    pel_json_kv_string(w, "schema", "pel-run-report");
    pel_json_kv_int(w, "schema_version", 2);
    pel_json_kv_string(w, "program", "pel-bench");
    pel_json_kv_string(w, "numerics", "");
    pel_report_provenance(w);
    pel_json_kv_int(w, "threads", threads);
    pel_json_key(w, "config");
    pel_json_object_begin(w);
    pel_json_kv_int(w, "llc_bytes", (long long)llc);
    pel_json_object_end(w);
    pel_json_key(w, "problems");
    pel_json_array_begin(w);
    for (int i = 0; i < ns; i++) json_series(w, &s[i]);
    pel_json_array_end(w);
    pel_json_kv_int(w, "exit_status", 0);
    pel_json_object_end(w);
    if (pel_json_finish(w)) {
        pel_afile_abort(a);
        return 0;
    }
    return pel_afile_commit(ctx, a) == PEL_OK;
}

/* The heat stencils on a square (cube) of about `target` points, r at 90% of
 * the stability limit, first touched with the kernel's own row partition. */
int pel_bench_heat_init(pel_context *ctx, pel_bench_heat *h, size_t target)
{
    size_t side = h->dim == 2 ? (size_t)ceil(sqrt((double)target)) : (size_t)ceil(cbrt((double)target));
    h->points = h->interior = 1;
    for (int d = 0; d < h->dim; d++) {
        h->n[d] = side;
        h->r[d] = 0.9 * PEL_HEAT_STABILITY_SUM / h->dim;
        h->points *= side;
        h->interior *= side - 2;
    }
    h->u = pel_malloc(h->points * sizeof(double));
    h->w = pel_malloc(h->points * sizeof(double));
    if (!h->u || !h->w) return 0;
    size_t row = h->n[h->dim - 1], rows = h->points / row;
    pel_first_touch_zero(ctx, h->u, rows, row); /* the kernel's own row partition */
    pel_first_touch_zero(ctx, h->w, rows, row);
    pel_rng_fill_uniform(ctx, pel_rng_stream(1, 0), 0, h->u, h->points);
    return 1;
}

double pel_bench_heat_gbs(pel_context *ctx, pel_bench_heat *h, int steps)
{
    double t0 = pel_wtime();
    if (pel_heat_ftcs_run(ctx, h->dim, h->n, h->r, PEL_BC_DIRICHLET, h->u, h->w, steps)) return NAN;
    return 16.0 * (double)h->interior * steps / (pel_wtime() - t0) * 1e-9;
}

/* ---- the Poisson solve against the bare FFTW transforms it performs ----------- */

int pel_bench_fft_init(pel_context *ctx, pel_bench_fft *c, size_t side, unsigned flags)
{
    pel_poisson_params p;
    pel_poisson_params_default(&p, c->dim);
    c->points = 1;
    for (int d = 0; d < c->dim; d++) p.n[d] = c->n[d] = side, c->points *= side;
    /* PEL's plans first, while FFTW plans single-threaded (its default) */
    if (pel_poisson_create(ctx, &p, &c->ps)) return 0;
    c->f = pel_malloc(c->points * sizeof(double));
    c->phi = pel_malloc(c->points * sizeof(double));
    c->real = fftw_alloc_real(c->points);
    c->spec = fftw_alloc_complex(c->points / side * (side / 2 + 1));
    if (!c->f || !c->phi || !c->real || !c->spec) return 0;
    pel_poisson_manufactured(c->ps, c->f, NULL);
    int nn[3] = {(int)side, (int)side, (int)side};
    fftw_plan_with_nthreads(pel_context_threads(ctx));
    c->fwd = fftw_plan_dft_r2c(c->dim, nn, c->real, c->spec, flags);
    c->bwd = fftw_plan_dft_c2r(c->dim, nn, c->spec, c->real, flags);
    fftw_plan_with_nthreads(1);
    memcpy(c->real, c->f, c->points * sizeof(double)); /* MEASURE planning overwrote it */
    return c->fwd && c->bwd;
}

double pel_bench_solve_seconds(pel_bench_fft *c)
{
    double t0 = pel_wtime();
    return pel_poisson_solve(c->ps, c->f, c->phi) ? NAN : pel_wtime() - t0;
}

double pel_bench_bare_seconds(pel_bench_fft *c)
{
    double t0 = pel_wtime();
    fftw_execute(c->fwd);
    fftw_execute(c->bwd);
    return pel_wtime() - t0;
}

void pel_bench_fft_free(pel_bench_fft *c)
{
    pel_poisson_destroy(c->ps);
    pel_free(c->f);
    pel_free(c->phi);
    fftw_free(c->real);
    fftw_free(c->spec);
    if (c->fwd) fftw_destroy_plan(c->fwd);
    if (c->bwd) fftw_destroy_plan(c->bwd);
}
