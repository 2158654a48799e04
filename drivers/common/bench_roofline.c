/* The in-run triad bound (bench_roofline.h). */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/bench.h"
#include "common/bench_roofline.h"
#include "common/driver.h"

/* Each array's bytes: 4x the machine's last-level caches, at least 4 MiB */
static size_t triad_bytes(void)
{
    size_t each = 4 * pel_bench_llc_total_bytes();
    return each < ((size_t)4 << 20) ? (size_t)4 << 20 : each;
}

static double triad_best(int threads)
{
    pel_bench_triad t = {.n = triad_bytes() / sizeof(double)};
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

/* Reads n bytes from fd (pel_bench_read); 0 when all came. */
static int read_all(int fd, void *buf, size_t n, int stop)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = pel_bench_read(fd, (char *)buf + got, n - got, stop);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

/* The triad in a grandchild: its pid, then its result, through a pipe.  The
 * child between exits at once and is reaped here, so the grandchild is
 * never this process's to wait for, and wait4 of this process (time -v, a
 * benchmark harness) never counts its arrays.  -1 when there is no
 * grandchild (no pipe, no fork), 0 when it failed or a stop signal came
 * (the grandchild is then killed). */
static double triad_in_grandchild(int threads)
{
    int fd[2];
    if (pipe(fd)) return -1.0;
    fflush(NULL);
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, &old); /* none runs this process's handler in a copy */
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        pel_run_guard_end(); /* an exit() in libgomp is the grandchild's, not a failed run */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        pid_t g = fork();
        if (g != 0) _exit(g < 0);
        sigprocmask(SIG_SETMASK, &old, NULL);
        pid_t me = getpid();
        double gbs = -1.0;
        if (write(fd[1], &me, sizeof me) == (ssize_t)sizeof me) gbs = triad_best(threads);
        _exit(gbs >= 0.0 && write(fd[1], &gbs, sizeof gbs) == (ssize_t)sizeof gbs ? 0 : 1);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(fd[1]);
    int status = 0;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) { /* no grandchild */
        close(fd[0]);
        return -1.0;
    }
    pid_t g = 0;
    double gbs = 0.0;
    /* the pid comes at once (or EOF, when the grandchild never ran) */
    if (read_all(fd[0], &g, sizeof g, 0) || read_all(fd[0], &gbs, sizeof gbs, 1)) {
        if (g > 0) kill(g, SIGKILL);
        gbs = 0.0;
    }
    close(fd[0]);
    return gbs;
}

double pel_bench_roofline_triad(int threads, double *seconds)
{
    double t0 = pel_wtime(), g = triad_in_grandchild(threads);
    if (g < 0.0) g = triad_best(threads);
    if (g <= 0.0 && !pel_run_stop_signal())
        fprintf(stderr, "warning: the in-run triad failed (out of memory for three arrays of %zu MiB?): "
                        "no roofline fraction this run\n", triad_bytes() >> 20);
    if (seconds) *seconds = pel_wtime() - t0;
    return g;
}
