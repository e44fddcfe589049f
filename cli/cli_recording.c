/* partobs CLI: where a command's recording comes from (see cli_recording.h). */
#include "cli_recording.h"

#include <stdlib.h>
#include <string.h>

#include "cli_input.h"
#include "cli_output.h"

cli_recording cli_recording_defaults(void)
{
    return (cli_recording){.series = NULL, .units = false, .bins = {0.0, 0.0, 0.0}};
}

/* Usage errors of the options alone. */
static int check_options(cli_run *run, const char *path, const cli_recording *rec)
{
    const cli_nwb_bins *b = &rec->bins;
    if (!rec->units && (b->bin != 0 || b->t_start != 0 || b->t_end != 0))
        return cli_usage(run, "--bin, --t-start and --t-end apply to --units");
    if (!rec->units && !rec->series) return CLI_PROCEED;
    if (rec->units && rec->series)
        return cli_usage(run, "--series and --units exclude each other");
    if (cli_h5_dataset_colon(path))
        return cli_usage(run, "--%s reads a whole NWB file: give %.*s, not a dataset in it",
                         rec->units ? "units" : "series",
                         (int)(cli_h5_dataset_colon(path) - path), path);
    if (rec->units && !(b->bin > 0)) return cli_usage(run, "--units needs --bin SECONDS > 0");
    if (b->t_end != 0 && !(b->t_end > b->t_start))
        return cli_usage(run, "--t-end %g must be after --t-start %g", b->t_end, b->t_start);
    return CLI_PROCEED;
}

int cli_read_recording(cli_run *run, const char *path, const cli_recording *rec, po_mat **Y,
                       double *dt)
{
    *Y = NULL;
    if (dt) *dt = 0.0;
    int rc = check_options(run, path, rec);
    if (rc != CLI_PROCEED) return rc;
    if (!rec->units && !rec->series) return cli_read_mat(run, path, Y);
    cli_h5_err e;
    hid_t f = cli_h5_open(path, &e);
    if (f < 0) return cli_fail(run, "%s: %s", path, e.msg);
    double step = rec->bins.bin;
    char group[1024];
    int st = rec->units ? cli_nwb_units(f, &rec->bins, Y, &e)
                        : cli_nwb_series(f, rec->series, Y, &step, group, sizeof group, &e);
    H5Fclose(f);
    if (st != 0) return cli_fail(run, "%s: %s", path, e.msg);
    if (dt) *dt = step;
    return CLI_EXIT_OK;
}

int cli_read_h5_dataset(cli_run *run, const char *path, const char *colon, po_mat **out)
{
    *out = NULL;
    size_t len = (size_t)(colon - path);
    char *file = malloc(len + 1);
    if (!file) return cli_fail(run, "out of memory");
    memcpy(file, path, len);
    file[len] = '\0';
    cli_h5_err e;
    po_mat *m = NULL;
    hid_t f = cli_h5_open(file, &e);
    int st = f < 0 ? -1 : cli_h5_read(f, colon + 1, 2, &m, NULL, &e);
    if (f >= 0) H5Fclose(f);
    int rc = st == 0 ? CLI_EXIT_OK : cli_fail(run, "%s: %s", file, e.msg);
    free(file);
    if (rc == CLI_EXIT_OK && po_mat_check_finite(m, path) != PO_OK)
        rc = cli_fail_status(run, PO_ENONFINITE);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(m);
        return rc;
    }
    *out = m;
    return CLI_EXIT_OK;
}
