/* State files of a run: restart from a checkpoint, write checkpoints, and
 * compare the final state with a baseline (a checkpoint written by --save). */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/run_internal.h"

/* Restores fields and step from a checkpoint written by this program with the
 * same parameters. */
int pel_run_restart(run *r, long *step)
{
    const pel_driver *d = r->d;
    pel_context *ctx = r->ctx;
    const char *path = r->o.restart;
    if (!pel_run_has_checkpoints(d)) {
        pel_error(ctx, PEL_ENOTSUP, "--restart: %s has no checkpoints", d->name);
        return pel_run_fail(r, PEL_EXIT_USAGE);
    }
    pel_ckpt *ck;
    if (pel_ckpt_open(ctx, path, &ck)) return pel_run_fail(r, PEL_EXIT_USAGE);
    int code = -1;
    pel_ckpt_meta meta[PEL_RUN_MAX_META];
    pel_run_field f[PEL_RUN_MAX_FIELDS];
    int nm = d->meta(r->state, meta), nf = d->fields(r->state, f);
    if (strcmp(pel_ckpt_kind(ck), d->name) != 0) {
        pel_error(ctx, PEL_EMISMATCH, "%s: written by %s, not %s", path, pel_ckpt_kind(ck), d->name);
        code = PEL_EXIT_USAGE;
    }
    for (int i = 0; code < 0 && i < nm; i++) {
        double v;
        if (pel_ckpt_get_meta(ck, meta[i].name, &v)) code = PEL_EXIT_USAGE;
        else if (memcmp(&v, &meta[i].value, sizeof v) != 0) {
            pel_error(ctx, PEL_EMISMATCH, "%s: written with %s = %.17g, this run has %.17g", path,
                      meta[i].name, v, meta[i].value);
            code = PEL_EXIT_USAGE;
        }
    }
    uint64_t ckstep = pel_ckpt_step(ck);
    if (code < 0 && ckstep > (uint64_t)pel_config_int(r->cfg, "run", "steps")) {
        pel_error(ctx, PEL_EMISMATCH, "%s: at step %llu, beyond run.steps = %lld", path,
                  (unsigned long long)ckstep, pel_config_int(r->cfg, "run", "steps"));
        code = PEL_EXIT_USAGE;
    }
    for (int i = 0; code < 0 && i < nf; i++) {
        uint64_t count = 1;
        for (int k = 0; k < f[i].rank; k++) count *= f[i].dims[k];
        if (pel_ckpt_read_field(ck, f[i].name, f[i].data, count)) code = PEL_EXIT_USAGE;
    }
    pel_ckpt_close(ck);
    if (code >= 0) return pel_run_fail(r, code);
    pel_status s = d->restored(r->state, (long)ckstep);
    if (s) return pel_run_fail(r, PEL_EXIT_USAGE);
    *step = (long)ckstep;
    return -1;
}

pel_status pel_run_checkpoint(run *r, const char *path, long step)
{
    const pel_driver *d = r->d;
    pel_ckpt_meta meta[PEL_RUN_MAX_META];
    pel_run_field f[PEL_RUN_MAX_FIELDS];
    pel_ckpt_field cf[PEL_RUN_MAX_FIELDS];
    int nm = d->meta ? d->meta(r->state, meta) : 0, nf = d->fields(r->state, f);
    for (int i = 0; i < nf; i++) {
        cf[i].name = f[i].name;
        cf[i].data = f[i].data;
        cf[i].rank = f[i].rank;
        memcpy(cf[i].dims, f[i].dims, sizeof cf[i].dims);
    }
    pel_region_begin(r->ctx, "checkpoint");
    double t = d->time ? d->time(r->state) : (double)step;
    pel_status s = pel_ckpt_write(r->ctx, path, d->name, (uint64_t)step, t, meta, nm, cf, nf);
    pel_region_end(r->ctx, "checkpoint");
    return s;
}

/* Opens the baseline before the run, so a wrong file fails at once. */
int pel_run_open_baseline(run *r)
{
    if (pel_ckpt_open(r->ctx, r->o.baseline, &r->baseline)) return pel_run_fail(r, PEL_EXIT_USAGE);
    if (strcmp(pel_ckpt_kind(r->baseline), r->d->name) != 0) {
        pel_error(r->ctx, PEL_EMISMATCH, "%s: written by %s, not %s", r->o.baseline,
                  pel_ckpt_kind(r->baseline), r->d->name);
        return pel_run_fail(r, PEL_EXIT_USAGE);
    }
    return -1;
}

/* Compares the final fields with the baseline, field by field. */
int pel_run_compare_baseline(run *r)
{
    pel_run_summary *s = &r->sum;
    pel_ckpt *ck = r->baseline;
    for (int i = 0; i < s->nfields; i++) {
        const pel_run_field *f = &s->fields[i];
        pel_baseline_diff *df = &s->diffs[i];
        uint64_t n = 1;
        for (int k = 0; k < f->rank; k++) n *= f->dims[k];
        double *b = malloc(n * sizeof *b);
        if (!b) {
            pel_error(r->ctx, PEL_ENOMEM, "baseline: out of memory");
            return pel_run_fail(r, PEL_EXIT_RUN);
        }
        if (pel_ckpt_read_field(ck, f->name, b, n)) {
            free(b);
            return pel_run_fail(r, PEL_EXIT_USAGE);
        }
        memset(df, 0, sizeof *df);
        snprintf(df->name, sizeof df->name, "%s", f->name);
        df->count = n;
        df->rank = f->rank;
        double bmax = pel_max_abs(NULL, b, n), worst = -1.0;
        uint64_t at = 0;
        for (uint64_t j = 0; j < n; j++) {
            if (memcmp(&b[j], &f->data[j], sizeof b[j]) == 0) continue;
            df->differing++;
            double d = fabs(f->data[j] - b[j]);
            if (!(d <= worst)) worst = isnan(d) ? INFINITY : d, at = j;
        }
        df->max_abs_diff = worst < 0 ? 0.0 : worst;
        df->max_rel_diff = df->max_abs_diff / (bmax > 0 ? bmax : 1.0);
        for (int k = f->rank - 1; k >= 0; k--) df->at[k] = at % f->dims[k], at /= f->dims[k];
        char name[PEL_VERIFY_NAME_MAX];
        if (s->baseline_tol == 0.0) {
            snprintf(name, sizeof name, "baseline.%s.differing", f->name);
            pel_verify_at_most(r->log, name, (double)df->differing, 0.0);
        } else {
            snprintf(name, sizeof name, "baseline.%s.max_rel_diff", f->name);
            pel_verify_at_most(r->log, name, df->max_rel_diff, s->baseline_tol);
        }
        free(b);
    }
    return -1;
}
