/* options: the mining settings, command line and config file; see options.h. */
#include "options.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "version.h"

enum opt_type {
	OPT_URL,        /* -o: starts a pool */
	OPT_USER,       /* -u: the last pool's user */
	OPT_PASS,       /* -p: the last pool's password */
	OPT_CONFIG,     /* -c: the config file */
	OPT_DEVICE,     /* appends a device */
	OPT_STRING,     /* const char * at offset */
	OPT_NUMBER,     /* double at offset, within [min, max] */
	OPT_UINT,       /* unsigned at offset, within [min, max] */
	OPT_FLAG,       /* bool at offset := flag_value */
};

struct opt_row {
	const char *name;
	char short_name;
	enum opt_type type;
	size_t offset;
	double min, max;
	bool flag_value;
	const char *help;
};

#define AT(field) offsetof(struct miner_options, field)

static const struct opt_row rows[] = {
	{"url", 'o', OPT_URL, 0, 0, 0, 0, "pool URL: stratum+tcp://HOST:PORT or stratum+ssl://HOST:PORT (repeat for backup pools)"},
	{"user", 'u', OPT_USER, 0, 0, 0, 0, "worker name for the pool before it"},
	{"pass", 'p', OPT_PASS, 0, 0, 0, 0, "password for the pool before it (default x)"},
	{"config", 'c', OPT_CONFIG, 0, 0, 0, 0, "JSON config file with the same settings"},
	{"device", 0, OPT_DEVICE, 0, 0, 0, 0, "a device to hash with (repeatable; default cpu)"},
	{"threads", 0, OPT_UINT, AT(device.threads), 0, 1024, 0, "cpu device threads (default one per core)"},
	{"path", 0, OPT_STRING, AT(device.path), 0, 0, 0, "cpu hashing path: avx512, shani, avx2, portable"},
	{"suggest-diff", 0, OPT_NUMBER, AT(pool.suggest_diff), 0, 1e15, 0, "send mining.suggest_difficulty D after authorizing"},
	{"min-diff", 0, OPT_NUMBER, AT(pool.min_diff), 0, 1e15, 0, "ask for a minimum difficulty in mining.configure"},
	{"no-version-rolling", 0, OPT_FLAG, AT(pool.version_rolling), 0, 0, false, "do not negotiate BIP 310 version rolling"},
	{"no-extranonce-subscribe", 0, OPT_FLAG, AT(pool.extranonce_subscribe), 0, 0, false, "do not subscribe to extranonce changes"},
	{"tls-ca", 0, OPT_STRING, AT(pool.tls.ca_file), 0, 0, 0, "CA certificates (PEM) for TLS pools instead of the system bundle"},
	{"tls-insecure", 0, OPT_FLAG, AT(pool.tls.insecure), 0, 0, true, "do not verify TLS pool certificates (unsafe)"},
	{"run-for", 0, OPT_NUMBER, AT(run_for), 0, 1e9, 0, "stop after this many seconds (default: run until SIGINT/SIGTERM)"},
	{"status-interval", 0, OPT_NUMBER, AT(status_interval), 0.5, 3600, 0, "seconds between status lines (default 5)"},
	{"job-timeout", 0, OPT_NUMBER, AT(pool.job_timeout), 1, 86400, 0, "a pool sending no job for this long is dropped (default 120)"},
	{"answer-timeout", 0, OPT_NUMBER, AT(pool.answer_timeout), 1, 86400, 0, "a submit unanswered for this long drops the pool (default 60)"},
	{"failback-delay", 0, OPT_NUMBER, AT(pool.failback_delay), 0, 86400, 0, "a better pool must be healthy this long before failing back (default 10)"},
	{"backoff-min", 0, OPT_NUMBER, AT(pool.backoff_min), 0.05, 3600, 0, "first reconnect delay in seconds (default 1)"},
	{"backoff-max", 0, OPT_NUMBER, AT(pool.backoff_max), 0.05, 3600, 0, "longest reconnect delay (default 60)"},
	{"share-max-age", 0, OPT_NUMBER, AT(pool.share_max_age), 1, 86400, 0, "a share waits this long for its pool before it is stale (default 300)"},
	{"debug", 0, OPT_FLAG, AT(debug), 0, 0, true, "log every Stratum line"},
	{"quiet", 0, OPT_FLAG, AT(quiet), 0, 0, true, "no status line"},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void set_defaults(struct miner_options *o)
{
	memset(o, 0, sizeof(*o));
	o->pool.agent = "pipeminer/" PIPEMINER_VERSION;
	o->pool.version_rolling = true;
	o->pool.extranonce_subscribe = true;
	o->pool.job_timeout = 120;
	o->pool.answer_timeout = 60;
	o->pool.failback_delay = 10;
	o->pool.backoff_min = 1;
	o->pool.backoff_max = 60;
	o->pool.share_max_age = 300;
	o->status_interval = 5;
}

static const struct opt_row *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NROWS; i++)
		if (strlen(rows[i].name) == len && !strncmp(rows[i].name, name, len))
			return &rows[i];
	return NULL;
}

static const struct opt_row *find_short(char c)
{
	for (size_t i = 0; i < NROWS; i++)
		if (rows[i].short_name == c)
			return &rows[i];
	return NULL;
}

/* Applies one setting given as text (command line) or JSON (config file). */
static int apply(struct miner_options *o, const struct opt_row *r, const char *text,
		 const cJSON *json, const char *where, char *err, size_t errlen)
{
	char *base = (char *)o;
	double v = 0;

	switch (r->type) {
	case OPT_URL:
		if (o->npools == POOL_MAX)
			return errf(err, errlen, "%s: more than %d pools", where, POOL_MAX);
		o->pools[o->npools].url = text;
		o->pools[o->npools].pass = "x";
		o->npools++;
		return 0;
	case OPT_USER:
	case OPT_PASS:
		if (!o->npools)
			return errf(err, errlen, "%s comes before any -o URL: give the pool first",
				    where);
		if (r->type == OPT_USER)
			o->pools[o->npools - 1].user = text;
		else
			o->pools[o->npools - 1].pass = text;
		return 0;
	case OPT_DEVICE:
		if (o->ndevices == OPTIONS_MAX_DEVICES)
			return errf(err, errlen, "%s: more than %d devices", where, OPTIONS_MAX_DEVICES);
		o->devices[o->ndevices++] = text;
		return 0;
	case OPT_STRING:
		*(const char **)(base + r->offset) = text;
		return 0;
	case OPT_FLAG:
		if (json && !cJSON_IsBool(json))
			return errf(err, errlen, "%s: expected true or false", where);
		*(bool *)(base + r->offset) = json && cJSON_IsFalse(json) ? !r->flag_value
									   : r->flag_value;
		return 0;
	case OPT_NUMBER:
	case OPT_UINT:
		if (json) {
			if (!cJSON_IsNumber(json))
				return errf(err, errlen, "%s: expected a number", where);
			v = json->valuedouble;
		} else {
			char *end;

			v = strtod(text, &end);
			if (!*text || *end)
				return errf(err, errlen, "%s \"%s\": expected a number", where, text);
		}
		if (!isfinite(v) || v < r->min || v > r->max ||
		    (r->type == OPT_UINT && v != floor(v)))
			return errf(err, errlen, "%s %s: must be %s from %g to %g", where,
				    text ? text : "value", r->type == OPT_UINT ? "a whole number" :
				    "a number", r->min, r->max);
		if (r->type == OPT_UINT)
			*(unsigned *)(base + r->offset) = (unsigned)v;
		else
			*(double *)(base + r->offset) = v;
		return 0;
	case OPT_CONFIG:
		return 0;   /* handled before everything else */
	}
	return 0;
}

/* Reads the whole file into a malloc'd string. */
static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f) {
		errf(err, errlen, "cannot open config file %s", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (1 << 20) || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		errf(err, errlen, "config file %s: unreadable or larger than 1 MiB", path);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (!buf) {
		errf(err, errlen, "cannot read config file %s", path);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* The "pools" array of a config file. */
static int config_pools(struct miner_options *o, const cJSON *arr, const char *path,
			char *err, size_t errlen)
{
	const cJSON *p;
	unsigned i = 0;

	if (!cJSON_IsArray(arr))
		return errf(err, errlen, "%s: \"pools\" must be an array of {\"url\", \"user\", \"pass\"}",
			    path);
	cJSON_ArrayForEach(p, arr) {
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(p, "url");
		const cJSON *user = cJSON_GetObjectItemCaseSensitive(p, "user");
		const cJSON *pass = cJSON_GetObjectItemCaseSensitive(p, "pass");

		if (o->npools == POOL_MAX)
			return errf(err, errlen, "%s: more than %d pools", path, POOL_MAX);
		if (!cJSON_IsString(url) || !cJSON_IsString(user) ||
		    (pass && !cJSON_IsString(pass)))
			return errf(err, errlen, "%s: pools[%u] needs \"url\" and \"user\" strings "
				    "(and optionally \"pass\")", path, i);
		o->pools[o->npools].url = url->valuestring;
		o->pools[o->npools].user = user->valuestring;
		o->pools[o->npools].pass = pass ? pass->valuestring : "x";
		o->npools++;
		i++;
	}
	return 0;
}

static int config_file(struct miner_options *o, const char *path, char *err, size_t errlen)
{
	char *text = slurp(path, err, errlen), where[300];
	cJSON *doc, *it;

	if (!text)
		return -1;
	doc = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return errf(err, errlen, "config file %s: not a JSON object", path);
	}
	o->owned = doc;
	cJSON_ArrayForEach(it, doc) {
		const struct opt_row *r = find_long(it->string, strlen(it->string));

		snprintf(where, sizeof(where), "%s: \"%s\"", path, it->string);
		if (!strcmp(it->string, "pools")) {
			if (config_pools(o, it, path, err, errlen))
				return -1;
		} else if (!r || r->type == OPT_CONFIG || r->type == OPT_URL ||
			   r->type == OPT_USER || r->type == OPT_PASS) {
			return errf(err, errlen, "%s: unknown setting \"%s\"", path, it->string);
		} else if (r->type == OPT_DEVICE && cJSON_IsArray(it)) {
			const cJSON *d;

			cJSON_ArrayForEach(d, it) {
				if (!cJSON_IsString(d))
					return errf(err, errlen, "%s: expected device names", where);
				if (apply(o, r, d->valuestring, NULL, where, err, errlen))
					return -1;
			}
		} else if (r->type == OPT_STRING || r->type == OPT_DEVICE) {
			if (!cJSON_IsString(it))
				return errf(err, errlen, "%s: expected a string", where);
			if (apply(o, r, it->valuestring, NULL, where, err, errlen))
				return -1;
		} else if (apply(o, r, NULL, it, where, err, errlen)) {
			return -1;
		}
	}
	return 0;
}

/* Splits one argument into its option row and value; advances *i. */
static int next_arg(int argc, char **argv, int *i, const struct opt_row **row,
		    const char **value, char *err, size_t errlen)
{
	const char *a = argv[*i], *eq = NULL;

	if (a[0] == '-' && a[1] == '-' && a[2]) {
		eq = strchr(a + 2, '=');
		*row = find_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
	} else if (a[0] == '-' && a[1] && !a[2]) {
		*row = find_short(a[1]);
	} else {
		return errf(err, errlen, "unexpected argument \"%s\"", a);
	}
	if (!*row)
		return errf(err, errlen, "unknown option %.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
	if ((*row)->type == OPT_FLAG) {
		if (eq)
			return errf(err, errlen, "option --%s takes no value", (*row)->name);
		*value = NULL;
		return 0;
	}
	if (eq) {
		*value = eq + 1;
	} else if (*i + 1 < argc) {
		*value = argv[++*i];
	} else {
		return errf(err, errlen, "option %s needs a value", a);
	}
	return 0;
}

int options_parse(int argc, char **argv, struct miner_options *o, char *err, size_t errlen)
{
	const struct opt_row *r;
	const char *v;
	struct pool_config file_pools[POOL_MAX];
	unsigned nfile;
	char where[64];

	set_defaults(o);
	/* The config file first, so the command line can override it. */
	for (int i = 0; i < argc; i++) {
		if (next_arg(argc, argv, &i, &r, &v, err, errlen))
			goto out_release;
		if (r->type == OPT_CONFIG && config_file(o, v, err, errlen))
			goto out_release;
	}
	memcpy(file_pools, o->pools, sizeof(file_pools));
	nfile = o->npools;
	o->npools = 0;
	for (int i = 0; i < argc; i++) {
		/* Name the option as the user wrote it. */
		snprintf(where, sizeof(where), "%.*s", (int)strcspn(argv[i], "="), argv[i]);
		next_arg(argc, argv, &i, &r, &v, err, errlen);
		if (apply(o, r, v, NULL, where, err, errlen))
			goto out_release;
	}
	if (!o->npools) {
		memcpy(o->pools, file_pools, sizeof(file_pools));
		o->npools = nfile;
	}
	if (!o->npools) {
		errf(err, errlen, "no pool given: use -o URL -u USER (or \"pools\" in -c FILE)");
		goto out_release;
	}
	for (unsigned i = 0; i < o->npools; i++)
		if (!o->pools[i].user) {
			errf(err, errlen, "pool %u (%s) has no user: add -u USER after its -o", i,
			     o->pools[i].url);
			goto out_release;
		}
	if (!o->ndevices)
		o->devices[o->ndevices++] = "cpu";
	if (o->pool.backoff_max < o->pool.backoff_min)
		o->pool.backoff_max = o->pool.backoff_min;
	return 0;

out_release:
	options_release(o);
	return -1;
}

void options_release(struct miner_options *o)
{
	cJSON_Delete(o->owned);
	o->owned = NULL;
}

void options_usage(FILE *f)
{
	fprintf(f, "mining options (the same names work as keys of a -c JSON file):\n");
	for (size_t i = 0; i < NROWS; i++) {
		char name[40];

		if (rows[i].short_name)
			snprintf(name, sizeof(name), "-%c, --%s", rows[i].short_name, rows[i].name);
		else
			snprintf(name, sizeof(name), "    --%s", rows[i].name);
		fprintf(f, "  %-30s %s\n", name, rows[i].help);
	}
}
