/* pel-bench's stream suite: the memory-bandwidth bound itself, a STREAM
 * triad (a = b + s c, 24 bytes per element counted, arrays 4x the LLC),
 * measured with STREAM's own loop and with streaming stores. */
#include <config.h>

#include "common/bench.h"
#include "common/driver.h"

static int run(const pel_bench_env *env, pel_bench_out *out)
{
    pel_bench_triad tr;
    if (!pel_bench_triad_init(env, &tr)) {
        pel_bench_triad_free(&tr);
        fprintf(stderr, "pel-bench: error: stream: no memory for 3 arrays of %zu doubles\n", tr.n);
        return PEL_EXIT_RUN;
    }
    int first = out->n;
    pel_bench_series *s = pel_bench_add(out, "GB/s", "triad bandwidth (STREAM loop)");
    pel_bench_series *nt = s ? pel_bench_add(out, "GB/s", "triad bandwidth (streaming stores)") : NULL;
    if (!nt) {
        pel_bench_triad_free(&tr);
        return PEL_EXIT_RUN;
    }
    s = &out->s[first]; /* the add may have moved it */
    printf("stream: arrays of %zu doubles (%.0f MiB each)\n", tr.n, (double)tr.n * 8 / (1 << 20));
    pel_bench_triad_gbs(&tr, env->threads, 2); /* warm up: threads started, pages mapped */
    pel_bench_triad_nt_gbs(&tr, env->threads, 2);
    for (int r = 0; r < env->reps && !pel_run_stop_signal(); r++) {
        s->v[s->n++] = pel_bench_triad_gbs(&tr, env->threads, 6);
        nt->v[nt->n++] = pel_bench_triad_nt_gbs(&tr, env->threads, 6);
    }
    pel_bench_triad_free(&tr);
    if (!pel_run_stop_signal()) pel_bench_print_table(stdout, out, first);
    return PEL_EXIT_OK;
}

const pel_bench_suite pel_bench_stream = {"stream", "the STREAM triad, the bandwidth bound", 1, NULL, run, NULL};
