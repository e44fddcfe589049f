/* The .npy preamble and header dictionary (DESIGN.md §5).
 *
 * The header is a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
 * NumPy evaluates it with ast.literal_eval; we accept the same subset that
 * can describe an array we read: the three keys in any order, single or
 * double quotes, any whitespace, trailing commas, shape tuples "()", "(5,)",
 * "(2, 3)" (with the "5L" integers old Python 2 writers produced). Every
 * access goes through a cursor that is checked against the end of the text,
 * because the input is untrusted (this code is fuzzed: tests/fuzz/fuzz_npy.c).
 */
#include <stdio.h>

#include "io/npy_internal.h"

po_status po_npy_preamble(const unsigned char *buf, size_t avail, size_t total, const char *name,
                          size_t *dict_off, size_t *data_off)
{
    size_t magic_cmp = avail < PO_NPY_MAGIC_LEN ? avail : PO_NPY_MAGIC_LEN;
    if (avail == 0) return po_error(PO_EFORMAT, "%s: empty file, not a .npy file", name);
    if (memcmp(buf, PO_NPY_MAGIC, magic_cmp) != 0)
        return po_error(PO_EFORMAT, "%s: not a .npy file (bad magic string)", name);
    if (avail < PO_NPY_MAGIC_LEN + 2)
        return po_error(PO_EFORMAT, "%s: truncated .npy file (%zu bytes, no version)", name, avail);

    unsigned major = buf[6], minor = buf[7];
    /* Version 1.0 has a 2-byte header length; 2.0 and 3.0 (UTF-8 header) 4 bytes. */
    size_t len_bytes = major == 1 ? 2 : 4;
    if (major < 1 || major > 3 || minor != 0)
        return po_error(PO_EFORMAT, "%s: unsupported .npy format version %u.%u", name, major,
                        minor);
    size_t start = PO_NPY_MAGIC_LEN + 2 + len_bytes;
    if (avail < start)
        return po_error(PO_EFORMAT, "%s: truncated .npy file (%zu bytes, no header length)", name,
                        avail);
    size_t hlen = len_bytes == 2 ? (size_t)buf[8] | (size_t)buf[9] << 8
                                 : (size_t)po_load32(buf + 8, false);
    if (hlen > total - start) /* total >= avail >= start */
        return po_error(PO_EFORMAT,
                        "%s: header length %zu points past the end of the file (%zu bytes)", name,
                        hlen, total);
    *dict_off = start;
    *data_off = start + hlen;
    return PO_OK;
}

typedef struct cursor {
    const char *text; /* start, for positions in messages */
    const char *p, *end;
    const char *name;
} cursor;

static po_status syntax(const cursor *c, const char *what)
{
    return po_error(PO_EFORMAT, "%s: malformed .npy header: %s (at byte %zu of the header)",
                    c->name, what, (size_t)(c->p - c->text));
}

static void skip_ws(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

/* Current character after whitespace, or '\0' at the end. */
static char peek(cursor *c)
{
    skip_ws(c);
    return c->p < c->end ? *c->p : '\0';
}

static bool accept(cursor *c, char ch)
{
    if (peek(c) != ch) return false;
    c->p++;
    return true;
}

/* A quoted string without escapes (no key or dtype we accept needs one). */
static po_status parse_string(cursor *c, const char **s, size_t *n)
{
    char q = peek(c);
    if (q != '\'' && q != '"') return syntax(c, "expected a quoted string");
    const char *begin = ++c->p;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\') return syntax(c, "escape sequences are not supported");
        c->p++;
    }
    if (c->p == c->end) return syntax(c, "unterminated string");
    *s = begin;
    *n = (size_t)(c->p - begin);
    c->p++;
    return PO_OK;
}

/* A short printable copy of header text for messages, which must stay on one
 * line: at most 32 bytes, anything outside printable ASCII shown as '?'. */
static const char *quote_text(char out[36], const char *s, size_t n)
{
    size_t m = n > 32 ? 32 : n;
    for (size_t i = 0; i < m; i++) out[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
    strcpy(out + m, n > m ? "..." : "");
    return out;
}

static bool is_ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

static bool accept_word(cursor *c, const char *word)
{
    size_t n = strlen(word);
    skip_ws(c);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0) return false;
    if ((size_t)(c->end - c->p) > n && is_ident_char(c->p[n])) return false;
    c->p += n;
    return true;
}

static po_status parse_bool(cursor *c, bool *v)
{
    if (accept_word(c, "True"))
        *v = true;
    else if (accept_word(c, "False"))
        *v = false;
    else
        return syntax(c, "'fortran_order' must be True or False");
    return PO_OK;
}

static po_status parse_dim(cursor *c, size_t *v)
{
    char ch = peek(c);
    if (ch == '-') return po_error(PO_EFORMAT, "%s: negative dimension in shape", c->name);
    if (ch < '0' || ch > '9') return syntax(c, "expected a dimension in shape");
    size_t x = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        size_t d = (size_t)(*c->p - '0');
        if (x > (SIZE_MAX - d) / 10)
            return po_error(PO_EFORMAT, "%s: dimension in shape is too large", c->name);
        x = x * 10 + d;
        c->p++;
    }
    /* Python 2 wrote long integers as "5L". */
    if (c->p < c->end && (*c->p == 'L' || *c->p == 'l')) c->p++;
    *v = x;
    return PO_OK;
}

/* "()", "(5,)", "(2, 3)", "(2, 3,)"; "(5)" is a number, not a tuple. */
static po_status parse_shape(cursor *c, po_npy_header *h)
{
    if (!accept(c, '(')) return syntax(c, "'shape' must be a tuple");
    size_t n = 0;
    bool comma_last = false;
    while (!accept(c, ')')) {
        size_t d = 0;
        po_status st = parse_dim(c, &d);
        if (st) return st;
        if (n < PO_NPY_MAX_DIMS) h->shape[n] = d;
        n++;
        comma_last = accept(c, ',');
        if (!comma_last && peek(c) != ')') return syntax(c, "expected ',' or ')' in shape");
    }
    if (n == 1 && !comma_last) return syntax(c, "'shape' (n) is not a tuple, expected (n,)");
    if (n > PO_NPY_MAX_DIMS)
        return po_error(PO_EFORMAT,
                        "%s: %zu-D arrays are not supported (partobs reads 0-D to %d-D)", c->name,
                        n, PO_NPY_MAX_DIMS);
    h->ndim = n;
    return PO_OK;
}

/* float64 or float32 in any byte order. '=' and '|' (and no mark) mean the
 * native order of the reading host, as numpy.dtype interprets them. */
static po_status parse_descr(cursor *c, po_npy_header *h)
{
    if (peek(c) == '[')
        return po_error(PO_EFORMAT,
                        "%s: structured dtype (a list of fields) is not supported "
                        "(partobs reads float64 or float32)",
                        c->name);
    const char *s;
    size_t n;
    po_status st = parse_string(c, &s, &n);
    if (st) return st;
    size_t k = 0;
    bool big = po_host_is_big_endian();
    if (n > 0 && (s[0] == '<' || s[0] == '>' || s[0] == '=' || s[0] == '|')) {
        if (s[0] != '=' && s[0] != '|') big = s[0] == '>';
        k = 1;
    }
    if (n == k + 2 && s[k] == 'f' && (s[k + 1] == '8' || s[k + 1] == '4')) {
        h->itemsize = s[k + 1] == '8' ? 8 : 4;
        h->big_endian = big;
        return PO_OK;
    }
    char shown[36];
    return po_error(PO_EFORMAT,
                    "%s: dtype '%s' is not supported (partobs reads float64 or float32)", c->name,
                    quote_text(shown, s, n));
}

enum { KEY_DESCR, KEY_FORTRAN, KEY_SHAPE, KEY_COUNT };
static const char *const key_names[KEY_COUNT] = {"descr", "fortran_order", "shape"};

static po_status parse_entry(cursor *c, po_npy_header *h, bool seen[KEY_COUNT])
{
    const char *key;
    size_t n;
    po_status st = parse_string(c, &key, &n);
    if (st) return st;
    int k = 0;
    while (k < KEY_COUNT && !(strlen(key_names[k]) == n && memcmp(key, key_names[k], n) == 0)) k++;
    char shown[36];
    if (k == KEY_COUNT)
        return po_error(PO_EFORMAT, "%s: unexpected key '%s' in the .npy header", c->name,
                        quote_text(shown, key, n));
    if (seen[k])
        return po_error(PO_EFORMAT, "%s: duplicate key '%s' in the .npy header", c->name,
                        key_names[k]);
    seen[k] = true;
    if (!accept(c, ':')) return syntax(c, "expected ':' after a key");
    switch (k) {
    case KEY_DESCR: return parse_descr(c, h);
    case KEY_FORTRAN: return parse_bool(c, &h->fortran_order);
    default: return parse_shape(c, h);
    }
}

static po_status count_elements(po_npy_header *h, const char *name)
{
    size_t count = 1;
    for (size_t i = 0; i < h->ndim; i++) {
        if (h->shape[i] != 0 && count > SIZE_MAX / h->itemsize / h->shape[i]) {
            char s[PO_NPY_SHAPE_STR_CAP];
            po_npy_format_shape(s, h->ndim, h->shape);
            return po_error(PO_EFORMAT, "%s: shape %s is too large to address", name, s);
        }
        count *= h->shape[i];
    }
    h->count = count;
    return PO_OK;
}

po_status po_npy_parse_dict(const char *text, size_t len, const char *name, po_npy_header *h)
{
    cursor c = {.text = text, .p = text, .end = text + len, .name = name};
    bool seen[KEY_COUNT] = {false, false, false};
    *h = (po_npy_header){.itemsize = 8};
    if (!accept(&c, '{')) return syntax(&c, "expected '{'");
    while (!accept(&c, '}')) {
        po_status st = parse_entry(&c, h, seen);
        if (st) return st;
        if (!accept(&c, ',') && peek(&c) != '}') return syntax(&c, "expected ',' or '}'");
    }
    if (peek(&c) != '\0' || c.p != c.end)
        return syntax(&c, "unexpected text after the dictionary");
    for (int k = 0; k < KEY_COUNT; k++)
        if (!seen[k])
            return po_error(PO_EFORMAT, "%s: the .npy header has no '%s' key", name,
                            key_names[k]);
    return count_elements(h, name);
}

static const char *dtype_name(const po_npy_header *h)
{
    return h->itemsize == 8 ? "float64" : "float32";
}

po_status po_npy_check_data_size(const po_npy_header *h, size_t avail, const char *name)
{
    size_t need = h->count * h->itemsize; /* no overflow: checked by count_elements */
    if (avail == need) return PO_OK;
    char s[PO_NPY_SHAPE_STR_CAP];
    po_npy_format_shape(s, h->ndim, h->shape);
    if (avail < need)
        return po_error(PO_EFORMAT,
                        "%s: truncated data: shape %s of %s needs %zu bytes, found %zu", name, s,
                        dtype_name(h), need, avail);
    return po_error(PO_EFORMAT,
                    "%s: %zu unexpected bytes after the data (shape %s of %s needs %zu bytes)",
                    name, avail - need, s, dtype_name(h), need);
}

void po_npy_format_shape(char *buf, size_t ndim, const size_t *shape)
{
    size_t at = 0;
    buf[at++] = '(';
    for (size_t i = 0; i < ndim && i < PO_NPY_MAX_DIMS; i++)
        at += (size_t)snprintf(buf + at, PO_NPY_SHAPE_STR_CAP - at, "%s%zu", i ? ", " : "",
                               shape[i]);
    snprintf(buf + at, PO_NPY_SHAPE_STR_CAP - at, "%s)", ndim == 1 ? "," : "");
}
