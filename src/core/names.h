/* Internal: the names of the public enums (po_net, po_phi, po_lds_init, ...).
 *
 * Each such enum is generated in its public header from one X-macro list
 * X(enumerator, "name") (the pattern of PO_STATUS_LIST in error.h); the
 * defining .c file builds its name table from the same list with
 * PO_NAME_ENTRY and defines the public functions with the macros below, so
 * an enumerator, its name and the "valid: ..." list of an error cannot
 * drift apart.
 */
#ifndef PO_CORE_NAMES_H
#define PO_CORE_NAMES_H

#include <stddef.h>

#include "partobs/error.h"

/* Designated, so the table is indexed by the enumerator whatever the order. */
#define PO_NAME_ENTRY(id, str) [id] = str,

/* names[value], or "unknown" when value is outside [0, n). */
const char *po_name_of(const char *const *names, size_t n, int value);

/* The index of `name` in names[0..n) in *value. PO_EINVAL (nothing written)
 * if there is none: "unknown <what> '<name>' (valid: a, b, c)". */
po_status po_name_lookup(const char *const *names, size_t n, const char *what,
                         const char *name, int *value);

/* Defines `static const char *const table[]` from LIST and
 * `const char *type_name(type)`. */
#define PO_DEFINE_NAME_OF(type, LIST, table)                                   \
    static const char *const table[] = {LIST(PO_NAME_ENTRY)};                  \
    const char *type##_name(type v)                                            \
    {                                                                          \
        return po_name_of(table, sizeof table / sizeof table[0], (int)v);      \
    }

/* PO_DEFINE_NAME_OF plus `po_status type_from_name(const char *, type *)`,
 * whose error calls the value "<what>". */
#define PO_DEFINE_NAMES(type, LIST, table, what)                               \
    PO_DEFINE_NAME_OF(type, LIST, table)                                       \
    po_status type##_from_name(const char *name, type *out)                    \
    {                                                                          \
        int v = 0;                                                             \
        if (!out) return po_error(PO_EINVAL, #type "_from_name: NULL argument"); \
        po_status st = po_name_lookup(table, sizeof table / sizeof table[0],   \
                                      what, name, &v);                         \
        if (st == PO_OK) *out = (type)v;                                       \
        return st;                                                             \
    }

#endif
