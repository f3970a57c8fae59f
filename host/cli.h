/*
 * cli: the subcommands' shared option parsing and exit statuses.
 *
 * Options are "--name value", "--name=value" or a bare "--flag"; anything
 * not starting with "--" is positional ("-" alone is positional too). A
 * problem with the command line or its input is one line on stderr,
 * "pipeminer CMD: what was wrong", and exit status 2 (EXIT_USAGE).
 */
#ifndef PIPEMINER_CLI_H
#define PIPEMINER_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,   /* the command ran and something failed */
	EXIT_USAGE = 2,  /* wrong command line or input */
};

struct cli_opt {
	const char *name;        /* without the leading "--" */
	const char **value;      /* set for options that take a value */
	bool *flag;              /* set for options that take none */
};

/*
 * Parses argv[0..argc-1] (the subcommand's own arguments). Options must be
 * in `opts` (terminated by a NULL name); positionals go to pos[] (at most
 * maxpos). Returns 0, or -1 with err naming the argument.
 */
int cli_parse(int argc, char **argv, const struct cli_opt *opts,
	      const char **pos, int maxpos, int *npos, char *err, size_t errlen);

/* Prints "pipeminer CMD: msg" to stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "pipeminer CMD: msg" to stderr and returns EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A numeric option: decimal or 0x hex, within [min, max]; 0 or -1 + err. */
int cli_number(const char *name, const char *text, uint64_t min, uint64_t max,
	       uint64_t *out, char *err, size_t errlen);

/*
 * SIGINT and SIGTERM set the returned flag (the program's one stop flag,
 * style.md rule 6), without SA_RESTART so poll(2) returns at once; SIGPIPE
 * is ignored. For the long-running commands (mining, pool, sim).
 */
volatile sig_atomic_t *cli_catch_stop_signals(void);

/* Seconds since an arbitrary start, monotonic. */
double cli_now(void);

#endif
