/* partobs command-line tool: subcommand table and dispatch.
 * Each subcommand lives in cmd_<name>.c and uses only the public header. */
#include <stdio.h>
#include <string.h>

#include "partobs/partobs.h"

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("partobs %s\n", po_version());
        return 0;
    }
    fprintf(stderr, "usage: partobs COMMAND [options]\n");
    return 2;
}
