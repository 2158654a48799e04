/* NetCDF history files (history.h). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "common/history.h"

#if HAVE_NETCDF
#include <netcdf.h>
#endif

struct pel_history {
    pel_context *ctx;
    pel_afile *file;
    int nc, ngrids, nvars;
    int time_var, bnds_var, var_id[PEL_HISTORY_MAX_VARS];
    size_t cells[PEL_HISTORY_MAX_VARS];
    long records;
    char path[1024];
};

struct pel_history_mean {
    int nvars;
    size_t cells[PEL_HISTORY_MAX_VARS];
    double *sum[PEL_HISTORY_MAX_VARS];
    const double *view[PEL_HISTORY_MAX_VARS];
    double length;
};

static int name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 63) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

static pel_status check_args(pel_context *ctx, const pel_history_grid *grids, int ngrids,
                             const pel_history_var *vars, int nvars)
{
    if (!grids || ngrids < 1 || ngrids > PEL_HISTORY_MAX_GRIDS)
        return pel_error(ctx, PEL_EINVAL, "history: %d grids: give 1 to %d", ngrids, PEL_HISTORY_MAX_GRIDS);
    if (!vars || nvars < 1 || nvars > PEL_HISTORY_MAX_VARS)
        return pel_error(ctx, PEL_EINVAL, "history: %d variables: give 1 to %d", nvars, PEL_HISTORY_MAX_VARS);
    for (int g = 0; g < ngrids; g++) {
        const pel_history_grid *gr = &grids[g];
        if (gr->ny < 1 || gr->nx < 1 || !gr->lat || !gr->lon || !gr->lat_edge || !gr->lon_edge || !gr->suffix)
            return pel_error(ctx, PEL_EINVAL, "history: grid %d: sizes must be >= 1 and every coordinate given", g);
        if (*gr->suffix && !name_ok(gr->suffix))
            return pel_error(ctx, PEL_EINVAL, "history: grid %d: suffix '%s' is not a NetCDF name", g, gr->suffix);
        for (int h = 0; h < g; h++)
            if (strcmp(grids[h].suffix, gr->suffix) == 0)
                return pel_error(ctx, PEL_EINVAL, "history: grids %d and %d have the same suffix '%s'", h, g, gr->suffix);
    }
    for (int v = 0; v < nvars; v++) {
        if (!name_ok(vars[v].name))
            return pel_error(ctx, PEL_EINVAL, "history: variable %d: name '%s' is not a NetCDF name", v,
                             vars[v].name ? vars[v].name : "(null)");
        if (vars[v].grid < 0 || vars[v].grid >= ngrids)
            return pel_error(ctx, PEL_EINVAL, "history: variable %s: grid %d of %d", vars[v].name, vars[v].grid, ngrids);
        if (!vars[v].units || !vars[v].long_name)
            return pel_error(ctx, PEL_EINVAL, "history: variable %s: units and long_name are required", vars[v].name);
        for (int w = 0; w < v; w++)
            if (strcmp(vars[w].name, vars[v].name) == 0)
                return pel_error(ctx, PEL_EINVAL, "history: variable '%s' given twice", vars[v].name);
    }
    return PEL_OK;
}

#if HAVE_NETCDF
#define NC_TRY(h, call)                                                                       \
    do {                                                                                      \
        int e_ = (call);                                                                      \
        if (e_ != NC_NOERR) {                                                                 \
            pel_error((h)->ctx, PEL_EIO, "history %s: %s", (h)->path, nc_strerror(e_));        \
            goto fail;                                                                        \
        }                                                                                     \
    } while (0)

static int text_att(int nc, int var, const char *name, const char *value)
{
    return nc_put_att_text(nc, var, name, strlen(value), value);
}

/* lat/lon with bounds for one grid; returns NC_NOERR or the error. */
static int define_axis(int nc, const char *base, const char *suffix, int n, int nv_dim, int *dim,
                       int *var, int *bvar, int is_lat)
{
    char name[80], bname[96];
    snprintf(name, sizeof name, "%s%s", base, suffix);
    snprintf(bname, sizeof bname, "%s_bnds", name);
    int e = nc_def_dim(nc, name, (size_t)n, dim);
    if (!e) e = nc_def_var(nc, name, NC_DOUBLE, 1, dim, var);
    int bd[2] = {*dim, nv_dim};
    if (!e) e = nc_def_var(nc, bname, NC_DOUBLE, 2, bd, bvar);
    if (!e) e = text_att(nc, *var, "units", is_lat ? "degrees_north" : "degrees_east");
    if (!e) e = text_att(nc, *var, "standard_name", is_lat ? "latitude" : "longitude");
    if (!e) e = text_att(nc, *var, "long_name", is_lat ? "latitude" : "longitude");
    if (!e) e = text_att(nc, *var, "axis", is_lat ? "Y" : "X");
    if (!e) e = text_att(nc, *var, "bounds", bname);
    return e;
}

static int put_axis(int nc, int var, int bvar, int n, const double *c, const double *edge)
{
    int e = nc_put_var_double(nc, var, c);
    for (int i = 0; i < n && !e; i++) {
        size_t start[2] = {(size_t)i, 0}, count[2] = {1, 2};
        double b[2] = {edge[i], edge[i + 1]};
        e = nc_put_vara_double(nc, bvar, start, count, b);
    }
    return e;
}
#endif

pel_status pel_history_create(pel_context *ctx, const char *path, const char *title,
                              const pel_history_grid *grids, int ngrids,
                              const pel_history_var *vars, int nvars, pel_history **out)
{
    if (!ctx) return PEL_EINVAL;
    if (!out || !path || !*path) return pel_error(ctx, PEL_EINVAL, "history: no path given");
    *out = NULL;
    pel_status st = check_args(ctx, grids, ngrids, vars, nvars);
    if (st != PEL_OK) return st;
#if !HAVE_NETCDF
    (void)title;
    return pel_error(ctx, PEL_ENOTSUP,
                     "history %s: this build has no NetCDF (Debian: apt-get install libnetcdf-dev, then "
                     "re-run configure)", path);
#else
    if (strlen(path) >= sizeof((pel_history *)0)->path)
        return pel_error(ctx, PEL_EINVAL, "history: path of %zu characters is too long", strlen(path));
    pel_history *h = calloc(1, sizeof *h);
    if (!h) return pel_error(ctx, PEL_ENOMEM, "history %s: out of memory", path);
    h->ctx = ctx;
    h->nc = -1;
    h->ngrids = ngrids;
    h->nvars = nvars;
    strcpy(h->path, path);
    st = pel_afile_open(ctx, path, &h->file);
    if (st != PEL_OK) {
        free(h);
        return st;
    }
    /* NetCDF writes the temporary by name; the afile renames it into place. */
    NC_TRY(h, nc_create(pel_afile_temp_path(h->file), NC_CLOBBER | NC_64BIT_OFFSET, &h->nc));
    int time_dim, nv_dim, ydim[PEL_HISTORY_MAX_GRIDS], xdim[PEL_HISTORY_MAX_GRIDS];
    int yvar[PEL_HISTORY_MAX_GRIDS], xvar[PEL_HISTORY_MAX_GRIDS], ybv[PEL_HISTORY_MAX_GRIDS],
        xbv[PEL_HISTORY_MAX_GRIDS];
    NC_TRY(h, nc_def_dim(h->nc, "time", NC_UNLIMITED, &time_dim));
    NC_TRY(h, nc_def_dim(h->nc, "nv", 2, &nv_dim));
    NC_TRY(h, nc_def_var(h->nc, "time", NC_DOUBLE, 1, &time_dim, &h->time_var));
    NC_TRY(h, text_att(h->nc, h->time_var, "units", "days since 0001-01-01 00:00:00"));
    NC_TRY(h, text_att(h->nc, h->time_var, "calendar", "noleap"));
    NC_TRY(h, text_att(h->nc, h->time_var, "standard_name", "time"));
    NC_TRY(h, text_att(h->nc, h->time_var, "axis", "T"));
    NC_TRY(h, text_att(h->nc, h->time_var, "bounds", "time_bnds"));
    int tb[2] = {time_dim, nv_dim};
    NC_TRY(h, nc_def_var(h->nc, "time_bnds", NC_DOUBLE, 2, tb, &h->bnds_var));
    for (int g = 0; g < ngrids; g++) {
        NC_TRY(h, define_axis(h->nc, "lat", grids[g].suffix, grids[g].ny, nv_dim, &ydim[g], &yvar[g], &ybv[g], 1));
        NC_TRY(h, define_axis(h->nc, "lon", grids[g].suffix, grids[g].nx, nv_dim, &xdim[g], &xvar[g], &xbv[g], 0));
    }
    for (int v = 0; v < nvars; v++) {
        int g = vars[v].grid, d[3] = {time_dim, ydim[g], xdim[g]};
        NC_TRY(h, nc_def_var(h->nc, vars[v].name, NC_DOUBLE, 3, d, &h->var_id[v]));
        NC_TRY(h, text_att(h->nc, h->var_id[v], "units", vars[v].units));
        NC_TRY(h, text_att(h->nc, h->var_id[v], "long_name", vars[v].long_name));
        if (vars[v].standard_name)
            NC_TRY(h, text_att(h->nc, h->var_id[v], "standard_name", vars[v].standard_name));
        NC_TRY(h, text_att(h->nc, h->var_id[v], "cell_methods", "time: mean area: mean"));
        h->cells[v] = (size_t)grids[g].ny * (size_t)grids[g].nx;
    }
    NC_TRY(h, text_att(h->nc, NC_GLOBAL, "Conventions", "CF-1.8"));
    NC_TRY(h, text_att(h->nc, NC_GLOBAL, "title", title ? title : "PEL history"));
    char src[96];
    snprintf(src, sizeof src, "PEL %s", pel_version());
    NC_TRY(h, text_att(h->nc, NC_GLOBAL, "source", src));
    NC_TRY(h, nc_enddef(h->nc));
    for (int g = 0; g < ngrids; g++) {
        NC_TRY(h, put_axis(h->nc, yvar[g], ybv[g], grids[g].ny, grids[g].lat, grids[g].lat_edge));
        NC_TRY(h, put_axis(h->nc, xvar[g], xbv[g], grids[g].nx, grids[g].lon, grids[g].lon_edge));
    }
    *out = h;
    return PEL_OK;
fail:
    st = pel_context_last_status(ctx);
    pel_history_abort(h);
    return st;
#endif
}

pel_status pel_history_append(pel_history *h, double t0, double t1, const double *const *values)
{
    if (!h) return PEL_EINVAL;
    if (!values || !(t1 >= t0)) return pel_error(h->ctx, PEL_EINVAL, "history %s: bad record (values or times)", h->path);
#if HAVE_NETCDF
    size_t r = (size_t)h->records;
    double t = 0.5 * (t0 + t1), b[2] = {t0, t1};
    size_t s1[1] = {r}, c1[1] = {1}, s2[2] = {r, 0}, c2[2] = {1, 2};
    NC_TRY(h, nc_put_vara_double(h->nc, h->time_var, s1, c1, &t));
    NC_TRY(h, nc_put_vara_double(h->nc, h->bnds_var, s2, c2, b));
    for (int v = 0; v < h->nvars; v++) {
        int dimids[3];
        size_t ny, nx;
        NC_TRY(h, nc_inq_vardimid(h->nc, h->var_id[v], dimids));
        NC_TRY(h, nc_inq_dimlen(h->nc, dimids[1], &ny));
        NC_TRY(h, nc_inq_dimlen(h->nc, dimids[2], &nx));
        size_t s3[3] = {r, 0, 0}, c3[3] = {1, ny, nx};
        if (!values[v]) return pel_error(h->ctx, PEL_EINVAL, "history %s: no values for variable %d", h->path, v);
        NC_TRY(h, nc_put_vara_double(h->nc, h->var_id[v], s3, c3, values[v]));
    }
    h->records++;
    return PEL_OK;
fail:
    return pel_context_last_status(h->ctx);
#else
    (void)t0;
    (void)t1;
    return PEL_ENOTSUP;
#endif
}

long pel_history_records(const pel_history *h) { return h ? h->records : -1; }

pel_status pel_history_close(pel_history *h)
{
    if (!h) return PEL_EINVAL;
    pel_context *ctx = h->ctx;
#if HAVE_NETCDF
    int e = nc_close(h->nc);
    h->nc = -1;
    if (e != NC_NOERR) {
        pel_error(ctx, PEL_EIO, "history %s: %s", h->path, nc_strerror(e));
        pel_history_abort(h);
        return PEL_EIO;
    }
#endif
    pel_status st = pel_afile_commit(ctx, h->file);
    free(h);
    return st;
}

void pel_history_abort(pel_history *h)
{
    if (!h) return;
#if HAVE_NETCDF
    if (h->nc >= 0) nc_close(h->nc);
#endif
    pel_afile_abort(h->file);
    free(h);
}

pel_status pel_history_mean_create(pel_history *h, pel_history_mean **out)
{
    if (!h || !out) return PEL_EINVAL;
    pel_history_mean *m = calloc(1, sizeof *m);
    if (!m) return pel_error(h->ctx, PEL_ENOMEM, "history %s: out of memory for means", h->path);
    m->nvars = h->nvars;
    for (int v = 0; v < h->nvars; v++) {
        m->cells[v] = h->cells[v];
        m->sum[v] = calloc(h->cells[v], sizeof(double));
        if (!m->sum[v]) {
            pel_history_mean_destroy(m);
            return pel_error(h->ctx, PEL_ENOMEM, "history %s: out of memory for means", h->path);
        }
    }
    *out = m;
    return PEL_OK;
}

void pel_history_mean_add(pel_history_mean *m, double dt, const double *const *values)
{
    for (int v = 0; v < m->nvars; v++)
        for (size_t i = 0; i < m->cells[v]; i++) m->sum[v][i] += dt * values[v][i];
    m->length += dt;
}

double pel_history_mean_length(const pel_history_mean *m) { return m ? m->length : 0.0; }

pel_status pel_history_mean_flush(pel_history_mean *m, pel_history *h, double t0, double t1)
{
    if (!m || !h) return PEL_EINVAL;
    if (!(m->length > 0)) return pel_error(h->ctx, PEL_EINVAL, "history %s: a mean over an empty period", h->path);
    double inv = 1.0 / m->length;
    for (int v = 0; v < m->nvars; v++) {
        for (size_t i = 0; i < m->cells[v]; i++) m->sum[v][i] *= inv;
        m->view[v] = m->sum[v];
    }
    pel_status st = pel_history_append(h, t0, t1, m->view);
    for (int v = 0; v < m->nvars; v++) memset(m->sum[v], 0, m->cells[v] * sizeof(double));
    m->length = 0.0;
    return st;
}

void pel_history_mean_destroy(pel_history_mean *m)
{
    if (!m) return;
    for (int v = 0; v < m->nvars; v++) free(m->sum[v]);
    free(m);
}

/* ---- comparing two history files ------------------------------------------------ */
#if HAVE_NETCDF
typedef struct nc_var_info {
    int id, rank, dimid[PEL_HISTORY_DIFF_RANK];
    nc_type type;
    size_t len[PEL_HISTORY_DIFF_RANK], count;
    char dim[PEL_HISTORY_DIFF_RANK][NC_MAX_NAME + 1];
} nc_var_info;

/* The shape and element type of variable id; 0, or a NetCDF error, or -1
 * when its rank is beyond PEL_HISTORY_DIFF_RANK. */
static int var_info(int nc, int id, nc_var_info *v)
{
    memset(v, 0, sizeof *v);
    v->id = id;
    int e = nc_inq_varndims(nc, id, &v->rank);
    if (e) return e;
    if (v->rank > PEL_HISTORY_DIFF_RANK) return -1;
    if ((e = nc_inq_vartype(nc, id, &v->type)) || (e = nc_inq_vardimid(nc, id, v->dimid))) return e;
    v->count = 1;
    for (int k = 0; k < v->rank; k++) {
        char name[NC_MAX_NAME + 1];
        if ((e = nc_inq_dim(nc, v->dimid[k], name, &v->len[k]))) return e;
        snprintf(v->dim[k], sizeof v->dim[k], "%s", name);
        v->count *= v->len[k];
    }
    return 0;
}

/* The element type a NetCDF type is compared as; 0 for text. */
static pel_dtype compared_as(nc_type t)
{
    switch (t) {
    case NC_DOUBLE: return PEL_F64;
    case NC_FLOAT: return PEL_F32;
    case NC_BYTE: case NC_SHORT: case NC_INT: case NC_UBYTE: case NC_USHORT: return PEL_I32;
    case NC_UINT: case NC_INT64: case NC_UINT64: return PEL_I64;
    default: return (pel_dtype)0;
    }
}

/* Reads a whole variable as `type` into a new buffer (NULL on failure, e set). */
static void *read_var(int nc, const nc_var_info *v, pel_dtype type, int *e)
{
    void *buf = malloc(v->count ? v->count * pel_dtype_size(type) : 1);
    if (!buf) {
        *e = NC_ENOMEM;
        return NULL;
    }
    if (!v->count) *e = 0;
    else if (type == PEL_F64) *e = nc_get_var_double(nc, v->id, buf);
    else if (type == PEL_F32) *e = nc_get_var_float(nc, v->id, buf);
    else if (type == PEL_I32) *e = nc_get_var_int(nc, v->id, buf);
    else *e = nc_get_var_longlong(nc, v->id, buf);
    if (*e) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void unravel(const nc_var_info *v, uint64_t i, size_t *at)
{
    for (int k = v->rank - 1; k >= 0; k--) {
        size_t n = v->len[k] ? v->len[k] : 1;
        at[k] = (size_t)(i % n);
        i /= n;
    }
}

static double value_at(const void *p, pel_dtype t, uint64_t i)
{
    if (t == PEL_F64) return ((const double *)p)[i];
    if (t == PEL_F32) return ((const float *)p)[i];
    if (t == PEL_I32) return ((const int *)p)[i];
    return (double)((const long long *)p)[i];
}

/* One variable of `path` (nc, id; -1 when absent) against the reference's
 * (rc, rid; -1 when absent), into *df; a status for a read failure. */
static pel_status compare_var(pel_context *ctx, const char *path, int nc, int id, int rc, int rid,
                              pel_history_diff *df)
{
    nc_var_info a, b;
    int e = 0;
    if (id >= 0 && (e = var_info(nc, id, &a)) > 0)
        return pel_error(ctx, PEL_EIO, "history %s: %s", path, nc_strerror(e));
    if (id >= 0 && e < 0) {
        snprintf(df->problem, sizeof df->problem, "of rank above %d: not compared", PEL_HISTORY_DIFF_RANK);
        return PEL_OK;
    }
    if (rid >= 0 && (e = var_info(rc, rid, &b)) > 0)
        return pel_error(ctx, PEL_EIO, "history %s (reference): %s", path, nc_strerror(e));
    if (rid >= 0 && e < 0) {
        snprintf(df->problem, sizeof df->problem, "of rank above %d in the reference: not compared",
                 PEL_HISTORY_DIFF_RANK);
        return PEL_OK;
    }
    if (id < 0 || rid < 0) {
        snprintf(df->problem, sizeof df->problem, "%s", id < 0 ? "missing from this run's file" : "not in the reference");
        return PEL_OK;
    }
    df->rank = a.rank;
    for (int k = 0; k < a.rank; k++) {
        memcpy(df->dim[k], a.dim[k], sizeof df->dim[k]);
        df->len[k] = a.len[k];
    }
    pel_dtype t = compared_as(a.type);
    df->type = t;
    if (a.type != b.type || a.rank != b.rank) {
        snprintf(df->problem, sizeof df->problem, "of another type or rank than the reference's");
        return PEL_OK;
    }
    for (int k = 0; k < a.rank; k++)
        if (a.len[k] != b.len[k] || strcmp(a.dim[k], b.dim[k]) != 0) {
            snprintf(df->problem, sizeof df->problem, "has %s %zu, the reference %s %zu", a.dim[k], a.len[k],
                     b.dim[k], b.len[k]);
            return PEL_OK;
        }
    if (!t) {
        snprintf(df->problem, sizeof df->problem, "text: not compared");
        return PEL_OK;
    }
    void *x = read_var(nc, &a, t, &e), *y = x ? read_var(rc, &b, t, &e) : NULL;
    if (!x || !y) {
        free(x);
        return pel_error(ctx, PEL_EIO, "history %s: %s: %s", path, df->var, nc_strerror(e));
    }
    pel_field fa = {df->var, t, 1, {a.count ? a.count : 0, 0, 0, 0}, x}, fb = fa;
    fb.data = y;
    pel_status s = a.count ? pel_field_compare(ctx, &fa, &fb, &df->d) : PEL_OK;
    if (!s && df->d.differing) {
        uint64_t at = pel_dtype_is_real(t) ? df->d.max_abs_at : df->d.first;
        unravel(&a, at, df->abs_at);
        unravel(&a, pel_dtype_is_real(t) ? df->d.max_ulp_at : df->d.first, df->ulp_at);
        df->a = value_at(x, t, at);
        df->b = value_at(y, t, at);
    }
    free(x);
    free(y);
    return s;
}
#endif

pel_status pel_history_compare(pel_context *ctx, const char *path, const char *ref, pel_history_diff **out,
                               int *n)
{
    if (!ctx) return PEL_EINVAL;
    if (!path || !ref || !out || !n) return pel_error(ctx, PEL_EINVAL, "history compare: missing arguments");
    *out = NULL;
    *n = 0;
#if !HAVE_NETCDF
    return pel_error(ctx, PEL_ENOTSUP, "history %s: this build has no NetCDF: not compared", path);
#else
    int nc = -1, rc = -1, na = 0, nb = 0, e;
    pel_status s = PEL_OK;
    pel_history_diff *d = NULL;
    if ((e = nc_open(path, NC_NOWRITE, &nc))) {
        s = pel_error(ctx, PEL_EIO, "history %s: %s", path, nc_strerror(e));
        goto done;
    }
    if ((e = nc_open(ref, NC_NOWRITE, &rc))) {
        s = pel_error(ctx, PEL_EIO, "history %s: %s", ref, nc_strerror(e));
        goto done;
    }
    if ((e = nc_inq_nvars(nc, &na)) || (e = nc_inq_nvars(rc, &nb))) {
        s = pel_error(ctx, PEL_EIO, "history %s: %s", path, nc_strerror(e));
        goto done;
    }
    d = calloc((size_t)(na + nb) + 1, sizeof *d);
    if (!d) {
        s = pel_error(ctx, PEL_ENOMEM, "history %s: out of memory for %d variables", path, na + nb);
        goto done;
    }
    int k = 0;
    for (int pass = 0; pass < 2 && !s; pass++) {
        int own = pass ? nc : rc, other = pass ? rc : nc, nv = pass ? na : nb;
        for (int v = 0; v < nv && !s; v++) {
            char name[NC_MAX_NAME + 1];
            int id = -1;
            if ((e = nc_inq_varname(own, v, name))) {
                s = pel_error(ctx, PEL_EIO, "history %s: %s", pass ? path : ref, nc_strerror(e));
                break;
            }
            if (nc_inq_varid(other, name, &id) != NC_NOERR) id = -1;
            if (pass && id >= 0) continue; /* compared in the first pass */
            snprintf(d[k].var, sizeof d[k].var, "%s", name);
            s = pass ? compare_var(ctx, path, nc, v, rc, -1, &d[k]) : compare_var(ctx, path, nc, id, rc, v, &d[k]);
            k++;
        }
    }
    if (!s) {
        *out = d;
        *n = k;
        d = NULL;
    }
done:
    free(d);
    if (nc >= 0) nc_close(nc);
    if (rc >= 0) nc_close(rc);
    return s;
#endif
}
