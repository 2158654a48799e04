/* Benchmark support (bench.h): series, the report, the LLC, the triad,
 * and child processes. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/bench.h"
#include "common/driver.h"
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

/* cpu's cache index i from sysfs: its level, size and shared_cpu_list
 * (into list, n bytes); 0 when absent */
static int cache_index(int cpu, int i, int *level, size_t *bytes, char *list, size_t n)
{
    char path[96];
    unsigned long kib = 0;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/level", cpu, i);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int ok = fscanf(f, "%d", level) == 1;
    fclose(f);
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/size", cpu, i);
    if (!ok || !(f = fopen(path, "r"))) return 0;
    ok = fscanf(f, "%luK", &kib) == 1;
    fclose(f);
    *bytes = (size_t)kib << 10;
    list[0] = 0;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list", cpu, i);
    if (ok && (f = fopen(path, "r"))) {
        if (!fgets(list, (int)n, f)) list[0] = 0;
        fclose(f);
    }
    return ok;
}

/* cpu's last-level cache: its index (-1 when sysfs lists none) and size */
static int cpu_llc(int cpu, size_t *bytes, char *list, size_t n)
{
    int best = -1, best_level = 0;
    for (int i = 0; i < 8; i++) {
        int level;
        size_t b;
        char l[256];
        if (cache_index(cpu, i, &level, &b, l, sizeof l) && level >= best_level) {
            best = i, best_level = level, *bytes = b;
            snprintf(list, n, "%s", l);
        }
    }
    return best;
}

/* The last-level cache from sysfs (sysconf's figure is wrong on some VMs:
 * 320 MiB for a 32 MiB L3 has been seen), else sysconf, else 32 MiB. */
size_t pel_bench_llc_bytes(void)
{
    size_t b = 0;
    char list[256];
    if (cpu_llc(0, &b, list, sizeof list) >= 0 && b) return b;
    long s = sysconf(_SC_LEVEL3_CACHE_SIZE);
    return s > 0 ? (size_t)s : (size_t)32 << 20;
}

size_t pel_bench_llc_total_bytes(void)
{
    size_t total = 0;
    for (int cpu = 0; cpu < 65536; cpu++) {
        size_t b = 0;
        char list[256];
        if (cpu_llc(cpu, &b, list, sizeof list) < 0) {
            char path[64];
            snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d", cpu);
            if (access(path, F_OK)) break; /* past the last cpu */
            continue;                      /* offline: no cache directory */
        }
        /* an instance counted once, by the lowest cpu that shares it */
        if (list[0] ? atoi(list) == cpu : cpu == 0) total += b;
    }
    return total ? total : pel_bench_llc_bytes();
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
    if (!s->n) {
        fprintf(out, "  %-44s %10s %10s %10s  %s\n", s->name, "-", "-", "-", s->unit);
        return;
    }
    pel_bench_stats(s, &med, &lo, &hi);
    fprintf(out, "  %-44s %10.3f %10.3f %10.3f  %s\n", s->name, med, lo, hi, s->unit);
}

pel_bench_series *pel_bench_add(pel_bench_out *out, const char *unit, const char *fmt, ...)
{
    if (out->n == out->cap) {
        int cap = out->cap ? 2 * out->cap : 32;
        pel_bench_series *s = realloc(out->s, (size_t)cap * sizeof *s);
        if (!s) return NULL;
        out->s = s, out->cap = cap;
    }
    pel_bench_series *s = &out->s[out->n++];
    memset(s, 0, sizeof *s);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->name, sizeof s->name, fmt, ap);
    va_end(ap);
    s->unit = unit;
    return s;
}

void pel_bench_print_table(FILE *f, const pel_bench_out *out, int first)
{
    fprintf(f, "  %-44s %10s %10s %10s\n", "", "median", "min", "max");
    for (int i = first; i < out->n; i++) pel_bench_print(f, &out->s[i]);
    fflush(f);
}

void pel_bench_out_free(pel_bench_out *out)
{
    free(out->s);
    *out = (pel_bench_out){0};
}

/* One series as a problem entry of the common run report: its median,
 * minimum and maximum are figures of merit, each repetition's value under
 * timing.repetitions; a benchmark verifies nothing and fingerprints nothing. */
static void json_series(pel_json *w, const pel_bench_series *s)
{
    double med = NAN, lo = NAN, hi = NAN;
    if (s->n) pel_bench_stats(s, &med, &lo, &hi);
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
    for (int k = 0; k < 3 && s->n; k++) {
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

void pel_bench_numerics(const pel_bench_env *env, const pel_bench_suite *const *suites, const int *use, int n,
                        char *buf, size_t size)
{
    enum { MAXF = 64 };
    const pel_component_type *seen[MAXF];
    int nseen = 0;
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!use[i] || !suites[i]->families) continue;
        const pel_component_type *f[8];
        int nf = suites[i]->families(env, f, 8);
        for (int j = 0; j < nf && j < 8; j++) {
            int dup = 0;
            for (int m = 0; m < nseen && !dup; m++) dup = strcmp(seen[m]->name, f[j]->name) == 0;
            if (dup || nseen == MAXF) continue;
            seen[nseen++] = f[j];
            int w = snprintf(buf + k, size - k, "%s%s=%d", k ? "," : "", f[j]->name, f[j]->numerics_version);
            if (w < 0 || (size_t)w >= size - k) {
                buf[k] = '\0'; /* a list that does not fit ends at its last whole entry */
                return;
            }
            k += (size_t)w;
        }
    }
}

int pel_bench_report(pel_context *ctx, const char *path, const pel_bench_out *out, const pel_bench_env *env,
                     const char *suites, const char *numerics, int exit_status)
{
    pel_afile *a;
    pel_json *w;
    if (pel_afile_open(ctx, path, &a)) return 0;
    if (pel_json_create(&w, pel_afile_stream(a))) {
        pel_afile_abort(a);
        return 0;
    }
    pel_json_object_begin(w);
    pel_report_head(w, "pel-bench", numerics, env->argc, env->argv);
    pel_json_kv_int(w, "threads", env->threads);
    pel_json_key(w, "config");
    pel_json_object_begin(w);
    pel_json_kv_int(w, "llc_bytes", (long long)env->llc);
    pel_json_kv_int(w, "llc_total_bytes", (long long)pel_bench_llc_total_bytes());
    pel_json_kv_string(w, "suites", suites);
    pel_json_kv_int(w, "reps", env->reps);
    pel_json_kv_int(w, "quick", env->quick);
    char cls[2] = {env->cls, 0};
    pel_json_kv_string(w, "class", cls);
    pel_json_kv_string(w, "kernels", env->kernels);
    pel_json_kv_string(w, "npb_dir", env->npb_dir);
    pel_json_object_end(w);
    pel_json_key(w, "problems");
    pel_json_array_begin(w);
    for (int i = 0; i < out->n; i++) json_series(w, &out->s[i]);
    pel_json_array_end(w);
    pel_json_kv_int(w, "exit_status", exit_status);
    pel_json_object_end(w);
    if (pel_json_finish(w)) {
        pel_afile_abort(a);
        return 0;
    }
    return pel_afile_commit(ctx, a) == PEL_OK;
}


/* ---- the triad's arrays ------------------------------------------------------ */

int pel_bench_triad_init(const pel_bench_env *env, pel_bench_triad *t)
{
    size_t n = env->quick ? (size_t)1 << 18 : 4 * pel_bench_llc_total_bytes() / sizeof(double); /* STREAM: 4x */
    *t = (pel_bench_triad){pel_malloc(n * 8), pel_malloc(n * 8), pel_malloc(n * 8), n};
    if (!t->a || !t->b || !t->c) return 0;
    pel_first_touch_zero(env->ctx, t->a, n, 1);
    pel_first_touch_zero(env->ctx, t->b, n, 1);
    pel_first_touch_zero(env->ctx, t->c, n, 1);
    return 1;
}

void pel_bench_triad_free(pel_bench_triad *t)
{
    pel_free(t->a), pel_free(t->b), pel_free(t->c);
    *t = (pel_bench_triad){0};
}

/* ---- NPB kernel lists ---------------------------------------------------------- */

int pel_bench_kernels(const char *list, const char *names[5])
{
    static const char *const all[5] = {"ep", "cg", "mg", "ft", "is"};
    int want[5] = {0}, n = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        int k = 0;
        while (k < 5 && !(strlen(all[k]) == len && strncmp(p, all[k], len) == 0)) k++;
        if (k == 5) {
            fprintf(stderr, "pel-bench: error: --kernels %s: unknown kernel '%.*s' (expected ep, cg, mg, ft or is)\n",
                    list, (int)len, p);
            return -1;
        }
        want[k] = 1;
        p += len + (p[len] == ',');
    }
    for (int k = 0; k < 5; k++)
        if (want[k]) names[n++] = all[k];
    if (!n) fprintf(stderr, "pel-bench: error: --kernels '%s': no kernel named\n", list);
    return n ? n : -1;
}

/* ---- child processes -------------------------------------------------------------- */

extern char **environ;

/* The child's environment, made before fork (between fork and exec only
 * async-signal-safe calls are made): environ with OMP_NUM_THREADS set. */
static char **child_env(int threads, char *omp, size_t n)
{
    size_t count = 0;
    while (environ[count]) count++;
    char **env = malloc((count + 2) * sizeof *env);
    if (!env) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        if (threads <= 0 || strncmp(environ[i], "OMP_NUM_THREADS=", 16)) env[k++] = environ[i];
    if (threads > 0) {
        snprintf(omp, n, "OMP_NUM_THREADS=%d", threads);
        env[k++] = omp;
    }
    env[k] = NULL;
    return env;
}

ssize_t pel_bench_read(int fd, void *buf, size_t n, int stop)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    for (;;) {
        if (stop) {
            if (pel_run_stop_signal()) return -2;
            int pr = poll(&pfd, 1, 100);
            if (pr < 0 && errno != EINTR) return -1;
            if (pr <= 0) continue;
        }
        ssize_t r = read(fd, buf, n);
        if (r >= 0 || errno != EINTR) return r;
    }
}

int pel_bench_spawn(char *const argv[], int threads, char *buf, size_t cap, pel_bench_proc *p)
{
    int fd[2];
    char omp[48];
    char **env = child_env(threads, omp, sizeof omp);
    fflush(NULL);
    if (!env) return -1;
    if (pipe(fd)) {
        free(env);
        return -1;
    }
    double t0 = pel_wtime();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fd[0]), close(fd[1]);
        free(env);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        /* the child: stdout into the pipe, the benchmark's signals default */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]), close(fd[1]);
        execve(argv[0], argv, env);
        _exit(127);
    }
    free(env);
    close(fd[1]);
    size_t got = 0;
    char drop[4096];
    int stopped = 0;
    for (;;) {
        char *dst = got + 1 < cap ? buf + got : drop;
        size_t room = got + 1 < cap ? cap - 1 - got : sizeof drop;
        ssize_t r = pel_bench_read(fd[0], dst, room, !stopped);
        if (r == -2) { /* the child ends too, then its pipe: read on to EOF */
            kill(pid, SIGTERM);
            stopped = 1;
            continue;
        }
        if (r <= 0) break;
        if (dst != drop) got += (size_t)r;
    }
    if (cap) buf[got] = 0;
    close(fd[0]);
    int status;
    struct rusage ru;
    pid_t w;
    while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {}
    p->wall = pel_wtime() - t0;
    if (w < 0) return -1;
    p->maxrss_kib = ru.ru_maxrss; /* Linux: KiB */
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

double pel_bench_field(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *s = l;
        while (*s == ' ') s++;
        if (strncmp(s, key, n)) continue;
        s += n;
        while (*s == ' ') s++;
        if (*s != '=') continue;
        char *end;
        double v = strtod(s + 1, &end);
        if (end != s + 1) return v;
    }
    return NAN;
}

int pel_bench_verified(const char *text)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *s = l;
        while (*s == ' ') s++;
        if (strncmp(s, "Verification", 12)) continue;
        s += 12;
        while (*s == ' ') s++;
        if (*s != '=') continue;
        s++;
        while (*s == ' ') s++;
        if (strncmp(s, "SUCCESSFUL", 10) == 0) return 1;
    }
    return 0;
}
