/* State files of a run: restart from a checkpoint, write checkpoints, and
 * compare the final state with a baseline (a checkpoint written by --save). */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/run_internal.h"

/* Checkpoint metadata are doubles (integers up to 2^53 exactly). */
static double meta_double(const pel_meta *m)
{
    return m->kind == PEL_META_INT ? (double)m->i : m->kind == PEL_META_REAL ? m->r : 0.0;
}

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
    pel_component_state own;
    if (pel_component_save(r->comp, &own)) code = PEL_EXIT_RUN;
    else if (own.nfields > PEL_RUN_MAX_FIELDS) {
        pel_error(ctx, PEL_ENOTSUP, "%s: more than %d state fields", d->name, PEL_RUN_MAX_FIELDS);
        code = PEL_EXIT_RUN;
    } else if (strcmp(pel_ckpt_kind(ck), d->name) != 0) {
        pel_error(ctx, PEL_EMISMATCH, "%s: written by %s, not %s", path, pel_ckpt_kind(ck), d->name);
        code = PEL_EXIT_USAGE;
    }
    for (int i = 0; code < 0 && i < own.nmeta; i++) {
        double v, want = meta_double(&own.meta[i]);
        if (pel_ckpt_get_meta(ck, own.meta[i].name, &v)) code = PEL_EXIT_USAGE;
        else if (memcmp(&v, &want, sizeof v) != 0) {
            pel_error(ctx, PEL_EMISMATCH, "%s: written with %s = %.17g, this run has %.17g", path,
                      own.meta[i].name, v, want);
            code = PEL_EXIT_USAGE;
        }
    }
    uint64_t ckstep = pel_ckpt_step(ck);
    if (code < 0 && ckstep > (uint64_t)pel_config_int(r->cfg, "run", "steps")) {
        pel_error(ctx, PEL_EMISMATCH, "%s: at step %llu, beyond run.steps = %lld", path,
                  (unsigned long long)ckstep, pel_config_int(r->cfg, "run", "steps"));
        code = PEL_EXIT_USAGE;
    }
    /* the checkpoint's fields, read into buffers the restore copies from */
    pel_field f[PEL_RUN_MAX_FIELDS];
    double *buf[PEL_RUN_MAX_FIELDS] = {NULL};
    int nf = code < 0 ? own.nfields : 0;
    for (int i = 0; code < 0 && i < nf; i++) {
        f[i] = own.fields[i];
        uint64_t count = pel_field_count(&f[i]);
        if (f[i].type != PEL_F64) {
            pel_error(ctx, PEL_ENOTSUP, "%s: field '%s' is %s: checkpoints hold f64 fields only", d->name,
                      f[i].name, pel_dtype_name(f[i].type));
            code = PEL_EXIT_RUN;
        } else if (!(buf[i] = malloc((count ? count : 1) * sizeof(double)))) {
            pel_error(ctx, PEL_ENOMEM, "%s: out of memory for field '%s'", path, f[i].name);
            code = PEL_EXIT_RUN;
        } else if (pel_ckpt_read_field(ck, f[i].name, buf[i], count)) code = PEL_EXIT_USAGE;
        f[i].data = buf[i];
    }
    pel_ckpt_close(ck);
    if (code < 0) {
        /* the parameters were compared above, against the file's values */
        pel_component_state in = {.step = (long)ckstep, .fields = f, .nfields = nf};
        if (pel_component_restore(r->comp, &in)) code = PEL_EXIT_USAGE;
    }
    for (int i = 0; i < nf; i++) free(buf[i]);
    if (code >= 0) return pel_run_fail(r, code);
    *step = (long)ckstep;
    return -1;
}

pel_status pel_run_checkpoint(run *r, const char *path, long step)
{
    const pel_driver *d = r->d;
    pel_component_state own;
    pel_status s = pel_component_save(r->comp, &own);
    if (s) return s;
    if (own.nfields > PEL_RUN_MAX_FIELDS || own.nmeta > PEL_RUN_MAX_META)
        return pel_error(r->ctx, PEL_ENOTSUP, "%s: more than %d fields or %d parameters", d->name,
                         PEL_RUN_MAX_FIELDS, PEL_RUN_MAX_META);
    pel_ckpt_meta meta[PEL_RUN_MAX_META];
    pel_ckpt_field cf[PEL_RUN_MAX_FIELDS];
    for (int i = 0; i < own.nmeta; i++) meta[i] = (pel_ckpt_meta){own.meta[i].name, meta_double(&own.meta[i])};
    for (int i = 0; i < own.nfields; i++) {
        const pel_field *f = &own.fields[i];
        if (f->type != PEL_F64)
            return pel_error(r->ctx, PEL_ENOTSUP, "%s: field '%s' is %s: checkpoints hold f64 fields only",
                             d->name, f->name, pel_dtype_name(f->type));
        cf[i].name = f->name;
        cf[i].data = f->data;
        cf[i].rank = f->rank;
        memcpy(cf[i].dims, f->dims, sizeof cf[i].dims);
    }
    pel_region_begin(r->ctx, "checkpoint");
    s = pel_ckpt_write(r->ctx, path, d->name, (uint64_t)step, own.time, meta, own.nmeta, cf, own.nfields);
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
        const pel_field *f = &s->fields[i];
        pel_baseline_diff *df = &s->diffs[i];
        uint64_t n = pel_field_count(f);
        if (f->type != PEL_F64) {
            pel_error(r->ctx, PEL_ENOTSUP, "baseline: field '%s' is %s: baselines compare f64 fields only",
                      f->name, pel_dtype_name(f->type));
            return pel_run_fail(r, PEL_EXIT_RUN);
        }
        const double *fd = f->data;
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
        double bmax = pel_max_abs(b, n, 1), worst = -1.0;
        uint64_t at = 0;
        for (uint64_t j = 0; j < n; j++) {
            if (memcmp(&b[j], &fd[j], sizeof b[j]) == 0) continue;
            df->differing++;
            double d = fabs(fd[j] - b[j]);
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
