/*
 * transport_ftdi: a board's UART on an FTDI channel through libftdi1 (the
 * kernel's ftdi_sio driver is detached from that channel while we hold
 * it); see transport.h. The libftdi1 and libusb calls used here are the
 * ones tests/unit/ftdi_standin.c stands in for, so the tests run this
 * code against the simulated board: keep the two lists in step.
 *
 * libftdi1's reads are synchronous: a bulk read returns after the chip's
 * latency timer (2 ms here) with whatever arrived, so a read waits in
 * ~1 ms sleeps between empty reads rather than spinning.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libftdi1/ftdi.h>
#include <libusb-1.0/libusb.h>

#include "hex.h"
#include "transport.h"

#define FT2232_PID 0x6010       /* FT2232C/D/H: two channels */
#define FT4232_PID 0x6011
#define LATENCY_MS 2

/* What a selector asks for; 0 / "" / -1 is "any". */
struct ftdi_sel {
	int vid, pid;
	int index;                /* among the matches, from 0 */
	char serial[64];
	int bus, addr;
	int iface;                /* INTERFACE_A..D, 0 for the board's default */
	unsigned baud;
};

struct ftdi_port {
	struct ftdi_sel sel;
	atomic_bool wake;
	struct ftdi_context *ctx;
	char name[96];            /* "ftdi 0403:6010 bus 1 addr 5 interface B" */
};

static int sel_fail(const char *spec, const char *what, char *err, size_t errlen)
{
	return errf(err, errlen, "FTDI selector \"%s\": %s (expected [VID:PID][,index=N]"
		    "[,serial=S][,bus=B,addr=A][,interface=A|B|C|D][,baud=N])", spec, what);
}

static int parse_selector(const char *spec, struct ftdi_sel *s, char *err, size_t errlen)
{
	char buf[256], why[ERR_LEN];
	char *save = NULL;
	int first = 1;

	memset(s, 0, sizeof(*s));
	s->index = 0;
	s->bus = s->addr = -1;
	s->baud = 115200;
	if (strlen(spec) >= sizeof(buf))
		return sel_fail(spec, "too long", err, errlen);
	strcpy(buf, spec);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), first = 0) {
		char *eq = strchr(tok, '=');
		uint64_t v;

		if (!eq && first) {
			unsigned vid, pid;
			char end;

			if (sscanf(tok, "%4x:%4x%c", &vid, &pid, &end) != 2)
				return sel_fail(spec, "VID:PID must be two hex numbers like 0403:6010", err,
						errlen);
			s->vid = (int)vid;
			s->pid = (int)pid;
			continue;
		}
		if (!eq)
			return sel_fail(spec, "each setting after VID:PID is NAME=VALUE", err, errlen);
		*eq = '\0';
		const char *name = tok, *val = eq + 1;

		if (!strcmp(name, "serial")) {
			if (!*val || strlen(val) >= sizeof(s->serial))
				return sel_fail(spec, "serial= needs a serial number", err, errlen);
			strcpy(s->serial, val);
		} else if (!strcmp(name, "interface")) {
			if (strlen(val) != 1 || val[0] < 'A' || val[0] > 'D')
				return sel_fail(spec, "interface is A, B, C or D", err, errlen);
			s->iface = INTERFACE_A + (val[0] - 'A');
		} else if (!strcmp(name, "index") || !strcmp(name, "bus") || !strcmp(name, "addr") ||
			   !strcmp(name, "baud")) {
			uint64_t max = !strcmp(name, "baud") ? 12000000 : 255;

			if (parse_u64(val, max, &v, why, sizeof(why))) {
				char what[ERR_LEN + 16];

				snprintf(what, sizeof(what), "%s: %s", name, why);
				return sel_fail(spec, what, err, errlen);
			}
			if (!strcmp(name, "index"))
				s->index = (int)v;
			else if (!strcmp(name, "bus"))
				s->bus = (int)v;
			else if (!strcmp(name, "addr"))
				s->addr = (int)v;
			else if (v < 300)
				return sel_fail(spec, "baud rate below 300", err, errlen);
			else
				s->baud = (unsigned)v;
		} else {
			char what[300];

			snprintf(what, sizeof(what), "unknown setting \"%s\"", name);
			return sel_fail(spec, what, err, errlen);
		}
	}
	if ((s->bus < 0) != (s->addr < 0))
		return sel_fail(spec, "bus= and addr= go together", err, errlen);
	return 0;
}

/* The FTDI chips' default channel for a board's UART: B on an FT2232H
 * (iCEBreaker, iCE40-HX8K breakout: channel A is the flash's SPI). */
static int default_iface(int pid)
{
	return pid == FT2232_PID || pid == FT4232_PID ? INTERFACE_B : INTERFACE_A;
}

/* Finds the selected device and opens it on p->ctx. 0 or -1 + err. */
static int ftdi_find_open(struct ftdi_port *p, char *err, size_t errlen)
{
	struct ftdi_sel *s = &p->sel;
	struct ftdi_device_list *list = NULL;
	struct libusb_device *chosen = NULL;
	int n, seen = 0, match = 0, unreadable = 0, rc, pid = 0;

	p->ctx = ftdi_new();
	if (!p->ctx)
		return errf(err, errlen, "cannot start libftdi (no USB access?)");
	n = ftdi_usb_find_all(p->ctx, &list, s->vid, s->pid);
	if (n < 0) {
		errf(err, errlen, "cannot list USB devices: %s", ftdi_get_error_string(p->ctx));
		goto fail;
	}
	for (struct ftdi_device_list *d = list; d; d = d->next) {
		struct libusb_device_descriptor desc;
		char serial[64] = "";

		seen++;
		if (s->bus >= 0 && (libusb_get_bus_number(d->dev) != s->bus ||
				    libusb_get_device_address(d->dev) != s->addr))
			continue;
		if (s->serial[0]) {
			if (ftdi_usb_get_strings(p->ctx, d->dev, NULL, 0, NULL, 0, serial,
						 sizeof(serial)) < 0) {
				unreadable++;
				continue;
			}
			if (strcmp(serial, s->serial))
				continue;
		}
		if (match++ != s->index)
			continue;
		chosen = d->dev;
		if (libusb_get_device_descriptor(d->dev, &desc) != 0)
			desc.idVendor = desc.idProduct = 0;
		pid = desc.idProduct;
		snprintf(p->name, sizeof(p->name), "ftdi %04x:%04x bus %d addr %d", desc.idVendor,
			 desc.idProduct, libusb_get_bus_number(d->dev), libusb_get_device_address(d->dev));
		break;
	}
	if (!chosen) {
		errf(err, errlen, "no FTDI device matches (%d present%s; `pipeminer devices` lists them)",
		     seen, unreadable ? ", some unreadable: check permissions" : "");
		goto fail;
	}
	int iface = s->iface ? s->iface : default_iface(pid);

	if (ftdi_set_interface(p->ctx, (enum ftdi_interface)iface) < 0) {
		errf(err, errlen, "%s: no interface %c: %s", p->name, 'A' + iface - INTERFACE_A,
		     ftdi_get_error_string(p->ctx));
		goto fail;
	}
	rc = ftdi_usb_open_dev(p->ctx, chosen);
	ftdi_list_free(&list);
	if (rc < 0) {
		errf(err, errlen, "cannot open %s: %s%s", p->name, ftdi_get_error_string(p->ctx),
		     rc == -8 || rc == -4 ? " (permission denied? install bitstreams/99-pipeminer.rules)"
					  : "");
		ftdi_free(p->ctx);
		p->ctx = NULL;
		return -1;
	}
	snprintf(p->name + strlen(p->name), sizeof(p->name) - strlen(p->name), " interface %c",
		 'A' + iface - INTERFACE_A);
	if (ftdi_set_bitmode(p->ctx, 0, BITMODE_RESET) < 0 ||
	    ftdi_set_baudrate(p->ctx, (int)s->baud) < 0 ||
	    ftdi_set_line_property(p->ctx, BITS_8, STOP_BIT_1, NONE) < 0 ||
	    ftdi_setflowctrl(p->ctx, SIO_DISABLE_FLOW_CTRL) < 0 ||
	    ftdi_set_latency_timer(p->ctx, LATENCY_MS) < 0 || ftdi_tcioflush(p->ctx) < 0) {
		errf(err, errlen, "cannot set %s to %u baud 8N1: %s", p->name, s->baud,
		     ftdi_get_error_string(p->ctx));
		ftdi_usb_close(p->ctx);
		ftdi_free(p->ctx);
		p->ctx = NULL;
		return -1;
	}
	p->ctx->usb_read_timeout = 100;
	p->ctx->usb_write_timeout = 1000;
	return 0;
fail:
	if (list)
		ftdi_list_free(&list);
	ftdi_free(p->ctx);
	p->ctx = NULL;
	return -1;
}

static int usb_failed(struct ftdi_port *p, const char *what, int rc, char *err, size_t errlen)
{
	return errf(err, errlen, "%s: %s: USB error %d: %s (unplugged?)", p->name, what, rc,
		    ftdi_get_error_string(p->ctx));
}

static int ftdi_t_write(struct transport *t, const uint8_t *buf, size_t n, char *err, size_t errlen)
{
	struct ftdi_port *p = t->priv;

	if (!p->ctx)
		return errf(err, errlen, "%s is closed", p->name);
	while (n) {
		int w = ftdi_write_data(p->ctx, buf, n > 4096 ? 4096 : (int)n);

		if (w < 0)
			return usb_failed(p, "write failed", w, err, errlen);
		if (w == 0)
			return errf(err, errlen, "%s: write timed out", p->name);
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int ftdi_t_read(struct transport *t, uint8_t *buf, size_t cap, int timeout_ms, char *err,
		       size_t errlen)
{
	struct ftdi_port *p = t->priv;
	double until = ms_now() + timeout_ms;

	if (!p->ctx)
		return errf(err, errlen, "%s is closed", p->name);
	for (;;) {
		int r = ftdi_read_data(p->ctx, buf, cap > 65536 ? 65536 : (int)cap);

		if (r < 0)
			return usb_failed(p, "read failed", r, err, errlen);
		if (r > 0 || ms_now() >= until || atomic_exchange(&p->wake, false))
			return r;
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
}

static void ftdi_t_wake(struct transport *t)
{
	struct ftdi_port *p = t->priv;

	atomic_store(&p->wake, true);
}

static void ftdi_t_shut(struct ftdi_port *p)
{
	if (p->ctx) {
		ftdi_usb_close(p->ctx);
		ftdi_free(p->ctx);
		p->ctx = NULL;
	}
}

static int ftdi_t_reopen(struct transport *t, char *err, size_t errlen)
{
	struct ftdi_port *p = t->priv;

	ftdi_t_shut(p);
	return ftdi_find_open(p, err, errlen);
}

static void ftdi_t_close(struct transport *t)
{
	struct ftdi_port *p = t->priv;

	if (p)
		ftdi_t_shut(p);
	free(p);
	t->priv = NULL;
}

static const struct transport_ops ftdi_ops = {
	.write = ftdi_t_write,
	.read = ftdi_t_read,
	.wake = ftdi_t_wake,
	.reopen = ftdi_t_reopen,
	.close = ftdi_t_close,
};

int transport_ftdi_open(struct transport *t, const char *spec, char *err, size_t errlen)
{
	struct ftdi_port *p = calloc(1, sizeof(*p));

	if (!p)
		return errf(err, errlen, "out of memory");
	atomic_init(&p->wake, false);
	if (parse_selector(spec, &p->sel, err, errlen) || ftdi_find_open(p, err, errlen)) {
		free(p);
		return -1;
	}
	t->ops = &ftdi_ops;
	t->priv = p;
	t->baud = p->sel.baud;
	snprintf(t->desc, sizeof(t->desc), "%s @ %u baud", p->name, t->baud);
	return 0;
}

int transport_ftdi_list(char *out, size_t outlen, char *err, size_t errlen)
{
	struct ftdi_context *ctx = ftdi_new();
	struct ftdi_device_list *list = NULL;
	size_t used = 0;
	int n, count = 0;

	if (outlen)
		out[0] = '\0';
	if (!ctx)
		return errf(err, errlen, "cannot start libftdi (no USB access?)");
	n = ftdi_usb_find_all(ctx, &list, 0, 0);
	if (n < 0) {
		errf(err, errlen, "cannot list USB devices: %s", ftdi_get_error_string(ctx));
		ftdi_free(ctx);
		return -1;
	}
	for (struct ftdi_device_list *d = list; d; d = d->next, count++) {
		struct libusb_device_descriptor desc = {0};
		char mfr[64] = "", product[64] = "", serial[64] = "", line[400];
		int bus = libusb_get_bus_number(d->dev), addr = libusb_get_device_address(d->dev);

		libusb_get_device_descriptor(d->dev, &desc);
		if (ftdi_usb_get_strings(ctx, d->dev, mfr, sizeof(mfr), product, sizeof(product), serial,
					 sizeof(serial)) < 0)
			snprintf(line, sizeof(line),
				 "%04x:%04x bus %d addr %d: no permission to open it (install "
				 "bitstreams/99-pipeminer.rules, then replug)\n  --device ftdi:bus=%d,addr=%d\n",
				 desc.idVendor, desc.idProduct, bus, addr, bus, addr);
		else if (serial[0])
			snprintf(line, sizeof(line),
				 "%04x:%04x bus %d addr %d: %s %s, serial %s, UART on interface %c\n"
				 "  --device ftdi:serial=%s\n",
				 desc.idVendor, desc.idProduct, bus, addr, mfr, product, serial,
				 'A' + default_iface(desc.idProduct) - INTERFACE_A, serial);
		else
			snprintf(line, sizeof(line),
				 "%04x:%04x bus %d addr %d: %s %s, UART on interface %c\n"
				 "  --device ftdi:bus=%d,addr=%d\n",
				 desc.idVendor, desc.idProduct, bus, addr, mfr, product,
				 'A' + default_iface(desc.idProduct) - INTERFACE_A, bus, addr);
		if (used + strlen(line) < outlen) {
			memcpy(out + used, line, strlen(line) + 1);
			used += strlen(line);
		}
	}
	if (list)
		ftdi_list_free(&list);
	ftdi_free(ctx);
	return count;
}
