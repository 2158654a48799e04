/* The component interface (pel/component.h), driven generically over every
 * family's type: create from small parameters, advance, fields, verify,
 * save/restore round trips, import/export, and the error paths.
 *
 * The round trip is the ERS/ERP test of the climate models: k steps on 2
 * threads, save, restore into a fresh object on 3 threads, m more steps
 * must give the bits of k + m steps straight on 1 thread (and of the saved
 * object going on); all must verify. */
#include "testutil.h"

typedef struct fam_case {
    const pel_component_type *type;
    void (*small)(void *params); /* after params_default: a small problem */
    long k, m;                   /* the round trip: k steps, save, m more */
} fam_case;

static void heat_small(void *v)
{
    pel_heat_params *p = v;
    p->n[0] = 24;
    p->n[1] = 20;
    p->dt *= 0.5; /* params_default's dt is for 64 points; stay within the limit */
}

static void poisson_small(void *v)
{
    pel_poisson_params *p = v;
    p->n[0] = 16;
    p->n[1] = 12;
}

/* NPB class S is params_default's. */
static const fam_case cases[] = {
    {&pel_heat_component, heat_small, 5, 7},
    {&pel_poisson_component, poisson_small, 1, 2},
    {&pel_gauss_component, NULL, 0, 1},     /* EP: the run is one step */
    {&pel_sparse_component, NULL, 7, 8},    /* CG S: 15 power steps */
    {&pel_mg_component, NULL, 2, 2},        /* MG S: 4 V-cycles */
    {&pel_diffusion_component, NULL, 3, 3}, /* FT S: 6 steps */
    {&pel_sort_component, NULL, 4, 6},      /* IS S: 10 iterations */
    {&pel_atmosphere_component, NULL, 3, 4}, /* NCC81, 36 bands */
    {&pel_ocean_component, NULL, 3, 4},      /* Stommel's basin, 100 x 64 */
    {&pel_land_component, NULL, 3, 4},       /* the bucket */
};
enum { NCASES = sizeof cases / sizeof cases[0] };

static pel_component *make(pel_context *ctx, const fam_case *c)
{
    void *p = calloc(1, c->type->params_size);
    ck_assert_ptr_nonnull(p);
    c->type->params_default(p);
    if (c->small) c->small(p);
    pel_component *comp = NULL;
    pel_status st = pel_component_create(ctx, c->type, p, &comp);
    ck_assert_msg(st == PEL_OK, "%s: create: %s", c->type->name, pel_context_error(ctx));
    free(p); /* create keeps what it needs */
    return comp;
}

static void advance(pel_component *comp, long n)
{
    pel_status st = pel_component_advance(comp, n);
    ck_assert_msg(st == PEL_OK, "%s: advance %ld: %s", pel_component_get_type(comp)->name, n,
                  pel_context_error(pel_component_context(comp)));
}

static void assert_verifies(pel_component *comp)
{
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_component_verify(comp, log));
    if (!pel_verify_log_passed(log)) pel_verify_log_print(log, stderr);
    ck_assert_msg(pel_verify_log_passed(log), "%s: verification failed at step %ld",
                  pel_component_get_type(comp)->name, pel_component_step(comp));
    pel_verify_log_destroy(log);
}

/* Fingerprints of every result field, joined. */
static void fields_print(pel_component *comp, char *out, size_t n)
{
    pel_field f[8];
    int nf = pel_component_fields(comp, f, 8);
    ck_assert_int_ge(nf, 1);
    ck_assert_int_le(nf, 8);
    out[0] = 0;
    for (int i = 0; i < nf; i++) {
        ck_assert_ptr_nonnull(f[i].name);
        ck_assert_ptr_nonnull(f[i].data);
        ck_assert_uint_gt(pel_dtype_size(f[i].type), 0);
        ck_assert_uint_gt(pel_field_count(&f[i]), 0);
        char hex[PEL_FINGERPRINT_HEX];
        pel_fingerprint(f[i].data, (size_t)(pel_field_count(&f[i]) * pel_dtype_size(f[i].type)), hex);
        strncat(out, hex, n - strlen(out) - 1);
    }
}

/* A deep copy of a saved state (a view of the object's memory). */
typedef struct saved {
    pel_component_state st;
    pel_field fields[8];
    void *data[8];
} saved;

static void save_copy(pel_component *comp, saved *s)
{
    ck_assert_ok(pel_component_save(comp, &s->st));
    ck_assert_int_le(s->st.nfields, 8);
    ck_assert_int_eq(s->st.step, pel_component_step(comp));
    for (int i = 0; i < s->st.nfields; i++) {
        s->fields[i] = s->st.fields[i];
        size_t bytes = (size_t)(pel_field_count(&s->fields[i]) * pel_dtype_size(s->fields[i].type));
        s->data[i] = malloc(bytes ? bytes : 1);
        ck_assert_ptr_nonnull(s->data[i]);
        memcpy(s->data[i], s->fields[i].data, bytes);
        s->fields[i].data = s->data[i];
    }
    s->st.fields = s->fields; /* meta stay views: the saved object lives on */
}

static void saved_free(saved *s)
{
    for (int i = 0; i < s->st.nfields; i++) free(s->data[i]);
}

START_TEST(roundtrip)
{
    const fam_case *c = &cases[_i];
    pel_context *ctx1 = test_context(1), *ctx2 = test_context(2), *ctx3 = test_context(3);
    /* straight: k + m steps on one thread, in two calls */
    pel_component *a = make(ctx1, c);
    advance(a, c->k);
    advance(a, c->m);
    ck_assert_int_eq(pel_component_step(a), c->k + c->m);
    assert_verifies(a);
    char fa[512], fb[512];
    fields_print(a, fa, sizeof fa);

    /* k steps, saved, restored into a fresh object on three threads, m more */
    pel_component *b = make(ctx2, c);
    advance(b, c->k);
    if (c->k) assert_verifies(b);
    saved s;
    save_copy(b, &s);
    advance(b, c->m);
    pel_component *r = make(ctx3, c);
    pel_status st = pel_component_restore(r, &s.st);
    ck_assert_msg(st == PEL_OK, "%s: restore: %s", c->type->name, pel_context_error(ctx3));
    ck_assert_int_eq(pel_component_step(r), c->k);
    advance(r, c->m);
    assert_verifies(r);
    fields_print(r, fb, sizeof fb);
    ck_assert_msg(strcmp(fa, fb) == 0, "%s: restored run differs: %s vs %s", c->type->name, fa, fb);
    fields_print(b, fb, sizeof fb);
    ck_assert_msg(strcmp(fa, fb) == 0, "%s: 2 threads differ from 1: %s vs %s", c->type->name, fa, fb);

    /* export gives the result fields by name */
    pel_field f[8], e;
    int nf = pel_component_fields(r, f, 8);
    for (int i = 0; i < nf; i++) {
        ck_assert_ok(pel_component_export(r, f[i].name, &e));
        ck_assert_ptr_eq(e.data, f[i].data);
        ck_assert_int_eq(e.type, f[i].type);
    }
    ck_assert_fails(ctx3, pel_component_export(r, "no-such-field", &e), PEL_EMISMATCH, "no-such-field");

    saved_free(&s);
    pel_component_destroy(a);
    pel_component_destroy(b);
    pel_component_destroy(r);
    pel_context_destroy(ctx1);
    pel_context_destroy(ctx2);
    pel_context_destroy(ctx3);
}
END_TEST

/* A restore refuses a state of another problem, naming the difference, and
 * leaves the object as it was. */
START_TEST(restore_mismatch)
{
    const fam_case *c = &cases[_i];
    pel_context *ctx = test_context(1);
    pel_component *a = make(ctx, c), *b = make(ctx, c);
    char before[512], after[512];
    fields_print(b, before, sizeof before);
    saved s;
    save_copy(a, &s);
    pel_component_state bad = s.st;

    bad.nfields = s.st.nfields - 1;
    ck_assert_fails(ctx, pel_component_restore(b, &bad), PEL_EMISMATCH, "fields given");
    pel_field f[8];
    memcpy(f, s.fields, sizeof f);
    f[0].dims[0] += 1;
    bad = s.st;
    bad.fields = f;
    ck_assert_fails(ctx, pel_component_restore(b, &bad), PEL_EMISMATCH, f[0].name);
    memcpy(f, s.fields, sizeof f);
    f[0].name = "renamed";
    ck_assert_fails(ctx, pel_component_restore(b, &bad), PEL_EMISMATCH, "is missing");
    ck_assert_int_ge(s.st.nmeta, 1);
    pel_meta m = s.st.meta[0];
    if (m.kind == PEL_META_INT) m.i += 1;
    else if (m.kind == PEL_META_REAL) m.r *= 2.0;
    else m.s = "another";
    bad = s.st;
    bad.meta = &m;
    bad.nmeta = 1;
    ck_assert_fails(ctx, pel_component_restore(b, &bad), PEL_EMISMATCH, m.name);
    bad = s.st;
    bad.step = -1;
    ck_assert_fails(ctx, pel_component_restore(b, &bad), PEL_EINVAL, "step -1");
    ck_assert_int_eq(pel_component_step(b), 0);
    fields_print(b, after, sizeof after);
    ck_assert_str_eq(before, after);

    saved_free(&s);
    pel_component_destroy(a);
    pel_component_destroy(b);
    pel_context_destroy(ctx);
}
END_TEST

/* Bad parameters: a status and a message naming the parameter. */
START_TEST(bad_params)
{
    pel_context *ctx = test_context(1);
    pel_component *c = (pel_component *)&c;
    pel_heat_params hp;
    pel_heat_component.params_default(&hp);
    hp.n[0] = 2;
    ck_assert_int_eq(pel_component_create(ctx, &pel_heat_component, &hp, &c), PEL_EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(pel_context_error(ctx), "n[0]") != NULL, "message: %s", pel_context_error(ctx));
    pel_poisson_params pp;
    pel_poisson_component.params_default(&pp);
    pp.n[1] = 1;
    ck_assert_int_eq(pel_component_create(ctx, &pel_poisson_component, &pp, &c), PEL_EINVAL);
    ck_assert_msg(pel_context_error(ctx)[0], "no message");
    const pel_component_type *npb[] = {&pel_gauss_component, &pel_sparse_component, &pel_mg_component,
                                       &pel_diffusion_component, &pel_sort_component};
    for (int i = 0; i < 5; i++) {
        pel_npb_component_params p;
        npb[i]->params_default(&p);
        ck_assert_int_eq(p.cls, 'S');
        p.cls = 'Q';
        pel_context_clear_error(ctx);
        ck_assert_fails(ctx, pel_component_create(ctx, npb[i], &p, &c), PEL_EINVAL, "Q");
        ck_assert_ptr_null(c);
    }
    pel_context_destroy(ctx);
}
END_TEST

/* Argument checks of the generic calls. */
START_TEST(generic_calls)
{
    pel_context *ctx = test_context(1);
    pel_component *c = NULL;
    ck_assert_int_eq(pel_component_create(NULL, &pel_heat_component, NULL, &c), PEL_EINVAL);
    ck_assert_fails(ctx, pel_component_create(ctx, NULL, NULL, &c), PEL_EINVAL, "type is NULL");
    ck_assert_fails(ctx, pel_component_create(ctx, &pel_heat_component, NULL, NULL), PEL_EINVAL, "result pointer");
    pel_component_type incomplete = pel_heat_component;
    incomplete.verify = NULL;
    ck_assert_fails(ctx, pel_component_create(ctx, &incomplete, NULL, &c), PEL_EINVAL, "required member");
    incomplete = pel_heat_component;
    incomplete.restore = NULL;
    ck_assert_fails(ctx, pel_component_create(ctx, &incomplete, NULL, &c), PEL_EINVAL, "save and restore");
    ck_assert_int_eq(pel_component_advance(NULL, 1), PEL_EINVAL);
    ck_assert_int_eq(pel_component_verify(NULL, NULL), PEL_EINVAL);
    ck_assert_int_eq(pel_component_fields(NULL, NULL, 0), -1);
    ck_assert_int_eq(pel_component_save(NULL, NULL), PEL_EINVAL);
    ck_assert_int_eq(pel_component_restore(NULL, NULL), PEL_EINVAL);
    ck_assert_int_eq(pel_component_export(NULL, "u", NULL), PEL_EINVAL);
    ck_assert_int_eq(pel_component_import(NULL, NULL), PEL_EINVAL);
    pel_component_destroy(NULL);

    /* NULL params: params_default's problem (heat: 64 x 64) */
    ck_assert_ok(pel_component_create(ctx, &pel_heat_component, NULL, &c));
    ck_assert_ptr_eq(pel_component_get_type(c), &pel_heat_component);
    ck_assert_ptr_eq(pel_component_context(c), ctx);
    ck_assert_int_eq(pel_component_fields(c, NULL, 0), 1);
    ck_assert_int_eq(pel_component_fields(c, NULL, 1), -1);
    ck_assert_int_eq(pel_component_can_checkpoint(c), 1);
    ck_assert_fails(ctx, pel_component_advance(c, -1), PEL_EINVAL, "-1");
    ck_assert_ok(pel_component_advance(c, 0));
    ck_assert_int_eq(pel_component_step(c), 0);
    ck_assert_fails(ctx, pel_component_verify(c, NULL), PEL_EINVAL, "log is NULL");
    ck_assert_fails(ctx, pel_component_restore(c, NULL), PEL_EINVAL, "state is NULL");
    ck_assert_fails(ctx, pel_component_import(c, NULL), PEL_EINVAL, "NULL");
    pel_field f = {"v", PEL_F64, 2, {64, 64}, NULL};
    ck_assert_fails(ctx, pel_component_import(c, &f), PEL_EINVAL, "no data");
    double one = 1.0;
    pel_field g = {"u", PEL_F64, 1, {1}, &one};
    ck_assert_fails(ctx, pel_component_import(c, &g), PEL_EMISMATCH, "expected f64 with 4096");
    g.name = "v";
    ck_assert_fails(ctx, pel_component_import(c, &g), PEL_EMISMATCH, "'v'");
    ck_assert_ok(pel_component_advance(c, 3));
    ck_assert_int_eq(pel_component_step(c), 3);
    pel_heat_params d;
    pel_heat_params_default(&d, 2);
    ck_assert(pel_component_time(c) == 3.0 * d.dt); /* heat's time: steps * dt, exactly */
    pel_component_destroy(c);

    /* the component holds a reference to its context (context.h): destroying
     * the context first is safe, and the object still advances and fails
     * with a message */
    pel_context *own = test_context(1);
    ck_assert_ok(pel_component_create(own, &pel_heat_component, NULL, &c));
    pel_context_destroy(own);
    ck_assert_ok(pel_component_advance(c, 2));
    ck_assert_int_eq(pel_component_advance(c, -1), PEL_EINVAL);
    ck_assert(strstr(pel_context_error(pel_component_context(c)), "-1") != NULL);
    pel_component_destroy(c);

    /* the NPB kernels import nothing, and EP, FT and IS end at their class's steps */
    pel_npb_component_params np;
    pel_npb_component_params_default(&np);
    ck_assert_ok(pel_component_create(ctx, &pel_gauss_component, &np, &c));
    ck_assert_fails(ctx, pel_component_import(c, &g), PEL_ENOTSUP, "imports no fields");
    ck_assert_ok(pel_component_advance(c, 1));
    ck_assert_fails(ctx, pel_component_advance(c, 1), PEL_EINVAL, "one step");
    ck_assert_int_eq(pel_component_step(c), 1);
    pel_component_destroy(c);
    ck_assert_ok(pel_component_create(ctx, &pel_diffusion_component, &np, &c));
    ck_assert_fails(ctx, pel_component_advance(c, 7), PEL_EINVAL, "6 time steps");
    pel_component_destroy(c);
    ck_assert_ok(pel_component_create(ctx, &pel_sort_component, &np, &c));
    ck_assert_fails(ctx, pel_component_advance(c, 11), PEL_EINVAL, "10 iterations");
    pel_component_destroy(c);
    pel_context_destroy(ctx);
}
END_TEST

/* Coupling: heat's u exported and imported as Poisson's right-hand side on
 * the same grid; the solve then satisfies the residual check alone. */
START_TEST(nonfinite_detected)
{
    /* a NaN put into heat's u travels; the check names field, index and step */
    pel_context *ctx = test_context(2);
    pel_heat_params hp;
    pel_heat_component.params_default(&hp);
    hp.n[0] = 16;
    hp.n[1] = 12;
    pel_component *h;
    ck_assert_ok(pel_component_create(ctx, &pel_heat_component, &hp, &h));
    ck_assert_ok(pel_component_check_finite(h));
    double u[16 * 12] = {0};
    u[5 * 12 + 7] = NAN;
    pel_field in = {"u", PEL_F64, 2, {16, 12, 0, 0}, u};
    ck_assert_ok(pel_component_import(h, &in));
    ck_assert_fails(ctx, pel_component_check_finite(h), PEL_ENONFINITE,
                    "heat: field u holds nan at (5, 7) after step 0");
    ck_assert_ok(pel_component_advance(h, 1));
    ck_assert_fails(ctx, pel_component_check_finite(h), PEL_ENONFINITE, "after step 1");
    pel_component_destroy(h);
    pel_context_destroy(ctx);
}
END_TEST

START_TEST(coupling)
{
    pel_context *ctx = test_context(2);
    pel_heat_params hp;
    pel_heat_component.params_default(&hp);
    hp.bc = PEL_BC_PERIODIC;
    hp.n[0] = 16;
    hp.n[1] = 12;
    pel_poisson_params pp;
    pel_poisson_component.params_default(&pp);
    pp.n[0] = 16;
    pp.n[1] = 12;
    pel_component *h, *p;
    ck_assert_ok(pel_component_create(ctx, &pel_heat_component, &hp, &h));
    ck_assert_ok(pel_component_create(ctx, &pel_poisson_component, &pp, &p));
    ck_assert_ok(pel_component_advance(h, 4));
    pel_field u, f;
    ck_assert_ok(pel_component_export(h, "u", &u));
    ck_assert_int_eq(u.type, PEL_F64);
    ck_assert_int_eq(u.rank, 2);
    ck_assert_uint_eq(u.dims[0], 16);
    ck_assert_uint_eq(u.dims[1], 12);
    u.name = "f";
    ck_assert_ok(pel_component_import(p, &u));
    ck_assert_ok(pel_component_export(p, "f", &f));
    ck_assert_int_eq(memcmp(f.data, u.data, 16 * 12 * sizeof(double)), 0);
    ck_assert_ok(pel_component_advance(p, 1));
    pel_verify_log *log;
    ck_assert_ok(pel_verify_log_create(&log));
    ck_assert_ok(pel_component_verify(p, log));
    ck_assert_int_eq(pel_verify_log_count(log), 1); /* the residual; no exact solution any more */
    ck_assert(pel_verify_log_passed(log));
    pel_verify_log_destroy(log);
    pel_component_destroy(h);
    pel_component_destroy(p);
    pel_context_destroy(ctx);
}
END_TEST

/* ---- components at the same time: the coupler's two shapes -------------------
 * Every family's component advanced k + m steps (a) one after another from
 * serial code, (b) all at once as tasks of one team of 2 sharing a context
 * (barrier-free kernels hand their blocks to the team as tasks, the others
 * run on their task's thread), (c) all at once, one per thread of an outer
 * team (proc_bind(spread)) each with a nested team of 2 from its own
 * context.  The result fields must be the same bits in the three, and no
 * more threads may run than asked for. */
static void advance_case(pel_context *ctx, int i, char fp[PEL_FINGERPRINT_HEX])
{
    const fam_case *fc = &cases[i];
    unsigned char params[512];
    ck_assert(fc->type->params_size <= sizeof params);
    fc->type->params_default(params);
    if (fc->small) fc->small(params);
    pel_component *c = NULL;
    fp[0] = '\0';
    if (pel_component_create(ctx, fc->type, params, &c) != PEL_OK) return;
    if (pel_component_advance(c, fc->k + fc->m) == PEL_OK) {
        pel_field f[8];
        int n = pel_component_fields(c, f, 8);
        char all[8 * PEL_FINGERPRINT_HEX] = "";
        for (int j = 0; j < n && j < 8; j++) {
            char h[PEL_FINGERPRINT_HEX];
            pel_field_fingerprint(&f[j], h);
            strcat(all, h);
        }
        pel_fingerprint(all, strlen(all), fp);
    }
    pel_component_destroy(c);
}

START_TEST(concurrent_components)
{
    char plain[NCASES][PEL_FINGERPRINT_HEX], tasks[NCASES][PEL_FINGERPRINT_HEX],
        teams[NCASES][PEL_FINGERPRINT_HEX];
    pel_context *shared = test_context(2);
    for (int i = 0; i < NCASES; i++) {
        advance_case(shared, i, plain[i]);
        ck_assert_msg(plain[i][0], "%s: plain run failed: %s", cases[i].type->name,
                      pel_context_error(shared));
    }

    omp_set_max_active_levels(1);
#pragma omp parallel num_threads(2) default(none) shared(shared, tasks)
#pragma omp single
    for (int i = 0; i < NCASES; i++) {
#pragma omp task default(none) shared(shared, tasks) firstprivate(i)
        advance_case(shared, i, tasks[i]);
    }
    int most = 2, now = test_os_threads(most);
    ck_assert_msg(now <= most, "tasks: %d OS threads, at most %d asked for", now, most);

    omp_set_max_active_levels(2);
    pel_context *own[NCASES];
    for (int i = 0; i < NCASES; i++) own[i] = test_context(2);
#pragma omp parallel for num_threads(NCASES) proc_bind(spread) schedule(static, 1) \
    default(none) shared(own, teams)
    for (int i = 0; i < NCASES; i++) advance_case(own[i], i, teams[i]);
    most = 2 * NCASES;
    now = test_os_threads(most);
    ck_assert_msg(now <= most, "nested teams: %d OS threads, at most %d asked for", now, most);

    for (int i = 0; i < NCASES; i++) {
        ck_assert_msg(strcmp(plain[i], tasks[i]) == 0, "%s: as a task: other bits",
                      cases[i].type->name);
        ck_assert_msg(strcmp(plain[i], teams[i]) == 0, "%s: in a nested team: other bits",
                      cases[i].type->name);
        pel_context_destroy(own[i]);
    }
    pel_context_destroy(shared);
}
END_TEST

static Suite *component_suite(void)
{
    Suite *s = suite_create("component");
    TCase *tapi = tcase_create("api");
    tcase_add_test(tapi, generic_calls);
    tcase_add_test(tapi, bad_params);
    tcase_add_loop_test(tapi, restore_mismatch, 0, NCASES);
    suite_add_tcase(s, tapi);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, coupling);
    tcase_add_test(num, nonfinite_detected);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_loop_test(thr, roundtrip, 0, NCASES);
    tcase_add_test(thr, concurrent_components);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(component_suite()); }
