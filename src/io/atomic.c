/* Atomic file replacement through a temporary file and rename() (see atomic.h). */
#include "io/atomic.h"

#include "partobs/npy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Not mkstemp(): it creates files with mode 0600, so every output would be
 * unreadable to group and others. open(O_CREAT | O_EXCL) with mode 0666
 * applies the user's umask like any ordinary file creation (and np.save),
 * and O_EXCL still guarantees we never reuse or clobber an existing file. */
static int create_temp(const char *path, char *tmp, size_t cap)
{
    static _Thread_local unsigned counter;
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    for (int attempt = 0; attempt < 1000; attempt++) {
        snprintf(tmp, cap, "%.*s.%s" PO_TEMP_TAG "%ld.%u", dir_len, path, path + dir_len,
                 (long)getpid(), counter++);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    errno = EEXIST;
    return -1;
}

po_status po_atomic_write(const char *path, po_atomic_fill_fn fill, void *ctx)
{
    size_t cap = strlen(path) + sizeof PO_TEMP_TAG + 48;
    char *tmp = malloc(cap);
    if (!tmp) return po_error(PO_ENOMEM, "%s: cannot allocate a temporary file name", path);
    int fd = create_temp(path, tmp, cap);
    if (fd < 0) {
        po_status st = po_error(PO_EIO, "%s: cannot create a temporary file beside it: %s", path,
                                strerror(errno));
        free(tmp);
        return st;
    }
    FILE *f = fdopen(fd, "wb");
    po_status st = PO_OK;
    if (!f) {
        st = po_error(PO_EIO, "%s: cannot open a stream: %s", path, strerror(errno));
        close(fd);
    } else {
        st = fill(f, path, ctx);
        if (!st && (fflush(f) != 0 || ferror(f)))
            st = po_error(PO_EIO, "%s: write failed: %s", path, strerror(errno));
        if (fclose(f) != 0 && !st)
            st = po_error(PO_EIO, "%s: write failed on close: %s", path, strerror(errno));
    }
    if (!st && rename(tmp, path) != 0)
        st = po_error(PO_EIO, "%s: cannot move the finished file into place: %s", path,
                      strerror(errno));
    if (st) unlink(tmp);
    free(tmp);
    return st;
}
