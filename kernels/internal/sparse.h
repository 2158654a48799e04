/* Private to libpel (never installed): the CSR matrix, its product blocks
 * and the product shared by csr.c, rows.c, makea.c and cg.c.  Names start
 * with peli_. */
#ifndef PEL_INTERNAL_SPARSE_H
#define PEL_INTERNAL_SPARSE_H

#include <stdint.h>

#include "internal/core.h"
#include "internal/team.h"

/* One product block: rows [b R, b R + R) of the matrix, its nonzeros sorted
 * by column (a stable sort: a row's equal columns keep their stored order),
 * each a 16-bit word row_in_block | step << rbits and a value.  The step is
 * the column's distance from the previous entry's (the first entry's from
 * x0, the block's smallest column); a step above the field's largest
 * (peli_sparse_maxstep) is bridged by dummy entries of value 0.0 aimed at
 * the scratch row R, which no real row reads. */
typedef struct peli_pblock {
    uint16_t *w;  /* len words (in the matrix's one array of words) */
    double *v;    /* len values (in its one array of values) */
    int64_t len;  /* entries, dummies included; -1 when the block could not be made */
    int64_t x0;   /* the column the steps start from */
} peli_pblock;

struct pel_sparse_csr {
    int64_t nrows, ncols, nnz;
    int64_t *rowptr; /* nrows + 1 */
    /* The CSR arrays (nnz each).  A user's matrix keeps its copy; makea's
     * keeps only the product blocks, and these are made from them at the
     * first call of pel_sparse_csr_colidx / pel_sparse_csr_values (its rows
     * ascend with distinct columns, so the blocks' order per row is the
     * stored order). */
    int32_t *col;
    double *val;
    /* the product blocks: R = 2^(rbits - 1) rows each, npb of them */
    int rbits;
    int64_t R, npb;
    peli_pblock *pb;
    uint16_t *wall; /* every block's words and values, block after block, each */
    double *vall;   /* block with room for its bound (peli_sparse_block_bound) */
    int64_t stored; /* entries of all blocks, dummies included */
    int64_t ahead;  /* the product's prefetch distance in values (peli_csr_alloc) */
};

/* Rows per product block: a multiple of PEL_SPARSE_BLOCK, from the matrix's
 * order alone (never the thread count): the largest of 1024, 512 and 256
 * that leaves at least PELI_SPARSE_MIN_PBLOCKS blocks, else 256.  The
 * largest blocks read x fewest times; enough of them keep a team busy. */
#define PELI_SPARSE_MIN_PBLOCKS 16
static inline int peli_sparse_rbits(int64_t nrows)
{
    for (int rb = 11; rb > 9; rb--)
        if (nrows > (PELI_SPARSE_MIN_PBLOCKS - 1) * (INT64_C(1) << (rb - 1))) return rb;
    return 9;
}

/* The most rows a product block has (rbits 11) */
#define PELI_SPARSE_RMAX 1024

/* Values the product prefetches ahead of the one it reads (2 KiB; the
 * hardware's prefetch alone left the class B loop 10-15% slower on Zen 4;
 * x needs none: it is walked in ascending order).  Held in the matrix
 * (A->ahead), not written into the loop: gcc 12's loop for the constant ran
 * 5-10% slower (docs/sparse.md, seventh round). */
#define PELI_SPARSE_AHEAD 256

/* The largest step a word holds */
static inline int peli_sparse_maxstep(int rbits) { return (1 << (16 - rbits)) - 1; }

/* Product block pb's rows [*j0, *j1). */
static inline void peli_sparse_pblock_rows(const struct pel_sparse_csr *A, int64_t pb, int64_t *j0,
                                           int64_t *j1)
{
    *j0 = pb * A->R;
    *j1 = *j0 + A->R < A->nrows ? *j0 + A->R : A->nrows;
}

/* The parallel loops of this family run over blocks of PEL_SPARSE_BLOCK rows,
 * virtual thread t of nt taking the blocks peli_sparse_my_blocks gives it (the
 * schedule(static) split): a block is computed by one call, so its partial
 * dot product never depends on the team.  The products run over product
 * blocks the same way (each R / PEL_SPARSE_BLOCK whole blocks). */
static inline int64_t peli_sparse_blocks(int64_t nrows)
{
    return (nrows + PEL_SPARSE_BLOCK - 1) / PEL_SPARSE_BLOCK;
}

/* Block blk's rows [*j0, *j1). */
static inline void peli_sparse_block_rows(int64_t blk, int64_t nrows, int64_t *j0, int64_t *j1)
{
    *j0 = blk * PEL_SPARSE_BLOCK;
    *j1 = *j0 + PEL_SPARSE_BLOCK < nrows ? *j0 + PEL_SPARSE_BLOCK : nrows;
}

/* y[0 .. rows) = the products of product block pb's rows with x
 * (PEL_SPARSE_NUMERICS_VERSION 4: each row one chain from +0.0 in the
 * block's column order; rows.c). */
void peli_sparse_product(const struct pel_sparse_csr *A, int64_t pb, const double *restrict x,
                         double *restrict y);

/* Product block pb's nonzeros (rowptr set). */
int64_t peli_sparse_pblock_nnz(const struct pel_sparse_csr *A, int64_t pb);

/* The most entries product block pb can take, dummies included, when its
 * columns lie in [lo, hi]: its nonzeros plus (hi - lo) / maxstep. */
int64_t peli_sparse_block_bound(const struct pel_sparse_csr *A, int64_t pb, int64_t lo, int64_t hi);

/* Allocates wall and vall for the blocks' bounds bound[0..npb) (huge pages
 * where the system gives them: the product streams them) and points each
 * block into them; 0 when out of memory (ctx records it). */
int peli_csr_alloc_blocks(pel_context *ctx, struct pel_sparse_csr *A, const int64_t *bound);

/* Builds product block pb of A (A->rowptr, rbits, R and its arrays set)
 * from its CSR entries: entry k of rows [j0, j1) is col[k - k0],
 * val[k - k0]; keys (2 m entries) and row (m) are scratch for its m
 * nonzeros.  Writes the block's arrays (first touch by the calling thread);
 * 0 (len -1) when the block holds 2^32 nonzeros or more. */
int peli_sparse_fill_block(struct pel_sparse_csr *A, int64_t pb, const int32_t *col,
                           const double *val, int64_t k0, uint64_t *keys, uint16_t *row);

/* Scratch for peli_sparse_fill_block over the product blocks [b0, b1): one
 * allocation of the keys, *row pointing into it; NULL when out of memory. */
uint64_t *peli_sparse_fill_scratch(const struct pel_sparse_csr *A, int64_t b0, int64_t b1,
                                   uint16_t **row);

/* A new matrix with rowptr allocated (not set), the product block table
 * allocated empty, and the CSR arrays when `csr` (else NULL); NULL when out
 * of memory (ctx records it). */
struct pel_sparse_csr *peli_csr_alloc(pel_context *ctx, int64_t nrows, int64_t ncols, int64_t nnz,
                                      int csr);

/* Sums the blocks' lengths into A->stored; 0 when a block could not be
 * made (peli_sparse_fill_block). */
int peli_csr_blocks_done(struct pel_sparse_csr *A);

/* The blocks [*b0, *b1) of virtual thread t of nt, of nb blocks. */
static inline void peli_sparse_my_blocks(int64_t nb, int t, int nt, int64_t *b0, int64_t *b1)
{
    size_t b, e;
    pel_static_range((size_t)nb, t, nt, &b, &e);
    *b0 = (int64_t)b;
    *b1 = (int64_t)e;
}

#endif
