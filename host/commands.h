/*
 * commands: one function per `pipeminer` subcommand. Each takes the
 * arguments after its name and returns the exit status (cli.h); main() is
 * the only caller and the only place that exits.
 */
#ifndef PIPEMINER_COMMANDS_H
#define PIPEMINER_COMMANDS_H

int cmd_hash(int argc, char **argv);
int cmd_share(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_mine(int argc, char **argv);
int cmd_pool(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_sim(int argc, char **argv);

#endif
