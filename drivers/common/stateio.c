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
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    free(r->diff_values);
    for (int i = 0; i < PEL_RUN_MAX_OUTPUTS; i++) free(r->hdiffs[i]);
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
static int check_state_params(run *r, pel_ckpt *ck, const char *path, const char *role,
                              const pel_component_state *own, int params_may_differ);

static int check_state(run *r, pel_ckpt *ck, const char *path, const char *role, const pel_component_state *own)
{
    return check_state_params(r, ck, path, role, own, 0);
}

/* A parameter that differs from the baseline's (params_may_differ): a note,
 * not an error: the comparison shows what it changed. */
static void param_note(run *r, const char *path, const char *name, const char *theirs, const char *mine)
{
    if (r->o.quiet) return;
    printf("baseline-compare: %s: %s = %s, this run has %s\n", path, name, theirs, mine);
}

/* check_state, and with params_may_differ the parameters (metadata) are
 * only noted where they differ: the program, the numerics and the fields'
 * names, types and shapes must still be the same. */
static int check_state_params(run *r, pel_ckpt *ck, const char *path, const char *role,
                              const pel_component_state *own, int params_may_differ)
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
        if (!c && params_may_differ) {
            param_note(r, path, m->name, "(none)", b);
            continue;
        }
        if (!c) return pel_error(ctx, PEL_EMISMATCH, "%s: no '%s' in this %s (this run has %s)", path, m->name, role, b);
        if (meta_equal(m, c)) continue;
        meta_text(c, a, sizeof a);
        if (params_may_differ) {
            param_note(r, path, m->name, a, b);
            continue;
        }
        return pel_error(ctx, PEL_EMISMATCH, "%s: written with %s = %s, this run has %s", path, m->name, a, b);
    }
    for (int i = 0; i < pel_ckpt_meta_count(ck); i++) {
        const pel_meta *c = pel_ckpt_meta_at(ck, i);
        int found = 0;
        for (int j = 0; !found && j < own->nmeta; j++) found = strcmp(own->meta[j].name, c->name) == 0;
        meta_text(c, a, sizeof a);
        if (!found && params_may_differ) param_note(r, path, c->name, a, "none");
        else if (!found)
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

/* Element i of an array of type t, as a double (for messages). */
static double element(const void *p, pel_dtype t, uint64_t i)
{
    switch (t) {
    case PEL_F64: return ((const double *)p)[i];
    case PEL_F32: return ((const float *)p)[i];
    case PEL_I32: return ((const int32_t *)p)[i];
    case PEL_I64: return (double)((const int64_t *)p)[i];
    case PEL_U64: return (double)((const uint64_t *)p)[i];
    case PEL_U8: return ((const uint8_t *)p)[i];
    }
    return 0.0;
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
    free(r->diff_values);
    r->diff_values = calloc((size_t)r->nfields + 1, sizeof *r->diff_values);
    if (!r->diff_values) {
        pel_error(r->ctx, PEL_ENOMEM, "baseline: out of memory");
        return pel_run_fail(r, PEL_EXIT_RUN);
    }
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
        if (df->d.differing) {
            uint64_t at = pel_dtype_is_real(f->type) ? df->d.max_abs_at : df->d.first;
            r->diff_values[i][0] = element(f->data, f->type, at);
            r->diff_values[i][1] = element(b, f->type, at);
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

/* ---- --baseline-record DIR and --baseline-compare DIR ---------------------------- */

#define BL_INDEX "index.ckpt"
#define BL_STATE "state.ckpt"
#define BL_PRINTS "fingerprints.json"
#define BL_FORMAT 1

static void in_dir(const char *dir, const char *leaf, char *out, size_t n)
{
    size_t k = strlen(dir);
    snprintf(out, n, "%s%s%s", dir, k && dir[k - 1] == '/' ? "" : "/", leaf);
}

static const char *leaf_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A whole input file (a regular file, pel_input_open's rule) into memory. */
static pel_status read_whole(pel_context *ctx, const char *path, unsigned char **data, size_t *n)
{
    FILE *f;
    uint64_t size;
    *data = NULL;
    *n = 0;
    pel_status s = pel_input_open(ctx, path, 0, &f, &size);
    if (s) return s;
    unsigned char *buf = malloc(size ? (size_t)size : 1);
    if (!buf) {
        fclose(f);
        return pel_error(ctx, PEL_ENOMEM, "%s: out of memory for %llu bytes", path, (unsigned long long)size);
    }
    size_t got = size ? fread(buf, 1, (size_t)size, f) : 0;
    int bad = ferror(f) || got != (size_t)size;
    fclose(f);
    if (bad) {
        free(buf);
        return pel_error(ctx, PEL_EIO, "%s: read %zu of %llu bytes", path, got, (unsigned long long)size);
    }
    *data = buf;
    *n = got;
    return PEL_OK;
}

static pel_status hash_file(pel_context *ctx, const char *path, char hex[PEL_FINGERPRINT_HEX])
{
    unsigned char *data;
    size_t n;
    pel_status s = read_whole(ctx, path, &data, &n);
    if (s) return s;
    pel_fingerprint(data, n, hex);
    free(data);
    return PEL_OK;
}

/* Copies src to dst atomically; the copy's hash into hex. */
static pel_status copy_file(pel_context *ctx, const char *src, const char *dst, char hex[PEL_FINGERPRINT_HEX])
{
    unsigned char *data;
    size_t n;
    pel_status s = read_whole(ctx, src, &data, &n);
    if (s) return s;
    pel_fingerprint(data, n, hex);
    pel_afile *a;
    if ((s = pel_afile_open(ctx, dst, &a))) {
        free(data);
        return s;
    }
    if (n && fwrite(data, 1, n, pel_afile_stream(a)) != n) {
        free(data);
        pel_afile_abort(a);
        return pel_error(ctx, PEL_EIO, "%s: the copy of %s could not be written", dst, src);
    }
    free(data);
    return pel_afile_commit(ctx, a);
}

int pel_run_record_check(run *r)
{
    const char *dir = r->o.record;
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (mkdir(dir, 0777) != 0) {
            fprintf(stderr, "%s: error: --baseline-record %s: cannot create the directory: %s\n", r->d->name, dir,
                    strerror(errno));
            return PEL_EXIT_RUN;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: error: --baseline-record %s: not a directory\n", r->d->name, dir);
        return PEL_EXIT_RUN;
    }
    static const char *const leaves[3] = {BL_INDEX, BL_STATE, BL_PRINTS};
    for (int i = 0; i < 3; i++) {
        char path[PEL_RUN_PATH_MAX + 32];
        in_dir(dir, leaves[i], path, sizeof path);
        if (pel_afile_check(r->ctx, path)) {
            char why[600];
            snprintf(why, sizeof why, "%s", pel_context_error(r->ctx));
            fprintf(stderr, "%s: error: --baseline-record: %s\n", r->d->name, why);
            return PEL_EXIT_RUN;
        }
    }
    return -1;
}

/* The driver's output files, after create; distinct names (each is copied
 * under its own name). */
int pel_run_list_outputs(run *r)
{
    r->noutputs = r->d->outputs ? r->d->outputs(r->params, r->outputs, PEL_RUN_MAX_OUTPUTS) : 0;
    if (r->noutputs < 0) r->noutputs = 0;
    if (r->noutputs > PEL_RUN_MAX_OUTPUTS) r->noutputs = PEL_RUN_MAX_OUTPUTS;
    for (int i = 0; i < r->noutputs; i++) {
        const char *a = leaf_of(r->outputs[i]);
        int reserved = !strcmp(a, BL_INDEX) || !strcmp(a, BL_STATE) || !strcmp(a, BL_PRINTS);
        for (int j = 0; j < i && !reserved; j++) reserved = !strcmp(a, leaf_of(r->outputs[j]));
        if (reserved) {
            pel_error(r->ctx, PEL_EINVAL, "--baseline-%s: output file %s: its name is taken in the baseline directory",
                      r->o.record ? "record" : "compare", r->outputs[i]);
            return pel_run_fail(r, PEL_EXIT_USAGE);
        }
    }
    return -1;
}

/* Checks DIR before the run: a directory holding a complete baseline
 * (index, state and the copies it lists, each with the hash the index
 * gives) of this program, numerics, fields and output files; the state is
 * opened as --baseline's (r->baseline), its parameters may differ (noted). */
int pel_run_open_baseline_dir(run *r)
{
    pel_context *ctx = r->ctx;
    const char *dir = r->o.compare, *name = r->d->name;
    int code;
    struct stat st;
    if (stat(dir, &st) != 0) {
        pel_error(ctx, PEL_EIO, "--baseline-compare %s: %s", dir, strerror(errno));
        return pel_run_fail(r, PEL_EXIT_USAGE);
    }
    if (!S_ISDIR(st.st_mode)) {
        pel_error(ctx, PEL_EIO, "--baseline-compare %s: not a directory (a baseline is one, written by --baseline-record)", dir);
        return pel_run_fail(r, PEL_EXIT_USAGE);
    }
    char path[PEL_RUN_PATH_MAX + 300], hex[PEL_FINGERPRINT_HEX];
    in_dir(dir, BL_INDEX, path, sizeof path);
    if (access(path, F_OK) != 0) {
        pel_error(ctx, PEL_EIO, "--baseline-compare %s: not a baseline (no %s; write one with --baseline-record)", dir,
                  BL_INDEX);
        return pel_run_fail(r, PEL_EXIT_USAGE);
    }
    pel_ckpt *ix;
    if (pel_ckpt_open(ctx, path, &ix)) return pel_run_fail(r, PEL_EXIT_USAGE);
    int64_t format = 0, nout = -1;
    const char *state_hash = NULL;
    code = -1;
    if (strcmp(pel_ckpt_kind(ix), name) != 0)
        pel_error(ctx, PEL_EMISMATCH, "--baseline-compare %s: a baseline of %s, not %s", dir, pel_ckpt_kind(ix), name);
    else if (strcmp(pel_ckpt_numerics(ix), numerics(r)) != 0)
        pel_error(ctx, PEL_EMISMATCH, "--baseline-compare %s: other numerics version (baseline %s, this build %s)", dir,
                  *pel_ckpt_numerics(ix) ? pel_ckpt_numerics(ix) : "none", *numerics(r) ? numerics(r) : "none");
    else if (pel_ckpt_get_int(ix, "baseline.format", &format) || format != BL_FORMAT)
        pel_error(ctx, PEL_EFORMAT, "--baseline-compare %s: %s is not a baseline index of format %d", dir, BL_INDEX,
                  BL_FORMAT);
    else if (pel_ckpt_get_int(ix, "baseline.outputs", &nout) || pel_ckpt_get_string(ix, "baseline.state", &state_hash) ||
             nout < 0 || nout > PEL_RUN_MAX_OUTPUTS)
        pel_error(ctx, PEL_EFORMAT, "--baseline-compare %s: %s is damaged (no state or output list)", dir, BL_INDEX);
    else if (nout != r->noutputs && !(HAVE_NETCDF == 0 && r->noutputs == 0))
        pel_error(ctx, PEL_EMISMATCH, "--baseline-compare %s: the baseline holds %lld output file%s, this run writes %d%s",
                  dir, (long long)nout, nout == 1 ? "" : "s", r->noutputs,
                  " (other output settings?)");
    else code = -2;
    if (code == -1) {
        pel_ckpt_close(ix);
        return pel_run_fail(r, PEL_EXIT_USAGE);
    }
    code = -1;
    /* every file the index lists is there, as recorded */
    in_dir(dir, BL_STATE, r->bl_state, sizeof r->bl_state);
    if (hash_file(ctx, r->bl_state, hex)) code = PEL_EXIT_USAGE;
    else if (strcmp(hex, state_hash) != 0) {
        pel_error(ctx, PEL_EMISMATCH, "--baseline-compare %s: %s is not the state the baseline recorded", dir, BL_STATE);
        code = PEL_EXIT_USAGE;
    }
    r->bl_noutputs = (int)nout;
    if (nout != r->noutputs) {
        /* a build without NetCDF writes no history: the state alone is compared */
        r->hcompared = -1;
        if (!r->o.quiet)
            printf("baseline-compare %s: history compare skipped (this build has no NetCDF): %lld file%s not compared\n",
                   dir, (long long)nout, nout == 1 ? "" : "s");
    }
    for (int i = 0; code < 0 && i < r->bl_noutputs; i++) {
        char key[64], key2[64];
        const char *leaf, *h;
        snprintf(key, sizeof key, "baseline.output.%d", i);
        snprintf(key2, sizeof key2, "baseline.output.%d.xxh3", i);
        if (pel_ckpt_get_string(ix, key, &leaf) || pel_ckpt_get_string(ix, key2, &h) || !*leaf ||
            strchr(leaf, '/') || strlen(leaf) >= sizeof r->bl_leaf[i]) {
            pel_error(ctx, PEL_EFORMAT, "--baseline-compare %s: %s is damaged (output %d)", dir, BL_INDEX, i);
            code = PEL_EXIT_USAGE;
            break;
        }
        snprintf(r->bl_leaf[i], sizeof r->bl_leaf[i], "%s", leaf);
        in_dir(dir, leaf, path, sizeof path);
        if (hash_file(ctx, path, hex)) code = PEL_EXIT_USAGE;
        else if (strcmp(hex, h) != 0) {
            pel_error(ctx, PEL_EMISMATCH, "--baseline-compare %s: %s is not the file the baseline recorded", dir, leaf);
            code = PEL_EXIT_USAGE;
        }
    }
    pel_ckpt_close(ix);
    if (code >= 0) return pel_run_fail(r, code);
    /* the state: as --baseline's, but its parameters may differ */
    pel_component_state own;
    if (checkpoint_state(r, &own)) return pel_run_fail(r, PEL_EXIT_RUN);
    if (pel_ckpt_open(ctx, r->bl_state, &r->baseline) ||
        check_state_params(r, r->baseline, r->bl_state, "baseline", &own, 1))
        return pel_run_fail(r, PEL_EXIT_USAGE);
    if (pel_run_list_fields(r)) return pel_run_fail(r, PEL_EXIT_RUN);
    for (int i = 0; i < r->nfields; i++)
        if (check_field(r, r->baseline, r->bl_state, "baseline", &r->fields[i])) return pel_run_fail(r, PEL_EXIT_USAGE);
    return -1;
}

/* Does an output's variable fail the comparison (tolerance tol)? */
static int hdiff_fails(const pel_history_diff *h, double tol)
{
    if (h->problem[0]) return 1;
    if (!h->d.differing) return 0;
    return tol == 0.0 || !pel_dtype_is_real(h->type) || !(h->d.max_rel <= tol);
}

int pel_run_compare_outputs(run *r)
{
    double tol = r->o.baseline_tol;
    if (r->hcompared < 0) return -1;
    r->hcompared = 1;
    for (int i = 0; i < r->noutputs; i++) {
        char ref[PEL_RUN_PATH_MAX + 300];
        in_dir(r->o.compare, r->bl_leaf[i], ref, sizeof ref);
        pel_status s = pel_history_compare(r->ctx, r->outputs[i], ref, &r->hdiffs[i], &r->nhdiffs[i]);
        if (s == PEL_ENOTSUP) {
            r->hcompared = -1;
            if (!r->o.quiet) printf("baseline-compare: history compare skipped (this build has no NetCDF)\n");
            return -1;
        }
        if (s) return pel_run_fail(r, PEL_EXIT_RUN);
        int fails = 0;
        double worst = 0.0;
        for (int k = 0; k < r->nhdiffs[i]; k++) {
            const pel_history_diff *h = &r->hdiffs[i][k];
            fails += hdiff_fails(h, tol);
            if (h->problem[0] || (h->d.differing && !pel_dtype_is_real(h->type))) worst = HUGE_VAL;
            else if (h->d.max_rel > worst || h->d.max_rel != h->d.max_rel) worst = h->d.max_rel;
        }
        char name[PEL_VERIFY_NAME_MAX];
        if (tol == 0.0) {
            snprintf(name, sizeof name, "baseline.%s.differing", leaf_of(r->outputs[i]));
            pel_verify_at_most(r->log, name, (double)fails, 0.0);
        } else {
            snprintf(name, sizeof name, "baseline.%s.max_rel_diff", leaf_of(r->outputs[i]));
            pel_verify_at_most(r->log, name, worst, tol);
        }
    }
    return -1;
}

/* ---- the worst differences ---------------------------------------------------- */
typedef struct worst_entry {
    char label[300], where[300];
    const char *problem; /* not comparable: why */
    double a, b, rel;
    uint64_t ulp, max_ulp, differing, count;
    int real, fails;
} worst_entry;

static int worst_first(const void *x, const void *y)
{
    const worst_entry *a = x, *b = y;
    if (a->fails != b->fails) return b->fails - a->fails;
    if ((a->problem != NULL) != (b->problem != NULL)) return a->problem ? -1 : 1;
    if (a->rel != b->rel) return a->rel < b->rel || a->rel != a->rel ? 1 : -1;
    return a->max_ulp < b->max_ulp ? 1 : a->max_ulp > b->max_ulp ? -1 : 0;
}

static void print_entry(const worst_entry *e, FILE *out)
{
    if (e->problem) {
        fprintf(out, "  %s: %s\n", e->label, e->problem);
        return;
    }
    fprintf(out, "  %s at %s: %.17g against %.17g", e->label, e->where, e->a, e->b);
    if (e->real)
        fprintf(out, ", relative %.3g, %llu ULP (largest %llu ULP)", e->rel, (unsigned long long)e->ulp,
                (unsigned long long)e->max_ulp);
    else fprintf(out, " (integers, compared exactly)");
    fprintf(out, "; %llu of %llu differ\n", (unsigned long long)e->differing, (unsigned long long)e->count);
}

void pel_run_baseline_summary(run *r)
{
    double tol = r->o.baseline_tol;
    int n = r->nfields;
    for (int i = 0; i < r->noutputs; i++) n += r->nhdiffs[i];
    worst_entry *e = calloc((size_t)n + 1, sizeof *e);
    if (!e) return;
    int k = 0, ndiff = 0, nfail = 0;
    for (int i = 0; i < r->nfields && r->diffs; i++, k++) {
        const pel_baseline_diff *df = &r->diffs[i];
        worst_entry *w = &e[k];
        snprintf(w->label, sizeof w->label, "%s", df->name);
        int len = snprintf(w->where, sizeof w->where, "(");
        const uint64_t *at = pel_dtype_is_real(df->type) ? df->abs_at : df->first_at;
        for (int j = 0; j < df->rank && len > 0 && (size_t)len < sizeof w->where; j++)
            len += snprintf(w->where + len, sizeof w->where - (size_t)len, "%s%llu", j ? ", " : "",
                            (unsigned long long)at[j]);
        if (len > 0 && (size_t)len < sizeof w->where) snprintf(w->where + len, sizeof w->where - (size_t)len, ")");
        w->real = pel_dtype_is_real(df->type);
        w->a = r->diff_values[i][0];
        w->b = r->diff_values[i][1];
        w->rel = w->real ? df->d.max_rel : (df->d.differing ? HUGE_VAL : 0.0);
        w->ulp = w->real && df->d.differing ? pel_ulp_distance(w->a, w->b) : 0;
        w->max_ulp = df->d.max_ulp;
        w->differing = df->d.differing;
        w->count = df->d.count;
        w->fails = df->d.differing && (tol == 0.0 || !w->real || !(df->d.max_rel <= tol));
    }
    for (int i = 0; i < r->noutputs; i++)
        for (int j = 0; j < r->nhdiffs[i]; j++, k++) {
            const pel_history_diff *h = &r->hdiffs[i][j];
            worst_entry *w = &e[k];
            snprintf(w->label, sizeof w->label, "%s:%s", leaf_of(r->outputs[i]), h->var);
            int len = 0;
            w->where[0] = '\0';
            for (int d = 0; d < h->rank && len >= 0 && (size_t)len < sizeof w->where; d++)
                len += snprintf(w->where + len, sizeof w->where - (size_t)len, "%s%s %zu", d ? ", " : "", h->dim[d],
                                h->abs_at[d]);
            if (!h->rank) snprintf(w->where, sizeof w->where, "(scalar)");
            w->problem = h->problem[0] ? h->problem : NULL;
            w->real = pel_dtype_is_real(h->type);
            w->a = h->a;
            w->b = h->b;
            w->rel = w->problem ? HUGE_VAL : w->real ? h->d.max_rel : (h->d.differing ? HUGE_VAL : 0.0);
            w->ulp = w->real && h->d.differing ? (h->type == PEL_F32 ? pel_ulp_distance_f32((float)h->a, (float)h->b)
                                                                     : pel_ulp_distance(h->a, h->b))
                                               : 0;
            w->max_ulp = h->d.max_ulp;
            w->differing = h->d.differing;
            w->count = h->d.count;
            w->fails = hdiff_fails(h, tol);
        }
    n = k;
    for (int i = 0; i < n; i++) {
        ndiff += e[i].differing > 0 || e[i].problem;
        nfail += e[i].fails;
    }
    qsort(e, (size_t)n, sizeof *e, worst_first);
    const char *dir = r->o.compare;
    if (!r->o.quiet) {
        if (!ndiff) printf("baseline-compare %s: all %d fields identical\n", dir, n);
        else if (!nfail)
            printf("baseline-compare %s: %d of %d fields differ, all within the tolerance %g; the largest:\n", dir,
                   ndiff, n, tol);
        else
            printf("baseline-compare %s: %d of %d fields differ beyond the tolerance %g%s; the worst:\n", dir, nfail, n,
                   tol, tol == 0.0 ? " (bitwise)" : "");
        for (int i = 0; i < n && i < 5 && e[i].differing + (e[i].problem != NULL) > 0; i++) print_entry(&e[i], stdout);
    }
    if (nfail) {
        fprintf(stderr, "%s: baseline-compare %s: %d of %d fields differ", r->d->name, dir, nfail, n);
        if (e[0].problem) fprintf(stderr, " (%s: %s)\n", e[0].label, e[0].problem);
        else if (e[0].real)
            fprintf(stderr, " (worst %s at %s: relative %.3g, %llu ULP)\n", e[0].label, e[0].where, e[0].rel,
                    (unsigned long long)e[0].max_ulp);
        else fprintf(stderr, " (worst %s at %s, integers)\n", e[0].label, e[0].where);
    }
    free(e);
}

/* ---- recording --------------------------------------------------------------- */
static pel_status write_prints(run *r, const char *path, long step, char (*hex)[PEL_FINGERPRINT_HEX])
{
    pel_afile *a;
    pel_status s = pel_afile_open(r->ctx, path, &a);
    if (s) return s;
    pel_json *w;
    if ((s = pel_json_create(&w, pel_afile_stream(a)))) {
        pel_afile_abort(a);
        return pel_error(r->ctx, s, "%s: cannot be written", path);
    }
    pel_json_object_begin(w);
    pel_json_kv_string(w, "schema", "pel-baseline");
    pel_json_kv_int(w, "version", BL_FORMAT);
    pel_json_kv_string(w, "program", r->d->name);
    pel_json_kv_string(w, "pel_version", pel_version());
    pel_json_kv_string(w, "numerics", numerics(r));
    pel_json_kv_int(w, "step", step);
    pel_json_kv_int(w, "threads", pel_context_threads(r->ctx));
    pel_json_key(w, "fingerprints");
    pel_json_object_begin(w);
    for (int i = 0; i < r->nfields; i++) pel_json_kv_string(w, r->fields[i].name, r->fingerprints[i]);
    pel_json_object_end(w);
    pel_json_kv_string(w, "state", BL_STATE);
    pel_json_kv_string(w, "state_xxh3", hex[0]);
    pel_json_key(w, "outputs");
    pel_json_array_begin(w);
    for (int i = 0; i < r->noutputs; i++) {
        pel_json_object_begin(w);
        pel_json_kv_string(w, "file", leaf_of(r->outputs[i]));
        pel_json_kv_string(w, "xxh3", hex[i + 1]);
        pel_json_object_end(w);
    }
    pel_json_array_end(w);
    pel_json_object_end(w);
    if ((s = pel_json_finish(w))) {
        pel_afile_abort(a);
        return pel_error(r->ctx, s, "%s: could not be written (%s)", path, pel_strerror(s));
    }
    return pel_afile_commit(r->ctx, a);
}

pel_status pel_run_record(run *r, long step)
{
    pel_context *ctx = r->ctx;
    const char *dir = r->o.record;
    char path[PEL_RUN_PATH_MAX + 300], hex[PEL_RUN_MAX_OUTPUTS + 1][PEL_FINGERPRINT_HEX];
    /* no index while the files change: a record cut short is no baseline */
    in_dir(dir, BL_INDEX, path, sizeof path);
    if (unlink(path) != 0 && errno != ENOENT)
        return pel_error(ctx, PEL_EIO, "--baseline-record %s: cannot replace %s: %s", dir, BL_INDEX, strerror(errno));
    in_dir(dir, BL_STATE, path, sizeof path);
    pel_status s = pel_run_checkpoint(r, path, step);
    if (!s) s = hash_file(ctx, path, hex[0]);
    for (int i = 0; !s && i < r->noutputs; i++) {
        in_dir(dir, leaf_of(r->outputs[i]), path, sizeof path);
        s = copy_file(ctx, r->outputs[i], path, hex[i + 1]);
    }
    in_dir(dir, BL_PRINTS, path, sizeof path);
    if (!s) s = write_prints(r, path, step, hex);
    if (s) return s;
    enum { NMETA = 3 + 2 * PEL_RUN_MAX_OUTPUTS };
    pel_meta m[NMETA];
    char keys[PEL_RUN_MAX_OUTPUTS][2][48];
    int nm = 0;
    m[nm++] = pel_meta_int("baseline.format", BL_FORMAT);
    m[nm++] = pel_meta_int("baseline.outputs", r->noutputs);
    m[nm++] = pel_meta_string("baseline.state", hex[0]);
    for (int i = 0; i < r->noutputs; i++) {
        snprintf(keys[i][0], sizeof keys[i][0], "baseline.output.%d", i);
        snprintf(keys[i][1], sizeof keys[i][1], "baseline.output.%d.xxh3", i);
        m[nm++] = pel_meta_string(keys[i][0], leaf_of(r->outputs[i]));
        m[nm++] = pel_meta_string(keys[i][1], hex[i + 1]);
    }
    in_dir(dir, BL_INDEX, path, sizeof path);
    return pel_ckpt_write(ctx, path, r->d->name, numerics(r), (uint64_t)step, pel_component_time(r->comp), m, nm,
                          NULL, 0);
}
