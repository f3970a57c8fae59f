/*
 * cmd_mine: `pipeminer -o URL -u USER -p PASS ... [--device cpu] ...`, the
 * mining daemon (options.h lists every setting). Wrong settings: one line,
 * exit 2. A normal stop (SIGINT, SIGTERM, --run-for) prints the summary
 * line and exits 0.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "miner.h"
#include "options.h"

int cmd_mine(int argc, char **argv)
{
	struct miner_options opt;
	static struct miner m;   /* large; lives for the whole run */
	char err[ERR_LEN];
	int rc;

	if (options_parse(argc, argv, &opt, err, sizeof(err)))
		return cli_usage_error("mine", "%s", err);
	rc = miner_run(&m, &opt, cli_catch_stop_signals(), err, sizeof(err));
	options_release(&opt);
	if (rc)
		return cli_usage_error("mine", "%s", err);
	return EXIT_OK;
}
