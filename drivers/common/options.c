/* Command-line options of every driver. */
#include <config.h>

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/run_internal.h"

void pel_run_usage(const pel_driver *d, FILE *out)
{
    fprintf(out,
            "Usage: %s [OPTION]...\n%s\n\n"
            "Options:\n"
            "  -c, --config FILE      read settings from an INI file (over the built-in defaults)\n"
            "  -s, --set S.K=VALUE    override one setting, e.g. --set run.steps=100 (repeatable)\n"
            "  -t, --threads N        OpenMP threads (same as --set run.threads=N)\n"
            "  -r, --report FILE      write the JSON run report to FILE\n"
            "      --restart FILE     resume from a checkpoint written by this program\n"
            "      --save FILE        write the final state to FILE (a checkpoint, usable as a baseline)\n"
            "      --baseline FILE    compare the final state with FILE (written by --save)\n"
            "      --baseline-tol R   accept relative differences up to R (default 0: bitwise)\n"
            "      --print-config     print the effective configuration and exit\n"
            "  -q, --quiet            print only errors\n"
            "  -h, --help             print this help and exit\n"
            "  -V, --version          print the version and exit\n\n"
            "Exit status: 0 all verifications passed; 1 a verification failed;\n"
            "2 bad usage, configuration or input file; 3 the run failed.\n",
            d->name, d->purpose);
}

/* Returns -1 to continue, otherwise an exit status. */
int pel_run_parse_options(const pel_driver *d, int argc, char **argv, options *o)
{
    enum { OPT_RESTART = 256, OPT_SAVE, OPT_BASELINE, OPT_BASELINE_TOL, OPT_PRINT };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},   {"set", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},  {"report", required_argument, NULL, 'r'},
        {"restart", required_argument, NULL, OPT_RESTART},
        {"save", required_argument, NULL, OPT_SAVE},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"baseline-tol", required_argument, NULL, OPT_BASELINE_TOL},
        {"print-config", no_argument, NULL, OPT_PRINT},
        {"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->threads = -1;
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    if (!o->sets) return PEL_EXIT_RUN;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":c:s:t:r:qhV", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'c': /* one file: a second would silently replace the first */
            if (o->config) return fprintf(stderr, "%s: --config %s: --config is given twice (one file; add settings with --set)\n", d->name, optarg), PEL_EXIT_USAGE;
            o->config = optarg; break;
        case 's': o->sets[o->nsets++] = optarg; break;
        case 't': {
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 4096) {
                fprintf(stderr, "%s: --threads %s: expected an integer from 1 to 4096\n", d->name, optarg);
                return PEL_EXIT_USAGE;
            }
            o->threads = (int)v;
            break;
        }
        case 'r': o->report = optarg; break;
        case OPT_RESTART: o->restart = optarg; break;
        case OPT_SAVE: o->save = optarg; break;
        case OPT_BASELINE: o->baseline = optarg; break;
        case OPT_BASELINE_TOL:
            o->baseline_tol = strtod(optarg, &end);
            if (end == optarg || *end || !(o->baseline_tol >= 0) || !isfinite(o->baseline_tol)) {
                fprintf(stderr, "%s: --baseline-tol %s: expected a finite number >= 0\n", d->name, optarg);
                return PEL_EXIT_USAGE;
            }
            break;
        case OPT_PRINT: o->print_config = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': o->help = 1; break;
        case 'V': o->version = 1; break;
        case ':':
            fprintf(stderr, "%s: option %s needs a value (try --help)\n", d->name, argv[optind - 1]);
            return PEL_EXIT_USAGE;
        default:
            fprintf(stderr, "%s: unknown option %s (try --help)\n", d->name, argv[optind - 1]);
            return PEL_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '%s' (try --help)\n", d->name, argv[optind]);
        return PEL_EXIT_USAGE;
    }
    return -1;
}
