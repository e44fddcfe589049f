/* BLAS: checked CBLAS wrappers on po_mat, and the BLAS facts (thread count,
 * build) that version.h makes public. */
#include <cblas.h>
#include <string.h>

#include "core/parallel.h"
#include "linalg.h"
#include "linalg_int.h"
#include "partobs/version.h"

/* OpenBLAS extensions, declared in its cblas.h; repeated here so that the
 * project also builds against a cblas.h that lacks them. */
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);
char *openblas_get_corename(void);

int po_blas_threads(void) { return openblas_get_num_threads(); }

void po_blas_set_threads(int n) { openblas_set_num_threads(n); }

const char *po_blas_info(void) { return openblas_get_config(); }

/* OpenBLAS (a DYNAMIC_ARCH build such as Debian's 0.3.21) picks its kernels
 * from the CPU model at load time; a model it does not know (e.g. family 6
 * model 207, the Xeon this project is measured on) gets the generic
 * "Prescott" SSE3 kernels, 4-5x slower than the AVX-512 ones for dgemm/dsyrk
 * (bench/README.md). The features say which kernels the CPU can run. */
const char *po_blas_coretype_hint(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    const char *core = openblas_get_corename();
    if (!core || strcmp(core, "Prescott") != 0) return NULL;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return NULL;
}

void po_la_blas_map_buffer(void)
{
    /* OpenBLAS maps a thread's level-3 buffer at its first GEMM, whatever the size. */
    double a = 0.0, c = 0.0;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0, &a, 1, &a, 1, 0.0, &c, 1);
}

static CBLAS_TRANSPOSE tr(bool t) { return t ? CblasTrans : CblasNoTrans; }

void po_la_gemm(bool trans_a, bool trans_b, double alpha, const po_mat *a, const po_mat *b,
                double beta, po_mat *c)
{
    size_t m = trans_a ? a->cols : a->rows, k = trans_a ? a->rows : a->cols;
    size_t n = trans_b ? b->rows : b->cols;
    assert((trans_b ? b->cols : b->rows) == k && c->rows == m && c->cols == n);
    if (m == 0 || n == 0) return;
    cblas_dgemm(CblasRowMajor, tr(trans_a), tr(trans_b), po_la_int(m), po_la_int(n),
                po_la_int(k), alpha, a->data, po_la_int(a->ld), b->data, po_la_int(b->ld), beta,
                c->data, po_la_int(c->ld));
}

/* Rows per block of po_la_gemm_rows, and the output size below which one
 * call on the calling thread is cheaper than starting threads. */
#define PO_GEMM_ROWS_BLOCK 128
#define PO_GEMM_ROWS_MIN_FLOPS 2e7

typedef struct gemm_rows_job {
    bool trans_b;
    double alpha, beta;
    const po_mat *a, *b;
    po_mat *c;
} gemm_rows_job;

static po_status gemm_rows_block(void *arg, size_t blk, size_t worker)
{
    (void)worker;
    const gemm_rows_job *j = arg;
    size_t r0 = blk * PO_GEMM_ROWS_BLOCK, m = j->c->rows;
    size_t r = m - r0 < PO_GEMM_ROWS_BLOCK ? m - r0 : PO_GEMM_ROWS_BLOCK;
    po_mat ab = po_mat_block(j->a, r0, 0, r, j->a->cols);
    po_mat cb = po_mat_block(j->c, r0, 0, r, j->c->cols);
    po_la_gemm(false, j->trans_b, j->alpha, &ab, j->b, j->beta, &cb);
    return PO_OK;
}

void po_la_gemm_rows(bool trans_b, double alpha, const po_mat *a, const po_mat *b, double beta,
                     po_mat *c)
{
    size_t m = c->rows;
    double flops = 2.0 * (double)m * (double)c->cols * (double)a->cols;
    if (m <= PO_GEMM_ROWS_BLOCK || flops < PO_GEMM_ROWS_MIN_FLOPS) {
        po_la_gemm(false, trans_b, alpha, a, b, beta, c);
        return;
    }
    gemm_rows_job j = {trans_b, alpha, beta, a, b, c};
    /* The blocks cannot fail, and without threads po_parallel_for runs them here. */
    (void)po_parallel_for((m + PO_GEMM_ROWS_BLOCK - 1) / PO_GEMM_ROWS_BLOCK, 0, gemm_rows_block,
                          &j);
}

void po_la_gemv(bool trans_a, double alpha, const po_mat *a, const double *x, double beta,
                double *y)
{
    if (a->rows == 0 || a->cols == 0) return;
    cblas_dgemv(CblasRowMajor, tr(trans_a), po_la_int(a->rows), po_la_int(a->cols), alpha,
                a->data, po_la_int(a->ld), x, 1, beta, y, 1);
}

void po_la_syrk_t(double alpha, const po_mat *a, double beta, po_mat *c)
{
    assert(c->rows == a->cols && c->cols == a->cols);
    if (c->rows == 0) return;
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, po_la_int(a->cols), po_la_int(a->rows),
                alpha, a->data, po_la_int(a->ld), beta, c->data, po_la_int(c->ld));
}

void po_la_symmetrize_upper(po_mat *c)
{
    for (size_t i = 0; i < c->rows; i++)
        for (size_t j = 0; j < i; j++) PO_MAT_AT(c, i, j) = PO_MAT_AT(c, j, i);
}

void po_la_trmm_right_upper(bool trans, const po_mat *r, po_mat *b)
{
    assert(r->rows == r->cols && b->cols == r->rows);
    if (b->rows == 0 || b->cols == 0) return;
    cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, tr(trans), CblasNonUnit,
                po_la_int(b->rows), po_la_int(b->cols), 1.0, r->data, po_la_int(r->ld), b->data,
                po_la_int(b->ld));
}
