/* Teacher vs student attractors in the observed coordinates and the one-line
 * verdict of `partobs compare` (include/partobs/attractors.h; SPEC.md §6
 * Fig 5, §9 item 8; issue 4 item 7). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attractors_internal.h"

/* The observed part of one attractor: a stable fixed point (centre = x,
 * amp = 0) or a cycle (centre = orbit mean, amp = max distance from it). */
typedef struct att {
    const double *x; /* fixed points: the point; cycles: NULL (centre below) */
    double *centre;  /* obs, owned for cycles */
    double amp, period, norm;
    long match;      /* index of the matched attractor on the other side, or -1 */
} att;

typedef struct att_list {
    att *a;
    size_t n;
} att_list;

static void list_free(att_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->a[i].centre);
    free(l->a);
    l->a = NULL;
    l->n = 0;
}

static po_status list_fixed(const po_attractor_report *r, size_t obs, att_list *l)
{
    l->n = 0;
    l->a = calloc(r->fixed_points->count + 1, sizeof *l->a);
    if (!l->a) return po_error(PO_ENOMEM, "cannot allocate the attractor lists");
    for (size_t i = 0; i < r->fixed_points->count; i++) {
        const po_fixed_point *fp = &r->fixed_points->fp[i];
        if (fp->kind != PO_FP_STABLE) continue;
        att *a = &l->a[l->n++];
        a->x = fp->x;
        a->norm = po_att_norm(fp->x, obs);
        a->match = -1;
    }
    return PO_OK;
}

static po_status list_cycles(const po_attractor_report *r, size_t obs, att_list *l)
{
    l->n = 0;
    l->a = calloc(r->limit_sets->count + 1, sizeof *l->a);
    if (!l->a) return po_error(PO_ENOMEM, "cannot allocate the attractor lists");
    for (size_t i = 0; i < r->limit_sets->count; i++) {
        const po_limit_set *ls = &r->limit_sets->set[i];
        if (ls->kind != PO_LIMIT_CYCLE || !ls->orbit || ls->orbit->rows == 0) continue;
        att *a = &l->a[l->n++];
        a->match = -1;
        a->period = ls->period;
        if (!(a->centre = calloc(obs, sizeof *a->centre)))
            return po_error(PO_ENOMEM, "cannot allocate the attractor lists");
        const po_mat *o = ls->orbit;
        for (size_t k = 0; k < o->rows; k++)
            for (size_t j = 0; j < obs; j++) a->centre[j] += PO_MAT_AT(o, k, j);
        for (size_t j = 0; j < obs; j++) a->centre[j] /= (double)o->rows;
        for (size_t k = 0; k < o->rows; k++)
            a->amp = fmax(a->amp, po_att_dist(o->data + k * o->ld, a->centre, obs));
        a->norm = po_att_norm(a->centre, obs);
    }
    return PO_OK;
}

static const double *centre(const att *a) { return a->x ? a->x : a->centre; }

/* Distance of a matching pair, or +Inf if they do not match. */
static double pair_dist(const att *t, const att *s, size_t obs, double atol)
{
    double d = po_att_dist(centre(t), centre(s), obs);
    double scale = fmax(fmax(t->norm, s->norm), fmax(t->amp, s->amp));
    if (d > PO_ATT_MATCH_RTOL * scale + atol) return (double)INFINITY;
    if (t->x) return d;
    if (fabs(t->period - s->period) > PO_ATT_PERIOD_RTOL * fmax(t->period, s->period))
        return (double)INFINITY;
    if (fabs(t->amp - s->amp) > 0.5 * fmax(t->amp, s->amp) + atol) return (double)INFINITY;
    return d;
}

/* Greedy matching, closest pairs first; returns the number of pairs. */
static size_t match_lists(att_list *t, att_list *s, size_t obs, double atol)
{
    size_t pairs = 0;
    for (;;) {
        double best = (double)INFINITY;
        size_t bi = 0, bj = 0;
        for (size_t i = 0; i < t->n; i++) {
            if (t->a[i].match >= 0) continue;
            for (size_t j = 0; j < s->n; j++) {
                if (s->a[j].match >= 0) continue;
                double d = pair_dist(&t->a[i], &s->a[j], obs, atol);
                if (d < best) {
                    best = d;
                    bi = i;
                    bj = j;
                }
            }
        }
        if (!isfinite(best)) return pairs;
        t->a[bi].match = (long)bj;
        s->a[bj].match = (long)bi;
        pairs++;
    }
}

/* ---- text ------------------------------------------------------------------- */

typedef struct sbuf {
    char *buf;
    size_t size, len;
} sbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(sbuf *b, const char *fmt, ...)
{
    if (b->size == 0) return;
    if (b->len >= b->size - 1) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->buf + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (k > 0) b->len += (size_t)k;
    if (b->len > b->size - 1) b->len = b->size - 1;
}

enum { LIST_MAX = 4 };

/* " (|x| a, b, c)" for the unmatched fixed points of l ("the origin" within
 * atol of it), or periods of cycles. */
static void put_unmatched(sbuf *b, const att_list *l, bool cycles, double atol)
{
    size_t shown = 0, total = 0;
    for (size_t i = 0; i < l->n; i++) total += l->a[i].match < 0;
    put(b, " (");
    for (size_t i = 0; i < l->n && shown < LIST_MAX; i++) {
        if (l->a[i].match >= 0) continue;
        if (shown) put(b, cycles ? "; " : ", ");
        if (cycles) put(b, "period %.3g, amplitude %.3g", l->a[i].period, l->a[i].amp);
        else if (l->a[i].norm <= atol) put(b, "the origin");
        else put(b, "|x| %.3g", l->a[i].norm);
        shown++;
    }
    if (total > shown) put(b, ", ...");
    put(b, ")");
}

static void put_count(sbuf *b, size_t k, const char *what)
{
    if (k == 1) put(b, "1 %s", what);
    else put(b, "%zu %ss", k, what);
}

static size_t count_re_gt1(const po_attractor_report *r)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++) k += r->eig_re[i] > 1.0;
    return k;
}

static size_t count_drifting(const po_attractor_report *r)
{
    size_t k = 0;
    for (size_t i = 0; i < r->limit_sets->count; i++)
        if (r->limit_sets->set[i].kind == PO_LIMIT_DRIFTING) k += r->limit_sets->set[i].hits;
    return k;
}

/* "1.02+-0.294i, 4.63" for the eigenvalues with Re > 1 (a pair once). */
static void put_eigs_gt1(sbuf *b, const po_attractor_report *r)
{
    size_t shown = 0;
    for (size_t i = 0; i < r->n && r->eig_re[i] > 1.0 && shown < LIST_MAX; i++) {
        if (r->eig_im[i] < 0.0 && i > 0 && r->eig_re[i - 1] == r->eig_re[i]) continue;
        if (r->eig_im[i] != 0.0) put(b, "%s%.4g+-%.3gi", shown ? ", " : "", r->eig_re[i], fabs(r->eig_im[i]));
        else put(b, "%s%.4g", shown ? ", " : "", r->eig_re[i]);
        shown++;
    }
}

static void put_side(sbuf *b, const char *who, const att_list *fp, const att_list *cy, double atol)
{
    put(b, "%s: ", who);
    put_count(b, fp->n, "stable fixed point");
    bool origin = false;
    for (size_t i = 0; i < fp->n; i++) origin |= fp->a[i].norm <= atol;
    if (origin) put(b, fp->n == 1 ? " (the origin)" : " (one at the origin)");
    put(b, ", ");
    if (cy->n == 0) put(b, "no limit cycle");
    else {
        put_count(b, cy->n, "limit cycle");
        put(b, " (period");
        for (size_t i = 0; i < cy->n && i < LIST_MAX; i++) put(b, "%s %.3g", i ? "," : "", cy->a[i].period);
        put(b, ")");
    }
}

po_status po_attractor_compare(const po_attractor_report *teacher,
                               const po_attractor_report *student, size_t obs,
                               po_attractor_comparison *cmp, char *buf, size_t size)
{
    if (buf && size) buf[0] = '\0';
    if (!teacher || !student || !cmp) return po_error(PO_EINVAL, "missing report");
    if (obs == 0 || obs > teacher->n || obs > student->n)
        return po_error(PO_EINVAL,
                        "obs = %zu must be in 1 .. min(teacher n = %zu, student n = %zu)",
                        obs, teacher->n, student->n);
    memset(cmp, 0, sizeof *cmp);
    cmp->obs = obs;
    double atol = PO_ATT_MATCH_ATOL * sqrt((double)obs);
    att_list tf = {0}, sf = {0}, tc = {0}, sc = {0};
    po_status st;
    if ((st = list_fixed(teacher, obs, &tf)) != PO_OK || (st = list_fixed(student, obs, &sf)) != PO_OK ||
        (st = list_cycles(teacher, obs, &tc)) != PO_OK || (st = list_cycles(student, obs, &sc)) != PO_OK)
        goto done;
    cmp->teacher_stable = tf.n;
    cmp->student_stable = sf.n;
    cmp->matched_fp = match_lists(&tf, &sf, obs, atol);
    cmp->spurious_fp = sf.n - cmp->matched_fp;
    cmp->missed_fp = tf.n - cmp->matched_fp;
    cmp->teacher_cycles = tc.n;
    cmp->student_cycles = sc.n;
    cmp->matched_cycles = match_lists(&tc, &sc, obs, atol);
    cmp->spurious_cycles = sc.n - cmp->matched_cycles;
    cmp->missed_cycles = tc.n - cmp->matched_cycles;
    cmp->teacher_re_gt1 = count_re_gt1(teacher);
    cmp->student_re_gt1 = count_re_gt1(student);
    cmp->teacher_drifting = count_drifting(teacher);
    cmp->student_drifting = count_drifting(student);
    cmp->match = cmp->spurious_fp == 0 && cmp->missed_fp == 0 && cmp->spurious_cycles == 0 &&
                 cmp->missed_cycles == 0;

    sbuf b = {buf, buf ? size : 0, 0};
    if (cmp->match) {
        put(&b, "match: ");
        put_side(&b, "both", &tf, &tc, atol);
    } else {
        put(&b, "mismatch: student");
        const char *sep = " has ";
        if (cmp->spurious_fp) {
            put(&b, "%s%zu spurious stable fixed point%s", sep, cmp->spurious_fp,
                cmp->spurious_fp == 1 ? "" : "s");
            put_unmatched(&b, &sf, false, atol);
            sep = " and ";
        }
        if (cmp->spurious_cycles) {
            put(&b, "%s%zu spurious limit cycle%s", sep, cmp->spurious_cycles,
                cmp->spurious_cycles == 1 ? "" : "s");
            put_unmatched(&b, &sc, true, atol);
        }
        if (cmp->missed_fp || cmp->missed_cycles) {
            put(&b, "%smisses ", (cmp->spurious_fp || cmp->spurious_cycles) ? ", " : " ");
            if (cmp->missed_fp) {
                put(&b, "%zu stable fixed point%s", cmp->missed_fp, cmp->missed_fp == 1 ? "" : "s");
                put_unmatched(&b, &tf, false, atol);
            }
            if (cmp->missed_cycles) {
                put(&b, "%s%zu limit cycle%s", cmp->missed_fp ? " and " : "", cmp->missed_cycles,
                    cmp->missed_cycles == 1 ? "" : "s");
                put_unmatched(&b, &tc, true, atol);
            }
            put(&b, " of the teacher");
        }
        put(&b, "; ");
        put_side(&b, "teacher", &tf, &tc, atol);
        put(&b, "; ");
        put_side(&b, "student", &sf, &sc, atol);
    }
    if (cmp->student_re_gt1) {
        put(&b, "; student eigenvalues with Re > 1: ");
        put_eigs_gt1(&b, student);
    }
    if (cmp->teacher_re_gt1) {
        put(&b, "; teacher eigenvalues with Re > 1: ");
        put_eigs_gt1(&b, teacher);
    }
    if (cmp->teacher_drifting || cmp->student_drifting)
        put(&b, "; still drifting after the run: %zu teacher, %zu student trajectories",
            cmp->teacher_drifting, cmp->student_drifting);
done:
    list_free(&tf);
    list_free(&sf);
    list_free(&tc);
    list_free(&sc);
    return st;
}

bool po_attractor_verdict(const po_attractor_report *teacher, const po_attractor_report *student,
                          char *buf, size_t size)
{
    if (buf && size) buf[0] = '\0';
    if (!teacher || !student) return false;
    size_t obs = teacher->n < student->n ? teacher->n : student->n;
    po_attractor_comparison cmp;
    if (po_attractor_compare(teacher, student, obs, &cmp, buf, size) != PO_OK) {
        if (buf && size) snprintf(buf, size, "cannot compare: %s", po_errmsg());
        return false;
    }
    return cmp.match;
}
