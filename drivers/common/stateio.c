/* State files of a run: restart from a checkpoint, write checkpoints, and
 * compare the final state with a baseline (a checkpoint written by --save).
 *
 * A checkpoint holds the component's checkpoint state (pel_component_save:
 * typed fields and typed parameters) and its numerics version
 * ("<family>=<version>"); a component without save/restore writes its result
 * fields and no parameters.  A restart or baseline file must come from the
 * same program, with the same numerics version, parameters (metadata, both
 * ways) and fields (names, element types, shapes, both ways); that is checked
 * before the run, so a wrong file is bad input. */
#include <config.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/run_internal.h"

/* The state a checkpoint holds: the component's save, or its result fields
 * (listed into r->fields) when it has no checkpoints. */
static pel_status checkpoint_state(run *r, pel_component_state *own)
{
    memset(own, 0, sizeof *own);
    if (pel_component_can_checkpoint(r->comp)) return pel_component_save(r->comp, own);
    pel_status s = pel_run_list_fields(r);
    if (s) return s;
    own->step = pel_component_step(r->comp);
    own->time = pel_component_time(r->comp);
    own->fields = r->fields;
    own->nfields = r->nfields;
    return PEL_OK;
}

pel_status pel_run_list_fields(run *r)
{
    int n = pel_component_fields(r->comp, NULL, 0);
    if (n < 0) return pel_error(r->ctx, PEL_EINVAL, "%s: the component lists no fields", r->d->name);
    pel_field *f = realloc(r->fields, ((size_t)n + 1) * sizeof *f);
    if (!f) return pel_error(r->ctx, PEL_ENOMEM, "out of memory for %d field records", n);
    r->fields = f;
    r->nfields = pel_component_fields(r->comp, f, n);
    if (r->nfields > n) r->nfields = n;
    for (int i = 0; i < r->nfields; i++)
        if (!f[i].name || (!f[i].data && pel_field_count(&f[i])))
            return pel_error(r->ctx, PEL_EINVAL, "%s: result field %d has no %s", r->d->name, i,
                             f[i].name ? "data" : "name");
    return PEL_OK;
}

void pel_run_state_free(run *r)
{
    free(r->fields);
    free(r->fingerprints);
    free(r->diffs);
}

/* The numerics record of this build: the component's "<family>=<version>". */
static const char *numerics(const run *r) { return r->sum.numerics; }

/* A string quoted, with control bytes escaped (\n, \x1b): a forged file's
 * text never breaks the one-line message. */
static void quote_text(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    if (n < 8) {
        if (n) buf[0] = '\0';
        return;
    }
    buf[k++] = '\'';
    for (; s && *s && k + 6 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n') buf[k++] = '\\', buf[k++] = 'n';
        else if (c < 0x20 || c == 0x7f) k += (size_t)snprintf(buf + k, n - k, "\\x%02x", c);
        else buf[k++] = (char)c;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
}

/* A value as a message shows it: integers, reals in their shortest
 * round-trip form, strings quoted. */
static void meta_text(const pel_meta *m, char *buf, size_t n)
{
    if (m->kind == PEL_META_INT) snprintf(buf, n, "%lld", (long long)m->i);
    else if (m->kind == PEL_META_STRING) quote_text(m->s, buf, n);
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
    return a->s && b->s && strcmp(a->s, b->s) == 0;
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
    for (int d = 0; d < a->rank && d < PEL_FIELD_MAX_RANK; d++)
        if (a->dims[d] != b->dims[d]) return 0;
    return 1;
}

/* Is field f in the file, with the same element type and shape?  0 when it
 * is; otherwise records the difference. */
static int check_field(run *r, pel_ckpt *ck, const char *path, const char *role, const pel_field *f)
{
    char a[96], b[96];
    pel_field c;
    int k = pel_ckpt_find_field(ck, f->name);
    if (k < 0) return pel_error(r->ctx, PEL_EMISMATCH, "%s: no field '%s' in this %s", path, f->name, role);
    pel_ckpt_field_info(ck, k, &c);
    if (same_shape(f, &c)) return 0;
    shape_text(&c, a, sizeof a);
    shape_text(f, b, sizeof b);
    return pel_error(r->ctx, PEL_EMISMATCH, "%s: field '%s' is %s, this run has %s", path, f->name, a, b);
}

/* Does the file at `path` (a "checkpoint" or "baseline") describe the state
 * `own` of this run?  0 when it does; otherwise records the first
 * difference. */
static int check_state(run *r, pel_ckpt *ck, const char *path, const char *role, const pel_component_state *own)
{
    const pel_driver *d = r->d;
    pel_context *ctx = r->ctx;
    char a[96], b[96];
    if (strcmp(pel_ckpt_kind(ck), d->name) != 0)
        return pel_error(ctx, PEL_EMISMATCH, "%s: written by %s, not %s", path, pel_ckpt_kind(ck), d->name);
    const char *mine = numerics(r), *theirs = pel_ckpt_numerics(ck);
    if (strcmp(mine, theirs) != 0)
        return pel_error(ctx, PEL_EMISMATCH, "%s: other numerics version (%s %s, this build %s)", path,
                         role, *theirs ? theirs : "none", *mine ? mine : "none");
    for (int i = 0; i < own->nmeta; i++) {
        const pel_meta *m = &own->meta[i], *c = pel_ckpt_find_meta(ck, m->name);
        meta_text(m, b, sizeof b);
        if (!c) return pel_error(ctx, PEL_EMISMATCH, "%s: no '%s' in this %s (this run has %s)", path, m->name, role, b);
        if (meta_equal(m, c)) continue;
        meta_text(c, a, sizeof a);
        return pel_error(ctx, PEL_EMISMATCH, "%s: written with %s = %s, this run has %s", path, m->name, a, b);
    }
    for (int i = 0; i < pel_ckpt_meta_count(ck); i++) {
        const pel_meta *c = pel_ckpt_meta_at(ck, i);
        int found = 0;
        for (int j = 0; !found && j < own->nmeta; j++) found = strcmp(own->meta[j].name, c->name) == 0;
        meta_text(c, a, sizeof a);
        if (!found)
            return pel_error(ctx, PEL_EMISMATCH, "%s: written with %s = %s, which this run does not have",
                             path, c->name, a);
    }
    for (int i = 0; i < own->nfields; i++)
        if (check_field(r, ck, path, role, &own->fields[i])) return 1;
    for (int i = 0; i < pel_ckpt_field_count(ck); i++) {
        const char *name = pel_ckpt_field_info(ck, i, NULL);
        int found = 0;
        for (int j = 0; !found && j < own->nfields; j++) found = strcmp(own->fields[j].name, name) == 0;
        if (!found) return pel_error(ctx, PEL_EMISMATCH, "%s: field '%s' is not in this run", path, name);
    }
    return 0;
}

/* Restores the component from a checkpoint written by this program with the
 * same numerics, parameters and fields: the checkpoint's fields and
 * parameters go to pel_component_restore as a pel_component_state. */
/* The restart from one file: -1 when done, else the exit status, the
 * message left on the context (not printed). */
static int restart_from(run *r, const char *path, long *step)
{
    pel_context *ctx = r->ctx;
    pel_component_state own;
    if (checkpoint_state(r, &own)) return PEL_EXIT_RUN;
    int code = -1;
    pel_ckpt *ck;
    if (pel_ckpt_open(ctx, path, &ck)) return PEL_EXIT_USAGE;
    if (check_state(r, ck, path, "checkpoint", &own)) code = PEL_EXIT_USAGE;
    uint64_t ckstep = pel_ckpt_step(ck);
    if (code < 0 && ckstep > (uint64_t)pel_config_int(r->cfg, "run", "steps")) {
        pel_error(ctx, PEL_EMISMATCH, "%s: at step %llu, beyond run.steps = %lld", path,
                  (unsigned long long)ckstep, pel_config_int(r->cfg, "run", "steps"));
        code = PEL_EXIT_USAGE;
    }
    /* the checkpoint's fields, read into buffers that restore copies from;
     * its parameters, which restore compares with the object's once more */
    int nf = code < 0 ? own.nfields : 0, nm = code < 0 ? pel_ckpt_meta_count(ck) : 0;
    pel_field *f = calloc((size_t)nf + 1, sizeof *f);
    pel_meta *m = calloc((size_t)nm + 1, sizeof *m);
    void **buf = calloc((size_t)nf + 1, sizeof *buf);
    if (code < 0 && (!f || !m || !buf)) {
        pel_error(ctx, PEL_ENOMEM, "%s: out of memory for %d fields", path, nf);
        code = PEL_EXIT_RUN;
    }
    for (int i = 0; code < 0 && i < nm; i++) m[i] = *pel_ckpt_meta_at(ck, i);
    for (int i = 0; code < 0 && i < nf; i++) {
        f[i] = own.fields[i];
        uint64_t bytes = pel_field_bytes(&f[i]);
        if (!(buf[i] = malloc(bytes ? (size_t)bytes : 1))) {
            pel_error(ctx, PEL_ENOMEM, "%s: out of memory for field '%s'", path, f[i].name);
            code = PEL_EXIT_RUN;
        } else if (pel_ckpt_read_field(ck, f[i].name, f[i].type, buf[i], pel_field_count(&f[i])))
            code = PEL_EXIT_USAGE;
        f[i].data = buf[i];
    }
    if (code < 0) {
        pel_component_state in = {.step = (long)ckstep, .time = pel_ckpt_time(ck), .fields = f, .nfields = nf,
                                  .meta = m, .nmeta = nm};
        if (pel_component_restore(r->comp, &in)) code = PEL_EXIT_USAGE;
    }
    pel_ckpt_close(ck); /* after restore: the parameters' names and strings are the file's */
    for (int i = 0; buf && i < nf; i++) free(buf[i]);
    free(buf);
    free(f);
    free(m);
    if (code >= 0) return code;
    *step = (long)ckstep;
    return -1;
}

/* ---- numbered checkpoints (run.checkpoint_keep > 1) and --restart latest ------ */

void pel_run_checkpoint_name(const char *base, long keep, long step, char *out, size_t n)
{
    if (keep > 1) snprintf(out, n, "%s.%012ld", base, step);
    else snprintf(out, n, "%s", base);
}

/* The step of `name` when it is base's numbered checkpoint (base.NNNNNNNNNNNN), else -1. */
static long numbered_step(const char *name, const char *base)
{
    size_t lb = strlen(base);
    if (strncmp(name, base, lb) != 0 || name[lb] != '.' || strlen(name + lb + 1) != 12) return -1;
    long v = 0;
    for (const char *p = name + lb + 1; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static int by_step_desc(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The steps of base's numbered checkpoints, newest first (at most max); the count. */
static int numbered_list(const char *base, long *steps, int max)
{
    char dir[1024];
    const char *slash = strrchr(base, '/');
    if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - base), base);
    else snprintf(dir, sizeof dir, ".");
    if (!*dir) snprintf(dir, sizeof dir, "/");
    DIR *dp = opendir(dir);
    if (!dp) return 0;
    int n = 0;
    struct dirent *e;
    const char *leaf = slash ? slash + 1 : base;
    while ((e = readdir(dp)) && n < max) {
        long st = numbered_step(e->d_name, leaf);
        if (st >= 0) steps[n++] = st;
    }
    closedir(dp);
    qsort(steps, (size_t)n, sizeof *steps, by_step_desc);
    return n;
}

void pel_run_checkpoint_prune(const char *base, long keep)
{
    enum { MAX = 4096 };
    long *steps = keep > 1 ? malloc(MAX * sizeof *steps) : NULL;
    if (!steps) return;
    int n = numbered_list(base, steps, MAX);
    char path[1100];
    for (int i = (int)keep; i < n; i++) {
        pel_run_checkpoint_name(base, keep, steps[i], path, sizeof path);
        unlink(path);
    }
    free(steps);
}

int pel_run_restart(run *r, long *step)
{
    const pel_driver *d = r->d;
    pel_context *ctx = r->ctx;
    if (!pel_run_has_checkpoints(d)) {
        pel_error(ctx, PEL_ENOTSUP, "--restart: %s has no checkpoints", d->name);
        return pel_run_fail(r, PEL_EXIT_USAGE);
    }
    if (strcmp(r->o.restart, "latest") != 0) {
        int code = restart_from(r, r->o.restart, step);
        return code >= 0 ? pel_run_fail(r, code) : -1;
    }
    /* the newest checkpoint that restarts: numbered ones newest first, then
     * the plain run.checkpoint_file; an unreadable or foreign one is skipped
     * with a warning (a restore that fails leaves the object unchanged) */
    enum { MAX = 4096 };
    const char *base = pel_config_string(r->cfg, "run", "checkpoint_file");
    long *steps = malloc(MAX * sizeof *steps);
    if (!steps) {
        pel_error(ctx, PEL_ENOMEM, "--restart latest: out of memory");
        return pel_run_fail(r, PEL_EXIT_RUN);
    }
    int n = numbered_list(base, steps, MAX), tried = 0;
    for (int i = 0; i <= n; i++) {
        if (i < n) pel_run_checkpoint_name(base, 2, steps[i], r->restart_path, sizeof r->restart_path);
        else snprintf(r->restart_path, sizeof r->restart_path, "%s", base);
        if (i == n && access(base, F_OK) != 0) break;
        tried++;
        int code = restart_from(r, r->restart_path, step);
        if (code < 0) {
            free(steps);
            r->o.restart = r->restart_path;
            if (!r->o.quiet) printf("restarting from %s (%s %ld)\n", r->restart_path, d->component->step_noun, *step);
            return -1;
        }
        if (code != PEL_EXIT_USAGE) {
            free(steps);
            return pel_run_fail(r, code);
        }
        if (!r->o.quiet) fprintf(stderr, "%s: warning: --restart latest: skipping %s\n", d->name, pel_context_error(ctx));
    }
    free(steps);
    if (tried) pel_error(ctx, PEL_EIO, "--restart latest: none of the %d checkpoints of %s restarts this run", tried, base);
    else pel_error(ctx, PEL_EIO, "--restart latest: no checkpoint %s (nor %s.<step>) exists", base, base);
    return pel_run_fail(r, PEL_EXIT_USAGE);
}

pel_status pel_run_checkpoint(run *r, const char *path, long step)
{
    pel_component_state own;
    pel_status s = checkpoint_state(r, &own);
    if (s) return s;
    pel_region_begin(r->ctx, "checkpoint");
    s = pel_ckpt_write(r->ctx, path, r->d->name, numerics(r), (uint64_t)step, own.time, own.meta, own.nmeta,
                       own.fields, own.nfields);
    pel_region_end(r->ctx, "checkpoint");
    return s;
}

/* Opens the baseline before the run and checks it against the component set
 * up: the state a --save of this run would write, and every result field
 * (what is compared), so a wrong file fails at once, as bad input. */
int pel_run_open_baseline(run *r)
{
    pel_component_state own;
    if (checkpoint_state(r, &own)) return pel_run_fail(r, PEL_EXIT_RUN);
    if (pel_ckpt_open(r->ctx, r->o.baseline, &r->baseline) ||
        check_state(r, r->baseline, r->o.baseline, "baseline", &own))
        return pel_run_fail(r, PEL_EXIT_USAGE);
    if (pel_run_list_fields(r)) return pel_run_fail(r, PEL_EXIT_RUN);
    for (int i = 0; i < r->nfields; i++)
        if (check_field(r, r->baseline, r->o.baseline, "baseline", &r->fields[i]))
            return pel_run_fail(r, PEL_EXIT_USAGE);
    return -1;
}

int pel_run_fingerprints(run *r)
{
    if (pel_run_list_fields(r)) return pel_run_fail(r, PEL_EXIT_RUN);
    free(r->fingerprints);
    r->fingerprints = calloc((size_t)r->nfields + 1, sizeof *r->fingerprints);
    if (!r->fingerprints) {
        pel_error(r->ctx, PEL_ENOMEM, "out of memory for %d fingerprints", r->nfields);
        return pel_run_fail(r, PEL_EXIT_RUN);
    }
    r->sum.fields = r->fields;
    r->sum.fingerprints = r->fingerprints;
    r->sum.nfields = r->nfields;
    pel_report_fingerprints(&r->sum);
    return -1;
}

/* Compares the final result fields (as pel_run_fingerprints listed them)
 * with the baseline, field by field: integers exactly, reals bitwise or,
 * with --baseline-tol, within a tolerance on the relative difference. */
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
