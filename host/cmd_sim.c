/*
 * cmd_sim: `pipeminer sim --pty [--board SHAPE[,flip=P][,hang=S]]
 * [--link PATH] [--run-for S]`: the simulated board (the Verilator model of
 * rtl/pm_miner_top, as --device sim runs it in-process) behind a
 * pseudo-terminal, in a process of its own, so the serial driver can be
 * exercised end to end: `pipeminer ... --device serial:/dev/pts/N`. Prints
 * the pty's path on the first line of stdout; --link also makes a symlink
 * to it. The board runs while a program holds the pty open, and waits
 * while none does. Stops on SIGINT/SIGTERM or after --run-for seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "transport.h"

/* Writes all n bytes to the pty (waiting for room), unless told to stop. */
static int write_all(int fd, const uint8_t *p, size_t n, volatile sig_atomic_t *stop)
{
	while (n && !*stop) {
		ssize_t w = write(fd, p, n);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			poll(&pfd, 1, 100);
		} else if (w < 0 && errno != EINTR) {
			return -1;    /* EIO: the program on the other end closed it */
		}
	}
	return 0;
}

int cmd_sim(int argc, char **argv)
{
	const char *board = "", *link = NULL, *run_for = NULL;
	bool pty = false;
	const struct cli_opt opts[] = {
		{"pty", NULL, &pty},
		{"board", &board, NULL},
		{"link", &link, NULL},
		{"run-for", &run_for, NULL},
		{NULL, NULL, NULL},
	};
	char err[ERR_LEN], path[128];
	uint64_t seconds = 0;
	struct transport t;
	struct termios tio;
	volatile sig_atomic_t *stop;
	double end;
	int npos, master;

	if (cli_parse(argc, argv, opts, NULL, 0, &npos, err, sizeof(err)))
		return cli_usage_error("sim", "%s", err);
	if (!pty)
		return cli_usage_error("sim", "--pty is required (the simulated board behind a "
				       "pseudo-terminal; in-process it is --device sim)");
	if (run_for && cli_number("--run-for", run_for, 1, 86400 * 365, &seconds, err, sizeof(err)))
		return cli_usage_error("sim", "%s", err);
	if (transport_sim_open(&t, board, err, sizeof(err)))
		return cli_usage_error("sim", "--board: %s", err);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (master < 0 || grantpt(master) || unlockpt(master) ||
	    ptsname_r(master, path, sizeof(path))) {
		t.ops->close(&t);
		return cli_fail("sim", "cannot make a pseudo-terminal: %s", strerror(errno));
	}
	/* raw both ways: every byte value passes as it is */
	if (tcgetattr(master, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(master, TCSANOW, &tio);
	}
	if (link) {
		unlink(link);
		if (symlink(path, link)) {
			int e = errno;

			close(master);
			t.ops->close(&t);
			return cli_fail("sim", "--link %s: %s", link, strerror(e));
		}
	}
	printf("%s\n", path);
	printf("simulated board: %s; mine with --device serial:%s\n", t.desc, link ? link : path);
	fflush(stdout);

	stop = cli_catch_stop_signals();
	end = seconds ? cli_now() + (double)seconds : 0;
	while (!*stop && (!end || cli_now() < end)) {
		uint8_t buf[4096];
		ssize_t n = read(master, buf, sizeof(buf));
		int m;

		if (n < 0 && errno == EIO) {
			/* nobody holds the pty open: the board waits */
			nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
			continue;
		}
		if (n > 0 && t.ops->write(&t, buf, (size_t)n, err, sizeof(err)))
			fprintf(stderr, "pipeminer sim: %s\n", err);
		/* a slice of the board's time; what it sends goes to the pty */
		m = t.ops->read(&t, buf, sizeof(buf), 0, err, sizeof(err));
		if (m > 0)
			write_all(master, buf, (size_t)m, stop);
	}
	if (link)
		unlink(link);
	close(master);
	t.ops->close(&t);
	return EXIT_OK;
}
