/* Components advanced at the same time (pel/concurrent.h). */
#include <config.h>

#include <omp.h>

#include "internal/core.h"
#include "internal/team.h"
#include <pel/concurrent.h>

const char *pel_concurrent_mode_name(pel_concurrent_mode mode)
{
    switch (mode) {
    case PEL_CONCURRENT_SEQUENTIAL: return "sequential";
    case PEL_CONCURRENT_TASKS: return "tasks";
    case PEL_CONCURRENT_TEAMS: return "teams";
    }
    return NULL;
}

static void run_item(pel_concurrent_item *it)
{
    double t0 = pel_wtime();
    it->status = pel_component_advance(it->component, it->nsteps);
    it->seconds = pel_wtime() - t0;
}

typedef struct job {
    pel_concurrent_item *items;
    int n;
} job;

static void create_tasks(int nt, void *arg)
{
    (void)nt;
    pel_concurrent_item *items = ((job *)arg)->items;
    for (int i = 0; i < ((job *)arg)->n; i++) {
#pragma omp task default(none) firstprivate(items, i)
        run_item(&items[i]);
    }
}

static void team_item(int t, int nt, void *arg)
{
    (void)nt;
    run_item(&((job *)arg)->items[t]);
}

pel_status pel_concurrent_advance(pel_context *ctx, pel_concurrent_item *items, int n,
                                  pel_concurrent_mode mode)
{
    if (!ctx) return PEL_EINVAL;
    if (!items || n < 1)
        return pel_error(ctx, PEL_EINVAL, "concurrent: %s", items ? "no items (n < 1)" : "items is NULL");
    if (!pel_concurrent_mode_name(mode))
        return pel_error(ctx, PEL_EINVAL, "concurrent: mode %d is not a pel_concurrent_mode", (int)mode);
    for (int i = 0; i < n; i++) {
        if (!items[i].component) return pel_error(ctx, PEL_EINVAL, "concurrent: item %d has no component", i);
        if (items[i].nsteps < 0)
            return pel_error(ctx, PEL_EINVAL, "concurrent: item %d: nsteps = %ld: must be >= 0", i, items[i].nsteps);
        for (int j = 0; j < i; j++)
            if (items[j].component == items[i].component)
                return pel_error(ctx, PEL_EINVAL, "concurrent: items %d and %d are the same component", j, i);
        items[i].status = PEL_OK;
        items[i].seconds = 0.0;
    }
    job j = {items, n};
    switch (mode) {
    case PEL_CONCURRENT_SEQUENTIAL:
        for (int i = 0; i < n; i++) run_item(&items[i]);
        break;
    case PEL_CONCURRENT_TASKS: peli_tasks(ctx, (size_t)n, create_tasks, &j); break;
    case PEL_CONCURRENT_TEAMS:
        if (omp_get_max_active_levels() < omp_get_active_level() + 2)
            return pel_error(ctx, PEL_EINVAL,
                             "concurrent: teams mode needs nested parallelism: max-active-levels is %d at "
                             "level %d (set OMP_MAX_ACTIVE_LEVELS=%d or call omp_set_max_active_levels)",
                             omp_get_max_active_levels(), omp_get_active_level(), omp_get_active_level() + 2);
        peli_spread(n, team_item, &j);
        break;
    }
    for (int i = 0; i < n; i++)
        if (items[i].status != PEL_OK)
            return pel_error(ctx, items[i].status, "concurrent: item %d (%s): %s", i,
                             pel_component_get_type(items[i].component)->name,
                             pel_context_error(pel_component_context(items[i].component)));
    return PEL_OK;
}

pel_status pel_concurrent_balance(pel_context *ctx, int n, const double *seconds, const int *threads,
                                  int total, int *layout)
{
    if (!ctx) return PEL_EINVAL;
    if (n < 1 || !seconds || !threads || !layout)
        return pel_error(ctx, PEL_EINVAL, "balance: %s", n < 1 ? "no components (n < 1)" : "an array is NULL");
    if (total < n) return pel_error(ctx, PEL_EINVAL, "balance: %d threads for %d components: need one each", total, n);
    for (int i = 0; i < n; i++)
        if (!(seconds[i] > 0) || threads[i] < 1)
            return pel_error(ctx, PEL_EINVAL, "balance: component %d: seconds %g on %d threads: both must be positive",
                             i, seconds[i], threads[i]);
    for (int i = 0; i < n; i++) layout[i] = 1;
    for (int k = n; k < total; k++) {
        int best = 0;
        double worst = -1.0;
        for (int i = 0; i < n; i++) {
            double t = seconds[i] * threads[i] / layout[i];
            if (t > worst) worst = t, best = i;
        }
        layout[best]++;
    }
    return PEL_OK;
}
