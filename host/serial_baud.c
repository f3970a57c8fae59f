/* serial_baud: see serial_baud.h. Linux only. */
#include "serial_baud.h"

#include <asm/termbits.h>
#include <sys/ioctl.h>

int serial_set_baud(int fd, unsigned baud)
{
	struct termios2 t;

	if (ioctl(fd, TCGETS2, &t))
		return -1;
	t.c_cflag &= ~(tcflag_t)CBAUD;
	t.c_cflag |= BOTHER;
	t.c_ispeed = baud;
	t.c_ospeed = baud;
	return ioctl(fd, TCSETS2, &t);
}
