/* partobs sweep: cells across the ranks of an Open MPI job (issue 13 item 1;
 * docs/scaling.md "Sweeps on many machines").
 *
 * Only `partobs sweep`, and only when launched by mpirun with more than one
 * rank (sweep_mpi_size() > 1), calls MPI_Init, and only in partobs-mpi (the
 * tool built with MPI, CMakeLists.txt): partobs itself does not link MPI and
 * re-executes as partobs-mpi. Every other command, and `partobs sweep` run
 * directly, never touches MPI. Rank 0 hands out cell indices one at a time
 * to the workers that ask for one (dynamic: a fast worker takes more cells),
 * receives each row, writes it (sweep_out.h) and at the end writes the
 * results; ranks 1 .. K-1 compute. A cell's row depends only on the grid and
 * its index, so the results are the same bytes for any K. */
#ifndef PARTOBS_CLI_SWEEP_MPI_H
#define PARTOBS_CLI_SWEEP_MPI_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep_grid.h"

/* The job's size when this process was started by Open MPI's mpirun
 * (OMPI_COMM_WORLD_SIZE), else 0. */
int sweep_mpi_size(void);

/* True in partobs-mpi, the build with MPI (cmake -DPO_MPI=ON). */
bool sweep_mpi_built(void);

/* partobs-mpi: MPI_Init; *rank: this process's rank. partobs: re-execute
 * argv as the partobs-mpi in the same directory (the same process, so
 * mpirun's environment stays). False if that failed. */
bool sweep_mpi_start(char **argv, int *rank);
void sweep_mpi_stop(void);

/* Rank 0: receives a computed row (owned by the callee); 0 or an exit status
 * (then no more cells are handed out). */
typedef int (*sweep_store_fn)(void *ctx, size_t k, char *row);

/* Rank 0: hand out the cells todo[0 .. n-1] to the workers until all rows
 * are stored, then stop every worker (also when n = 0 or a store fails, so
 * that no worker waits forever). 0 or the first store's exit status. */
int sweep_mpi_dispatch(const size_t *todo, size_t n, sweep_store_fn store, void *ctx);

/* Ranks > 0: compute the cells rank 0 hands out until it says stop. */
int sweep_mpi_work(const sweep_grid *g, size_t threads);

#endif
