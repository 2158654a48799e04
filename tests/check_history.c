/* NetCDF history files (drivers/common/history.h): the CF metadata and the
 * values read back with the NetCDF library (and xarray where Debian's
 * python3-xarray is installed), means over periods, atomic writing, and the
 * refusals. */
#include <config.h>

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "common/history.h"

#if HAVE_NETCDF
#include <netcdf.h>
#endif

enum { NY = 4, NX = 8, FY = 8, FX = 16 };

typedef struct grids {
    double lat[FY], lon[FX], late[FY + 1], lone[FX + 1];
    double clat[NY], clon[NX], clate[NY + 1], clone[NX + 1];
    pel_history_grid g[2];
} grids;

static void axis(int n, double lo, double hi, double *c, double *e)
{
    for (int i = 0; i <= n; i++) e[i] = lo + (hi - lo) * i / n;
    for (int i = 0; i < n; i++) c[i] = 0.5 * (e[i] + e[i + 1]);
}

static void make_grids(grids *g)
{
    axis(NY, -90, 90, g->clat, g->clate);
    axis(NX, 0, 360, g->clon, g->clone);
    axis(FY, -90, 90, g->lat, g->late);
    axis(FX, 0, 360, g->lon, g->lone);
    g->g[0] = (pel_history_grid){"", NY, NX, g->clat, g->clon, g->clate, g->clone};
    g->g[1] = (pel_history_grid){"_ocn", FY, FX, g->lat, g->lon, g->late, g->lone};
}

static const pel_history_var vars[2] = {
    {"tas", "near-surface air temperature", "degC", "air_temperature", 0},
    {"sst", "sea surface temperature", "degC", "sea_surface_temperature", 1},
};

static char *tmpdir(void)
{
    static char dir[64];
    strcpy(dir, "/tmp/pel-history.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    return dir;
}

static int entries(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 0", dir);
    return system(cmd) == 0 ? 0 : 1;
}

#if HAVE_NETCDF
START_TEST(writes_cf_and_reads_back)
{
    pel_context *ctx = test_context(1);
    grids g;
    make_grids(&g);
    char *dir = tmpdir(), path[128];
    snprintf(path, sizeof path, "%s/h.nc", dir);
    pel_history *h;
    ck_assert_ok(pel_history_create(ctx, path, "test", g.g, 2, vars, 2, &h));
    ck_assert_int_eq(access(path, F_OK), -1); /* not there until close */
    double a[NY * NX], b[FY * FX];
    const double *v[2] = {a, b};
    pel_history_mean *m;
    ck_assert_ok(pel_history_mean_create(h, &m));
    /* Records 0 and 1 are snapshots; record 2 the mean of 4 steps of 0.25 day
     * whose values are k + i (mean: 1.5 + i, exact in binary). */
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < NY * NX; i++) a[i] = r * 100 + i;
        for (int i = 0; i < FY * FX; i++) b[i] = -r - 0.5 * i;
        ck_assert_ok(pel_history_append(h, r, r, v));
    }
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < NY * NX; i++) a[i] = k + i;
        for (int i = 0; i < FY * FX; i++) b[i] = 2.0 * k;
        pel_history_mean_add(m, 0.25, v);
    }
    ck_assert(pel_history_mean_length(m) == 1.0);
    ck_assert_ok(pel_history_mean_flush(m, h, 2.0, 3.0));
    ck_assert(pel_history_mean_length(m) == 0.0);
    ck_assert_fails(ctx, pel_history_mean_flush(m, h, 3.0, 4.0), PEL_EINVAL, "empty period");
    ck_assert_int_eq(pel_history_records(h), 3);
    pel_history_mean_destroy(m);
    ck_assert_ok(pel_history_close(h));

    int nc, id, dim;
    size_t len;
    ck_assert_int_eq(nc_open(path, NC_NOWRITE, &nc), NC_NOERR);
    ck_assert_int_eq(nc_inq_dimid(nc, "time", &dim), NC_NOERR);
    ck_assert_int_eq(nc_inq_dimlen(nc, dim, &len), NC_NOERR);
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(nc_inq_dimid(nc, "lat_ocn", &dim), NC_NOERR);
    ck_assert_int_eq(nc_inq_dimlen(nc, dim, &len), NC_NOERR);
    ck_assert_uint_eq(len, FY);
    char att[64] = {0};
    ck_assert_int_eq(nc_inq_varid(nc, "time", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_att_text(nc, id, "calendar", att), NC_NOERR);
    ck_assert_str_eq(att, "noleap");
    memset(att, 0, sizeof att);
    ck_assert_int_eq(nc_inq_varid(nc, "sst", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_att_text(nc, id, "standard_name", att), NC_NOERR);
    ck_assert_str_eq(att, "sea_surface_temperature");
    double back[3 * NY * NX], t[3], tb[6];
    ck_assert_int_eq(nc_inq_varid(nc, "tas", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_double(nc, id, back), NC_NOERR);
    for (int i = 0; i < NY * NX; i++) {
        ck_assert(back[i] == i);
        ck_assert(back[NY * NX + i] == 100 + i);
        ck_assert(back[2 * NY * NX + i] == 1.5 + i);
    }
    ck_assert_int_eq(nc_inq_varid(nc, "time", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_double(nc, id, t), NC_NOERR);
    ck_assert(t[0] == 0 && t[1] == 1 && t[2] == 2.5);
    ck_assert_int_eq(nc_inq_varid(nc, "time_bnds", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_double(nc, id, tb), NC_NOERR);
    ck_assert(tb[4] == 2.0 && tb[5] == 3.0);
    double lb[2 * FY];
    ck_assert_int_eq(nc_inq_varid(nc, "lat_ocn_bnds", &id), NC_NOERR);
    ck_assert_int_eq(nc_get_var_double(nc, id, lb), NC_NOERR);
    ck_assert(lb[0] == -90 && lb[2 * FY - 1] == 90 && lb[1] == lb[2]);
    nc_close(nc);

    /* xarray decodes the CF time axis and reads the same numbers. */
    char cmd[512];
    if (system("/usr/bin/python3 -c 'import xarray' 2>/dev/null") != 0) {
        fprintf(stderr, "check_history: python3-xarray not installed: skipped reading with xarray\n");
    } else {
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c \"import xarray; d = xarray.open_dataset('%s'); "
                 "assert d.tas.shape == (3, %d, %d); assert float(d.tas[2, 0, 1]) == 2.5; "
                 "assert d.sst.attrs['units'] == 'degC'; assert d.time.dt.dayofyear.values.tolist() == [1, 2, 3]\"",
                 path, NY, NX);
        ck_assert_msg(system(cmd) == 0, "xarray could not read %s", path);
    }
    unlink(path);
    rmdir(dir);
    pel_context_destroy(ctx);
}
END_TEST
#endif

#if HAVE_NETCDF
/* Two records of tas and sst (sst alone, or one record, when asked);
 * record 1's sst at (lat_ocn 3, lon_ocn 5) moved up by one ULP when bump. */
static void write_pair(pel_context *ctx, const char *path, int bump, int nvars, int records)
{
    grids g;
    make_grids(&g);
    pel_history *h;
    ck_assert_ok(pel_history_create(ctx, path, "test", g.g, 2, vars + 2 - nvars, nvars, &h));
    double a[NY * NX], b[FY * FX];
    const double *v[2] = {a, b};
    for (int r = 0; r < records; r++) {
        for (int i = 0; i < NY * NX; i++) a[i] = r * 100 + i;
        for (int i = 0; i < FY * FX; i++) b[i] = -r - 0.5 * i;
        if (bump && r == 1) b[3 * FX + 5] = nextafter(b[3 * FX + 5], INFINITY);
        ck_assert_ok(pel_history_append(h, r, r, nvars == 2 ? v : v + 1));
    }
    ck_assert_ok(pel_history_close(h));
}

static const pel_history_diff *entry(const pel_history_diff *d, int n, const char *var)
{
    for (int i = 0; i < n; i++)
        if (strcmp(d[i].var, var) == 0) return &d[i];
    ck_abort_msg("no entry for %s", var);
    return NULL;
}

/* pel_history_compare: every variable (the coordinates and their bounds
 * too) in the reference's order; one value one ULP apart found with its
 * (time, lat_ocn, lon_ocn) indices and both values; a missing variable and
 * another record count named. */
START_TEST(compares_variable_by_variable)
{
    pel_context *ctx = test_context(1);
    char *dir = tmpdir(), ref[128], same[128], bumped[128], fewer[128], shorter[128];
    snprintf(ref, sizeof ref, "%s/ref.nc", dir);
    snprintf(same, sizeof same, "%s/same.nc", dir);
    snprintf(bumped, sizeof bumped, "%s/bumped.nc", dir);
    snprintf(fewer, sizeof fewer, "%s/fewer.nc", dir);
    snprintf(shorter, sizeof shorter, "%s/shorter.nc", dir);
    write_pair(ctx, ref, 0, 2, 2);
    write_pair(ctx, same, 0, 2, 2);
    write_pair(ctx, bumped, 1, 2, 2);
    write_pair(ctx, fewer, 0, 1, 2);
    write_pair(ctx, shorter, 0, 2, 1);
    pel_history_diff *d;
    int n;
    ck_assert_ok(pel_history_compare(ctx, same, ref, &d, &n));
    /* time, time_bnds, lat/lon and lat_ocn/lon_ocn with bounds, tas, sst */
    ck_assert_int_eq(n, 12);
    for (int i = 0; i < n; i++) ck_assert_msg(!d[i].problem[0] && !d[i].d.differing, "%s differs", d[i].var);
    free(d);
    ck_assert_ok(pel_history_compare(ctx, bumped, ref, &d, &n));
    const pel_history_diff *e = entry(d, n, "sst");
    ck_assert_uint_eq(e->d.differing, 1);
    ck_assert_uint_eq(e->d.max_ulp, 1);
    ck_assert_int_eq(e->rank, 3);
    ck_assert_str_eq(e->dim[0], "time");
    ck_assert_str_eq(e->dim[1], "lat_ocn");
    ck_assert_str_eq(e->dim[2], "lon_ocn");
    ck_assert_uint_eq(e->abs_at[0], 1);
    ck_assert_uint_eq(e->abs_at[1], 3);
    ck_assert_uint_eq(e->abs_at[2], 5);
    ck_assert(e->ulp_at[0] == 1 && e->ulp_at[1] == 3 && e->ulp_at[2] == 5);
    ck_assert(e->b == -27.5 && e->a == nextafter(-27.5, INFINITY)); /* -1 - 0.5 (3 * 16 + 5) */
    ck_assert(!entry(d, n, "tas")->d.differing && !entry(d, n, "lat_ocn")->d.differing);
    free(d);
    ck_assert_ok(pel_history_compare(ctx, fewer, ref, &d, &n));
    ck_assert_str_eq(entry(d, n, "tas")->problem, "missing from this run's file");
    ck_assert(!entry(d, n, "sst")->problem[0] && !entry(d, n, "sst")->d.differing);
    free(d);
    ck_assert_ok(pel_history_compare(ctx, ref, fewer, &d, &n));
    ck_assert_str_eq(entry(d, n, "tas")->problem, "not in the reference");
    free(d);
    ck_assert_ok(pel_history_compare(ctx, shorter, ref, &d, &n));
    ck_assert_str_eq(entry(d, n, "sst")->problem, "has time 1, the reference time 2");
    ck_assert(!entry(d, n, "lat")->problem[0]);
    free(d);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing.nc", dir);
    ck_assert_fails(ctx, pel_history_compare(ctx, missing, ref, &d, &n), PEL_EIO, "missing.nc");
    const char *const all[5] = {ref, same, bumped, fewer, shorter};
    for (int i = 0; i < 5; i++) unlink(all[i]);
    rmdir(dir);
    pel_context_destroy(ctx);
}
END_TEST
#endif

START_TEST(refusals_leave_nothing)
{
    pel_context *ctx = test_context(1);
    grids g;
    make_grids(&g);
    char *dir = tmpdir(), path[128];
    snprintf(path, sizeof path, "%s/h.nc", dir);
    pel_history *h = NULL;
    pel_history_var bad[2] = {vars[0], vars[1]};
    bad[1].name = "s st";
    ck_assert_fails(ctx, pel_history_create(ctx, path, NULL, g.g, 2, bad, 2, &h), PEL_EINVAL, "'s st'");
    bad[1].name = "tas";
    ck_assert_fails(ctx, pel_history_create(ctx, path, NULL, g.g, 2, bad, 2, &h), PEL_EINVAL, "'tas' given twice");
    bad[1] = vars[1];
    bad[1].grid = 2;
    ck_assert_fails(ctx, pel_history_create(ctx, path, NULL, g.g, 2, bad, 2, &h), PEL_EINVAL, "grid 2 of 2");
    ck_assert_fails(ctx, pel_history_create(ctx, path, NULL, g.g, 0, vars, 2, &h), PEL_EINVAL, "0 grids");
    pel_history_grid gg[2] = {g.g[0], g.g[0]};
    ck_assert_fails(ctx, pel_history_create(ctx, path, NULL, gg, 2, vars, 2, &h), PEL_EINVAL, "same suffix");
    ck_assert_ptr_null(h);
#if HAVE_NETCDF
    char nodir[160];
    snprintf(nodir, sizeof nodir, "%s/missing/h.nc", dir);
    ck_assert_int_eq(pel_history_create(ctx, nodir, NULL, g.g, 2, vars, 2, &h), PEL_EIO);
    ck_assert_ok(pel_history_create(ctx, path, NULL, g.g, 2, vars, 2, &h));
    pel_history_abort(h); /* a run that stops: no file, no temporary */
#else
    ck_assert_fails(ctx, pel_history_create(ctx, path, NULL, g.g, 2, vars, 2, &h), PEL_ENOTSUP, "libnetcdf-dev");
    pel_history_diff *d;
    int n;
    ck_assert_fails(ctx, pel_history_compare(ctx, path, path, &d, &n), PEL_ENOTSUP, "no NetCDF");
#endif
    ck_assert_int_eq(entries(dir), 0);
    rmdir(dir);
    pel_context_destroy(ctx);
}
END_TEST

static Suite *history_suite(void)
{
    Suite *s = suite_create("history");
    TCase *tc = tcase_create("netcdf");
    tcase_set_timeout(tc, 60);
#if HAVE_NETCDF
    tcase_add_test(tc, writes_cf_and_reads_back);
    tcase_add_test(tc, compares_variable_by_variable);
#endif
    tcase_add_test(tc, refusals_leave_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(history_suite()); }
