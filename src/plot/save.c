/* Saving a figure (plot.h): device by extension, a fresh PLplot stream per
 * save rendering into memory, then an atomic write (src/io/atomic.h) of the
 * bytes: a temporary file beside the target, renamed into place on success.
 *
 * PLplot reports trouble in three ways, and the library must neither print
 * nor exit (DESIGN.md §3): plabort (recoverable: captured per stream with
 * plsError, so nothing is printed), plexit (fatal: it calls exit() after the
 * handler of plsexit returns, so ours jumps back here instead), and prompts
 * on stdin for an unknown device or an unopenable file name (avoided by
 * checking the device list first and handing PLplot an open memory stream,
 * so it never opens a file itself). */
#include <plplot.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "plot/plot_internal.h"

enum { PL_MSG_LEN = 2048 };

static jmp_buf plexit_jump;
static char plexit_msg[PL_MSG_LEN];

static int on_plexit(const char *msg)
{
    snprintf(plexit_msg, sizeof plexit_msg, "%s", msg ? msg : "");
    longjmp(plexit_jump, 1);
}

/* The PLplot device for the extension of path, or NULL. */
static const char *device_for(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    const char *base = slash ? slash + 1 : path;
    if (!dot || dot <= base) return NULL; /* no extension, or a dot file like ".png" */
    static const char *const map[][2] = {{".png", "pngcairo"}, {".svg", "svgcairo"},
                                         {".pdf", "pdfcairo"}, {".PNG", "pngcairo"},
                                         {".SVG", "svgcairo"}, {".PDF", "pdfcairo"}};
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcmp(dot, map[k][0]) == 0) return map[k][1];
    return NULL;
}

bool po_plot_device_available(const char *dev)
{
    enum { MAXDEV = 128 };
    const char *menu[MAXDEV], *names[MAXDEV];
    const char **pm = menu, **pn = names;
    int n = MAXDEV;
    plgDevs(&pm, &pn, &n);
    for (int k = 0; k < n; k++)
        if (names[k] && strcmp(names[k], dev) == 0) return true;
    return false;
}

/* cmap0: 0 white background, 1..9 the po_color values, 10 the band fill
 * (alpha set per band), 11 the legend frame. */
static void set_cmap0(void)
{
    plscmap0n(16);
    plscolbga(255, 255, 255, 1.0);
    for (int k = 0; k < PO_COLOR_COUNT_; k++) {
        const unsigned char *c = po_plot_rgb[k];
        plscol0a(k + 1, c[0], c[1], c[2], 1.0);
    }
    plscol0a(10, 127, 127, 127, 0.25);
    plscol0a(11, 160, 160, 160, 1.0);
}

/* Render f with device dev into the memory stream out, on a new PLplot
 * stream that is ended before returning. The driver closes out when the
 * stream ends (plCloseFile); *closed says whether that happened. */
static po_status render_to(const po_figure *f, const char *dev, FILE *out, bool *closed, char *msg)
{
    PLINT old = 0, strm = -1;
    static PLINT errcode;
    errcode = 0;
    msg[0] = '\0';
    *closed = false;
    plgstrm(&old);
    plmkstrm(&strm);
    if (strm < 0) {
        snprintf(msg, PL_MSG_LEN, "no free PLplot stream");
        return PO_EIO;
    }
    plsError(&errcode, msg);
    plsexit(on_plexit);
    po_status st = PO_OK;
    if (setjmp(plexit_jump) == 0) {
        plsdev(dev);
        plsfile(out);
        plspage(0.0, 0.0, f->width, f->height, 0, 0);
        set_cmap0();
        plinit();
        if (errcode == 0) st = po_plot_render(f);
        FILE *cur = NULL;
        plgfile(&cur);
        plend1();
        *closed = cur == out;
    } else {
        /* Fatal PLplot error: the stream is abandoned (its memory is lost,
         * but the process lives); out is still ours to close. */
        snprintf(msg, PL_MSG_LEN, "%s", plexit_msg);
        errcode = 1;
    }
    plsexit(NULL);
    plsstrm(old);
    if (st == PO_OK && errcode != 0) st = PO_EIO;
    return st;
}

typedef struct bytes {
    const char *data;
    size_t len;
    const po_figure *fig; /* non-NULL: an SVG that gets a <title> and <desc> */
} bytes;

/* XML-escaped, without PLplot's sub/superscript escapes (#d, #u, #b, #+, #-). */
static void put_escaped(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (s[0] == '#' && s[1] && strchr("dub+-", s[1]))
            s++;
        else if (s[0] == '#' && s[1] == '#')
            fputc(*++s, fp);
        else if (*s == '&')
            fputs("&amp;", fp);
        else if (*s == '<')
            fputs("&lt;", fp);
        else if (*s == '>')
            fputs("&gt;", fp);
        else
            fputc(*s, fp);
    }
}

/* cairo draws text as glyph outlines, so an SVG would carry none of its words:
 * the standard accessible <title> and <desc> elements list the figure title,
 * panel titles, axis labels, legend entries and colour-bar labels, which
 * makes the file searchable and readable by screen readers. */
static void put_svg_description(FILE *fp, const po_figure *f)
{
    fputs("\n<title>", fp);
    put_escaped(fp, f->title ? f->title : "partobs figure");
    fputs("</title>\n<desc>", fp);
    for (size_t k = 0; k < f->rows * f->cols; k++) {
        const po_panel *p = &f->panels[k];
        if (!p->used) continue;
        fprintf(fp, "panel %zu,%zu:", k / f->cols + 1, k % f->cols + 1);
        const char *what[3] = {p->axes.title, p->axes.xlabel, p->axes.ylabel};
        const char *tag[3] = {" title: ", " x: ", " y: "};
        for (size_t i = 0; i < 3; i++)
            if (what[i]) {
                fputs(tag[i], fp);
                put_escaped(fp, what[i]);
                fputc(';', fp);
            }
        for (size_t i = 0; i < p->n_layers; i++) {
            const po_layer *l = &p->layers[i];
            if (l->label) {
                fputs(" legend: ", fp);
                put_escaped(fp, l->label);
                fputc(';', fp);
            }
            if (l->text) {
                fputs(l->kind == PO_LAYER_TEXT ? " text: " : " colour bar: ", fp);
                put_escaped(fp, l->text);
                fputc(';', fp);
            }
        }
        fputc('\n', fp);
    }
    fputs("</desc>", fp);
}

static po_status write_bytes(FILE *fp, const char *path, void *ctx)
{
    const bytes *b = ctx;
    size_t head = 0;
    if (b->fig) { /* insert just after the root element's start tag */
        const char *root = strstr(b->data, "<svg");
        const char *end = root ? strchr(root, '>') : NULL;
        if (end) head = (size_t)(end - b->data) + 1;
    }
    if (fwrite(b->data, 1, head, fp) != head)
        return po_error(PO_EIO, "figure save: %s: write failed", path);
    if (head > 0) put_svg_description(fp, b->fig);
    if (fwrite(b->data + head, 1, b->len - head, fp) != b->len - head)
        return po_error(PO_EIO, "figure save: %s: write failed", path);
    return PO_OK;
}

po_status po_figure_save(po_figure *f, const char *path)
{
    if (!f || !path) return po_error(PO_EINVAL, "figure save: NULL figure or path");
    const char *dev = device_for(path);
    if (!dev)
        return po_error(PO_EINVAL, "figure save: %s: unknown extension, use .png, .svg or .pdf",
                        path);
    if (!po_plot_device_available(dev))
        return po_error(PO_EIO,
                        "figure save: %s: the PLplot driver %s is not installed "
                        "(Debian package plplot-driver-cairo)",
                        path, dev);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return po_error(PO_ENOMEM, "figure save: %s: cannot open a memory stream", path);
    char msg[PL_MSG_LEN];
    bool closed = false;
    po_status st = render_to(f, dev, mem, &closed, msg);
    if (!closed) fclose(mem);
    if (st == PO_EIO) {
        /* PLplot messages come with blank lines and banners: keep the text. */
        char *m = msg;
        while (*m == '\n' || *m == ' ' || *m == '*') m++;
        for (char *q = m; *q; q++)
            if (*q == '\n') *q = ' ';
        st = po_error(PO_EIO, "figure save: %s: PLplot failed: %s", path, m);
    } else if (st == PO_OK && (!buf || len == 0)) {
        st = po_error(PO_EIO, "figure save: %s: PLplot produced no output", path);
    }
    if (st == PO_OK) {
        bytes b = {buf, len, strcmp(dev, "svgcairo") == 0 ? f : NULL};
        st = po_atomic_write(path, write_bytes, &b);
    }
    free(buf);
    return st;
}
