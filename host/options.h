/*
 * options: the mining daemon's settings, from a JSON config file (-c) and
 * the command line, in cgminer's style:
 *
 *   pipeminer -o URL -u USER -p PASS [-o URL -u USER -p PASS ...]
 *             [--device cpu]... [--threads N] [--suggest-diff D] [--no-version-rolling]
 *             [--tls-ca FILE] [--tls-insecure] [--run-for SECONDS] [-c config.json] ...
 *
 * Pools are in priority order; -u and -p belong to the -o before them (the
 * password defaults to "x"). The config file takes the same settings under
 * their long names, pools as {"pools": [{"url", "user", "pass"}, ...]};
 * settings on the command line override the file's, and pools given on the
 * command line replace the file's list. Every setting, its type and range,
 * is one row of the table in options.c; `pipeminer --help` prints it.
 */
#ifndef PIPEMINER_OPTIONS_H
#define PIPEMINER_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "device.h"
#include "err.h"
#include "pool.h"

#define OPTIONS_MAX_DEVICES 16

struct miner_options {
	struct pool_config pools[POOL_MAX];
	unsigned npools;
	const char *devices[OPTIONS_MAX_DEVICES];
	unsigned ndevices;
	struct device_config device;      /* threads, path */
	struct pool_options pool;         /* Stratum and failover settings */
	double run_for;                   /* seconds; 0 = until SIGINT or SIGTERM */
	double status_interval;           /* seconds between status lines */
	bool debug, quiet;
	void *owned;                      /* the parsed config file, kept for its strings */
};

/*
 * Fills o from argv (the arguments after the program name) and, when -c is
 * given, the config file. Returns 0, or -1 with err naming the option or the
 * setting and what was wrong. On success release with options_release.
 */
int options_parse(int argc, char **argv, struct miner_options *o, char *err, size_t errlen);
void options_release(struct miner_options *o);

/* Prints the mining options and their defaults (for --help). */
void options_usage(FILE *f);

#endif
