/* Private to libpel: the one way a kernel runs parallel work.  No family
 * opens a parallel region of its own; each hands core a function of
 * (t, nt, arg), called for t = 0 .. nt-1 ("virtual thread" t of nt), and
 * core decides how those calls run:
 *
 *   called from serial code          a team of nt threads, one call each;
 *   inside a caller's parallel       a nested team of nt threads, when the
 *   region or task, nesting enabled  caller enabled nesting (max-active-levels
 *                                    above the current active level);
 *   inside, nesting disabled         barrier-free work (flags 0): one task
 *                                    per t (taskloop), run by the caller's
 *                                    idle threads, awaited before returning;
 *                                    work whose threads synchronise: a body
 *                                    of phases (peli_run below), each phase
 *                                    such a taskloop.
 *
 * nt is read from the context at each call (never more than it says, nor
 * than `work` items, nor than `max` when the object sized per-thread
 * workspace at create).  The runtime may grant a smaller team; nt is then
 * the team's real size.  Kernels split work by (t, nt) and index per-thread
 * workspace by t, never by omp_get_thread_num(), and give bitwise-identical
 * results for every nt. */
#ifndef PEL_INTERNAL_TEAM_H
#define PEL_INTERNAL_TEAM_H

#include <stddef.h>

#include <pel/context.h>

typedef void (*peli_team_fn)(int t, int nt, void *arg);

enum {
    PELI_BARRIERS = 1 /* the nt calls synchronise with peli_barrier: they must run at once */
};

/* Runs fn as above; returns the nt it ran with. */
int peli_parallel(const pel_context *ctx, size_t work, int max, int flags, peli_team_fn fn,
                  void *arg);

/* The team size peli_parallel would ask for (before the runtime's say). */
int peli_team_want(const pel_context *ctx, size_t work, int max);

/* ---- work whose threads synchronise: a body of phases ----------------------
 * A body runs the control flow of a kernel (iteration loops, convergence
 * tests) and hands every piece of per-thread work to peli_phase.  As a team
 * (serial caller, or nesting enabled) every thread runs the body with its
 * own t and a phase is "my part, then a barrier": exactly a parallel region
 * with barriers.  Inside a caller's team without nesting the body runs once,
 * on the calling thread, in task mode: a phase is a taskloop of nt tasks
 * (one per t), awaited, so the caller's idle threads join the work.  Code
 * outside phases therefore runs once per thread or once in all: it may read
 * shared results but write only its own locals, except under peli_master
 * (t == 0 as a team, always in task mode) followed by peli_sync when other
 * threads read what it wrote. */
typedef struct peli_team {
    int t, nt; /* as a team: this thread of nt; in task mode: 0 of nt (virtual) */
    int tasks; /* 1 in task mode */
} peli_team;

typedef void (*peli_body_fn)(peli_team *tm, void *arg);

/* Runs body as above; returns the nt it ran with. */
int peli_run(const pel_context *ctx, size_t work, int max, peli_body_fn body, void *arg);

/* fn(t, nt, arg) for every t of the team, then all have finished. */
void peli_phase(peli_team *tm, peli_team_fn fn, void *arg);

/* A body's last phase: as a team the end of the parallel region already waits
 * for every thread, so it adds no barrier of its own; in task mode it is a
 * phase like any other.  Nothing in the body may follow it but returning. */
void peli_phase_last(peli_team *tm, peli_team_fn fn, void *arg);

/* All threads have reached this point (a barrier as a team; nothing to do in
 * task mode, where one thread runs the body). */
void peli_sync(peli_team *tm);

static inline int peli_master(const peli_team *tm) { return tm->t == 0; }

/* Cancellation in a body of phases (pel_context_set_cancel): the rule.
 * Every thread of a team must take the same branch, or some wait forever at
 * a barrier the others never reach; a flag that a signal may set at any
 * moment, read by each thread itself, could be 0 for one and 1 for the next.
 * So the decision is made once and shared: at check point k the master
 * stores the flag's value into the body's shared peli_stop (peli_stop_post),
 * and every thread reads that stored value (peli_stop_read) only after a
 * phase or peli_sync that follows the post, so all read the same value.
 * Two slots alternate between consecutive check points, so the master's next
 * post never overwrites a value a slower thread has yet to read, provided
 * at least one barrier separates consecutive check points (one phase per
 * iteration suffices).  Barrier-free work (peli_parallel without
 * PELI_BARRIERS, peli_tasks) needs none of this: each part or task reads
 * the flag with peli_cancelled and skips its work. */
typedef struct peli_stop {
    int slot[2];
} peli_stop;

static inline void peli_stop_post(const peli_team *tm, peli_stop *s, long k, const pel_context *ctx)
{
    if (peli_master(tm)) s->slot[k & 1] = pel_context_cancelled(ctx);
}

static inline int peli_stop_read(const peli_stop *s, long k) { return s->slot[k & 1]; }

/* A barrier among the nt calls of one PELI_BARRIERS run (a no-op when nt = 1). */
#define peli_barrier(nt)                                                                      \
    do {                                                                                      \
        if ((nt) > 1) {                                                                       \
            _Pragma("omp barrier")                                                            \
        }                                                                                     \
    } while (0)

/* ---- task graphs -----------------------------------------------------------
 * DAG-shaped work (wavefronts, tiled factorisations, dynamically balanced
 * batches) is a function that creates OpenMP tasks, with depend clauses and
 * priorities as it likes, and returns; peli_tasks returns when every task it
 * created (and their descendants) has finished.  From serial code, or inside
 * a caller's region with nesting enabled, fn runs on one thread of a team of
 * up to nt threads whose other threads take the tasks; inside a caller's
 * team without nesting fn runs on the calling thread inside a taskgroup and
 * the caller's idle threads take the tasks.  fn's nt is the number of
 * threads that may run the tasks (size per-thread statistics by it, and
 * index them by peli_task_thread()); results must never depend on which
 * thread ran a task.  fn returns before its tasks run to the end, so a task
 * takes what it needs firstprivate, never a reference to fn's locals.
 * Returns that nt. */
typedef void (*peli_tasks_fn)(int nt, void *arg);

int peli_tasks(const pel_context *ctx, size_t work, peli_tasks_fn fn, void *arg);

/* n calls fn(t, n, arg) at once, one thread each, spread over the machine's
 * places (proc_bind(spread)): the outer level of components that each run a
 * nested team of their own (pel/concurrent.h).  Every t runs exactly once
 * even when the runtime grants fewer threads. */
void peli_spread(int n, peli_team_fn fn, void *arg);

/* The thread running the current task, in [0, nt) of the peli_tasks call. */
int peli_task_thread(void);

#endif
