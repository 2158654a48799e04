/* Command-line options of every driver. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/run_internal.h"

/* ---- strict option values: every program's numbers go through these ---------- */

int pel_opt_int(const char *prog, const char *opt, const char *arg, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    /* the whole argument, decimal digits with an optional sign: no blanks */
    int ok = arg && (isdigit((unsigned char)arg[0]) || ((arg[0] == '-' || arg[0] == '+') && isdigit((unsigned char)arg[1])));
    long v = ok ? strtol(arg, &end, 10) : 0;
    if (!ok || *end || errno == ERANGE || v < lo || v > hi) {
        fprintf(stderr, "%s: error: %s %s: expected an integer from %ld to %ld\n", prog, opt, arg ? arg : "", lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int pel_decimal_real(const char *p, size_t len)
{
    const char *end = p + len;
    size_t digits = 0;
    if (p < end && *p == '-') p++;
    for (; p < end && isdigit((unsigned char)*p); p++) digits++;
    if (p < end && *p == '.')
        for (p++; p < end && isdigit((unsigned char)*p); p++) digits++;
    if (!digits) return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p == end || !isdigit((unsigned char)*p)) return 0;
        while (p < end && isdigit((unsigned char)*p)) p++;
    }
    return p == end;
}

int pel_opt_threads(const char *prog, pel_context *ctx, long threads)
{
    if (threads > 0) return pel_context_set_threads(ctx, (int)threads) ? PEL_EXIT_RUN : -1;
    int n = pel_context_threads(ctx);
    if (n <= PEL_OPT_MAX_THREADS) return -1;
    fprintf(stderr, "%s: error: OMP_NUM_THREADS gives %d threads, more than %d: give fewer, or --threads N\n", prog, n,
            PEL_OPT_MAX_THREADS);
    return PEL_EXIT_USAGE;
}

int pel_opt_real(const char *prog, const char *opt, const char *arg, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    int ok = arg && pel_decimal_real(arg, strlen(arg));
    double v = ok ? strtod(arg, &end) : 0.0;
    if (!ok || *end || errno == ERANGE || !isfinite(v) || !(v >= lo && v <= hi)) {
        if (isinf(hi)) fprintf(stderr, "%s: error: %s %s: expected a finite number >= %g\n", prog, opt, arg ? arg : "", lo);
        else fprintf(stderr, "%s: error: %s %s: expected a number from %g to %g\n", prog, opt, arg ? arg : "", lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int pel_opt_missing(const char *prog, int c, char **argv)
{
    if (c == ':') fprintf(stderr, "%s: error: option %s needs a value (try --help)\n", prog, argv[optind - 1]);
    else fprintf(stderr, "%s: error: unknown option %s (try --help)\n", prog, argv[optind - 1]);
    return PEL_EXIT_USAGE;
}

int pel_opt_extra(const char *prog, int argc, char **argv)
{
    if (optind >= argc) return -1;
    fprintf(stderr, "%s: error: unexpected argument '%s' (try --help)\n", prog, argv[optind]);
    return PEL_EXIT_USAGE;
}

/* 1 when stat found both and they are one file */
static int same_inode(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* 1 when paths a and b name one file: the same file when both exist, else
 * the same last component in the same (existing) directory. */
static int same_file(const char *a, const char *b)
{
    if (!*a || !*b) return 0;
    if (same_inode(a, b)) return 1;
    const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
    ba = ba ? ba + 1 : a;
    bb = bb ? bb + 1 : b;
    if (!*ba || strcmp(ba, bb) != 0 || strcmp(ba, ".") == 0 || strcmp(ba, "..") == 0) return 0;
    /* the directories: "." without a '/', "/" for a file at the root */
    char *da = strdup(a), *db = strdup(b);
    int same = 0;
    if (da && db) {
        da[ba - a] = db[bb - b] = '\0';
        same = same_inode(*da ? da : ".", *db ? db : ".");
    }
    free(da);
    free(db);
    return same;
}

int pel_opt_distinct(const char *prog, int n, const char *const *what, const char *const *path,
                     const unsigned *may_equal)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++) {
            if (!path[i] || !path[j] || (may_equal[i] >> j & 1u) || !same_file(path[i], path[j])) continue;
            fprintf(stderr, "%s: error: %s and %s name the same file '%s'\n", prog, what[j], what[i], path[i]);
            return 0;
        }
    return 1;
}

int pel_opt_once(const char *prog, const char *opt, const char **field, const char *arg)
{
    if (*field) {
        fprintf(stderr, "%s: error: %s is given twice ('%s', then '%s'): give one\n", prog, opt, *field, arg);
        return 0;
    }
    *field = arg;
    return 1;
}

int pel_opt_stdout(const char *prog, int code)
{
    int err = fflush(stdout) ? errno : 0;
    if (!err && !ferror(stdout)) return code;
    fprintf(stderr, "%s: error: cannot write the standard output: %s\n", prog,
            err ? strerror(err) : "an earlier write failed");
    return code == PEL_EXIT_OK ? PEL_EXIT_RUN : code;
}

void pel_run_usage(const pel_driver *d, FILE *out)
{
    fprintf(out,
            "Usage: %s [OPTION]...\n%s\n\n"
            "Options:\n"
            "  -c, --config FILE      read settings from an INI file (over the built-in defaults)\n"
            "  -s, --set S.K=VALUE    override one setting, e.g. --set run.steps=100 (repeatable)\n"
            "  -t, --threads N        OpenMP threads, same as --set run.threads=N (0: OMP_NUM_THREADS\n"
            "                         or all cores)\n"
            "  -r, --report FILE      write the JSON run report to FILE\n",
            d->name, d->purpose);
    if (pel_run_has_checkpoints(d)) /* the options only a run that checkpoints has */
        fprintf(out,
            "      --restart FILE     resume from a checkpoint written by this program; 'latest':\n"
            "                         the newest of run.checkpoint_file's that restarts\n"
            "      --walltime T       stop before T ([[HH:]MM:]SS) after a checkpoint (exit 4)\n");
    fprintf(out,
            "      --save FILE        write the final state to FILE (a checkpoint, usable as a baseline)\n"
            "      --baseline FILE    compare the final state with FILE (written by --save)\n"
            "      --baseline-tol R   accept relative differences up to R (default 0: bitwise)\n"
            "      --baseline-record DIR   write the final state, its fingerprints and the\n"
            "                         run's output files (history) into DIR (created if missing)\n"
            "      --baseline-compare DIR  compare the final state and the output files with\n"
            "                         DIR's, bitwise or within --baseline-tol; the worst\n"
            "                         differences (field, location, values, ULPs) are listed\n"
            "      --progress         show the progress line also when stderr is no terminal\n"
            "      --print-config     print the effective configuration and exit\n"
            "  -q, --quiet            print only errors\n"
            "  -h, --help             print this help and exit\n"
            "  -V, --version          print the version and exit\n\n"
            "Exit status: 0 all verifications passed; 1 a verification failed;\n"
            "2 bad usage, configuration or input file; 3 the run failed (an output\n"
            "that cannot be written is found before the first step); %s",
            pel_run_has_checkpoints(d)
                ? "4 stopped before\n--walltime; 128+N stopped by signal N (SIGINT 130, SIGTERM 143) at a step\n"
                  "boundary. A run that checkpoints writes one where it stops; no report then.\n"
                : "128+N stopped\nby signal N (SIGINT 130, SIGTERM 143) at a step boundary; no report then.\n");
}

/* [[HH:]MM:]SS, each part decimal digits, MM and SS below 60 after the first
 * part; 1 when valid and positive. */
static int parse_walltime(const char *s, double *out)
{
    long part[3];
    int n = 0;
    const char *p = s;
    while (n < 3) {
        if (*p < '0' || *p > '9') return 0;
        long v = 0;
        int digits = 0;
        for (; *p >= '0' && *p <= '9'; p++, digits++) {
            if (digits >= 9) return 0;
            v = v * 10 + (*p - '0');
        }
        part[n++] = v;
        if (*p == 0) break;
        if (*p++ != ':') return 0;
        if (n == 3) return 0;
    }
    double t = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && part[i] >= 60) return 0;
        t = t * 60 + (double)part[i];
    }
    *out = t;
    return t > 0;
}

/* Returns -1 to continue, otherwise an exit status. */
int pel_run_parse_options(const pel_driver *d, int argc, char **argv, options *o)
{
    enum { OPT_RESTART = 256, OPT_SAVE, OPT_BASELINE, OPT_BASELINE_TOL, OPT_PRINT, OPT_WALLTIME, OPT_RECORD,
           OPT_COMPARE, OPT_PROGRESS };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},   {"set", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},  {"report", required_argument, NULL, 'r'},
        {"restart", required_argument, NULL, OPT_RESTART},
        {"save", required_argument, NULL, OPT_SAVE},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"baseline-tol", required_argument, NULL, OPT_BASELINE_TOL},
        {"print-config", no_argument, NULL, OPT_PRINT},
        {"walltime", required_argument, NULL, OPT_WALLTIME},
        {"baseline-record", required_argument, NULL, OPT_RECORD},
        {"baseline-compare", required_argument, NULL, OPT_COMPARE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},        {NULL, 0, NULL, 0}};
#define ONCE(opt, field)                                                                                           \
    if (!pel_opt_once(d->name, opt, &o->field, optarg)) return PEL_EXIT_USAGE;                                     \
    break
    memset(o, 0, sizeof *o);
    o->threads = -1;
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    if (!o->sets) return PEL_EXIT_RUN;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":c:s:t:r:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (o->config) {
                fprintf(stderr, "%s: error: --config is given twice ('%s', then '%s'): give one file, add settings with --set\n", d->name, o->config, optarg);
                return PEL_EXIT_USAGE;
            }
            o->config = optarg;
            break;
        case 's': o->sets[o->nsets++] = optarg; break;
        case 't': {
            long v;
            /* run.threads's range: 0 is OMP_NUM_THREADS or all cores */
            if (!pel_opt_int(d->name, "--threads", optarg, 0, PEL_OPT_MAX_THREADS, &v)) return PEL_EXIT_USAGE;
            o->threads = (int)v;
            break;
        }
        case 'r': ONCE("--report", report);
        case OPT_RESTART: ONCE("--restart", restart);
        case OPT_SAVE: ONCE("--save", save);
        case OPT_BASELINE: ONCE("--baseline", baseline);
        case OPT_BASELINE_TOL:
            if (!pel_opt_real(d->name, "--baseline-tol", optarg, 0.0, HUGE_VAL, &o->baseline_tol)) return PEL_EXIT_USAGE;
            break;
        case OPT_PRINT: o->print_config = 1; break;
        case OPT_RECORD: ONCE("--baseline-record", record);
        case OPT_COMPARE: ONCE("--baseline-compare", compare);
        case OPT_PROGRESS: o->progress = 1; break;
        case OPT_WALLTIME:
            if (!parse_walltime(optarg, &o->walltime)) {
                fprintf(stderr, "%s: error: --walltime %s: expected [[HH:]MM:]SS, more than 0 s\n", d->name, optarg);
                return PEL_EXIT_USAGE;
            }
            break;
        case 'q': o->quiet = 1; break;
        case 'h': o->help = 1; break;
        case 'V': o->version = 1; break;
        default: return pel_opt_missing(d->name, c, argv);
        }
    }
#undef ONCE
    /* what needs checkpoints, refused by a program without them */
    if (!pel_run_has_checkpoints(d) && (o->restart || o->walltime > 0)) {
        fprintf(stderr, "%s: error: %s: %s writes no checkpoints, so it has none to %s\n", d->name,
                o->restart ? "--restart" : "--walltime", d->name,
                o->restart ? "restart from" : "stop at and resume from");
        return PEL_EXIT_USAGE;
    }
    if (o->baseline && o->compare) {
        fprintf(stderr, "%s: error: --baseline and --baseline-compare: give one of them\n", d->name);
        return PEL_EXIT_USAGE;
    }
    /* by name, or one directory by another name (./DIR, DIR/, a link) */
    if (o->record && o->compare && (strcmp(o->record, o->compare) == 0 || same_inode(o->record, o->compare))) {
        fprintf(stderr, "%s: error: --baseline-record and --baseline-compare name the same directory '%s'\n",
                d->name, o->record);
        return PEL_EXIT_USAGE;
    }
    for (int k = 0; k < 2; k++) {
        const char *dir = k ? o->compare : o->record;
        if (dir && strlen(dir) > PEL_RUN_PATH_MAX - 64) {
            fprintf(stderr, "%s: error: --baseline-%s: a directory name of %zu characters is too long (at most %d)\n",
                    d->name, k ? "compare" : "record", strlen(dir), PEL_RUN_PATH_MAX - 64);
            return PEL_EXIT_USAGE;
        }
    }
    if ((o->record && !*o->record) || (o->compare && !*o->compare)) {
        fprintf(stderr, "%s: error: --baseline-%s: an empty directory name\n", d->name,
                o->record && !*o->record ? "record" : "compare");
        return PEL_EXIT_USAGE;
    }
    return pel_opt_extra(d->name, argc, argv);
}
