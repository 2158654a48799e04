/* Components advanced at the same time (pel/concurrent.h): every mode and
 * layout gives the bits of the components advanced one after another, the
 * OS threads stay within what was asked for, and misuse is refused.
 *
 * The set mixes barrier-free work (heat's sweep) with bodies of phases that
 * synchronise (MG's V-cycle, CG's iterations), the two shapes the launcher
 * turns into taskloops inside a task. */
#include "testutil.h"

enum { NC = 4 };

static void heat_a(void *v)
{
    pel_heat_params *p = v;
    p->n[0] = 40;
    p->n[1] = 24;
    p->dt *= 0.25;
}

static void heat_b(void *v)
{
    pel_heat_params *p = v;
    p->n[0] = 16;
    p->n[1] = 30;
    p->dt *= 0.25;
}

typedef struct comp_case {
    const pel_component_type *type;
    void (*small)(void *params);
    long steps;
} comp_case;

static const comp_case cases[NC] = {
    {&pel_heat_component, heat_a, 30},
    {&pel_mg_component, NULL, 4},
    {&pel_heat_component, heat_b, 50},
    {&pel_sparse_component, NULL, 15},
};

typedef struct set {
    pel_context *ctx[NC];
    pel_component *c[NC];
} set;

static void set_make(set *s, const int threads[NC])
{
    for (int i = 0; i < NC; i++) {
        s->ctx[i] = test_context(threads[i]);
        void *p = calloc(1, cases[i].type->params_size);
        ck_assert_ptr_nonnull(p);
        cases[i].type->params_default(p);
        if (cases[i].small) cases[i].small(p);
        ck_assert_ok(pel_component_create(s->ctx[i], cases[i].type, p, &s->c[i]));
        free(p);
    }
}

static void set_free(set *s)
{
    for (int i = 0; i < NC; i++) {
        pel_component_destroy(s->c[i]);
        pel_context_destroy(s->ctx[i]);
    }
}

/* Advances the set in `rounds` calls and prints every field's fingerprint. */
static void run(pel_concurrent_mode mode, const int threads[NC], int outer, char *out, size_t n)
{
    set s;
    set_make(&s, threads);
    pel_context *ctx = test_context(outer);
    for (int r = 0; r < 2; r++) {
        pel_concurrent_item it[NC];
        for (int i = 0; i < NC; i++) it[i] = (pel_concurrent_item){.component = s.c[i], .nsteps = cases[i].steps / 2};
        pel_status st = pel_concurrent_advance(ctx, it, NC, mode);
        ck_assert_msg(st == PEL_OK, "%s: %s", pel_concurrent_mode_name(mode), pel_context_error(ctx));
        for (int i = 0; i < NC; i++) {
            ck_assert_int_eq(it[i].status, PEL_OK);
            ck_assert(it[i].seconds >= 0.0);
        }
    }
    out[0] = 0;
    for (int i = 0; i < NC; i++) {
        ck_assert_int_eq(pel_component_step(s.c[i]), cases[i].steps / 2 * 2);
        pel_field f[4];
        int nf = pel_component_fields(s.c[i], f, 4);
        for (int k = 0; k < nf && k < 4; k++) {
            char hex[PEL_FINGERPRINT_HEX];
            pel_fingerprint(f[k].data, pel_field_count(&f[k]) * pel_dtype_size(f[k].type), hex);
            strncat(out, hex, n - strlen(out) - 1);
        }
    }
    pel_context_destroy(ctx);
    set_free(&s);
}

START_TEST(same_bits_every_mode_and_layout)
{
    static const int one[NC] = {1, 1, 1, 1}, l1[NC] = {2, 1, 1, 1}, l2[NC] = {1, 2, 2, 1};
    char ref[512], got[512];
    run(PEL_CONCURRENT_SEQUENTIAL, one, 1, ref, sizeof ref);

    run(PEL_CONCURRENT_SEQUENTIAL, l2, 1, got, sizeof got);
    ck_assert_msg(strcmp(ref, got) == 0, "sequential, other thread counts: other bits");

    omp_set_max_active_levels(1);
    run(PEL_CONCURRENT_TASKS, l1, 2, got, sizeof got);
    ck_assert_msg(strcmp(ref, got) == 0, "tasks: other bits");
    ck_assert_int_le(test_os_threads(2), 2);

    omp_set_max_active_levels(2);
    run(PEL_CONCURRENT_TEAMS, l1, 1, got, sizeof got);
    ck_assert_msg(strcmp(ref, got) == 0, "teams, layout 2+1+1+1: other bits");
    run(PEL_CONCURRENT_TEAMS, l2, 1, got, sizeof got);
    ck_assert_msg(strcmp(ref, got) == 0, "teams, layout 1+2+2+1: other bits");
    ck_assert_int_le(test_os_threads(6), 6);
}
END_TEST

START_TEST(misuse)
{
    static const int one[NC] = {1, 1, 1, 1};
    set s;
    set_make(&s, one);
    pel_context *ctx = test_context(1);
    pel_concurrent_item it[2] = {{.component = s.c[0], .nsteps = 1}, {.component = s.c[0], .nsteps = 1}};
    ck_assert_int_eq(pel_concurrent_advance(NULL, it, 2, PEL_CONCURRENT_TASKS), PEL_EINVAL);
    ck_assert_fails(ctx, pel_concurrent_advance(ctx, NULL, 2, PEL_CONCURRENT_TASKS), PEL_EINVAL, "items is NULL");
    ck_assert_fails(ctx, pel_concurrent_advance(ctx, it, 0, PEL_CONCURRENT_TASKS), PEL_EINVAL, "n < 1");
    ck_assert_fails(ctx, pel_concurrent_advance(ctx, it, 2, (pel_concurrent_mode)7), PEL_EINVAL, "mode 7");
    ck_assert_fails(ctx, pel_concurrent_advance(ctx, it, 2, PEL_CONCURRENT_TASKS), PEL_EINVAL,
                    "items 0 and 1 are the same component");
    it[1].component = s.c[2];
    it[1].nsteps = -1;
    ck_assert_fails(ctx, pel_concurrent_advance(ctx, it, 2, PEL_CONCURRENT_TASKS), PEL_EINVAL, "nsteps = -1");
    it[0].component = NULL;
    ck_assert_fails(ctx, pel_concurrent_advance(ctx, it, 2, PEL_CONCURRENT_TASKS), PEL_EINVAL, "item 0 has no component");

    omp_set_max_active_levels(1);
    it[0] = (pel_concurrent_item){.component = s.c[0], .nsteps = 1};
    it[1] = (pel_concurrent_item){.component = s.c[2], .nsteps = 1};
    ck_assert_fails(ctx, pel_concurrent_advance(ctx, it, 2, PEL_CONCURRENT_TEAMS), PEL_EINVAL,
                    "OMP_MAX_ACTIVE_LEVELS=2");
    ck_assert_int_eq(pel_component_step(s.c[0]), 0);

    /* A failing item is named, its status returned; the others still ran. */
    pel_npb_component_params np;
    pel_npb_component_params_default(&np);
    pel_component *ep;
    ck_assert_ok(pel_component_create(ctx, &pel_gauss_component, &np, &ep));
    it[1] = (pel_concurrent_item){.component = ep, .nsteps = 2}; /* EP's run is one step */
    ck_assert_fails(ctx, pel_concurrent_advance(ctx, it, 2, PEL_CONCURRENT_TASKS), PEL_EINVAL, "item 1 (gauss)");
    ck_assert_int_eq(it[0].status, PEL_OK);
    ck_assert_int_eq(pel_component_step(s.c[0]), 1);
    ck_assert_int_ne(it[1].status, PEL_OK);
    ck_assert_str_eq(pel_concurrent_mode_name(PEL_CONCURRENT_TEAMS), "teams");
    ck_assert_ptr_null(pel_concurrent_mode_name((pel_concurrent_mode)-1));
    pel_component_destroy(ep);
    pel_context_destroy(ctx);
    set_free(&s);
}
END_TEST

static Suite *concurrent_suite(void)
{
    Suite *s = suite_create("concurrent");
    TCase *tc = tcase_create("modes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, same_bits_every_mode_and_layout);
    tcase_add_test(tc, misuse);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(concurrent_suite()); }
