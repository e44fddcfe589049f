/* Saving a figure (plot.h): device by extension, a fresh PLplot stream per
 * save, a temporary file beside the target renamed into place on success.
 *
 * PLplot reports trouble in three ways, and the library must neither print
 * nor exit (DESIGN.md §3): plabort (recoverable: captured per stream with
 * plsError, so nothing is printed), plexit (fatal: calls exit() after the
 * handler of plsexit unless that handler does not return, so ours jumps back
 * here), and prompts on stdin for an unknown device or an unopenable file
 * (avoided by checking the device list and creating the file first). */
#include <errno.h>
#include <plplot.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    if (!dot || (slash && dot < slash) || dot == path || (slash && dot == slash + 1)) return NULL;
    static const char *const map[][2] = {{".png", "pngcairo"}, {".svg", "svgcairo"},
                                         {".pdf", "pdfcairo"}, {".PNG", "pngcairo"},
                                         {".SVG", "svgcairo"}, {".PDF", "pdfcairo"}};
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcmp(dot, map[k][0]) == 0) return map[k][1];
    return NULL;
}

static bool device_available(const char *dev)
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
    static const unsigned char rgb[PO_COLOR_COUNT_][3] = {
        {0, 0, 0},       {214, 39, 40},   {31, 119, 180}, {44, 160, 44}, {255, 127, 14},
        {148, 103, 189}, {127, 127, 127}, {23, 190, 207}, {140, 86, 75}};
    plscmap0n(16);
    plscolbga(255, 255, 255, 1.0);
    for (int k = 0; k < PO_COLOR_COUNT_; k++) plscol0a(k + 1, rgb[k][0], rgb[k][1], rgb[k][2], 1.0);
    plscol0a(10, 127, 127, 127, 0.25);
    plscol0a(11, 160, 160, 160, 1.0);
}

/* Render f into tmp with device dev on a new stream. PLplot state only
 * (no allocation of ours) between setjmp and the end, so a fatal PLplot
 * error costs at most the stream. */
static po_status render_to(const po_figure *f, const char *dev, const char *tmp, char *msg)
{
    PLINT old = 0, strm = -1;
    static PLINT errcode;
    errcode = 0;
    msg[0] = '\0';
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
        plsfnam(tmp);
        plspage(0.0, 0.0, f->width, f->height, 0, 0);
        set_cmap0();
        plinit();
        if (errcode == 0) st = po_plot_render(f);
        plend1();
    } else {
        snprintf(msg, PL_MSG_LEN, "%s", plexit_msg);
        errcode = 1;
    }
    plsexit(NULL);
    plsstrm(old);
    if (st == PO_OK && errcode != 0) st = PO_EIO;
    return st;
}

po_status po_figure_save(po_figure *f, const char *path)
{
    if (!f || !path) return po_error(PO_EINVAL, "figure save: NULL figure or path");
    const char *dev = device_for(path);
    if (!dev)
        return po_error(PO_EINVAL, "figure save: %s: unknown extension, use .png, .svg or .pdf",
                        path);
    if (!device_available(dev))
        return po_error(PO_EIO, "figure save: %s: the PLplot driver %s is not installed "
                                "(Debian package plplot-driver-cairo)", path, dev);
    size_t len = strlen(path);
    char *tmp = malloc(len + 8);
    if (!tmp) return po_error(PO_ENOMEM, "figure save: %s: out of memory", path);
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".XXXXXX", 8);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return po_error(PO_EIO, "figure save: %s: cannot create a file there: %s", path,
                        strerror(e));
    }
    close(fd);
    char msg[PL_MSG_LEN];
    po_status st = render_to(f, dev, tmp, msg);
    if (st != PO_OK) {
        unlink(tmp);
        free(tmp);
        if (st == PO_EIO) {
            /* PLplot messages start with blank lines and banners: keep the text. */
            char *m = msg;
            while (*m == '\n' || *m == ' ' || *m == '*') m++;
            for (char *q = m; *q; q++)
                if (*q == '\n') *q = ' ';
            return po_error(PO_EIO, "figure save: %s: PLplot failed: %s", path, m);
        }
        return st;
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return po_error(PO_EIO, "figure save: %s: cannot rename the temporary file into place: %s",
                        path, strerror(e));
    }
    free(tmp);
    return PO_OK;
}
