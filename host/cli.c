/* cli: see cli.h. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "hex.h"

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name, size_t len)
{
	for (int i = 0; opts[i].name; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

int cli_parse(int argc, char **argv, const struct cli_opt *opts,
	      const char **pos, int maxpos, int *npos, char *err, size_t errlen)
{
	*npos = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq;
		const struct cli_opt *o;

		if (strncmp(a, "--", 2) || !a[2]) {
			if (a[0] == '-' && a[1] && strcmp(a, "--"))
				return errf(err, errlen, "unknown option %s", a);
			if (*npos == maxpos)
				return errf(err, errlen, "unexpected argument \"%s\"", a);
			pos[(*npos)++] = a;
			continue;
		}
		eq = strchr(a + 2, '=');
		o = find_opt(opts, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (!o)
			return errf(err, errlen, "unknown option %.*s",
				    eq ? (int)(eq - a) : (int)strlen(a), a);
		if (o->flag) {
			if (eq)
				return errf(err, errlen, "option --%s takes no value", o->name);
			*o->flag = true;
		} else if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			return errf(err, errlen, "option --%s needs a value", o->name);
		}
	}
	return 0;
}

static int vreport(const char *cmd, int status, const char *fmt, va_list ap)
{
	fprintf(stderr, "pipeminer %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return status;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vreport(cmd, EXIT_USAGE, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vreport(cmd, EXIT_FAIL, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_number(const char *name, const char *text, uint64_t min, uint64_t max,
	       uint64_t *out, char *err, size_t errlen)
{
	char why[ERR_LEN];

	if (parse_u64(text, max, out, why, sizeof(why)))
		return errf(err, errlen, "--%s \"%s\": %s", name, text, why);
	if (*out < min)
		return errf(err, errlen, "--%s \"%s\": must be at least %llu", name, text,
			    (unsigned long long)min);
	return 0;
}

double cli_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The stop flag: the one mutable global besides the log sink (style.md rule 6). */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

volatile sig_atomic_t *cli_catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return &stop_requested;
}
