// Open MPI's handles (MPI_COMM_WORLD, MPI_BYTE, …) are macros over addresses of
// global objects, which Swift cannot import: these functions return them.
#ifndef REVERIE_MPI_SHIM_H
#define REVERIE_MPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm rv_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype rv_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype rv_mpi_int(void) { return MPI_INT; }
static inline MPI_Datatype rv_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype rv_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Op rv_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op rv_mpi_max(void) { return MPI_MAX; }
static inline MPI_Errhandler rv_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int rv_mpi_success(void) { return MPI_SUCCESS; }
#endif
