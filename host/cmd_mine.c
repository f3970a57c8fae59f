/*
 * cmd_mine: `pipeminer -o URL -u USER -p PASS ... [--device cpu] ...`, the
 * mining daemon (options.h lists every setting). Wrong settings: one line,
 * exit 2. A normal stop (SIGINT, SIGTERM, --run-for) prints the summary
 * line and exits 0.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "miner.h"
#include "options.h"

/* The stop flag: the one mutable global besides the log sink (style.md rule 6). */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll(2) returns EINTR and the loop sees the flag at once. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int cmd_mine(int argc, char **argv)
{
	struct miner_options opt;
	static struct miner m;   /* large; lives for the whole run */
	char err[ERR_LEN];
	int rc;

	if (options_parse(argc, argv, &opt, err, sizeof(err)))
		return cli_usage_error("mine", "%s", err);
	catch_signals();
	rc = miner_run(&m, &opt, &stop_requested, err, sizeof(err));
	options_release(&opt);
	if (rc)
		return cli_usage_error("mine", "%s", err);
	return EXIT_OK;
}
