/*
 * main: `pipeminer SUBCOMMAND ...`. Dispatches to commands.h and is the only
 * place the program exits.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "options.h"
#include "version.h"


static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{"hash", cmd_hash, "hash HEX160 [--json]            double hash of an 80-byte header"},
	{"share", cmd_share, "share [--json] < share.json     explain one share as a pool sees it"},
	{"scan", cmd_scan, "scan --header HEX160 [--start N] [--count K] [--zero-bits B]\n"
			   "       [--device DEVICE] [--threads T] [--path P] [--json]"},
	{"bench", cmd_bench, "bench [--device DEVICE] [--seconds S] [--threads T] [--path P] [--json]\n"
			     "       bench --workgen [--seconds S] [--json]"},
	{"pool", cmd_pool, "pool [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--difficulty D]\n"
			   "       [--vardiff-rate SHARES_PER_MIN | --no-vardiff] [--notify-interval S]\n"
			   "       [--block-interval S] [--user NAME]... [--extranonce1-size N]\n"
			   "       [--extranonce2-size N] [--version-mask HEX] [--nbits HEX] [--branches N]\n"
			   "       [--template gbt.json] [--max-clients N] [--run-for S]\n"
			   "       [--fault-{drop,malformed,silent,reconnect,set-extranonce}-after S]"},
	{"devices", cmd_devices, "devices                         the boards --device can name here"},
	{"sim", cmd_sim, "sim --pty [--board SHAPE[,flip=P][,hang=S]] [--link PATH] [--run-for S]\n"
			 "       the simulated board behind a pseudo-terminal"},
};

static void usage(FILE *f)
{
	fprintf(f, "pipeminer %s: an open FPGA mining appliance stack\nusage:\n", PIPEMINER_VERSION);
	fprintf(f, "  pipeminer -o URL -u USER [-p PASS] [-o ...] [--device DEVICE] [options]   mine\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  pipeminer %s\n", commands[i].usage);
	fprintf(f, "\nDEVICE: cpu, sim[:SHAPE] (the RTL in Verilator), serial:PATH[@BAUD], or\n"
		   "ftdi[:SELECTOR] (pipeminer devices lists what this machine has)\n\n");
	options_usage(f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("pipeminer %s\n", PIPEMINER_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			printf("usage: pipeminer %s\n", commands[i].usage);
			return EXIT_OK;
		}
		return commands[i].run(argc - 2, argv + 2);
	}
	/* Options first: the mining daemon (cgminer's command line). */
	if (argv[1][0] == '-')
		return cmd_mine(argc - 1, argv + 1);
	fprintf(stderr, "pipeminer: unknown command \"%s\" (try pipeminer --help)\n", argv[1]);
	return EXIT_USAGE;
}
