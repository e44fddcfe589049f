/* partobs fit: helpers shared by the method files (fit_methods.h). */
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

int fit_require_tanh(cli_run *run, const char *method, const char *phi)
{
    po_phi p;
    if (!phi) return CLI_PROCEED;
    if (po_phi_from_name(phi, &p) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    if (p != PO_PHI_TANH)
        return cli_usage(run, "--method %s fits a tanh network: --phi must be tanh, got '%s'",
                         method, phi);
    return CLI_PROCEED;
}

int fit_parse_window(cli_run *run, const char *s, size_t *t0, size_t *t1)
{
    const char *colon = strchr(s, ':');
    char first[32];
    size_t len = colon ? (size_t)(colon - s) : 0;
    if (!colon || len == 0 || len >= sizeof first)
        return cli_usage(run, "--window expects T0:T1 or T0: (rows), got '%s'", s);
    memcpy(first, s, len);
    first[len] = '\0';
    if (!cli_parse_size(first, t0))
        return cli_usage(run, "--window expects T0:T1 or T0: (rows), got '%s'", s);
    *t1 = 0;
    if (colon[1] != '\0') {
        if (!cli_parse_size(colon + 1, t1))
            return cli_usage(run, "--window expects T0:T1 or T0: (rows), got '%s'", s);
        if (*t1 < *t0 + 2)
            return cli_usage(run,
                             "--window %s: the window must hold at least 2 rows (T1 >= T0 + 2)", s);
    }
    return CLI_PROCEED;
}

int fit_parse(cli_run *run, const cli_spec *spec, int argc, char **argv, const char **y_path)
{
    size_t npos = 0;
    return cli_parse(run, spec, argc, argv, y_path, &npos);
}

int fit_read_y(cli_run *run, const char *path, const cli_recording *rec, po_mat **Y)
{
    int rc = cli_read_recording(run, path, rec, Y, NULL);
    if (rc == CLI_EXIT_OK && (*Y)->rows < 2) {
        rc = cli_fail(run, "%s: need at least T = 2 time steps (rows) to fit, got T = %zu", path,
                      (*Y)->rows);
        po_mat_free(*Y);
        *Y = NULL;
    }
    return rc;
}

int fit_read_init(cli_run *run, const char *path, po_mat **W0)
{
    *W0 = NULL;
    return path ? cli_read_mat(run, path, W0) : CLI_EXIT_OK;
}

cJSON *fit_manifest(cli_run *run, const cli_spec *spec, const char *y_path, cJSON **fit_info)
{
    cJSON *m = cli_manifest_new(run);
    cli_manifest_add_opts(m, spec, y_path);
    *fit_info = m ? cJSON_AddObjectToObject(m, "fit_info") : NULL;
    return m;
}

int fit_finish(cli_run *run, const char *output, const po_mat *W_hat, const char *extra_path,
               const po_mat *extra, cJSON *manifest)
{
    int rc = cli_write_mat(run, output, W_hat);
    if (rc == CLI_EXIT_OK && extra_path) rc = cli_write_mat(run, extra_path, extra);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(manifest);
        return rc;
    }
    return cli_manifest_beside(run, manifest, output);
}
