/*
 * cmd_pool: `pipeminer pool`, a Stratum v1 pool for local use (demos, tests,
 * solo mining on one's own network). Options and defaults are in usage[]
 * below and README.md; the protocol side is in poolclient.h, the loop in
 * poolserver.h. Stops on SIGINT/SIGTERM or after --run-for seconds, then
 * prints one line on stdout:
 *   summary: accepted=N rejected=N stale=N duplicates=N
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "hex.h"
#include "pooljobs.h"
#include "poolserver.h"
#include "target.h"

#define MAX_TEMPLATE (64u << 20)   /* bytes of a --template file */

/* The raw option texts, before checking. */
struct pool_args {
	const char *listen, *tls_cert, *tls_key, *difficulty, *vardiff_rate, *notify_interval,
		   *block_interval, *en1, *en2, *version_mask, *nbits, *branches, *template,
		   *max_clients, *run_for, *fault[5];
	bool no_vardiff;
};

static const char *const fault_names[5] = {
	[0] = "fault-drop-after", [1] = "fault-malformed-after", [2] = "fault-silent-after",
	[3] = "fault-reconnect-after", [4] = "fault-set-extranonce-after",
};

/* A number of seconds or a difficulty: finite, above `min` (or equal when inclusive). */
static int parse_real(const char *name, const char *text, double min, bool inclusive,
		      double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (!*text || *end || errno || !isfinite(v) || v < min || (!inclusive && v == min))
		return errf(err, errlen, "--%s \"%s\": expected a number %s %g", name, text,
			    inclusive ? "of at least" : "above", min);
	*out = v;
	return 0;
}

/* --listen HOST:PORT, HOST may be [IPv6]. Points host into a copy kept in buf. */
static int parse_listen(const char *text, char *buf, size_t cap, struct pool_config *cfg,
			char *err, size_t errlen)
{
	const char *colon = strrchr(text, ':');
	uint64_t port;
	size_t hlen;

	if (!colon || colon == text)
		return errf(err, errlen, "--listen \"%s\": expected HOST:PORT", text);
	if (cli_number("listen", colon + 1, 0, 65535, &port, err, errlen))
		return -1;
	hlen = (size_t)(colon - text);
	if (text[0] == '[' && colon[-1] == ']') {
		text++;
		hlen -= 2;
	}
	if (!hlen || hlen >= cap)
		return errf(err, errlen, "--listen \"%s\": expected HOST:PORT", text);
	memcpy(buf, text, hlen);
	buf[hlen] = '\0';
	cfg->listen_host = buf;
	cfg->listen_port = (unsigned)port;
	return 0;
}

static int parse_word(const char *name, const char *text, uint32_t *out, char *err, size_t errlen)
{
	size_t n = strlen(text);

	if (!n || n > 8 || strspn(text, "0123456789abcdefABCDEF") != n)
		return errf(err, errlen, "--%s \"%s\": expected 1 to 8 hex digits", name, text);
	*out = (uint32_t)strtoul(text, NULL, 16);
	return 0;
}

static int parse_nbits(const char *text, uint32_t *nbits, char *err, size_t errlen)
{
	uint8_t target[32], zero[32] = {0};
	char why[ERR_LEN];

	if (hex_to_u32be(text, nbits, why, sizeof(why)))
		return errf(err, errlen, "--nbits \"%s\": %s", text, why);
	if (target_from_nbits(*nbits, target, why, sizeof(why)))
		return errf(err, errlen, "--nbits \"%s\": %s", text, why);
	if (!memcmp(target, zero, 32))
		return errf(err, errlen, "--nbits \"%s\": encodes a zero target", text);
	return 0;
}

static int parse_sizes(const struct pool_args *a, struct pool_config *cfg, char *err, size_t errlen)
{
	uint64_t v;

	if (a->en1 && cli_number("extranonce1-size", a->en1, 0, 16, &v, err, errlen))
		return -1;
	cfg->extranonce1_len = a->en1 ? v : cfg->extranonce1_len;
	if (a->en2 && cli_number("extranonce2-size", a->en2, 1, 16, &v, err, errlen))
		return -1;
	cfg->extranonce2_len = a->en2 ? v : cfg->extranonce2_len;
	if (a->branches && cli_number("branches", a->branches, 0, WORK_MAX_BRANCHES, &v, err, errlen))
		return -1;
	cfg->branches = a->branches ? v : cfg->branches;
	if (a->max_clients && cli_number("max-clients", a->max_clients, 1, 100000, &v, err, errlen))
		return -1;
	cfg->max_clients = a->max_clients ? v : cfg->max_clients;
	return 0;
}

static int parse_reals(const struct pool_args *a, struct pool_config *cfg, char *err, size_t errlen)
{
	double *fault[5] = {&cfg->fault_drop, &cfg->fault_malformed, &cfg->fault_silent,
			    &cfg->fault_reconnect, &cfg->fault_set_extranonce};

	if ((a->difficulty && parse_real("difficulty", a->difficulty, 0, false,
					 &cfg->difficulty, err, errlen)) ||
	    (a->vardiff_rate && parse_real("vardiff-rate", a->vardiff_rate, 0, false,
					   &cfg->vardiff_rate, err, errlen)) ||
	    (a->notify_interval && parse_real("notify-interval", a->notify_interval, 0, false,
					      &cfg->notify_interval, err, errlen)) ||
	    (a->block_interval && parse_real("block-interval", a->block_interval, 0, false,
					     &cfg->block_interval, err, errlen)) ||
	    (a->run_for && parse_real("run-for", a->run_for, 0, false, &cfg->run_for, err, errlen)))
		return -1;
	if (cfg->difficulty > 4294967296.0 || cfg->difficulty < 1e-8)
		return errf(err, errlen, "--difficulty \"%s\": must be from 1e-8 to 2^32",
			    a->difficulty);
	for (int i = 0; i < 5; i++)
		if (a->fault[i] && parse_real(fault_names[i], a->fault[i], 0, true, fault[i],
					      err, errlen))
			return -1;
	return 0;
}

static int parse_config(const struct pool_args *a, struct pool_config *cfg, char *host,
			size_t hostcap, char *err, size_t errlen)
{
	if (parse_listen(a->listen ? a->listen : "127.0.0.1:3333", host, hostcap, cfg, err, errlen) ||
	    parse_sizes(a, cfg, err, errlen) || parse_reals(a, cfg, err, errlen) ||
	    (a->version_mask && parse_word("version-mask", a->version_mask, &cfg->version_mask,
					   err, errlen)) ||
	    (a->nbits && parse_nbits(a->nbits, &cfg->nbits, err, errlen)))
		return -1;
	if (a->no_vardiff && a->vardiff_rate)
		return errf(err, errlen, "--vardiff-rate and --no-vardiff: give one or the other");
	if (a->no_vardiff)
		cfg->vardiff_rate = 0;
	if (!a->tls_cert != !a->tls_key)
		return errf(err, errlen, "%s needs %s too", a->tls_cert ? "--tls-cert" : "--tls-key",
			    a->tls_cert ? "--tls-key" : "--tls-cert");
	cfg->tls_cert = a->tls_cert;
	cfg->tls_key = a->tls_key;
	return 0;
}

/* Reads and checks --template FILE. NULL with err naming the option and field. */
static cJSON *load_template(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct pool_template t;
	char *buf = NULL, why[ERR_LEN];
	size_t n;
	cJSON *gbt = NULL;

	if (!f) {
		errf(err, errlen, "--template %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_TEMPLATE + 1);
	n = buf ? fread(buf, 1, MAX_TEMPLATE + 1, f) : 0;
	fclose(f);
	if (!buf || n > MAX_TEMPLATE) {
		errf(err, errlen, "--template %s: %s", path, buf ? "file too large" : "out of memory");
		goto out_free;
	}
	gbt = cJSON_ParseWithLength(buf, n);
	if (!gbt) {
		errf(err, errlen, "--template %s: not valid JSON", path);
		goto out_free;
	}
	if (pooljobs_parse_gbt(gbt, &t, why, sizeof(why))) {
		errf(err, errlen, "--template %s: %s", path, why);
		cJSON_Delete(gbt);
		gbt = NULL;
		goto out_free;
	}
	pool_template_release(&t);
out_free:
	free(buf);
	return gbt;
}

/* Takes every --user out of argv (cli_parse keeps only the last of an option). */
static int take_users(int *argc, char **argv, const char **users, size_t *nusers,
		      char *err, size_t errlen)
{
	int out = 0;

	*nusers = 0;
	for (int i = 0; i < *argc; i++) {
		const char *name = NULL;

		if (!strcmp(argv[i], "--user")) {
			if (i + 1 == *argc)
				return errf(err, errlen, "option --user needs a value");
			name = argv[++i];
		} else if (!strncmp(argv[i], "--user=", 7)) {
			name = argv[i] + 7;
		} else {
			argv[out++] = argv[i];
			continue;
		}
		if (!*name || strlen(name) >= POOLSHARE_WORKER_LEN)
			return errf(err, errlen, "--user \"%s\": expected a name of 1 to %d bytes",
				    name, POOLSHARE_WORKER_LEN - 1);
		users[(*nusers)++] = name;
	}
	*argc = out;
	return 0;
}

static int serve(struct pool_config *cfg)
{
	struct poolserver s;
	char err[ERR_LEN];
	int rc;

	rc = poolserver_init(&s, cfg, err, sizeof(err));
	if (!rc) {
		rc = poolserver_run(&s, cli_catch_stop_signals(), err, sizeof(err));
	}
	if (!rc)
		printf("summary: accepted=%llu rejected=%llu stale=%llu duplicates=%llu\n",
		       (unsigned long long)s.ctx.stats.accepted,
		       (unsigned long long)s.ctx.stats.rejected,
		       (unsigned long long)s.ctx.stats.stale,
		       (unsigned long long)s.ctx.stats.duplicates);
	poolserver_release(&s);
	fflush(stdout);
	if (rc == POOLSERVER_EINPUT)
		return cli_usage_error("pool", "%s", err);
	return rc ? cli_fail("pool", "%s", err) : EXIT_OK;
}

int cmd_pool(int argc, char **argv)
{
	struct pool_args a = {0};
	const struct cli_opt opts[] = {
		{.name = "listen", .value = &a.listen}, {.name = "tls-cert", .value = &a.tls_cert},
		{.name = "tls-key", .value = &a.tls_key}, {.name = "difficulty", .value = &a.difficulty},
		{.name = "vardiff-rate", .value = &a.vardiff_rate},
		{.name = "no-vardiff", .flag = &a.no_vardiff},
		{.name = "notify-interval", .value = &a.notify_interval},
		{.name = "block-interval", .value = &a.block_interval},
		{.name = "extranonce1-size", .value = &a.en1}, {.name = "extranonce2-size", .value = &a.en2},
		{.name = "version-mask", .value = &a.version_mask}, {.name = "nbits", .value = &a.nbits},
		{.name = "branches", .value = &a.branches}, {.name = "template", .value = &a.template},
		{.name = "max-clients", .value = &a.max_clients}, {.name = "run-for", .value = &a.run_for},
		{.name = "fault-drop-after", .value = &a.fault[0]},
		{.name = "fault-malformed-after", .value = &a.fault[1]},
		{.name = "fault-silent-after", .value = &a.fault[2]},
		{.name = "fault-reconnect-after", .value = &a.fault[3]},
		{.name = "fault-set-extranonce-after", .value = &a.fault[4]},
		{0},
	};
	struct pool_config cfg = {
		.difficulty = 1, .vardiff_rate = 20, .notify_interval = 30, .block_interval = 600,
		.extranonce1_len = 4, .extranonce2_len = 4, .version_mask = 0x1fffe000u,
		.nbits = 0x1d00ffffu, .branches = 12, .max_clients = 1024,
		.fault_drop = -1, .fault_malformed = -1, .fault_silent = -1, .fault_reconnect = -1,
		.fault_set_extranonce = -1,
	};
	const char **users = calloc((size_t)argc + 1, sizeof(*users)), *pos[1];
	char err[ERR_LEN], host[256];
	cJSON *gbt = NULL;
	int npos, rc;

	if (!users)
		return cli_fail("pool", "out of memory");
	if (take_users(&argc, argv, users, &cfg.nusers, err, sizeof(err)) ||
	    cli_parse(argc, argv, opts, pos, 0, &npos, err, sizeof(err)) ||
	    parse_config(&a, &cfg, host, sizeof(host), err, sizeof(err)) ||
	    (a.template && !(gbt = load_template(a.template, err, sizeof(err))))) {
		free(users);
		return cli_usage_error("pool", "%s", err);
	}
	cfg.users = users;
	cfg.gbt = gbt;
	rc = serve(&cfg);
	cJSON_Delete(gbt);
	free(users);
	return rc;
}
