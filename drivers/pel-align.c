/* pel-align: pairwise alignment from the command line (kernels/align).
 * Two sequences (a tiled wavefront, with the traceback), or queries against
 * a database FASTA (dynamically balanced tasks, striped SIMD), or against a
 * generated heavy-tailed database; scores, GCUPS and the task-scheduling
 * figures on stdout, the same in a JSON report.  main reads as its steps:
 * parse, prepare (inputs, outputs checked), run_pair or run_batch, finish
 * (figures, report); the comparison runs, --compare against parasail and
 * --schedules, are in common/align_compare.c. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/align_compare.h"
#include "common/driver.h"
#include "common/report.h"

#define PROG "pel-align"

static const char usage[] =
    "Usage: pel-align [options] SEQ_A SEQ_B\n"
    "       pel-align [options] --query FILE (--db FILE | --generate N)\n"
    "Aligns two sequences, or every query against every database sequence, and\n"
    "prints the scores, GCUPS and the task-scheduling figures.\n"
    "  --query FILE, --db FILE   FASTA inputs\n"
    "  --generate N              a database of N sequences with Pareto lengths\n"
    "      --seed S (1) --min-len L (30) --max-len L (20000) --alpha A (1.2)\n"
    "      --write-db FILE       also write it as FASTA\n"
    "  --matrix NAME             blosum45, blosum50, blosum62 (default) or dna\n"
    "  --match M --mismatch X    dna scores (1, -1)\n"
    "  --gap-open O --gap-extend E   a gap of k costs O + (k-1) E (10, 1)\n"
    "  --mode local|global       (local)\n"
    "  --threads N\n"
    "  --traceback               CIGAR and the aligned pair of each alignment\n"
    "  --schedule dynamic|static (dynamic), --grain CELLS (1048576)\n"
    "  --tile T                  wavefront tile edge (256)\n"
    "  --width 0|8|16|32         first SIMD lane width (0: 8, then wider)\n"
    "  --scalar                  no SIMD\n"
    "  --widest                  AVX-512 for every query (default: from 1024 residues)\n"
    "  --reps R                  repeat the batch R times, report the median\n"
    "  --quiet                   no per-pair lines\n"
    "  --report FILE             JSON report\n"
    "  --compare                 also time parasail's sw_striped_profile_16 (nw_ for\n"
    "                            --mode global; libparasail, loaded at run time) on the\n"
    "                            same pairs, interleaved\n"
    "  --schedules               run the batch under the static split and the dynamic\n"
    "                            tasks alternately (--reps each): wall time, busy time\n"
    "                            per thread and imbalance of both\n"
    "Exit status: 0 done; 2 bad usage or input; 3 the run or an output failed;\n"
    "128+N stopped by signal N (SIGINT 130, SIGTERM 143; within a tile or a pair),\n"
    "without a report.\n";

typedef struct opts {
    pel_align_params p;
    const char *query, *db, *report, *write_db;
    long generate, seed, min_len, max_len, threads, reps;
    double alpha;
    int traceback, quiet, compare, schedules;
    char *seqs[2];
} opts;

static int parse(int argc, char **argv, opts *o)
{
    enum { O_QUERY = 256, O_DB, O_GEN, O_SEED, O_MINL, O_MAXL, O_ALPHA, O_WDB, O_MATRIX, O_MATCH,
           O_MISM, O_GO, O_GE, O_MODE, O_THREADS, O_TB, O_SCHED, O_GRAIN, O_TILE, O_WIDTH,
           O_SCALAR, O_WIDEST, O_REPS, O_QUIET, O_REPORT, O_COMPARE, O_SCHEDS, O_HELP, O_VERSION };
    static const struct option lo[] = {
        {"query", 1, NULL, O_QUERY},       {"db", 1, NULL, O_DB},
        {"generate", 1, NULL, O_GEN},      {"seed", 1, NULL, O_SEED},
        {"min-len", 1, NULL, O_MINL},      {"max-len", 1, NULL, O_MAXL},
        {"alpha", 1, NULL, O_ALPHA},       {"write-db", 1, NULL, O_WDB},
        {"matrix", 1, NULL, O_MATRIX},     {"match", 1, NULL, O_MATCH},
        {"mismatch", 1, NULL, O_MISM},     {"gap-open", 1, NULL, O_GO},
        {"gap-extend", 1, NULL, O_GE},     {"mode", 1, NULL, O_MODE},
        {"threads", 1, NULL, O_THREADS},   {"traceback", 0, NULL, O_TB},
        {"schedule", 1, NULL, O_SCHED},    {"grain", 1, NULL, O_GRAIN},
        {"tile", 1, NULL, O_TILE},         {"width", 1, NULL, O_WIDTH},
        {"scalar", 0, NULL, O_SCALAR},     {"widest", 0, NULL, O_WIDEST},
        {"reps", 1, NULL, O_REPS},
        {"quiet", 0, NULL, O_QUIET},       {"report", 1, NULL, O_REPORT},
        {"compare", 0, NULL, O_COMPARE},   {"schedules", 0, NULL, O_SCHEDS},
        {"help", 0, NULL, O_HELP},         {"version", 0, NULL, O_VERSION},
        {NULL, 0, NULL, 0}};
    int c;
    long v;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        const char *name = "";
        for (int k = 0; lo[k].name; k++)
            if (lo[k].val == c) name = lo[k].name;
        char opt[32];
        snprintf(opt, sizeof opt, "--%s", name);
#define INT(lo_, hi_, dst)                                                                    \
    do {                                                                                      \
        if (!pel_opt_int(PROG, opt, optarg, (lo_), (hi_), &v)) return PEL_EXIT_USAGE;         \
        dst = v;                                                                              \
    } while (0)
        switch (c) {
        case O_QUERY:
            if (!pel_opt_once(PROG, "--query", &o->query, optarg)) return PEL_EXIT_USAGE;
            break;
        case O_DB:
            if (!pel_opt_once(PROG, "--db", &o->db, optarg)) return PEL_EXIT_USAGE;
            break;
        case O_GEN: INT(1, 10000000, o->generate); break;
        case O_SEED: INT(0, 4294967295L, o->seed); break;
        case O_MINL: INT(1, 10000000, o->min_len); break;
        case O_MAXL: INT(1, 10000000, o->max_len); break;
        case O_ALPHA:
            if (!pel_opt_real(PROG, opt, optarg, 0.01, 100, &o->alpha)) return PEL_EXIT_USAGE;
            break;
        case O_WDB:
            if (!pel_opt_once(PROG, "--write-db", &o->write_db, optarg)) return PEL_EXIT_USAGE;
            break;
        case O_MATRIX: o->p.matrix = optarg; break;
        case O_MATCH: INT(1, 100, o->p.match); break;
        case O_MISM: INT(-100, 0, o->p.mismatch); break;
        case O_GO: INT(1, 1000, o->p.gap_open); break;
        case O_GE: INT(1, 1000, o->p.gap_extend); break;
        case O_MODE:
            if (strcmp(optarg, "local") == 0) o->p.mode = PEL_ALIGN_LOCAL;
            else if (strcmp(optarg, "global") == 0) o->p.mode = PEL_ALIGN_GLOBAL;
            else {
                fprintf(stderr, PROG ": error: --mode %.40s: expected local or global\n", optarg);
                return PEL_EXIT_USAGE;
            }
            break;
        case O_THREADS: INT(1, PEL_ALIGN_MAX_THREADS, o->threads); break;
        case O_TB: o->traceback = 1; break;
        case O_SCHED:
            if (strcmp(optarg, "dynamic") == 0) o->p.schedule = PEL_ALIGN_DYNAMIC;
            else if (strcmp(optarg, "static") == 0) o->p.schedule = PEL_ALIGN_STATIC;
            else {
                fprintf(stderr, PROG ": error: --schedule %.40s: expected dynamic or static\n", optarg);
                return PEL_EXIT_USAGE;
            }
            break;
        case O_GRAIN: INT(1, 1L << 40, o->p.grain); break;
        case O_TILE: INT(8, 4096, o->p.tile); break;
        case O_WIDTH:
            INT(0, 32, o->p.width);
            if (v != 0 && v != 8 && v != 16 && v != 32) {
                fprintf(stderr, PROG ": error: --width %s: expected 0, 8, 16 or 32\n", optarg);
                return PEL_EXIT_USAGE;
            }
            break;
        case O_SCALAR: o->p.simd = 0; break;
        case O_WIDEST: o->p.simd = 2; break;
        case O_REPS: INT(1, 1000, o->reps); break;
        case O_QUIET: o->quiet = 1; break;
        case O_REPORT:
            if (!pel_opt_once(PROG, "--report", &o->report, optarg)) return PEL_EXIT_USAGE;
            break;
        case O_COMPARE: o->compare = 1; break;
        case O_SCHEDS: o->schedules = 1; break;
        case O_HELP: fputs(usage, stdout); return PEL_EXIT_OK;
        case O_VERSION: printf(PROG " (PEL) %s\n", pel_version()); return PEL_EXIT_OK;
        default: return pel_opt_missing(PROG, c, argv);
        }
    }
    int nops = argc - optind;
    int batch = o->query || o->db || o->generate;
    if (!batch && (o->schedules || o->compare)) {
        fprintf(stderr, PROG ": error: %s needs a batch (--query with --db or --generate)\n",
                o->schedules ? "--schedules" : "--compare");
        return PEL_EXIT_USAGE;
    }
    if (!batch && nops == 2) {
        o->seqs[0] = argv[optind];
        o->seqs[1] = argv[optind + 1];
        return -1;
    }
    if (batch && nops == 0) {
        if (!o->query || (!o->db && !o->generate) || (o->db && o->generate)) {
            fprintf(stderr, PROG ": error: a batch needs --query and one of --db or --generate\n");
            return PEL_EXIT_USAGE;
        }
        if (o->compare && o->schedules) {
            fprintf(stderr, PROG ": error: --compare and --schedules are separate runs: give one\n");
            return PEL_EXIT_USAGE;
        }
        if (o->min_len > o->max_len) {
            fprintf(stderr, PROG ": error: --min-len %ld exceeds --max-len %ld\n", o->min_len, o->max_len);
            return PEL_EXIT_USAGE;
        }
        return -1;
    }
    if (batch) return pel_opt_extra(PROG, argc, argv);
    fprintf(stderr, PROG ": error: give two sequences, or --query with --db or --generate (--help)\n");
    return PEL_EXIT_USAGE;
}

/* a name fit for one output field: control bytes as '?' */
static void put_name(FILE *f, const char *s)
{
    for (; *s; s++) fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static int write_fasta(pel_context *ctx, const char *path, const pel_seqset *s)
{
    pel_afile *a = NULL;
    if (pel_afile_open(ctx, path, &a)) return 0;
    FILE *f = pel_afile_stream(a);
    for (size_t i = 0; i < pel_seqset_count(s); i++) {
        fprintf(f, ">%s\n", pel_seqset_name(s, i));
        const char *r = pel_seqset_seq(s, i);
        for (size_t k = 0, n = pel_seqset_len(s, i); k < n; k += 60)
            fprintf(f, "%.*s\n", (int)(n - k < 60 ? n - k : 60), r + k);
    }
    return pel_afile_commit(ctx, a) == PEL_OK;
}

static int write_report(pel_context *ctx, const opts *o, const pel_align_stats *st, double gcups,
                        const long *scores, size_t nscores, const pel_schedules *ss, int argc,
                        char **argv)
{
    pel_afile *a = NULL;
    pel_json *w = NULL;
    if (pel_afile_open(ctx, o->report, &a)) return 0;
    if (pel_json_create(&w, pel_afile_stream(a))) {
        pel_afile_abort(a);
        return 0;
    }
    pel_json_object_begin(w);
    pel_report_head(w, PROG, "align=1", argc, argv);
    pel_json_kv_int(w, "threads", st->threads);
    pel_json_key(w, "config");
    pel_json_object_begin(w);
    pel_json_kv_string(w, "mode", o->p.mode == PEL_ALIGN_LOCAL ? "local" : "global");
    pel_json_kv_string(w, "matrix", o->p.matrix);
    pel_json_kv_int(w, "gap_open", o->p.gap_open);
    pel_json_kv_int(w, "gap_extend", o->p.gap_extend);
    pel_json_kv_string(w, "schedule", o->p.schedule == PEL_ALIGN_DYNAMIC ? "dynamic" : "static");
    pel_json_kv_int(w, "grain", (long long)o->p.grain);
    pel_json_kv_int(w, "tile", (long long)o->p.tile);
    pel_json_object_end(w);
    pel_json_key(w, "problems");
    pel_json_array_begin(w);
    pel_json_object_begin(w);
    pel_json_kv_string(w, "problem", o->seqs[0] ? "pair" : "batch");
    pel_json_kv_int(w, "cells", (long long)st->cells);
    pel_json_kv_number(w, "kernel_seconds", st->seconds);
    pel_json_key(w, "rates");
    pel_json_array_begin(w);
    pel_json_object_begin(w);
    pel_json_kv_string(w, "name", "cell updates");
    pel_json_kv_number(w, "value", gcups);
    pel_json_kv_string(w, "unit", "GCUPS");
    pel_json_object_end(w);
    pel_json_array_end(w);
    pel_json_key(w, "tasks");
    pel_json_object_begin(w);
    pel_json_kv_int(w, "created", (long long)st->tasks);
    pel_json_kv_number(w, "cells_per_task", st->tasks ? (double)st->cells / (double)st->tasks : 0);
    pel_json_kv_int(w, "largest_task_cells", (long long)st->task_cells_max);
    pel_json_key(w, "busy_seconds");
    pel_json_array_begin(w);
    for (int t = 0; t < st->threads; t++) pel_json_number(w, st->busy[t]);
    pel_json_array_end(w);
    pel_json_kv_number(w, "imbalance", pel_align_imbalance(st));
    pel_json_key(w, "cpu_seconds");
    pel_json_array_begin(w);
    for (int t = 0; t < st->threads; t++) pel_json_number(w, st->cpu[t]);
    pel_json_array_end(w);
    pel_json_kv_number(w, "imbalance_cpu", pel_align_imbalance_cpu(st));
    pel_json_object_end(w);
    pel_json_kv_string(w, "isa", st->isa);
    pel_json_kv_int(w, "first_width", st->width_first);
    pel_json_kv_int(w, "rescored_after_8", (long long)st->rescored8);
    pel_json_kv_int(w, "rescored_after_16", (long long)st->rescored16);
    if (ss) pel_schedules_json(w, ss);
    pel_json_key(w, "scores");
    pel_json_array_begin(w);
    for (size_t i = 0; i < nscores; i++) pel_json_int(w, scores[i]);
    pel_json_array_end(w);
    pel_json_object_end(w);
    pel_json_array_end(w);
    pel_json_kv_int(w, "exit_status", 0);
    pel_json_object_end(w);
    if (pel_json_finish(w)) {
        pel_afile_abort(a);
        return 0;
    }
    return pel_afile_commit(ctx, a) == PEL_OK;
}

static void print_figures(const pel_align_stats *st, double gcups)
{
    printf("%llu cells in %.6f s: %.3f GCUPS on %d thread%s (%s", (unsigned long long)st->cells,
           st->seconds, gcups, st->threads, st->threads == 1 ? "" : "s", st->isa);
    if (st->width_first) printf(", %d-bit lanes first", st->width_first);
    printf(")\n");
    if (st->rescored8 || st->rescored16)
        printf("rescored: %llu pairs after 8 bits, %llu after 16\n",
               (unsigned long long)st->rescored8, (unsigned long long)st->rescored16);
    printf("tasks %llu, %.0f cells per task (largest %llu: %.1f%% of all), busy",
           (unsigned long long)st->tasks, st->tasks ? (double)st->cells / (double)st->tasks : 0.0,
           (unsigned long long)st->task_cells_max,
           st->cells ? 100.0 * (double)st->task_cells_max / (double)st->cells : 0.0);
    for (int t = 0; t < st->threads; t++) printf(" %.6f", st->busy[t]);
    printf(" s, imbalance %.3f (max/mean busy)\n", pel_align_imbalance(st));
    printf("cpu");
    for (int t = 0; t < st->threads; t++) printf(" %.6f", st->cpu[t]);
    printf(" s, imbalance %.3f (max/mean CPU time in tasks)\n", pel_align_imbalance_cpu(st));
}

static void print_alignment(const pel_align_result *r)
{
    printf("  a[%zu,%zu) b[%zu,%zu) %s\n  %s\n  %s\n", r->a_begin, r->a_end, r->b_begin, r->b_end,
           r->cigar, r->a_row, r->b_row);
}

/* The run, from the inputs to the outputs. */
typedef struct run {
    pel_context *ctx;
    pel_align *al;
    pel_seqset *qs, *db;
    size_t nq, nd;
    long *scores;       /* scores[q * nd + d] */
    pel_align_stats st; /* the figures printed and reported */
    pel_schedules ss;   /* --schedules */
} run;

/* The aligner and the inputs (exit 2 when they fail), then the outputs
 * checked writable and --write-db written (exit 3). */
static int prepare(run *r, const opts *o)
{
    if (pel_align_create(r->ctx, &o->p, &r->al) != PEL_OK) return PEL_EXIT_USAGE;
    if (o->seqs[0]) {
        if (pel_seqset_from_string(r->ctx, "SEQ_A", o->seqs[0], &r->qs) ||
            pel_seqset_from_string(r->ctx, "SEQ_B", o->seqs[1], &r->db))
            return PEL_EXIT_USAGE;
    } else {
        if (pel_seqset_read_file(r->ctx, o->query, &r->qs)) return PEL_EXIT_USAGE;
        if (o->db && pel_seqset_read_file(r->ctx, o->db, &r->db)) return PEL_EXIT_USAGE;
        if (o->generate && pel_seqset_generate(r->ctx, (size_t)o->generate, (size_t)o->min_len,
                                               (size_t)o->max_len, o->alpha, (uint64_t)o->seed,
                                               &r->db))
            return PEL_EXIT_USAGE;
    }
    /* from here on the failures are the run's or an output's */
    if ((o->report && pel_afile_check(r->ctx, o->report)) ||
        (o->write_db && pel_afile_check(r->ctx, o->write_db)))
        return PEL_EXIT_RUN;
    if (o->write_db && !write_fasta(r->ctx, o->write_db, r->db)) return PEL_EXIT_RUN;
    r->nq = pel_seqset_count(r->qs);
    r->nd = pel_seqset_count(r->db);
    return PEL_EXIT_OK;
}

/* Two sequences: the score, and the alignment with --traceback. */
static int run_pair(run *r, const opts *o)
{
    pel_align_result a;
    if (pel_align_pair(r->al, pel_seqset_seq(r->qs, 0), pel_seqset_len(r->qs, 0),
                       pel_seqset_seq(r->db, 0), pel_seqset_len(r->db, 0), o->traceback, &a))
        return PEL_EXIT_RUN;
    r->scores[0] = a.score;
    r->st = *pel_align_last_stats(r->al);
    printf("score %ld\n", a.score);
    if (o->traceback) print_alignment(&a);
    pel_align_result_free(&a);
    return PEL_EXIT_OK;
}

/* Both schedules with --schedules; else --reps batches, each followed by
 * parasail's pass with --compare, their median time in r->st. */
static int time_batch(run *r, const opts *o)
{
    if (o->schedules) { /* (parse refuses it with --compare) */
        if (!pel_schedules_run(r->ctx, &o->p, (int)o->reps, r->qs, r->db, r->scores, r->nq * r->nd,
                               &r->ss))
            return PEL_EXIT_RUN;
        r->st = r->ss.st[1];
        pel_schedules_print(&r->ss);
        return PEL_EXIT_OK;
    }
    pel_parasail *ps = NULL;
    pel_status e = o->compare ? pel_parasail_open(r->ctx, &o->p, r->qs, r->db, &ps) : PEL_OK;
    if (e) return e == PEL_ENOTSUP ? PEL_EXIT_USAGE : PEL_EXIT_RUN;
    double secs[1000];
    int n = 0;
    for (long rep = 0; rep < o->reps; rep++) {
        double c0 = pel_report_cpu_seconds();
        if (pel_align_batch(r->al, r->qs, r->db, r->scores, &r->st)) {
            pel_parasail_close(ps);
            return PEL_EXIT_RUN;
        }
        double c1 = pel_report_cpu_seconds();
        secs[n++] = r->st.seconds;
        if (ps) pel_parasail_pass(ps, &r->st, c1 - c0, r->scores);
        if (pel_run_stop_signal()) break;
    }
    if (ps) pel_parasail_print(ps, &r->st);
    pel_parasail_close(ps);
    r->st.seconds = pel_report_median(secs, n);
    return PEL_EXIT_OK;
}

/* One line per pair, query, database sequence and score (unless --quiet),
 * each followed by its alignment with --traceback. */
static int print_scores(run *r, const opts *o)
{
    for (size_t q = 0; q < r->nq && !o->quiet; q++)
        for (size_t d = 0; d < r->nd; d++) {
            put_name(stdout, pel_seqset_name(r->qs, q));
            fputc('\t', stdout);
            put_name(stdout, pel_seqset_name(r->db, d));
            printf("\t%ld\n", r->scores[q * r->nd + d]);
            if (o->traceback) {
                pel_align_result a;
                if (pel_align_pair(r->al, pel_seqset_seq(r->qs, q), pel_seqset_len(r->qs, q),
                                   pel_seqset_seq(r->db, d), pel_seqset_len(r->db, d), 1, &a))
                    return PEL_EXIT_RUN;
                print_alignment(&a);
                pel_align_result_free(&a);
            }
        }
    return PEL_EXIT_OK;
}

/* Queries against the database: timed, then the scores; a signal stops
 * the run before any output. */
static int run_batch(run *r, const opts *o)
{
    int status = time_batch(r, o);
    if (status) return status;
    return pel_run_stop_signal() ? pel_run_stopped(PROG) : print_scores(r, o);
}

/* The figures on stdout and, with --report, in the JSON report. */
static int finish(run *r, const opts *o, int argc, char **argv)
{
    const pel_align_stats *st = &r->st;
    double gcups = st->seconds > 0 ? (double)st->cells / st->seconds * 1e-9 : 0;
    print_figures(st, gcups);
    if (o->report && !write_report(r->ctx, o, st, gcups, r->scores, r->nq * r->nd,
                                   o->schedules ? &r->ss : NULL, argc, argv))
        return PEL_EXIT_RUN;
    return PEL_EXIT_OK;
}

static int align_main(int argc, char **argv)
{
    opts o = {.seed = 1, .min_len = 30, .max_len = 20000, .alpha = 1.2, .reps = 1};
    pel_align_params_default(&o.p);
    int status = parse(argc, argv, &o);
    if (status >= 0) return status;
    /* an output written over an input (or the other output) would destroy it */
    const char *what[] = {"--query", "--db", "--write-db", "--report"};
    const char *path[] = {o.query, o.db, o.write_db, o.report};
    const unsigned may_equal[] = {0, 1u, 0, 0};
    if (!pel_opt_distinct(PROG, 4, what, path, may_equal)) return PEL_EXIT_USAGE;
    run r = {0};
    if (pel_context_create(&r.ctx)) return PEL_EXIT_RUN;
    if ((status = pel_opt_threads(PROG, r.ctx, o.threads)) >= 0) {
        pel_context_destroy(r.ctx);
        return status;
    }
    status = prepare(&r, &o);
    if (status == PEL_EXIT_OK) {
        pel_run_guard_begin(PROG);
        pel_context_set_cancel(r.ctx, pel_run_stop_flag());
        r.scores = calloc(r.nq * r.nd > 0 ? r.nq * r.nd : 1, sizeof *r.scores);
        if (!r.scores) status = PEL_EXIT_RUN;
        else status = o.seqs[0] ? run_pair(&r, &o) : run_batch(&r, &o);
        /* a signal stops a pair's wavefront within a tile, a batch within a pair */
        if (status == PEL_EXIT_RUN && pel_run_stop_signal() && pel_context_last_status(r.ctx) == PEL_ECANCELED)
            status = pel_run_stopped(PROG);
        if (status == PEL_EXIT_OK) status = finish(&r, &o, argc, argv);
        pel_run_guard_end();
    }
    if (status != PEL_EXIT_OK && status < PEL_EXIT_SIGNAL)
        fprintf(stderr, PROG ": error: %s\n", pel_context_error(r.ctx));
    free(r.scores);
    pel_seqset_destroy(r.qs);
    pel_seqset_destroy(r.db);
    pel_align_destroy(r.al);
    pel_context_destroy(r.ctx);
    return status;
}

/* the status, or 3 when what was printed could not be written */
int main(int argc, char **argv) { return pel_opt_stdout(PROG, align_main(argc, argv)); }
