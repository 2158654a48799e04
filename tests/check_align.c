/* The align family: published scores and alignments, every fast path
 * (striped SIMD at each width and instruction set, the tiled wavefront,
 * the batch schedules) against the plain full-matrix programme, FASTA
 * reading and its errors, and the same bits on any number of threads. */
#include <config.h>

#include <stdint.h>
#include <unistd.h>

#include "testutil.h"

#include "internal/align.h" /* pel_align's workspace counter (work_allocs) */

static pel_align *aligner(pel_context *ctx, pel_align_mode mode, const char *matrix, int open,
                          int ext)
{
    pel_align_params p;
    pel_align_params_default(&p);
    p.mode = mode;
    p.matrix = matrix;
    p.gap_open = open;
    p.gap_extend = ext;
    pel_align *al = NULL;
    ck_assert_ok(pel_align_create(ctx, &p, &al));
    return al;
}

static pel_align *aligner_p(pel_context *ctx, const pel_align_params *p)
{
    pel_align *al = NULL;
    ck_assert_ok(pel_align_create(ctx, p, &al));
    return al;
}

/* The score of an alignment given as two rows, by the definition: pairs by
 * the matrix, each gap run open + (k - 1) extend. */
static long rescore(const pel_align *al, const char *ra, const char *rb, int open, int ext)
{
    long s = 0;
    int ina = 0, inb = 0;
    for (size_t k = 0; ra[k]; k++) {
        if (ra[k] == '-') {
            s -= inb ? ext : open;
            inb = 1;
            ina = 0;
        } else if (rb[k] == '-') {
            s -= ina ? ext : open;
            ina = 1;
            inb = 0;
        } else {
            s += pel_align_substitution(al, ra[k], rb[k]);
            ina = inb = 0;
        }
    }
    return s;
}

/* ---- numerics: published values ------------------------------------------------ */

/* Durbin, Eddy, Krogh and Mitchison, Biological Sequence Analysis (1998),
 * section 2.3, figures 2.5 and 2.6: BLOSUM50, linear gap d = 8. */
static const char *durbin_a = "HEAGAWGHEE", *durbin_b = "PAWHEAE";

START_TEST(num_durbin_global)
{
    pel_context *ctx = tctx(1);
    pel_align *al = aligner(ctx, PEL_ALIGN_GLOBAL, "blosum50", 8, 8);
    pel_align_result r;
    ck_assert_ok(pel_align_reference(al, durbin_a, 10, durbin_b, 7, 1, &r));
    ck_assert_int_eq(r.score, 1);
    /* the book's optimal alignment, HEAGAWGHE-E / --P-AW-HEAE, scores 1 too */
    ck_assert_int_eq(rescore(al, "HEAGAWGHE-E", "--P-AW-HEAE", 8, 8), 1);
    ck_assert_int_eq(rescore(al, r.a_row, r.b_row, 8, 8), 1);
    ck_assert_str_eq(r.a_row, "HEAGAWGHE-E");
    ck_assert_str_eq(r.b_row, "--P-AW-HEAE");
    ck_assert_str_eq(r.cigar, "2I1X1I2=1I2=1D1=");
    pel_align_result_free(&r);
    for (size_t t = 8; t <= 16; t += 8) {
        pel_align_params p;
        pel_align_params_default(&p);
        p.mode = PEL_ALIGN_GLOBAL;
        p.matrix = "blosum50";
        p.gap_open = p.gap_extend = 8;
        p.tile = t;
        pel_align *tl = aligner_p(ctx, &p);
        ck_assert_ok(pel_align_pair(tl, durbin_a, 10, durbin_b, 7, 1, &r));
        ck_assert_int_eq(r.score, 1);
        ck_assert_str_eq(r.a_row, "HEAGAWGHE-E");
        ck_assert_str_eq(r.b_row, "--P-AW-HEAE");
        pel_align_result_free(&r);
        pel_align_destroy(tl);
    }
    long s = 0;
    ck_assert_ok(pel_align_score(al, durbin_a, 10, durbin_b, 7, &s));
    ck_assert_int_eq(s, 1);
    pel_align_destroy(al);
}
END_TEST

START_TEST(num_durbin_local)
{
    pel_context *ctx = tctx(2);
    pel_align *al = aligner(ctx, PEL_ALIGN_LOCAL, "blosum50", 8, 8);
    pel_align_result r;
    ck_assert_ok(pel_align_reference(al, durbin_a, 10, durbin_b, 7, 1, &r));
    ck_assert_int_eq(r.score, 28);
    ck_assert_str_eq(r.a_row, "AWGHE"); /* figure 2.6: AWGHE / AW-HE */
    ck_assert_str_eq(r.b_row, "AW-HE");
    ck_assert_str_eq(r.cigar, "2=1I2=");
    ck_assert_uint_eq(r.a_begin, 4);
    ck_assert_uint_eq(r.a_end, 9);
    ck_assert_uint_eq(r.b_begin, 1);
    ck_assert_uint_eq(r.b_end, 5);
    pel_align_result_free(&r);
    ck_assert_ok(pel_align_pair(al, durbin_a, 10, durbin_b, 7, 1, &r));
    ck_assert_int_eq(r.score, 28);
    ck_assert_str_eq(r.a_row, "AWGHE");
    ck_assert_str_eq(r.b_row, "AW-HE");
    pel_align_result_free(&r);
    long s = 0;
    ck_assert_ok(pel_align_score(al, durbin_a, 10, durbin_b, 7, &s));
    ck_assert_int_eq(s, 28);
    pel_align_destroy(al);
}
END_TEST

/* The Smith-Waterman example of the Wikipedia article (match +3, mismatch
 * -3, linear gap 2): score 13, GTT-AC against GTTGAC. */
START_TEST(num_dna_local)
{
    pel_context *ctx = tctx(1);
    pel_align_params p;
    pel_align_params_default(&p);
    p.matrix = "dna";
    p.match = 3;
    p.mismatch = -3;
    p.gap_open = p.gap_extend = 2;
    pel_align *al = aligner_p(ctx, &p);
    pel_align_result r;
    ck_assert_ok(pel_align_reference(al, "TGTTACGG", 8, "GGTTGACTA", 9, 1, &r));
    ck_assert_int_eq(r.score, 13);
    ck_assert_str_eq(r.a_row, "GTT-AC");
    ck_assert_str_eq(r.b_row, "GTTGAC");
    ck_assert_str_eq(r.cigar, "3=1D2=");
    pel_align_result_free(&r);
    long s = 0;
    ck_assert_ok(pel_align_score(al, "TGTTACGG", 8, "GGTTGACTA", 9, &s));
    ck_assert_int_eq(s, 13);
    pel_align_destroy(al);
}
END_TEST

/* ---- property tests: every path equals the reference ---------------------------- */

static uint32_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*x >> 33);
}

/* a random sequence over the alphabet; related = a mutated copy of src */
static char *random_seq(uint64_t *x, const char *alpha, size_t n, const char *src, size_t nsrc)
{
    char *s = malloc(n + 1);
    size_t na = strlen(alpha);
    for (size_t i = 0; i < n; i++)
        s[i] = src && i < nsrc && lcg(x) % 4 ? src[i] : alpha[lcg(x) % na];
    s[n] = 0;
    return s;
}

static const char *matrices[] = {"blosum45", "blosum50", "blosum62", "dna"};

/* The SIMD property tests' scoring: AVX-512 for every query however short,
 * a matrix by trial, random DNA scores and gaps (extension no dearer than
 * opening; the same as opening when equal_gaps, with no draw for it). */
static void random_scoring(pel_align_params *p, uint64_t *x, int trial, int equal_gaps)
{
    p->simd = 2;
    p->matrix = matrices[trial % 4];
    p->match = 1 + (int)(lcg(x) % 5);
    p->mismatch = -(int)(lcg(x) % 5);
    p->gap_open = 1 + (int)(lcg(x) % 14);
    p->gap_extend = equal_gaps ? p->gap_open : 1 + (int)(lcg(x) % (unsigned)p->gap_open);
}

START_TEST(prop_wavefront)
{
    pel_context *ctx = tctx(2);
    uint64_t x = 12345;
    for (int trial = 0; trial < 160; trial++) {
        pel_align_params p;
        pel_align_params_default(&p);
        p.mode = trial % 2 ? PEL_ALIGN_GLOBAL : PEL_ALIGN_LOCAL;
        p.matrix = matrices[trial % 4];
        p.match = 2 + (int)(lcg(&x) % 4);
        p.mismatch = -(int)(lcg(&x) % 4);
        p.gap_open = 1 + (int)(lcg(&x) % 12);
        p.gap_extend = 1 + (int)(lcg(&x) % (unsigned)p.gap_open);
        p.tile = 8 + lcg(&x) % 40;
        pel_align *al = aligner_p(ctx, &p);
        const char *alpha = trial % 4 == 3 ? "ACGTN" : "ARNDCQEGHILKMFPSTWYVBZX*";
        size_t na = lcg(&x) % 200, nb = lcg(&x) % 200;
        char *a = random_seq(&x, alpha, na, NULL, 0);
        char *b = random_seq(&x, alpha, nb, trial % 3 ? a : NULL, na);
        pel_align_result r0, r1;
        ck_assert_ok(pel_align_reference(al, a, na, b, nb, 1, &r0));
        ck_assert_ok(pel_align_pair(al, a, na, b, nb, 1, &r1));
        ck_assert_msg(r0.score == r1.score, "trial %d: %zu x %zu tile %zu: %ld vs %ld", trial, na,
                      nb, p.tile, r1.score, r0.score);
        ck_assert_str_eq(r0.cigar, r1.cigar);
        ck_assert_str_eq(r0.a_row, r1.a_row);
        ck_assert_str_eq(r0.b_row, r1.b_row);
        ck_assert_uint_eq(r0.a_begin, r1.a_begin);
        ck_assert_uint_eq(r0.b_begin, r1.b_begin);
        ck_assert_uint_eq(r0.a_end, r1.a_end);
        ck_assert_uint_eq(r0.b_end, r1.b_end);
        ck_assert_int_eq(rescore(al, r0.a_row, r0.b_row, p.gap_open, p.gap_extend), r0.score);
        long s = 0;
        ck_assert_ok(pel_align_score(al, a, na, b, nb, &s));
        ck_assert_int_eq(s, r0.score);
        pel_align_result_free(&r0);
        pel_align_result_free(&r1);
        pel_align_destroy(al);
        free(a);
        free(b);
    }
}
END_TEST

/* Each instruction set the CPU has (forced through PEL_ISA) and each lane
 * width against the reference, local scores, on lengths across the lane
 * counts (1 .. 300 against 0 .. 300). */
static const char *isas[] = {"scalar", "avx2", "avx512"};

/* Selects instruction set isa for the kernels created next (PEL_ISA); 0,
 * saying so, when this CPU lacks it. */
static int use_isa(int isa)
{
    if ((int)pel_cpu_isa_native() < isa) {
        printf("check_align: skipped %s: this CPU lacks it\n", isas[isa]);
        return 0;
    }
    setenv("PEL_ISA", isas[isa], 1);
    return 1;
}

/* Each first lane width's SIMD score of (a, b) under p must be ref. */
static void widths_score(pel_context *ctx, pel_align_params *p, const char *a, size_t na, const char *b,
                         size_t nb, long ref, const char *isa, int trial)
{
    for (int w = 8; w <= 32; w *= 2) {
        p->width = w;
        pel_align *al = aligner_p(ctx, p);
        long s = ref + 1;
        ck_assert_ok(pel_align_score(al, a, na, b, nb, &s));
        ck_assert_msg(s == ref, "%s %s width %d trial %d (%zu x %zu, gap %d/%d): %ld, reference %ld",
                      p->mode == PEL_ALIGN_GLOBAL ? "global" : "local", isa, w, trial, na, nb, p->gap_open,
                      p->gap_extend, s, ref);
        pel_align_destroy(al);
    }
}

START_TEST(prop_simd)
{
    int isa = _i;
    if (!use_isa(isa)) return;
    pel_context *ctx = tctx(1);
    uint64_t x = 777 + (uint64_t)isa;
    for (int trial = 0; trial < 120; trial++) {
        pel_align_params p;
        pel_align_params_default(&p);
        random_scoring(&p, &x, trial, 0);
        pel_align *ref = aligner_p(ctx, &p);
        const char *alpha = trial % 4 == 3 ? "ACGT" : "ARNDCQEGHILKMFPSTWYVBZX*";
        size_t na = 1 + lcg(&x) % 300, nb = lcg(&x) % 300;
        char *a = random_seq(&x, alpha, na, NULL, 0);
        char *b = random_seq(&x, alpha, nb, trial % 2 ? a : NULL, na);
        pel_align_result r0;
        ck_assert_ok(pel_align_reference(ref, a, na, b, nb, 0, &r0));
        widths_score(ctx, &p, a, na, b, nb, r0.score, isas[isa], trial);
        pel_align_destroy(ref);
        free(a);
        free(b);
    }
}
END_TEST

/* Long queries, local scores: 2100-4400 residues make 8-bit stripes of
 * 66-138 segments with AVX2's 32 lanes (the lazy-F loop, past
 * PELI_STRIPED_SCAN_MAX = 64) and 33-69 with AVX-512's 64 (simd = 2: both
 * sides of it), against a database of an unrelated sequence and a mutated
 * copy of a window of the query (scores past the 8-bit top, rescored at 16
 * bits, whose 16 or 32 lanes make long stripes again): every score, one
 * pair at a time and in a batch, against the reference. */
START_TEST(prop_simd_long)
{
    int isa = _i;
    if (!use_isa(isa)) return;
    pel_context *ctx = tctx(1);
    uint64_t x = 4177 + (uint64_t)isa;
    for (int trial = 0; trial < 12; trial++) {
        pel_align_params p;
        pel_align_params_default(&p);
        random_scoring(&p, &x, trial, 0);
        const char *alpha = trial % 4 == 3 ? "ACGT" : "ARNDCQEGHILKMFPSTWYV";
        size_t na = 2100 + lcg(&x) % 2301, nb = 1 + lcg(&x) % 400, off = lcg(&x) % (na - nb);
        char *a = random_seq(&x, alpha, na, NULL, 0);
        char *b[2] = {random_seq(&x, alpha, nb, NULL, 0), random_seq(&x, alpha, nb, a + off, nb)};
        char text[2 * 420];
        int len = snprintf(text, sizeof text, ">u\n%s\n>m\n%s\n", b[0], b[1]);
        pel_seqset *qs = NULL, *ds = NULL;
        ck_assert_ok(pel_seqset_from_string(ctx, "q", a, &qs));
        ck_assert_ok(pel_seqset_read_mem(ctx, "<db>", text, (size_t)len, &ds));
        pel_align *al = aligner_p(ctx, &p);
        long sc[2];
        ck_assert_ok(pel_align_batch(al, qs, ds, sc, NULL));
        for (int d = 0; d < 2; d++) {
            pel_align_result r;
            ck_assert_ok(pel_align_reference(al, a, na, b[d], nb, 0, &r));
            long s1 = -1;
            ck_assert_ok(pel_align_score(al, a, na, b[d], nb, &s1));
            ck_assert_msg(s1 == r.score && sc[d] == r.score,
                          "%s trial %d (%zu x %zu, %s): %ld and %ld in a batch, reference %ld",
                          isas[isa], trial, na, nb, d ? "mutated" : "unrelated", s1, sc[d], r.score);
        }
        pel_align_destroy(al);
        pel_seqset_destroy(qs);
        pel_seqset_destroy(ds);
        free(a);
        free(b[0]);
        free(b[1]);
    }
}
END_TEST

/* Scores just below, at and above the 8- and 16-bit lane maxima (127 and
 * 32767): identical DNA sequences score match x length, so the lengths are
 * chosen around each limit; the batch must rescore those that saturate and
 * still give the reference (linear-space scalar) score. */
START_TEST(prop_lane_limits)
{
    int isa = _i;
    if (!use_isa(isa)) return;
    pel_context *ctx = tctx(1);
    static const struct {
        int match, len;
    } cases[] = {{3, 41}, {3, 42}, {3, 43}, {1, 126}, {1, 127}, {1, 128},
                 {100, 327}, {100, 328}, {100, 329}, {91, 360}, {91, 361}};
    uint64_t x = 99;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pel_align_params p;
        pel_align_params_default(&p);
        p.matrix = "dna";
        p.match = cases[c].match;
        p.mismatch = -3;
        p.gap_open = 5;
        p.gap_extend = 2;
        size_t n = (size_t)cases[c].len;
        char *a = random_seq(&x, "ACGT", n, NULL, 0);
        /* a flanked by noise: the best local alignment is a against itself */
        char *fl = random_seq(&x, "ACGT", 30, NULL, 0);
        size_t nb = n + 60;
        char *b = malloc(nb + 1);
        memcpy(b, fl, 30);
        memcpy(b + 30, a, n);
        memcpy(b + 30 + n, fl, 30);
        b[nb] = 0;
        p.simd = 0;
        pel_align *sc = aligner_p(ctx, &p);
        long ref = 0;
        ck_assert_ok(pel_align_score(sc, a, n, b, nb, &ref));
        ck_assert_int_ge(ref, (long)p.match * cases[c].len);
        pel_align_destroy(sc);
        p.simd = 2;
        pel_seqset *qs = NULL, *ds = NULL;
        ck_assert_ok(pel_seqset_from_string(ctx, "q", a, &qs));
        ck_assert_ok(pel_seqset_from_string(ctx, "d", b, &ds));
        for (int w = 0; w <= 32; w = w ? 2 * w : 8) {
            p.width = w;
            pel_align *al = aligner_p(ctx, &p);
            long s = -1;
            ck_assert_ok(pel_align_score(al, a, n, b, nb, &s));
            ck_assert_msg(s == ref, "%s width %d: %ld, reference %ld", isas[isa], w, s, ref);
            pel_align_stats st;
            ck_assert_ok(pel_align_batch(al, qs, ds, &s, &st));
            ck_assert_msg(s == ref, "batch %s width %d: %ld, reference %ld", isas[isa], w, s, ref);
            if (isa > 0 && w == 0 && ref >= 127) ck_assert_uint_eq(st.rescored8, 1);
            if (isa > 0 && w <= 16 && ref >= 32767) ck_assert_uint_eq(st.rescored16, 1);
            if (isa > 0 && w == 0 && ref < 127) ck_assert_uint_eq(st.rescored8, 0);
            pel_align_destroy(al);
        }
        pel_seqset_destroy(qs);
        pel_seqset_destroy(ds);
        free(a);
        free(b);
        free(fl);
    }
}
END_TEST

/* Global scores through the striped kernels: each instruction set and each
 * first lane width against the reference, linear and affine gaps, lengths
 * across the lane counts; a third of the pairs short enough (at most 60
 * residues) for 8-bit lanes to hold their boundaries. */
START_TEST(prop_simd_global)
{
    int isa = _i;
    if (!use_isa(isa)) return;
    pel_context *ctx = tctx(1);
    uint64_t x = 1777 + (uint64_t)isa;
    for (int trial = 0; trial < 150; trial++) {
        pel_align_params p;
        pel_align_params_default(&p);
        p.mode = PEL_ALIGN_GLOBAL;
        random_scoring(&p, &x, trial, trial % 5 == 0);
        pel_align *ref = aligner_p(ctx, &p);
        const char *alpha = trial % 4 == 3 ? "ACGT" : "ARNDCQEGHILKMFPSTWYVBZX*";
        size_t lim = trial % 3 == 0 ? 60 : 300;
        size_t na = 1 + lcg(&x) % lim, nb = lcg(&x) % lim;
        char *a = random_seq(&x, alpha, na, NULL, 0);
        char *b = random_seq(&x, alpha, nb, trial % 2 ? a : NULL, na);
        pel_align_result r0;
        ck_assert_ok(pel_align_reference(ref, a, na, b, nb, 0, &r0));
        widths_score(ctx, &p, a, na, b, nb, r0.score, isas[isa], trial);
        pel_align_destroy(ref);
        free(a);
        free(b);
    }
}
END_TEST

/* Global scores just inside and just outside what 8- and 16-bit lanes hold,
 * at both ends, in closed form (DNA homopolymers, one letter against itself
 * or against another):
 *  - top: A^n against A^n with match m scores m n, the largest H; the lane
 *    saturates from 127 (32767) on;
 *  - bottom: A^n against C^n with a mismatch dearer than two gaps of
 *    linear cost g scores -2 g n, the smallest H (H(i, j) = -g (i + j));
 *    the kernel trusts H down to the lane minimum + 2 g + |mismatch| + 1
 *    (-105 at 8 bits with g = 1, mismatch -20; -32647 at 16 bits with
 *    g = 10, mismatch -100), so the pair is rescored from n = 53 (1633) on.
 * Each score must equal the closed form and the reference, and the pair be
 * rescored exactly when the bound says so. */
START_TEST(prop_lane_limits_global)
{
    int isa = _i;
    if (!use_isa(isa)) return;
    pel_context *ctx = tctx(1);
    static const struct {
        char b;            /* 'A' top, 'C' bottom */
        int match, mismatch, gap_open, gap_extend, n;
        long score;
        int res8, res16;   /* rescored after 8, after 16 bits (SIMD runs) */
    } cases[] = {
        {'A', 3, -3, 5, 2, 42, 126, 0, 0},       {'A', 3, -3, 5, 2, 43, 129, 1, 0},
        {'C', 1, -20, 1, 1, 52, -104, 0, 0},     {'C', 1, -20, 1, 1, 53, -106, 1, 0},
        {'C', 1, -20, 1, 1, 64, -128, 1, 0},     {'C', 1, -20, 1, 1, 70, -140, 1, 0},
        {'A', 100, -3, 5, 2, 327, 32700, 0, 0},  {'A', 100, -3, 5, 2, 328, 32800, 0, 1},
        {'C', 1, -100, 10, 10, 1632, -32640, 0, 0}, {'C', 1, -100, 10, 10, 1633, -32660, 0, 1},
        {'C', 1, -100, 10, 10, 1700, -34000, 0, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pel_align_params p;
        pel_align_params_default(&p);
        p.mode = PEL_ALIGN_GLOBAL;
        p.matrix = "dna";
        p.match = cases[c].match;
        p.mismatch = cases[c].mismatch;
        p.gap_open = cases[c].gap_open;
        p.gap_extend = cases[c].gap_extend;
        size_t n = (size_t)cases[c].n;
        char *a = malloc(n + 1), *b = malloc(n + 1);
        memset(a, 'A', n);
        memset(b, cases[c].b, n);
        a[n] = b[n] = 0;
        p.simd = 0;
        pel_align *sc = aligner_p(ctx, &p);
        long ref = 0;
        ck_assert_ok(pel_align_score(sc, a, n, b, n, &ref));
        ck_assert_int_eq(ref, cases[c].score);
        pel_align_destroy(sc);
        p.simd = 2;
        pel_seqset *qs = NULL, *ds = NULL;
        ck_assert_ok(pel_seqset_from_string(ctx, "q", a, &qs));
        ck_assert_ok(pel_seqset_from_string(ctx, "d", b, &ds));
        for (int w = 0; w <= 32; w = w ? 2 * w : 8) {
            p.width = w;
            pel_align *al = aligner_p(ctx, &p);
            long s = 0;
            ck_assert_ok(pel_align_score(al, a, n, b, n, &s));
            ck_assert_msg(s == ref, "%s width %d n %zu: %ld, reference %ld", isas[isa], w, n, s, ref);
            pel_align_stats st;
            ck_assert_ok(pel_align_batch(al, qs, ds, &s, &st));
            ck_assert_msg(s == ref, "batch %s width %d n %zu: %ld, reference %ld", isas[isa], w, n, s, ref);
            if (isa > 0 && w == 0) {
                ck_assert_msg(st.rescored8 == (uint64_t)cases[c].res8 &&
                                  st.rescored16 == (uint64_t)cases[c].res16,
                              "%s n %zu: rescored %llu after 8 bits and %llu after 16, expected %d and %d",
                              isas[isa], n, (unsigned long long)st.rescored8,
                              (unsigned long long)st.rescored16, cases[c].res8, cases[c].res16);
            }
            pel_align_destroy(al);
        }
        pel_seqset_destroy(qs);
        pel_seqset_destroy(ds);
        free(a);
        free(b);
    }
}
END_TEST

/* A batch of queries against a database: every score equals the reference,
 * under both schedules; and the scheduling figures are filled in. */
static pel_seqset *random_set(pel_context *ctx, uint64_t *x, size_t n, size_t maxlen)
{
    size_t cap = n * (maxlen + 40) + 1, len = 0;
    char *text = malloc(cap);
    for (size_t i = 0; i < n; i++) {
        size_t L = 1 + lcg(x) % maxlen;
        len += (size_t)sprintf(text + len, ">s%zu\n", i);
        char *s = random_seq(x, "ARNDCQEGHILKMFPSTWYV", L, NULL, 0);
        len += (size_t)sprintf(text + len, "%s\n", s);
        free(s);
    }
    pel_seqset *set = NULL;
    ck_assert_ok(pel_seqset_read_mem(ctx, "<random>", text, len, &set));
    free(text);
    return set;
}

START_TEST(num_batch)
{
    pel_context *ctx = tctx(2);
    uint64_t x = 4242;
    pel_seqset *qs = random_set(ctx, &x, 3, 150), *db = random_set(ctx, &x, 25, 400);
    for (int mode = 0; mode < 2; mode++)
        for (int sched = 0; sched < 2; sched++) {
            pel_align_params p;
            pel_align_params_default(&p);
            p.mode = (pel_align_mode)mode;
            p.schedule = (pel_align_schedule)sched;
            p.grain = 20000;
            pel_align *al = aligner_p(ctx, &p);
            long sc[75];
            pel_align_stats st;
            ck_assert_ok(pel_align_batch(al, qs, db, sc, &st));
            for (size_t q = 0; q < 3; q++)
                for (size_t d = 0; d < 25; d++) {
                    pel_align_result r;
                    ck_assert_ok(pel_align_reference(al, pel_seqset_seq(qs, q), pel_seqset_len(qs, q),
                                                     pel_seqset_seq(db, d), pel_seqset_len(db, d), 0,
                                                     &r));
                    ck_assert_int_eq(sc[q * 25 + d], r.score);
                }
            ck_assert_uint_eq(st.cells, pel_seqset_residues(qs) * pel_seqset_residues(db));
            ck_assert_uint_ge(st.tasks, 1);
            if (sched == PEL_ALIGN_STATIC) ck_assert_uint_eq(st.tasks, (uint64_t)st.threads);
            ck_assert_uint_ge(st.task_cells_max * st.tasks, st.cells); /* the largest >= the mean */
            ck_assert_uint_le(st.task_cells_max, st.cells);
            ck_assert_int_ge(st.threads, 1);
            ck_assert(pel_align_imbalance(&st) >= 1.0);
            const pel_align_stats *last = pel_align_last_stats(al);
            ck_assert_uint_eq(last->tasks, st.tasks);
            pel_align_destroy(al);
        }
    pel_seqset_destroy(qs);
    pel_seqset_destroy(db);
}
END_TEST

/* One aligner for batches of growing, then shrinking, then growing shapes
 * (plan once, execute many): its workspace is kept and grown, never shrunk,
 * so a batch no larger than one before allocates no workspace (the private
 * counter work_allocs), and every batch's scores are a fresh aligner's. */
static void batch_fresh(pel_context *ctx, const pel_align_params *p, const pel_seqset *q, const pel_seqset *db,
                        long *sc)
{
    pel_align *al = aligner_p(ctx, p);
    ck_assert_ok(pel_align_batch(al, q, db, sc, NULL));
    pel_align_destroy(al);
}

START_TEST(num_batch_reuse)
{
    pel_context *ctx = tctx(2);
    uint64_t x = 777;
    pel_seqset *q[2] = {random_set(ctx, &x, 2, 80), random_set(ctx, &x, 3, 300)};
    pel_seqset *db[2] = {random_set(ctx, &x, 12, 120), random_set(ctx, &x, 20, 500)};
    for (int mode = 0; mode < 2; mode++) {
        pel_align_params p;
        pel_align_params_default(&p);
        p.mode = (pel_align_mode)mode;
        p.grain = 4000; /* several tasks, so both threads take some */
        pel_align *al = aligner_p(ctx, &p);
        long sc[60], ref[60];
        static const int shape[] = {0, 0, 1, 1, 0, 1};
        uint64_t allocs = 0;
        for (int k = 0; k < 6; k++) {
            const pel_seqset *qs = q[shape[k]], *ds = db[shape[k]];
            size_t n = pel_seqset_count(qs) * pel_seqset_count(ds);
            ck_assert_ok(pel_align_batch(al, qs, ds, sc, NULL));
            batch_fresh(ctx, &p, qs, ds, ref);
            ck_assert_mem_eq(sc, ref, n * sizeof *sc);
            if (k == 0) ck_assert_uint_ge(al->work_allocs, 1);
            /* the second of a shape, and anything after the largest: none */
            if (k == 1 || k >= 3) ck_assert_uint_eq(al->work_allocs, allocs);
            allocs = al->work_allocs;
        }
        pel_align_destroy(al);
    }
    for (int k = 0; k < 2; k++) {
        pel_seqset_destroy(q[k]);
        pel_seqset_destroy(db[k]);
    }
}
END_TEST

/* Pairs of one query run two at a time in a batch (the scan path: 40, 150,
 * 300, 700 and 1600 residues make 8-bit stripes of 2-50 segments with 32
 * lanes; rescored at 16 bits, 1600 makes 100, the lazy-F loop one pair at
 * a time): a database of the query itself (DNA, match 1: score = its
 * length, past the 8-bit top from 127 on), a mutated copy and unrelated
 * sequences, of lengths that pair up, every score against the reference
 * and the 8-bit rescorings counted. */
START_TEST(num_batch_pairs)
{
    int isa = _i;
    if (!use_isa(isa)) return;
    pel_context *ctx = tctx(1);
    static const unsigned qlens[] = {40, 150, 300, 700, 1600};
    uint64_t x = 31337 + (uint64_t)isa;
    for (size_t c = 0; c < sizeof qlens / sizeof qlens[0]; c++) {
        size_t n = qlens[c];
        char *q = random_seq(&x, "ACGT", n, NULL, 0);
        char *db[6];
        db[0] = random_seq(&x, "ACGT", n, q, n); /* a mutated copy */
        db[1] = strdup(q);                          /* the query: score n */
        db[2] = random_seq(&x, "ACGT", n, NULL, 0);
        db[3] = random_seq(&x, "ACGT", n + 3, NULL, 0);
        db[4] = strdup(q);
        db[5] = random_seq(&x, "ACGT", n / 2 + 1, q, n);
        size_t len = 0;
        char *text = malloc(8 * (2 * n + 16));
        for (int d = 0; d < 6; d++) len += (size_t)sprintf(text + len, ">d%d\n%s\n", d, db[d]);
        pel_seqset *qs = NULL, *ds = NULL;
        ck_assert_ok(pel_seqset_from_string(ctx, "q", q, &qs));
        ck_assert_ok(pel_seqset_read_mem(ctx, "<db>", text, len, &ds));
        pel_align_params p;
        pel_align_params_default(&p);
        p.matrix = "dna";
        p.match = 1;
        p.mismatch = -2;
        p.gap_open = 3;
        p.gap_extend = 1;
        p.grain = (uint64_t)1 << 40; /* one task: every pair of the query is a neighbour */
        pel_align *al = aligner_p(ctx, &p);
        long sc[6];
        pel_align_stats st;
        ck_assert_ok(pel_align_batch(al, qs, ds, sc, &st));
        uint64_t big = 0;
        for (int d = 0; d < 6; d++) {
            pel_align_result r;
            ck_assert_ok(pel_align_reference(al, q, n, db[d], strlen(db[d]), 0, &r));
            ck_assert_msg(sc[d] == r.score, "%s query %zu, d%d: %ld, reference %ld", isas[isa], n, d,
                          sc[d], r.score);
            big += r.score >= 127;
        }
        ck_assert_int_eq(sc[1], (long)n);
        if (isa > 0) ck_assert_uint_eq(st.rescored8, big);
        pel_align_destroy(al);
        pel_seqset_destroy(qs);
        pel_seqset_destroy(ds);
        for (int d = 0; d < 6; d++) free(db[d]);
        free(text);
        free(q);
    }
}
END_TEST

/* params.simd = 1 takes AVX-512 for queries of PEL_ALIGN_AVX512_MIN residues
 * and more, AVX2 below; 2 always the widest; 0 none. */
START_TEST(simd_levels)
{
    pel_context *ctx = tctx(1);
    uint64_t x = 5;
    char *lq = random_seq(&x, "ARNDCQEGHILKMFPSTWYV", PEL_ALIGN_AVX512_MIN, NULL, 0);
    pel_seqset *shortq = random_set(ctx, &x, 2, 100), *db = random_set(ctx, &x, 3, 100), *longq = NULL;
    ck_assert_ok(pel_seqset_from_string(ctx, "long", lq, &longq));
    int native = (int)pel_cpu_isa_native();
    for (int simd = 0; simd <= 2; simd++) {
        pel_align_params p;
        pel_align_params_default(&p);
        p.simd = simd;
        pel_align *al = aligner_p(ctx, &p);
        long sc[6];
        pel_align_stats st;
        ck_assert_ok(pel_align_batch(al, shortq, db, sc, &st));
        const char *want_short = simd == 0 || native == 0 ? "scalar"
                                 : native == 1 || simd == 1 ? "avx2" : st.isa;
        ck_assert_str_eq(st.isa, want_short);
        ck_assert_ok(pel_align_batch(al, longq, db, sc, &st));
        const char *want_long = simd == 0 || native == 0 ? "scalar" : native == 1 ? "avx2" : st.isa;
        ck_assert_str_eq(st.isa, want_long);
        if (simd && native == 2 && __builtin_cpu_supports("avx512bw")) ck_assert_str_eq(st.isa, "avx512");
        pel_align_destroy(al);
    }
    free(lq);
    pel_seqset_destroy(shortq);
    pel_seqset_destroy(longq);
    pel_seqset_destroy(db);
}
END_TEST

/* ---- FASTA ------------------------------------------------------------------------- */

START_TEST(fasta_read)
{
    pel_context *ctx = tctx(1);
    const char text[] = "; a comment\r\n>one first record\r\nAC gt\r\n\r\nNN*\n>two\nmkv\n";
    pel_seqset *s = NULL;
    ck_assert_ok(pel_seqset_read_mem(ctx, "<t>", text, sizeof text - 1, &s));
    ck_assert_uint_eq(pel_seqset_count(s), 2);
    ck_assert_str_eq(pel_seqset_name(s, 0), "one");
    ck_assert_str_eq(pel_seqset_seq(s, 0), "ACGTNN*");
    ck_assert_uint_eq(pel_seqset_len(s, 0), 7);
    ck_assert_str_eq(pel_seqset_name(s, 1), "two");
    ck_assert_str_eq(pel_seqset_seq(s, 1), "MKV");
    ck_assert_uint_eq(pel_seqset_residues(s), 10);
    ck_assert_ptr_null(pel_seqset_seq(s, 2));
    pel_seqset_destroy(s);
    /* no final newline */
    ck_assert_ok(pel_seqset_read_mem(ctx, "<t>", ">x\nAC", 5, &s));
    ck_assert_str_eq(pel_seqset_seq(s, 0), "AC");
    pel_seqset_destroy(s);
}
END_TEST

START_TEST(fasta_errors)
{
    pel_context *ctx = tctx(1);
    pel_seqset *s = (pel_seqset *)1;
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q.fa", "ACGT\n>x\nAC\n", 11, &s), PEL_EFORMAT,
                    "q.fa:1: a sequence line before the first '>' header");
    ck_assert_ptr_null(s);
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q.fa", ">x\nAC\n>y\n\n>z\nA\n", 15, &s),
                    PEL_EFORMAT, "q.fa:3: record 'y' has no residues");
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q.fa", ">x\nAC\n>y\n", 9, &s), PEL_EFORMAT,
                    "q.fa:3: record 'y' has no residues");
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q.fa", ">x\nAC1G\n", 9, &s), PEL_EFORMAT,
                    "q.fa:2: invalid residue '1' in column 3");
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q.fa", ">x\nA\001\n", 5, &s), PEL_EFORMAT,
                    "q.fa:2: invalid residue '\\x01' in column 2");
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q.fa", ">x\nA'\n", 5, &s), PEL_EFORMAT,
                    "invalid residue '\\''");
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q.fa", "", 0, &s), PEL_EFORMAT,
                    "q.fa: empty input: no FASTA record");
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q.fa", "; only\n\n", 8, &s), PEL_EFORMAT,
                    "q.fa: empty input");
    ck_assert_fails(ctx, pel_seqset_read_file(ctx, "/nonexistent/x.fa", &s), PEL_EIO,
                    "/nonexistent/x.fa");
    ck_assert_fails(ctx, pel_seqset_read_file(ctx, "/", &s), PEL_EIO, "/");
    ck_assert_fails(ctx, pel_seqset_from_string(ctx, "a", "", &s), PEL_EFORMAT, "a: empty sequence");
    ck_assert_fails(ctx, pel_seqset_from_string(ctx, "a", "AC-G", &s), PEL_EFORMAT,
                    "a: invalid residue '-' at position 3");
    ck_assert_fails(ctx, pel_seqset_read_mem(ctx, "q", "x", 1, NULL), PEL_EINVAL, "NULL");
}
END_TEST

START_TEST(fasta_file)
{
    pel_context *ctx = tctx(1);
    char path[] = "check_align_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char text[] = ">a\nHEAGAWGHEE\n>b\nPAWHEAE\n";
    ck_assert_int_eq(write(fd, text, sizeof text - 1), (int)(sizeof text - 1));
    close(fd);
    pel_seqset *s = NULL;
    ck_assert_ok(pel_seqset_read_file(ctx, path, &s));
    unlink(path);
    ck_assert_uint_eq(pel_seqset_count(s), 2);
    ck_assert_str_eq(pel_seqset_seq(s, 1), "PAWHEAE");
    pel_seqset_destroy(s);
}
END_TEST

START_TEST(generate)
{
    pel_context *ctx = tctx(1);
    pel_seqset *a = NULL, *b = NULL;
    ck_assert_ok(pel_seqset_generate(ctx, 400, 20, 5000, 1.1, 7, &a));
    ck_assert_ok(pel_seqset_generate(ctx, 400, 20, 5000, 1.1, 7, &b));
    ck_assert_uint_eq(pel_seqset_residues(a), pel_seqset_residues(b));
    size_t mx = 0, below40 = 0;
    for (size_t i = 0; i < 400; i++) {
        ck_assert_str_eq(pel_seqset_seq(a, i), pel_seqset_seq(b, i));
        size_t L = pel_seqset_len(a, i);
        ck_assert(L >= 20 && L <= 5000);
        if (L > mx) mx = L;
        below40 += L < 40;
    }
    /* Pareto(alpha = 1.1) from 20: P(L < 40) = 1 - 2^-1.1 = 0.533, so about
     * 213 of 400 (standard deviation 10; the bounds are 6 of them away); and
     * P(L > 200) = 10^-1.1 = 0.079, so none of 400 above 200 (5 times the
     * median 38) has probability 0.921^400 = 5e-15: a heavy tail */
    ck_assert(below40 > 150 && below40 < 270);
    ck_assert_uint_gt(mx, 200);
    pel_seqset_destroy(a);
    pel_seqset_destroy(b);
    ck_assert_fails(ctx, pel_seqset_generate(ctx, 0, 1, 2, 1, 1, &a), PEL_EINVAL, "n = 0");
    ck_assert_fails(ctx, pel_seqset_generate(ctx, 5, 10, 2, 1, 1, &a), PEL_EINVAL, "lengths");
    ck_assert_fails(ctx, pel_seqset_generate(ctx, 5, 1, 2, 0, 1, &a), PEL_EINVAL, "alpha");
}
END_TEST

/* ---- api ---------------------------------------------------------------------------- */

START_TEST(api_create)
{
    pel_context *ctx = tctx(1);
    pel_align_params p;
    pel_align *al = (pel_align *)1;
    ck_assert_int_eq(pel_align_create(NULL, &p, &al), PEL_EINVAL);
    ck_assert_fails(ctx, pel_align_create(ctx, NULL, &al), PEL_EINVAL, "params must not be NULL");
    ck_assert_ptr_null(al);
    ck_assert_fails(ctx, pel_align_create(ctx, &p, NULL), PEL_EINVAL, "result pointer");
#define BAD(field, value, needle)                                                             \
    do {                                                                                      \
        pel_align_params_default(&p);                                                         \
        p.field = value;                                                                      \
        ck_assert_fails(ctx, pel_align_create(ctx, &p, &al), PEL_EINVAL, needle);             \
        ck_assert_ptr_null(al);                                                               \
    } while (0)
    BAD(matrix, "blosum99", "unknown matrix 'blosum99'");
    BAD(matrix, NULL, "matrix must not be NULL");
    BAD(mode, (pel_align_mode)5, "mode = 5");
    BAD(gap_open, 0, "gap_open = 0");
    BAD(gap_open, 1001, "gap_open = 1001");
    BAD(gap_extend, 0, "gap_extend = 0");
    BAD(gap_extend, 11, "gap_extend = 11");
    BAD(width, 12, "width = 12");
    BAD(simd, 3, "simd = 3");
    BAD(tile, 4, "tile = 4");
    BAD(tile, 5000, "tile = 5000");
    BAD(schedule, (pel_align_schedule)3, "schedule = 3");
    BAD(grain, 0, "grain = 0");
    pel_align_params_default(&p);
    p.width = 8;
    p.gap_open = 200;
    ck_assert_fails(ctx, pel_align_create(ctx, &p, &al), PEL_EINVAL, "width = 8 bits cannot hold");
    pel_align_params_default(&p);
    p.matrix = "dna";
    p.match = 0;
    ck_assert_fails(ctx, pel_align_create(ctx, &p, &al), PEL_EINVAL, "match = 0");
    p.match = 1;
    p.mismatch = 1;
    ck_assert_fails(ctx, pel_align_create(ctx, &p, &al), PEL_EINVAL, "mismatch = 1");
    pel_align_destroy(NULL);
    pel_align_params_default(NULL);
}
END_TEST

START_TEST(api_calls)
{
    pel_context *ctx = tctx(1);
    pel_align *al = aligner(ctx, PEL_ALIGN_LOCAL, "blosum62", 10, 1);
    ck_assert_str_eq(pel_align_alphabet(al), "ARNDCQEGHILKMFPSTWYVBZX*");
    ck_assert_int_eq(pel_align_substitution(al, 'W', 'W'), 11);
    ck_assert_int_eq(pel_align_substitution(al, 'J', 'A'), 0); /* J scores as X */
    ck_assert_int_eq(pel_align_substitution(al, '*', '*'), 1);
    pel_align_result r;
    long s;
    ck_assert_fails(ctx, pel_align_pair(al, "AC1", 3, "AC", 2, 1, &r), PEL_EINVAL,
                    "sequence a: invalid residue '1' at 3");
    ck_assert_fails(ctx, pel_align_reference(al, "AC", 2, "A\001", 2, 1, &r), PEL_EINVAL,
                    "sequence b: invalid residue '\\x01' at 2");
    ck_assert_fails(ctx, pel_align_score(al, "AC", 2, "A-", 2, &s), PEL_EINVAL, "'-'");
    ck_assert_fails(ctx, pel_align_pair(al, "AC", 2, "AC", 2, 1, NULL), PEL_EINVAL, "result pointer");
    ck_assert_fails(ctx, pel_align_score(al, "AC", 2, "AC", 2, NULL), PEL_EINVAL, "score pointer");
    ck_assert_fails(ctx, pel_align_pair(al, NULL, 2, "AC", 2, 0, &r), PEL_EINVAL, "sequence a is NULL");
    ck_assert_fails(ctx, pel_align_pair(al, "A", (size_t)1 << 40, "AC", 2, 0, &r), PEL_EINVAL,
                    "exceed");
    ck_assert_int_eq(pel_align_pair(NULL, "A", 1, "A", 1, 0, &r), PEL_EINVAL);
    pel_seqset *q = NULL;
    ck_assert_ok(pel_seqset_from_string(ctx, "q", "ACD", &q));
    ck_assert_fails(ctx, pel_align_batch(al, q, NULL, &s, NULL), PEL_EINVAL, "must not be NULL");
    ck_assert_fails(ctx, pel_align_batch(al, q, q, NULL, NULL), PEL_EINVAL, "scores array");
    pel_seqset_destroy(q);
    /* empty and trivial pairs */
    ck_assert_ok(pel_align_pair(al, "", 0, "ACD", 3, 1, &r));
    ck_assert_int_eq(r.score, 0);
    ck_assert_str_eq(r.cigar, "");
    pel_align_result_free(&r);
    ck_assert_ok(pel_align_pair(al, "WWW", 3, "PPP", 3, 1, &r)); /* W/P = -4: nothing positive */
    ck_assert_int_eq(r.score, 0);
    pel_align_result_free(&r);
    pel_align_destroy(al);
    al = aligner(ctx, PEL_ALIGN_GLOBAL, "blosum62", 10, 1);
    ck_assert_ok(pel_align_pair(al, "", 0, "ACD", 3, 1, &r));
    ck_assert_int_eq(r.score, -12); /* one gap of 3: 10 + 2 x 1 */
    ck_assert_str_eq(r.cigar, "3D");
    pel_align_result_free(&r);
    ck_assert_ok(pel_align_pair(al, "ACD", 3, "", 0, 1, &r));
    ck_assert_int_eq(r.score, -12);
    ck_assert_str_eq(r.cigar, "3I");
    pel_align_result_free(&r);
    pel_align_result_free(NULL);
    pel_align_destroy(al);
    ck_assert_uint_eq(pel_align_last_stats(NULL)->tasks, 0);
}
END_TEST

/* ---- threads ----------------------------------------------------------------------- */

typedef struct batch_case {
    pel_seqset *q, *db;
    int schedule;
} batch_case;

static void run_batch(pel_context *ctx, void *arg, void *out)
{
    batch_case *c = arg;
    pel_align_params p;
    pel_align_params_default(&p);
    p.schedule = (pel_align_schedule)c->schedule;
    p.grain = 5000;
    pel_align *al = aligner_p(ctx, &p);
    ck_assert_ok(pel_align_batch(al, c->q, c->db, out, NULL));
    pel_align_destroy(al);
}

static void run_pair(pel_context *ctx, void *arg, void *out)
{
    batch_case *c = arg;
    pel_align_params p;
    pel_align_params_default(&p);
    p.mode = c->schedule ? PEL_ALIGN_GLOBAL : PEL_ALIGN_LOCAL;
    p.tile = 16;
    pel_align *al = aligner_p(ctx, &p);
    pel_align_result r;
    ck_assert_ok(pel_align_pair(al, pel_seqset_seq(c->q, 0), pel_seqset_len(c->q, 0),
                                pel_seqset_seq(c->db, 0), pel_seqset_len(c->db, 0), 1, &r));
    char *o = out;
    memset(o, 0, 512);
    snprintf(o, 512, "%ld %zu %zu %zu %zu %s", r.score, r.a_begin, r.a_end, r.b_begin, r.b_end,
             r.cigar);
    pel_align_result_free(&r);
    pel_align_destroy(al);
}

START_TEST(threads_batch)
{
    uint64_t x = 31;
    pel_context *ctx = test_context(1);
    batch_case c = {random_set(ctx, &x, 2, 200), random_set(ctx, &x, 30, 300), _i};
    pel_context_destroy(ctx);
    test_same_bits_1_to_4(run_batch, &c, 60 * sizeof(long));
    pel_seqset_destroy(c.q);
    pel_seqset_destroy(c.db);
}
END_TEST

START_TEST(threads_policy)
{
    uint64_t x = 32;
    pel_context *ctx = test_context(1);
    batch_case c = {random_set(ctx, &x, 2, 200), random_set(ctx, &x, 30, 300), _i};
    pel_context_destroy(ctx);
    test_policy(run_batch, &c, 60 * sizeof(long));
    test_policy(run_pair, &c, 512);
    pel_seqset_destroy(c.q);
    pel_seqset_destroy(c.db);
}
END_TEST

START_TEST(threads_pair)
{
    uint64_t x = 33;
    pel_context *ctx = test_context(1);
    batch_case c = {random_set(ctx, &x, 1, 300), random_set(ctx, &x, 1, 300), _i};
    pel_context_destroy(ctx);
    test_same_bits_1_to_4(run_pair, &c, 512);
    pel_seqset_destroy(c.q);
    pel_seqset_destroy(c.db);
}
END_TEST

static Suite *align_suite(void)
{
    Suite *s = suite_create("align");
    TCase *api = tcase_create("api");
    tcase_add_test(api, api_create);
    tcase_add_test(api, api_calls);
    tcase_add_test(api, fasta_errors);
    suite_add_tcase(s, api);
    TCase *num = tcase_create("numerics");
    tcase_add_test(num, num_durbin_global);
    tcase_add_test(num, num_durbin_local);
    tcase_add_test(num, num_dna_local);
    tcase_add_test(num, prop_wavefront);
    tcase_add_loop_test(num, prop_simd, 0, 3);
    tcase_add_loop_test(num, prop_simd_long, 0, 3);
    tcase_add_loop_test(num, prop_lane_limits, 0, 3);
    tcase_add_loop_test(num, prop_simd_global, 0, 3);
    tcase_add_loop_test(num, prop_lane_limits_global, 0, 3);
    tcase_add_test(num, num_batch);
    tcase_add_test(num, num_batch_reuse);
    tcase_add_loop_test(num, num_batch_pairs, 0, 3);
    tcase_add_test(num, simd_levels);
    tcase_add_test(num, fasta_read);
    tcase_add_test(num, fasta_file);
    tcase_add_test(num, generate);
    suite_add_tcase(s, num);
    TCase *thr = tcase_create("threads");
    tcase_add_loop_test(thr, threads_batch, 0, 2);
    tcase_add_loop_test(thr, threads_pair, 0, 2);
    tcase_add_loop_test(thr, threads_policy, 0, 1);
    suite_add_tcase(s, thr);
    return s;
}

int main(void) { return run_suite(align_suite()); }
