/* The tile kernels, compiled once per ISA by tile.c: included with NAME(f)
 * (the variant's suffix), MR x NR (the micro-kernel's block) and
 * NAME(micro)(k, pa, pb, c, ldc, store) already defined.  The micro-kernel
 * forms, for each element (r, s) of its block, acc = sum over p of
 * pa[p][r] * pb[p][s] by fused multiply-adds from acc = +0 in increasing p,
 * then c[r][s] -= acc (store = 0) or c[r][s] = acc (store = 1).  Every
 * variant does exactly this, and the code around it is the same, so all
 * give the same bits. */

/* Packs rows [0, m) and columns [0, k) of A (column-major, lda) as the
 * micro-kernel's A operand: for each strip of MR rows, k columns of MR
 * contiguous values, the rows past m zero. */
static void NAME(pack_a)(size_t m, size_t k, const double *A, size_t lda, double *pa)
{
    for (size_t i0 = 0; i0 < m; i0 += MR) {
        size_t mr = m - i0 < MR ? m - i0 : MR;
        double *d = pa + i0 * k;
        for (size_t p = 0; p < k; p++) {
            const double *s = A + i0 + p * lda;
            size_t r = 0;
            for (; r < mr; r++) d[p * MR + r] = s[r];
            for (; r < MR; r++) d[p * MR + r] = 0.0;
        }
    }
}

/* The same with strips of NR rows: the micro-kernel's B operand (B is read
 * transposed: its rows are C's columns). */
static void NAME(pack_b)(size_t n, size_t k, const double *B, size_t ldb, double *pb)
{
    for (size_t j0 = 0; j0 < n; j0 += NR) {
        size_t nr = n - j0 < NR ? n - j0 : NR;
        double *d = pb + j0 * k;
        for (size_t p = 0; p < k; p++) {
            const double *s = B + j0 + p * ldb;
            size_t c = 0;
            for (; c < nr; c++) d[p * NR + c] = s[c];
            for (; c < NR; c++) d[p * NR + c] = 0.0;
        }
    }
}

/* C[r][s] -= sum_p A[r][p] B[s][p] for an m x n block of C (column-major,
 * ldc), from A and B packed by pack_a and pack_b (k columns each); lower:
 * only r >= s is written, and blocks wholly above the diagonal are skipped.
 * tmp holds one MR x NR block. */
static void NAME(gemm_packed)(size_t m, size_t n, size_t k, const double *pa, const double *pb,
                              double *C, size_t ldc, int lower, double *tmp)
{
    for (size_t j0 = 0; j0 < n; j0 += NR) {
        size_t nr = n - j0 < NR ? n - j0 : NR;
        for (size_t i0 = 0; i0 < m; i0 += MR) {
            size_t mr = m - i0 < MR ? m - i0 : MR;
            if (lower && i0 + mr <= j0) continue; /* wholly above the diagonal */
            int straddle = lower && i0 + 1 < j0 + nr;
            double *c = C + i0 + j0 * ldc;
            if (mr == MR && nr == NR && !straddle) {
                NAME(micro)(k, pa + i0 * k, pb + j0 * k, c, ldc, 0);
                continue;
            }
            NAME(micro)(k, pa + i0 * k, pb + j0 * k, tmp, MR, 1);
            for (size_t s = 0; s < nr; s++)
                for (size_t r = 0; r < mr; r++)
                    if (!lower || i0 + r >= j0 + s) c[r + s * ldc] = c[r + s * ldc] - tmp[r + s * MR];
        }
    }
}

/* gemm_packed on A (m x k, lda) and B (n x k, ldb) as they are: packs both
 * into ws first. */
static void NAME(gemm_nt)(size_t m, size_t n, size_t k, const double *A, size_t lda,
                          const double *B, size_t ldb, double *C, size_t ldc, int lower,
                          double *ws)
{
    double *pa = ws;
    double *pb = pa + (m + MR - 1) / MR * MR * k;
    double *tmp = pb + (n + NR - 1) / NR * NR * k;
    NAME(pack_a)(m, k, A, lda, pa);
    NAME(pack_b)(n, k, B, ldb, pb);
    NAME(gemm_packed)(m, n, k, pa, pb, C, ldc, lower, tmp);
}

static long NAME(potrf)(size_t nb, double *a, double *ws)
{
    for (size_t jb = 0; jb < nb; jb += PELI_CHOL_W) {
        size_t bw = nb - jb < PELI_CHOL_W ? nb - jb : PELI_CHOL_W;
        for (size_t j = jb; j < jb + bw; j++) {
            double *cj = a + j * nb;
            double d = cj[j];
            if (!(d > 0.0)) return (long)j;
            d = sqrt(d);
            cj[j] = d;
            for (size_t i = j + 1; i < nb; i++) cj[i] = cj[i] / d;
            for (size_t jj = j + 1; jj < jb + bw; jj++) {
                double l = cj[jj], *cjj = a + jj * nb;
                for (size_t i = jj; i < nb; i++) cjj[i] = fma(-cj[i], l, cjj[i]);
            }
        }
        size_t e = jb + bw;
        if (e < nb)
            NAME(gemm_nt)(nb - e, nb - e, bw, a + e + jb * nb, nb, a + e + jb * nb, nb,
                          a + e + e * nb, nb, 1, ws);
    }
    return -1;
}

static void NAME(trsm)(size_t nb, const double *l, double *b, double *ws)
{
    for (size_t jb = 0; jb < nb; jb += PELI_CHOL_W) {
        size_t bw = nb - jb < PELI_CHOL_W ? nb - jb : PELI_CHOL_W;
        for (size_t j = jb; j < jb + bw; j++) {
            double *bj = b + j * nb, d = l[j + j * nb];
            for (size_t i = 0; i < nb; i++) bj[i] = bj[i] / d;
            for (size_t jj = j + 1; jj < jb + bw; jj++) {
                double lj = l[jj + j * nb], *bjj = b + jj * nb;
                for (size_t i = 0; i < nb; i++) bjj[i] = fma(-bj[i], lj, bjj[i]);
            }
        }
        size_t e = jb + bw;
        if (e < nb) NAME(gemm_nt)(nb, nb - e, bw, b + jb * nb, nb, l + e + jb * nb, nb, b + e * nb, nb, 0, ws);
    }
}

static void NAME(syrk)(size_t nb, const double *a, double *c, double *ws)
{
    NAME(gemm_nt)(nb, nb, nb, a, nb, a, nb, c, nb, 1, ws);
}

static void NAME(gemm)(size_t nb, const double *a, const double *b, double *c, double *ws)
{
    NAME(gemm_nt)(nb, nb, nb, a, nb, b, nb, c, nb, 0, ws);
}

/* The packed forms of a panel tile (peli_chol_ops.pack): its A operand, then
 * its B operand, this many doubles on. */
static size_t NAME(pack_b_at)(size_t nb) { return (nb + MR - 1) / MR * MR * nb; }

static void NAME(pack)(size_t nb, const double *t, double *pk)
{
    NAME(pack_a)(nb, nb, t, nb, pk);
    NAME(pack_b)(nb, nb, t, nb, pk + NAME(pack_b_at)(nb));
}

static void NAME(syrk_pk)(size_t nb, const double *pk, double *c, double *ws)
{
    NAME(gemm_packed)(nb, nb, nb, pk, pk + NAME(pack_b_at)(nb), c, nb, 1, ws);
}

static void NAME(gemm_pk)(size_t nb, const double *pka, const double *pkb, double *c, double *ws)
{
    NAME(gemm_packed)(nb, nb, nb, pka, pkb + NAME(pack_b_at)(nb), c, nb, 0, ws);
}

#undef NAME
#undef MR
#undef NR
