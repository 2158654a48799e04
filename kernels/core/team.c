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
static void spread_body(int want, peli_team_fn fn, void *arg, int *ran)
{
    int me = omp_get_thread_num(), got = omp_get_num_threads();
    if (me == 0) *ran = got;
    for (int t = me; t < want; t += got) fn(t, want, arg);
}

static void team_body(peli_team_fn fn, void *arg, int *ran)
{
    int got = omp_get_num_threads();
    if (omp_get_thread_num() == 0) *ran = got;
    fn(omp_get_thread_num(), got, arg);
}

/* A nested team stays on its parent's places (proc_bind(close)): a coupler
 * that spreads components over the machine keeps each one's threads
 * together.  From serial code the program's own binding policy applies. */
static void run_spread(int want, peli_team_fn fn, void *arg, int *ran)
{
    if (omp_get_active_level() > 0) {
#pragma omp parallel num_threads(want) proc_bind(close) default(none) shared(want, fn, arg, ran)
        spread_body(want, fn, arg, ran);
    } else {
#pragma omp parallel num_threads(want) default(none) shared(want, fn, arg, ran)
        spread_body(want, fn, arg, ran);
    }
}

static void run_team(int want, peli_team_fn fn, void *arg, int *ran)
{
    if (omp_get_active_level() > 0) {
#pragma omp parallel num_threads(want) proc_bind(close) default(none) shared(fn, arg, ran)
        team_body(fn, arg, ran);
    } else {
#pragma omp parallel num_threads(want) default(none) shared(fn, arg, ran)
        team_body(fn, arg, ran);
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

/* ---- bodies of phases --------------------------------------------------------- */

typedef struct body_job {
    peli_body_fn body;
    void *arg;
} body_job;

static void body_as_team(int t, int nt, void *arg)
{
    body_job *j = arg;
    peli_team tm = {t, nt, 0};
    j->body(&tm, j->arg);
}

int peli_run(const pel_context *ctx, size_t work, int max, peli_body_fn body, void *arg)
{
    int want = peli_team_want(ctx, work, max);
    int can_team = omp_get_active_level() < omp_get_max_active_levels();
    if (want > 1 && !can_team) {
        peli_team tm = {0, want, 1};
        body(&tm, arg);
        return want;
    }
    body_job j = {body, arg};
    return peli_parallel(ctx, work, max, PELI_BARRIERS, body_as_team, &j);
}

void peli_phase(peli_team *tm, peli_team_fn fn, void *arg)
{
    if (!tm->tasks) {
        fn(tm->t, tm->nt, arg);
        peli_barrier(tm->nt);
        return;
    }
    int nt = tm->nt;
#pragma omp taskloop grainsize(1) default(none) shared(nt, fn, arg)
    for (int t = 0; t < nt; t++) fn(t, nt, arg);
}

void peli_phase_last(peli_team *tm, peli_team_fn fn, void *arg)
{
    if (tm->tasks) peli_phase(tm, fn, arg);
    else fn(tm->t, tm->nt, arg);
}

void peli_sync(peli_team *tm)
{
    if (!tm->tasks) peli_barrier(tm->nt);
}

/* ---- task graphs -------------------------------------------------------------- */

typedef struct tasks_job {
    peli_tasks_fn fn;
    void *arg;
} tasks_job;

/* fn runs inside an explicit task: libgomp keeps the dependence table of
 * the task that creates `depend` tasks, and an implicit task's is never
 * freed (LeakSanitizer reports it). */
static void run_fn(peli_tasks_fn fn, int nt, void *arg)
{
#pragma omp task default(none) firstprivate(fn, nt, arg)
    fn(nt, arg);
}

static void tasks_single(int t, int nt, void *arg)
{
    (void)t;
    tasks_job *j = arg;
#pragma omp single
    run_fn(j->fn, nt, j->arg);
    /* the end of single (and of the region) waits for every task */
}

int peli_tasks(const pel_context *ctx, size_t work, peli_tasks_fn fn, void *arg)
{
    int want = peli_team_want(ctx, work, 0);
    int can_team = omp_get_active_level() < omp_get_max_active_levels();
    if (want > 1 && can_team) {
        tasks_job j = {fn, arg};
        return peli_parallel(ctx, work, 0, PELI_BARRIERS, tasks_single, &j);
    }
    /* the threads that may take the tasks: the caller's team (1 when serial) */
    int nt = omp_get_num_threads();
#pragma omp taskgroup
    run_fn(fn, nt, arg);
    return nt;
}

int peli_task_thread(void) { return omp_get_thread_num(); }

void peli_spread(int n, peli_team_fn fn, void *arg)
{
    int ran = 1;
    if (n < 2) {
        for (int t = 0; t < n; t++) fn(t, n, arg);
        return;
    }
#pragma omp parallel num_threads(n) proc_bind(spread) default(none) shared(n, fn, arg, ran)
    spread_body(n, fn, arg, &ran);
}
