/*
 * serial_baud: sets any baud rate on a Linux tty, the non-standard ones
 * FTDI chips support (3000000, 2000000, 1500000 ...) included, through the
 * termios2 ioctl (BOTHER). In a file of its own because <asm/termbits.h>
 * and <termios.h> cannot be included together.
 */
#ifndef PIPEMINER_SERIAL_BAUD_H
#define PIPEMINER_SERIAL_BAUD_H

/* 0, or -1 with errno set. */
int serial_set_baud(int fd, unsigned baud);

#endif
