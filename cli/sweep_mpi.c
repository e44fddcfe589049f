/* partobs sweep: the Open MPI distribution of the cells (sweep_mpi.h). */
#include "sweep_mpi.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_cell.h"

int sweep_mpi_size(void)
{
    const char *s = getenv("OMPI_COMM_WORLD_SIZE");
    return s ? atoi(s) : 0;
}

#ifdef PO_HAVE_MPI
#include <mpi.h>

/* A worker's message: its last row ("<k>\n<row>"), or nothing on the first
 * request. Rank 0's answer: the next cell index, or STOP. */
enum { TAG_ROW = 1, TAG_CELL = 2 };
static const unsigned long long STOP = ~0ULL;

bool sweep_mpi_built(void) { return true; }

bool sweep_mpi_start(char **argv, int *rank)
{
    (void)argv;
    int provided = 0;
    /* Only the main thread calls MPI; the library's threads never do. */
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return false;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    return true;
}

void sweep_mpi_stop(void) { MPI_Finalize(); }

int sweep_mpi_dispatch(const size_t *todo, size_t n, sweep_store_fn store, void *ctx)
{
    int size = 1, rc = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    size_t next = 0;
    int workers = size - 1;
    char *msg = NULL;
    while (workers > 0) {
        MPI_Status status;
        int count = 0;
        MPI_Probe(MPI_ANY_SOURCE, TAG_ROW, MPI_COMM_WORLD, &status);
        MPI_Get_count(&status, MPI_CHAR, &count);
        msg = malloc((size_t)count + 1);
        if (!msg) MPI_Abort(MPI_COMM_WORLD, 1); /* the message cannot be taken off the wire */
        MPI_Recv(msg, count, MPI_CHAR, status.MPI_SOURCE, TAG_ROW, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        msg[count] = '\0';
        if (count > 0) {
            char *row = strchr(msg, '\n');
            size_t k = (size_t)strtoull(msg, NULL, 10);
            if (rc == 0 && row) {
                char *copy = strdup(row + 1);
                rc = copy ? store(ctx, k, copy) : 1;
            }
        }
        free(msg);
        unsigned long long cell = STOP;
        if (rc == 0 && next < n) cell = todo[next++];
        MPI_Send(&cell, 1, MPI_UNSIGNED_LONG_LONG, status.MPI_SOURCE, TAG_CELL, MPI_COMM_WORLD);
        if (cell == STOP) workers--;
    }
    return rc;
}

int sweep_mpi_work(const sweep_grid *g, size_t threads)
{
    char *msg = NULL;
    size_t len = 0;
    for (;;) {
        MPI_Send(msg ? msg : "", (int)len, MPI_CHAR, 0, TAG_ROW, MPI_COMM_WORLD);
        free(msg);
        msg = NULL;
        len = 0;
        unsigned long long cell = STOP;
        MPI_Recv(&cell, 1, MPI_UNSIGNED_LONG_LONG, 0, TAG_CELL, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        if (cell == STOP) return 0;
        sweep_cell c;
        sweep_grid_cell(g, (size_t)cell, &c);
        char *row = sweep_cell_run(g, &c, threads);
        size_t n = row ? strlen(row) + 32 : 0;
        msg = row ? malloc(n) : NULL;
        if (!msg) MPI_Abort(MPI_COMM_WORLD, 1); /* rank 0 would wait for this row forever */
        len = (size_t)snprintf(msg, n, "%llu\n%s", cell, row);
        free(row);
    }
}

#else /* partobs: under mpirun it becomes partobs-mpi (sweep_mpi_start) */
#include <unistd.h>

#include "cli_output.h"

bool sweep_mpi_built(void) { return false; }

bool sweep_mpi_start(char **argv, int *rank)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return false;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash) *slash = '\0';
    char *path = cli_path_join(self, "partobs-mpi");
    if (path) execv(path, argv);
    free(path);
    *rank = 0;
    return false;
}

/* Not reached: sweep_mpi_start never succeeds here. */
void sweep_mpi_stop(void) {}
int sweep_mpi_dispatch(const size_t *todo, size_t n, sweep_store_fn store, void *ctx)
{
    (void)todo, (void)n, (void)store, (void)ctx;
    return 1;
}
int sweep_mpi_work(const sweep_grid *g, size_t threads)
{
    (void)g, (void)threads;
    return 1;
}
#endif
