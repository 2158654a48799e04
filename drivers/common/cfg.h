/* Driver configuration: a schema of typed keys, filled from the embedded
 * defaults, then an INI file, then --set overrides, each strictly checked.
 * (cfg.h, so it is never mistaken for autoconf's generated config.h.)
 * Every error names where (file:line or --set), the key and the value. */
#ifndef PEL_DRIVER_CFG_H
#define PEL_DRIVER_CFG_H

#include <stddef.h>
#include <stdio.h>
#include <pel/pel.h>

typedef enum pel_cfg_type {
    PEL_CFG_INT,    /* decimal integer within [min, max] */
    PEL_CFG_REAL,   /* decimal finite real within [min, max] (no hex, inf or nan) */
    PEL_CFG_BOOL,   /* true/false, yes/no, on/off, 1/0 */
    PEL_CFG_ENUM,   /* one of the '|'-separated words in choices */
    PEL_CFG_STRING, /* text a file line can carry back, possibly empty (README) */
    PEL_CFG_GRID,   /* "NxM" or "NxMxK": dimension and sizes, each within [min, max] */
    /* A file path, text as PEL_CFG_STRING (empty: none).  A relative path
     * given in a configuration file is relative to that file's directory;
     * from --set or the built-in defaults, to the working directory.
     * pel_config_string returns the path to open (the file's directory
     * joined to a relative path from a file); pel_config_print writes it
     * made absolute, so the printed configuration loads back to the same
     * files from any directory. */
    PEL_CFG_PATH,
    /* A PEL_CFG_PATH the run only reads (a mask, a wisdom file): no file
     * the run writes may name it (drivers/common/run.c) */
    PEL_CFG_INPUT
} pel_cfg_type;

typedef struct pel_cfg_key {
    const char *section, *name;
    pel_cfg_type type;
    double min, max;
    const char *choices; /* PEL_CFG_ENUM */
    const char *help;
} pel_cfg_key;

#define PEL_CFG_END {NULL, NULL, PEL_CFG_INT, 0, 0, NULL, NULL}

typedef struct pel_config pel_config;

/* The schema is a PEL_CFG_END-terminated array, or several of them: keys are
 * looked up in `schemas` in order.  Messages go to ctx. */
pel_status pel_config_create(pel_context *ctx, const pel_cfg_key *const *schemas, int nschemas,
                             pel_config **cfg);
void pel_config_destroy(pel_config *cfg);

/* `origin` names the text in messages ("defaults", a file name).  A load
 * is all or nothing: when it fails, no setting has changed.  The grammar
 * and the value rules are the README's "Configuration files". */
pel_status pel_config_load_string(pel_config *cfg, const char *text, const char *origin);
pel_status pel_config_load_file(pel_config *cfg, const char *path);
/* "section.key=value"; the value is taken as it is (nothing stripped) */
pel_status pel_config_set(pel_config *cfg, const char *assignment);
/* PEL_ECONFIG naming the first key that no source gave a value. */
pel_status pel_config_check_complete(pel_config *cfg);

/* Typed getters; the key must be in the schema with that type (a programming
 * error otherwise, reported as 0 / "" and a message in the context). */
long long pel_config_int(const pel_config *cfg, const char *section, const char *name);
double pel_config_real(const pel_config *cfg, const char *section, const char *name);
int pel_config_bool(const pel_config *cfg, const char *section, const char *name);
/* index of the value in the key's choices */
int pel_config_enum(const pel_config *cfg, const char *section, const char *name);
/* a PEL_CFG_STRING's text, or a PEL_CFG_PATH's or PEL_CFG_INPUT's path to open ("" when empty) */
const char *pel_config_string(const pel_config *cfg, const char *section, const char *name);
/* returns the dimension (2 or 3 for the drivers' schemas), fills n[0..dim) */
int pel_config_grid(const pel_config *cfg, const char *section, const char *name, size_t n[3]);
/* where the value came from: "defaults:12", "run.ini:3", "--set" */
const char *pel_config_origin(const pel_config *cfg, const char *section, const char *name);

/* The effective configuration, as INI text that loads back, and as JSON. */
void pel_config_print(const pel_config *cfg, FILE *out);
void pel_config_json(const pel_config *cfg, pel_json *w);
/* One line per key: "  section.key  type  range  help" */
void pel_config_help(const pel_config *cfg, FILE *out);

#endif
