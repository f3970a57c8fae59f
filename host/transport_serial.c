/*
 * transport_serial: a board's UART on a serial port (a USB-UART's
 * /dev/ttyUSBn, an FTDI channel through the kernel's ftdi_sio driver, or
 * the pseudo-terminal of `pipeminer sim --pty`); see transport.h.
 * Raw mode, 8N1, no flow control, any baud rate (termios2), opened
 * exclusively (TIOCEXCL and a lock, so two programs never share a board).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hex.h"
#include "serial_baud.h"
#include "transport.h"

struct serial {
	char path[128];
	int fd;
	int wake[2];              /* a pipe: wake() makes a read return */
};

/* Opens and sets up the port; 0 or -1 + err. */
static int serial_setup(struct serial *s, unsigned baud, char *err, size_t errlen)
{
	struct termios tio;

	s->fd = open(s->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0)
		return errf(err, errlen, "cannot open %s: %s%s", s->path, strerror(errno),
			    errno == EACCES ? " (add yourself to the dialout group, or install "
			    "bitstreams/99-pipeminer.rules)" : "");
	if (tcgetattr(s->fd, &tio)) {
		int e = errno;

		close(s->fd);
		return errf(err, errlen, "%s is not a serial port: %s", s->path, strerror(e));
	}
	if (flock(s->fd, LOCK_EX | LOCK_NB) || ioctl(s->fd, TIOCEXCL)) {
		int e = errno;

		close(s->fd);
		return errf(err, errlen, "%s is in use by another program (%s)", s->path, strerror(e));
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cflag &= ~(tcflag_t)(CRTSCTS | CSTOPB | PARENB);
	tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(s->fd, TCSANOW, &tio) || serial_set_baud(s->fd, baud)) {
		int e = errno;

		close(s->fd);
		return errf(err, errlen, "cannot set %s to %u baud 8N1: %s", s->path, baud, strerror(e));
	}
	tcflush(s->fd, TCIOFLUSH);
	return 0;
}

static int gone(struct serial *s, const char *what, char *err, size_t errlen)
{
	return errf(err, errlen, "%s %s: %s", s->path, what,
		    errno == EIO || errno == ENXIO || errno == ENODEV ?
		    "the device is gone (unplugged?)" : strerror(errno));
}

static int serial_write(struct transport *t, const uint8_t *p, size_t n, char *err, size_t errlen)
{
	struct serial *s = t->priv;

	while (n) {
		ssize_t w = write(s->fd, p, n);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return gone(s, "write failed", err, errlen);
		{
			struct pollfd pfd = {.fd = s->fd, .events = POLLOUT};
			int rc = poll(&pfd, 1, 1000);

			if (rc == 0)
				return errf(err, errlen, "%s: write timed out", s->path);
			if (rc > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))) {
				errno = EIO;
				return gone(s, "write failed", err, errlen);
			}
		}
	}
	return 0;
}

static int serial_read(struct transport *t, uint8_t *p, size_t cap, int timeout_ms, char *err,
		       size_t errlen)
{
	struct serial *s = t->priv;
	struct pollfd pfd[2] = {{.fd = s->fd, .events = POLLIN}, {.fd = s->wake[0], .events = POLLIN}};
	ssize_t n;
	int rc = poll(pfd, 2, timeout_ms);

	if (rc < 0 && errno == EINTR)
		return 0;
	if (rc < 0)
		return gone(s, "poll failed", err, errlen);
	if (pfd[1].revents) {
		char drain[64];

		while (read(s->wake[0], drain, sizeof(drain)) > 0)
			;
		if (!pfd[0].revents)
			return 0;
	}
	if (rc == 0)
		return 0;
	n = read(s->fd, p, cap);
	if (n > 0)
		return (int)n;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n == 0)
		errno = ENODEV;    /* POLLHUP with nothing to read: the other end closed */
	return gone(s, "read failed", err, errlen);
}

static void serial_wake(struct transport *t)
{
	struct serial *s = t->priv;

	/* a full pipe already wakes the reader */
	if (write(s->wake[1], "w", 1) < 0 && errno != EAGAIN)
		return;
}

static int serial_reopen(struct transport *t, char *err, size_t errlen)
{
	struct serial *s = t->priv;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (serial_setup(s, t->baud, err, errlen)) {
		s->fd = -1;
		return -1;
	}
	return 0;
}

static void serial_close(struct transport *t)
{
	struct serial *s = t->priv;

	if (s && s->fd >= 0)
		close(s->fd);
	if (s) {
		close(s->wake[0]);
		close(s->wake[1]);
	}
	free(s);
	t->priv = NULL;
}

static const struct transport_ops serial_ops = {
	.write = serial_write,
	.read = serial_read,
	.wake = serial_wake,
	.reopen = serial_reopen,
	.close = serial_close,
};

int transport_serial_open(struct transport *t, const char *spec, char *err, size_t errlen)
{
	struct serial *s = calloc(1, sizeof(*s));
	const char *at = strrchr(spec, '@');
	size_t plen = at ? (size_t)(at - spec) : strlen(spec);
	uint64_t baud = 115200;
	char why[ERR_LEN];

	if (!s)
		return errf(err, errlen, "out of memory");
	if (!plen || plen >= sizeof(s->path)) {
		free(s);
		return errf(err, errlen, "serial device \"%s\": expected PATH[@BAUD], "
			    "e.g. /dev/ttyUSB1@3000000", spec);
	}
	if (at && parse_u64(at + 1, 12000000, &baud, why, sizeof(why))) {
		free(s);
		return errf(err, errlen, "serial device \"%s\": baud rate: %s", spec, why);
	}
	if (baud < 300) {
		free(s);
		return errf(err, errlen, "serial device \"%s\": baud rate below 300", spec);
	}
	memcpy(s->path, spec, plen);
	s->fd = -1;
	if (pipe2(s->wake, O_NONBLOCK | O_CLOEXEC)) {
		free(s);
		return errf(err, errlen, "cannot make a pipe: %s", strerror(errno));
	}
	if (serial_setup(s, (unsigned)baud, err, errlen)) {
		close(s->wake[0]);
		close(s->wake[1]);
		free(s);
		return -1;
	}
	t->ops = &serial_ops;
	t->priv = s;
	t->baud = (unsigned)baud;
	snprintf(t->desc, sizeof(t->desc), "serial %s @ %u baud", s->path, t->baud);
	return 0;
}
