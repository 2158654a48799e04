/* State files of a run: restart from a checkpoint, write checkpoints, and
 * compare the final state with a baseline (a checkpoint written by --save).
 * A restart or baseline file must come from the same program, with the same
 * numerics versions, parameters (metadata) and fields (names, element types,
 * shapes); that is checked before the run, so a wrong file is bad input. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "common/run_internal.h"

/* Lists the state's fields and metadata into the run's arrays. */
static pel_status list_state(run *r)
{
    const pel_driver *d = r->d;
    if (!r->fields) r->fields = calloc(PEL_RUN_MAX_FIELDS, sizeof *r->fields);
    if (!r->meta) r->meta = calloc(PEL_RUN_MAX_META, sizeof *r->meta);
    if (!r->fields || !r->meta) return pel_error(r->ctx, PEL_ENOMEM, "out of memory for the state's records");
    r->nfields = d->fields(r->state, r->fields);
    r->nmeta = d->meta ? d->meta(r->state, r->meta) : 0;
    return PEL_OK;
}

void pel_run_state_free(run *r)
{
    free(r->fields);
    free(r->meta);
    free(r->fingerprints);
    free(r->diffs);
}

/* A value as a message shows it: integers, reals in their shortest
 * round-trip form, strings quoted. */
static void meta_text(const pel_meta *m, char *buf, size_t n)
{
    if (m->kind == PEL_META_INT) snprintf(buf, n, "%lld", (long long)m->i);
    else if (m->kind == PEL_META_STRING) snprintf(buf, n, "'%s'", m->s);
    else
        for (int digits = 15; digits <= 17; digits++) {
            snprintf(buf, n, "%.*g", digits, m->r);
            if (strtod(buf, NULL) == m->r) break;
        }
}

static int meta_equal(const pel_meta *a, const pel_meta *b)
{
    if (a->kind != b->kind) return 0;
    if (a->kind == PEL_META_INT) return a->i == b->i;
    if (a->kind == PEL_META_REAL) return memcmp(&a->r, &b->r, sizeof a->r) == 0;
    return strcmp(a->s, b->s) == 0;
}

/* "f64 64x48" */
static void shape_text(const pel_field *f, char *buf, size_t n)
{
    int k = snprintf(buf, n, "%s ", pel_dtype_name(f->type));
    for (int d = 0; d < f->rank && k > 0 && (size_t)k < n; d++)
        k += snprintf(buf + k, n - (size_t)k, "%s%llu", d ? "x" : "", (unsigned long long)f->dims[d]);
}

static int same_shape(const pel_field *a, const pel_field *b)
{
    if (a->type != b->type || a->rank != b->rank) return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dims[d] != b->dims[d]) return 0;
    return 1;
}

/* Does the file at `path` (a "checkpoint" or "baseline") describe this run's
 * state?  0 when it does; otherwise records the first difference. */
static int check_state(run *r, pel_ckpt *ck, const char *path, const char *role)
{
    const pel_driver *d = r->d;
    pel_context *ctx = r->ctx;
    char a[96], b[96];
    if (strcmp(pel_ckpt_kind(ck), d->name) != 0)
        return pel_error(ctx, PEL_EMISMATCH, "%s: written by %s, not %s", path, pel_ckpt_kind(ck), d->name);
    const char *mine = d->numerics ? d->numerics : "", *theirs = pel_ckpt_numerics(ck);
    if (strcmp(mine, theirs) != 0)
        return pel_error(ctx, PEL_EMISMATCH, "%s: other numerics version (%s %s, this build %s)", path,
                         role, *theirs ? theirs : "none", *mine ? mine : "none");
    for (int i = 0; i < r->nmeta; i++) {
        const pel_meta *m = &r->meta[i], *c = pel_ckpt_find_meta(ck, m->name);
        meta_text(m, b, sizeof b);
        if (!c) return pel_error(ctx, PEL_EMISMATCH, "%s: no '%s' in this %s (this run has %s)", path, m->name, role, b);
        if (meta_equal(m, c)) continue;
        meta_text(c, a, sizeof a);
        return pel_error(ctx, PEL_EMISMATCH, "%s: written with %s = %s, this run has %s", path, m->name, a, b);
    }
    for (int i = 0; i < pel_ckpt_meta_count(ck); i++) {
        const pel_meta *c = pel_ckpt_meta_at(ck, i);
        int found = 0;
        for (int j = 0; !found && j < r->nmeta; j++) found = strcmp(r->meta[j].name, c->name) == 0;
        meta_text(c, a, sizeof a);
        if (!found)
            return pel_error(ctx, PEL_EMISMATCH, "%s: written with %s = %s, which this run does not have",
                             path, c->name, a);
    }
    for (int i = 0; i < r->nfields; i++) {
        const pel_field *f = &r->fields[i];
        pel_field c;
        int k = pel_ckpt_find_field(ck, f->name);
        if (k < 0) return pel_error(ctx, PEL_EMISMATCH, "%s: no field '%s' in this %s", path, f->name, role);
        pel_ckpt_field_info(ck, k, &c);
        if (same_shape(f, &c)) continue;
        shape_text(&c, a, sizeof a);
        shape_text(f, b, sizeof b);
        return pel_error(ctx, PEL_EMISMATCH, "%s: field '%s' is %s, this run has %s", path, f->name, a, b);
    }
    for (int i = 0; i < pel_ckpt_field_count(ck); i++) {
        const char *name = pel_ckpt_field_info(ck, i, NULL);
        int found = 0;
        for (int j = 0; !found && j < r->nfields; j++) found = strcmp(r->fields[j].name, name) == 0;
        if (!found) return pel_error(ctx, PEL_EMISMATCH, "%s: field '%s' is not in this run", path, name);
    }
    return 0;
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
    if (list_state(r)) return pel_run_fail(r, PEL_EXIT_RUN);
    int code = -1;
    pel_ckpt *ck;
    if (pel_ckpt_open(ctx, path, &ck)) return pel_run_fail(r, PEL_EXIT_USAGE);
    if (check_state(r, ck, path, "checkpoint")) code = PEL_EXIT_USAGE;
    uint64_t ckstep = pel_ckpt_step(ck);
    if (code < 0 && ckstep > (uint64_t)pel_config_int(r->cfg, "run", "steps")) {
        pel_error(ctx, PEL_EMISMATCH, "%s: at step %llu, beyond run.steps = %lld", path,
                  (unsigned long long)ckstep, pel_config_int(r->cfg, "run", "steps"));
        code = PEL_EXIT_USAGE;
    }
    for (int i = 0; code < 0 && i < r->nfields; i++) {
        pel_field *f = &r->fields[i];
        /* the driver's memory is writable (driver.h); the field only views it */
        if (pel_ckpt_read_field(ck, f->name, f->type, (void *)(uintptr_t)f->data, pel_field_count(f)))
            code = PEL_EXIT_USAGE;
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
    pel_status s = list_state(r);
    if (s) return s;
    pel_region_begin(r->ctx, "checkpoint");
    double t = d->time ? d->time(r->state) : (double)step;
    s = pel_ckpt_write(r->ctx, path, d->name, d->numerics, (uint64_t)step, t, r->meta, r->nmeta,
                                  r->fields, r->nfields);
    pel_region_end(r->ctx, "checkpoint");
    return s;
}

/* Opens the baseline before the run and checks it against the state set up,
 * so a wrong file fails at once, as bad input. */
int pel_run_open_baseline(run *r)
{
    if (list_state(r)) return pel_run_fail(r, PEL_EXIT_RUN);
    if (pel_ckpt_open(r->ctx, r->o.baseline, &r->baseline) ||
        check_state(r, r->baseline, r->o.baseline, "baseline"))
        return pel_run_fail(r, PEL_EXIT_USAGE);
    return -1;
}

int pel_run_fingerprints(run *r)
{
    if (list_state(r)) return pel_run_fail(r, PEL_EXIT_RUN);
    free(r->fingerprints);
    r->fingerprints = calloc((size_t)r->nfields + 1, sizeof *r->fingerprints);
    if (!r->fingerprints) {
        pel_error(r->ctx, PEL_ENOMEM, "out of memory for %d fingerprints", r->nfields);
        return pel_run_fail(r, PEL_EXIT_RUN);
    }
    for (int i = 0; i < r->nfields; i++) pel_field_fingerprint(&r->fields[i], r->fingerprints[i]);
    r->sum.fields = r->fields;
    r->sum.fingerprints = r->fingerprints;
    r->sum.nfields = r->nfields;
    return -1;
}

/* Compares the final fields (as pel_run_fingerprints listed them) with the
 * baseline, field by field: integers exactly, reals bitwise or, with
 * --baseline-tol, within a tolerance on the relative difference. */
int pel_run_compare_baseline(run *r)
{
    pel_run_summary *s = &r->sum;
    pel_ckpt *ck = r->baseline;
    free(r->diffs);
    r->diffs = calloc((size_t)r->nfields + 1, sizeof *r->diffs);
    if (!r->diffs) {
        pel_error(r->ctx, PEL_ENOMEM, "baseline: out of memory");
        return pel_run_fail(r, PEL_EXIT_RUN);
    }
    s->diffs = r->diffs;
    for (int i = 0; i < r->nfields; i++) {
        const pel_field *f = &r->fields[i];
        pel_baseline_diff *df = &r->diffs[i];
        uint64_t bytes = pel_field_bytes(f), n = pel_field_count(f);
        void *b = malloc(bytes ? (size_t)bytes : 1);
        if (!b) {
            pel_error(r->ctx, PEL_ENOMEM, "baseline: out of memory for field '%s'", f->name);
            return pel_run_fail(r, PEL_EXIT_RUN);
        }
        pel_field ref = *f;
        ref.data = b;
        if (pel_ckpt_read_field(ck, f->name, f->type, b, n) || pel_field_compare(r->ctx, f, &ref, &df->d)) {
            free(b);
            return pel_run_fail(r, PEL_EXIT_USAGE);
        }
        free(b);
        df->name = f->name;
        df->type = f->type;
        df->rank = f->rank;
        pel_field_index(f, df->d.first, df->first_at);
        pel_field_index(f, df->d.max_abs_at, df->abs_at);
        pel_field_index(f, df->d.max_ulp_at, df->ulp_at);
        char name[PEL_VERIFY_NAME_MAX];
        if (s->baseline_tol == 0.0 || !pel_dtype_is_real(f->type)) {
            snprintf(name, sizeof name, "baseline.%s.differing", f->name);
            pel_verify_at_most(r->log, name, (double)df->d.differing, 0.0);
        } else {
            snprintf(name, sizeof name, "baseline.%s.max_rel_diff", f->name);
            pel_verify_at_most(r->log, name, df->d.max_rel, s->baseline_tol);
        }
    }
    return -1;
}
