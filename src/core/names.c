/* The name <-> enumerator lookups behind every po_*_name / po_*_from_name
 * (see names.h). */
#include "core/names.h"

#include <string.h>

const char *po_name_of(const char *const *names, size_t n, int value)
{
    if (value < 0 || (size_t)value >= n) return "unknown";
    return names[value];
}

po_status po_name_lookup(const char *const *names, size_t n, const char *what,
                         const char *name, int *value)
{
    for (size_t k = 0; name && k < n; k++)
        if (strcmp(name, names[k]) == 0) {
            *value = (int)k;
            return PO_OK;
        }
    /* The tables are a handful of short words, so the list always fits. */
    char list[256] = "";
    for (size_t k = 0; k < n; k++) {
        strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, names[k], sizeof list - strlen(list) - 1);
    }
    return po_error(PO_EINVAL, "unknown %s '%s' (valid: %s)", what, name ? name : "(null)",
                    list);
}
