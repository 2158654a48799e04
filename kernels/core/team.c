/* The team launcher (kernels/internal/team.h). */
#include <config.h>

#include <omp.h>

#include "internal/core.h"
#include "internal/team.h"

int peli_team_want(const pel_context *ctx, size_t work, int max)
{
    int nt = ctx ? pel_team_size(ctx, work) : 1;
    if (max > 0 && nt > max) nt = max;
    return nt < 1 ? 1 : nt;
}

/* Every t exactly once, however many threads the runtime granted. */
static void run_spread(int want, peli_team_fn fn, void *arg, int *ran)
{
#pragma omp parallel num_threads(want) default(none) shared(want, fn, arg, ran)
    {
        int me = omp_get_thread_num(), got = omp_get_num_threads();
        if (me == 0) *ran = got;
        for (int t = me; t < want; t += got) fn(t, want, arg);
    }
}

static void run_team(int want, peli_team_fn fn, void *arg, int *ran)
{
#pragma omp parallel num_threads(want) default(none) shared(want, fn, arg, ran)
    {
        int got = omp_get_num_threads();
        if (omp_get_thread_num() == 0) *ran = got;
        fn(omp_get_thread_num(), got, arg);
    }
}

int peli_parallel(const pel_context *ctx, size_t work, int max, int flags, peli_team_fn fn,
                  void *arg)
{
    int want = peli_team_want(ctx, work, max);
    if (want == 1) {
        fn(0, 1, arg);
        return 1;
    }
    int can_team = omp_get_active_level() < omp_get_max_active_levels();
    int ran = 1;
    if (flags & PELI_BARRIERS) {
        if (!can_team) {
            fn(0, 1, arg);
            return 1;
        }
        run_team(want, fn, arg, &ran);
        return ran;
    }
    if (can_team) {
        run_spread(want, fn, arg, &ran);
        return want;
    }
    /* barrier-free work inside a caller's team: its idle threads take the tasks */
#pragma omp taskloop grainsize(1) default(none) shared(want, fn, arg)
    for (int t = 0; t < want; t++) fn(t, want, arg);
    return want;
}
