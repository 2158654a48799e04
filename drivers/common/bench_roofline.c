/* The in-run triad bound (bench_roofline.h). */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/bench.h"
#include "common/bench_roofline.h"

static double triad_best(int threads)
{
    size_t each = 4 * pel_bench_llc_bytes();
    if (each < ((size_t)4 << 20)) each = (size_t)4 << 20;
    pel_bench_triad t = {.n = each / sizeof(double)};
    t.a = pel_malloc(t.n * sizeof *t.a);
    t.b = pel_malloc(t.n * sizeof *t.b);
    t.c = pel_malloc(t.n * sizeof *t.c);
    double best = 0.0;
    if (t.a && t.b && t.c) {
        double *a = t.a, *b = t.b, *c = t.c;
        size_t n = t.n;
#pragma omp parallel for num_threads(threads) schedule(static) default(none) shared(a, b, c, n)
        for (size_t i = 0; i < n; i++) {
            a[i] = 0.0;
            b[i] = 1.0;
            c[i] = 2.0;
        }
        (void)pel_bench_triad_gbs(&t, threads, 1);
        for (int k = 0; k < 5; k++) {
            double g = pel_bench_triad_gbs(&t, threads, 2);
            if (g > best) best = g;
        }
    }
    pel_free(t.a);
    pel_free(t.b);
    pel_free(t.c);
    return best;
}

/* The child's result through a pipe; -1 when there is no child (no pipe,
 * no fork), 0 when it died (a signal: the caller's stop flag says so). */
static double triad_in_child(int threads)
{
    int fd[2];
    if (pipe(fd)) return -1.0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]), close(fd[1]);
        return -1.0;
    }
    if (pid == 0) { /* a stop signal ends the child at once; the caller sees it itself */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        close(fd[0]);
        double g = triad_best(threads);
        ssize_t w = write(fd[1], &g, sizeof g);
        _exit(w == (ssize_t)sizeof g ? 0 : 1);
    }
    close(fd[1]);
    double g = 0.0;
    size_t got = 0;
    char *dst = (char *)&g;
    while (got < sizeof g) {
        ssize_t r = read(fd[0], dst + got, sizeof g - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return got == sizeof g ? g : 0.0;
}

double pel_bench_roofline_triad(int threads, double *seconds)
{
    double t0 = pel_wtime(), g = triad_in_child(threads);
    if (g < 0.0) g = triad_best(threads);
    if (seconds) *seconds = pel_wtime() - t0;
    return g;
}
