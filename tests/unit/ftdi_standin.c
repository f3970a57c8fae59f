/*
 * ftdi_standin: the libftdi1 and libusb calls host/transport_ftdi.c makes,
 * standing in for the libraries in the tests (which do not link them), so
 * the real driver code runs against the simulated board: bytes written to
 * the "chip" go to a pm_miner_top model through host/transport_sim.c, and
 * its answers come back through ftdi_read_data. Keep the list of functions
 * in step with transport_ftdi.c.
 *
 * The stand-in plays FT2232H chips (0403:6010) whose UART is on interface
 * B, as on an iCEBreaker (interface A answers nothing: that is the flash's
 * SPI). It is set up by the environment variable PM_FTDI_STANDIN, read when
 * the first context is made (and again by ftdi_standin_reset(), which
 * unit tests call between cases), a comma-separated list of:
 *   devices=N          how many chips are plugged in (default 1), serial
 *                      numbers PMSIM0.., bus 1, addresses 10..
 *   shape=S            the simulated board's shape (default: pmsim's first)
 *   flip=P             bit errors on the wire (transport_sim.c)
 *   unplug_after=S     S seconds after the first open, every chip is
 *                      unplugged: reads and writes fail with USB errors and
 *                      ftdi_usb_find_all finds nothing ...
 *   unplug_for=S       ... for S seconds (default 2), then they are back
 *   noperm=1           opening fails as it does without the udev rule
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libftdi1/ftdi.h>
#include <libusb-1.0/libusb.h>

#include "ftdi_standin.h"
#include "transport.h"

#define MAX_CHIPS 8

struct libusb_device {
	int index;
};

/* The chips on the "bus", shared by every context (the tests' one global). */
static struct {
	pthread_mutex_t lock;
	bool configured;
	int devices;
	char shape[32];
	double flip, unplug_after, unplug_for;
	bool noperm;
	double first_open;        /* 0: not yet */
	struct libusb_device devs[MAX_CHIPS];
	/* what the last open set, for the tests to check */
	int last_interface, last_baud, last_latency, last_flow, opens;
} bus = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* What one context holds: the open chip's simulated board. */
struct standin_port {
	int interface, chip;
	struct transport t;
	bool open;
	char errbuf[256];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads PM_FTDI_STANDIN: the chips are plugged in afresh. */
void ftdi_standin_reset(void)
{
	const char *env = getenv("PM_FTDI_STANDIN");
	char buf[256], *save = NULL;

	pthread_mutex_lock(&bus.lock);
	bus.devices = 1;
	bus.shape[0] = '\0';
	bus.flip = 0;
	bus.unplug_after = 0;
	bus.unplug_for = 2;
	bus.noperm = false;
	bus.first_open = 0;
	snprintf(buf, sizeof(buf), "%s", env ? env : "");
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "devices=", 8))
			bus.devices = atoi(tok + 8) > MAX_CHIPS ? MAX_CHIPS : atoi(tok + 8);
		else if (!strncmp(tok, "shape=", 6))
			snprintf(bus.shape, sizeof(bus.shape), "%s", tok + 6);
		else if (!strncmp(tok, "flip=", 5))
			bus.flip = atof(tok + 5);
		else if (!strncmp(tok, "unplug_after=", 13))
			bus.unplug_after = atof(tok + 13);
		else if (!strncmp(tok, "unplug_for=", 11))
			bus.unplug_for = atof(tok + 11);
		else if (!strncmp(tok, "noperm=", 7))
			bus.noperm = atoi(tok + 7) != 0;
	}
	for (int i = 0; i < MAX_CHIPS; i++)
		bus.devs[i].index = i;
	bus.configured = true;
	pthread_mutex_unlock(&bus.lock);
}

static bool unplugged(void)
{
	bool u;

	pthread_mutex_lock(&bus.lock);
	u = bus.unplug_after > 0 && bus.first_open > 0 &&
	    now_s() - bus.first_open >= bus.unplug_after &&
	    now_s() - bus.first_open < bus.unplug_after + bus.unplug_for;
	pthread_mutex_unlock(&bus.lock);
	return u;
}

static int fail(struct ftdi_context *ftdi, int code, const char *msg)
{
	ftdi->error_str = msg;
	return code;
}

static struct standin_port *port(struct ftdi_context *ftdi)
{
	return (struct standin_port *)ftdi->readbuffer;   /* the stand-in's use of the field */
}

struct ftdi_context *ftdi_new(void)
{
	struct ftdi_context *ftdi = calloc(1, sizeof(*ftdi));
	struct standin_port *p = calloc(1, sizeof(*p));

	if (!ftdi || !p) {
		free(ftdi);
		free(p);
		return NULL;
	}
	pthread_mutex_lock(&bus.lock);
	bool first = !bus.configured;
	pthread_mutex_unlock(&bus.lock);
	if (first)
		ftdi_standin_reset();
	p->interface = INTERFACE_ANY;
	ftdi->readbuffer = (unsigned char *)p;
	ftdi->usb_read_timeout = 5000;
	ftdi->usb_write_timeout = 5000;
	return ftdi;
}

int ftdi_usb_close(struct ftdi_context *ftdi)
{
	struct standin_port *p = port(ftdi);

	if (p->open)
		p->t.ops->close(&p->t);
	p->open = false;
	return 0;
}

void ftdi_free(struct ftdi_context *ftdi)
{
	if (!ftdi)
		return;
	ftdi_usb_close(ftdi);
	free(port(ftdi));
	free(ftdi);
}

int ftdi_set_interface(struct ftdi_context *ftdi, enum ftdi_interface interface)
{
	if (port(ftdi)->open)
		return fail(ftdi, -3, "Interface can not be changed on an already open device");
	port(ftdi)->interface = interface;
	return 0;
}

int ftdi_usb_find_all(struct ftdi_context *ftdi, struct ftdi_device_list **devlist, int vendor,
		      int product)
{
	struct ftdi_device_list **tail = devlist;
	int n = 0;

	*devlist = NULL;
	if (unplugged())
		return 0;
	if ((vendor && vendor != 0x0403) || (product && product != 0x6010))
		return 0;
	for (int i = 0; i < bus.devices; i++) {
		struct ftdi_device_list *d = calloc(1, sizeof(*d));

		if (!d)
			return fail(ftdi, -3, "out of memory");
		d->dev = &bus.devs[i];
		*tail = d;
		tail = &d->next;
		n++;
	}
	return n;
}

void ftdi_list_free(struct ftdi_device_list **devlist)
{
	while (*devlist) {
		struct ftdi_device_list *next = (*devlist)->next;

		free(*devlist);
		*devlist = next;
	}
}

int ftdi_usb_get_strings(struct ftdi_context *ftdi, struct libusb_device *dev, char *manufacturer,
			 int mnf_len, char *description, int desc_len, char *serial, int serial_len)
{
	if (bus.noperm)
		return fail(ftdi, -4, "usb_open() failed");
	if (manufacturer)
		snprintf(manufacturer, (size_t)mnf_len, "pipeminer");
	if (description)
		snprintf(description, (size_t)desc_len, "stand-in FT2232H");
	if (serial)
		snprintf(serial, (size_t)serial_len, "PMSIM%d", dev->index);
	return 0;
}

uint8_t libusb_get_bus_number(struct libusb_device *dev)
{
	(void)dev;
	return 1;
}

uint8_t libusb_get_device_address(struct libusb_device *dev)
{
	return (uint8_t)(10 + dev->index);
}

int libusb_get_device_descriptor(struct libusb_device *dev, struct libusb_device_descriptor *desc)
{
	(void)dev;
	memset(desc, 0, sizeof(*desc));
	desc->idVendor = 0x0403;
	desc->idProduct = 0x6010;
	return 0;
}

int ftdi_usb_open_dev(struct ftdi_context *ftdi, struct libusb_device *dev)
{
	struct standin_port *p = port(ftdi);
	char spec[96], err[ERR_LEN];

	if (bus.noperm)
		return fail(ftdi, -8, "usb_open() failed (LIBUSB_ERROR_ACCESS)");
	if (unplugged())
		return fail(ftdi, -8, "usb_open() failed (LIBUSB_ERROR_NO_DEVICE)");
	if (bus.flip > 0)
		snprintf(spec, sizeof(spec), "%s,flip=%g", bus.shape, bus.flip);
	else
		snprintf(spec, sizeof(spec), "%s", bus.shape);
	if (transport_sim_open(&p->t, spec, err, sizeof(err)))
		return fail(ftdi, -3, "stand-in: cannot start the simulated board");
	p->open = true;
	p->chip = dev->index;
	pthread_mutex_lock(&bus.lock);
	if (bus.first_open == 0)
		bus.first_open = now_s();
	bus.last_interface = p->interface;
	bus.opens++;
	pthread_mutex_unlock(&bus.lock);
	return 0;
}

int ftdi_set_bitmode(struct ftdi_context *ftdi, unsigned char bitmask, unsigned char mode)
{
	(void)bitmask;
	return port(ftdi)->open && mode == BITMODE_RESET ? 0 : fail(ftdi, -2, "bitmode not set");
}

int ftdi_set_baudrate(struct ftdi_context *ftdi, int baudrate)
{
	if (!port(ftdi)->open)
		return fail(ftdi, -3, "USB device unavailable");
	if (baudrate <= 0 || baudrate > 12000000)
		return fail(ftdi, -1, "Silly baudrate <= 0.");
	bus.last_baud = baudrate;
	ftdi->baudrate = baudrate;
	return 0;
}

int ftdi_set_line_property(struct ftdi_context *ftdi, enum ftdi_bits_type bits,
			   enum ftdi_stopbits_type sbit, enum ftdi_parity_type parity)
{
	return bits == BITS_8 && sbit == STOP_BIT_1 && parity == NONE ? 0
		: fail(ftdi, -1, "the board's UART is 8N1");
}

int ftdi_setflowctrl(struct ftdi_context *ftdi, int flowctrl)
{
	(void)ftdi;
	bus.last_flow = flowctrl;
	return 0;
}

int ftdi_set_latency_timer(struct ftdi_context *ftdi, unsigned char latency)
{
	if (latency < 1)
		return fail(ftdi, -1, "latency out of range. Only valid for 1-255");
	bus.last_latency = latency;
	return 0;
}

int ftdi_tcioflush(struct ftdi_context *ftdi)
{
	return port(ftdi)->open ? 0 : fail(ftdi, -3, "USB device unavailable");
}

/* The chip's UART: interface B carries the board's link. */
static bool uart(struct standin_port *p)
{
	return p->interface == INTERFACE_B;
}

int ftdi_write_data(struct ftdi_context *ftdi, const unsigned char *buf, int size)
{
	struct standin_port *p = port(ftdi);
	char err[ERR_LEN];

	if (!p->open || unplugged())
		return fail(ftdi, -666, "USB device unavailable");
	if (uart(p) && p->t.ops->write(&p->t, buf, (size_t)size, err, sizeof(err)))
		return fail(ftdi, -1, "usb bulk write failed");
	return size;
}

int ftdi_read_data(struct ftdi_context *ftdi, unsigned char *buf, int size)
{
	struct standin_port *p = port(ftdi);
	char err[ERR_LEN];
	int n;

	if (!p->open || unplugged())
		return fail(ftdi, -666, "USB device unavailable");
	if (!uart(p))
		return 0;
	/* one chunk of the model's time, as a bulk read returns what came */
	n = p->t.ops->read(&p->t, buf, (size_t)size, 0, err, sizeof(err));
	return n < 0 ? fail(ftdi, -1, "usb bulk read failed") : n;
}

const char *ftdi_get_error_string(struct ftdi_context *ftdi)
{
	return ftdi->error_str ? ftdi->error_str : "no error";
}

/* For the tests: what the last open set. */
void ftdi_standin_last(int *interface, int *baud, int *latency, int *flow, int *opens)
{
	pthread_mutex_lock(&bus.lock);
	*interface = bus.last_interface;
	*baud = bus.last_baud;
	*latency = bus.last_latency;
	*flow = bus.last_flow;
	*opens = bus.opens;
	pthread_mutex_unlock(&bus.lock);
}
