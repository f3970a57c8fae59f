/*
 * cmd_devices: `pipeminer devices`: what --device can name on this machine:
 * the FTDI chips present (through libftdi1, with the selector for each, or
 * what to do when they cannot be opened), the serial ports, and the
 * simulated board's shapes. Exit 0; 1 when USB cannot be read at all.
 */
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "pmsim.h"
#include "transport.h"

int cmd_devices(int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, NULL, NULL}};
	char err[ERR_LEN], list[8192];
	int n, npos, rc = EXIT_OK;
	glob_t g;

	if (cli_parse(argc, argv, opts, NULL, 0, &npos, err, sizeof(err)))
		return cli_usage_error("devices", "%s", err);

	printf("FTDI devices (--device ftdi[:SELECTOR]):\n");
	n = transport_ftdi_list(list, sizeof(list), err, sizeof(err));
	if (n < 0) {
		printf("  cannot read USB: %s\n", err);
		rc = EXIT_FAIL;
	} else if (n == 0) {
		printf("  none found. A board's FTDI chip shows in `lsusb` as 0403:6010 (FT2232H:\n"
		       "  iCEBreaker, HX8K breakout) or 0403:6015 (FT231X: ULX3S); a UPduino talks\n"
		       "  through a USB-UART adapter on its header (its own FT232H, 0403:6014, only\n"
		       "  programs its flash). If it is there but not here, install the udev rule:\n"
		       "  sudo cp bitstreams/99-pipeminer.rules /etc/udev/rules.d/ && replug it.\n");
	} else {
		for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n"))
			printf("  %s\n", line);
	}

	printf("serial ports (--device serial:PATH[@BAUD]):\n");
	n = 0;
	for (int k = 0; k < 2; k++) {
		if (glob(k ? "/dev/ttyACM*" : "/dev/ttyUSB*", 0, NULL, &g) == 0)
			for (size_t i = 0; i < g.gl_pathc; i++, n++)
				printf("  %s\n", g.gl_pathv[i]);
		globfree(&g);
	}
	if (!n)
		printf("  none (/dev/ttyUSB*, /dev/ttyACM*)\n");

	printf("simulated boards (--device sim[:SHAPE][,flip=P][,hang=S]):\n");
	for (int i = 0; pmsim_shapes[i]; i++)
		printf("  sim:%-8s %s%s\n", pmsim_shapes[i]->name, pmsim_shapes[i]->what,
		       i == 0 ? " (the default)" : "");
	return rc;
}
