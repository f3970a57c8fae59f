/*
 * ftdi_standin: the libftdi1 stand-in the tests link in place of the
 * library (ftdi_standin.c says what it plays). These two calls are the
 * tests' own.
 */
#ifndef PIPEMINER_FTDI_STANDIN_H
#define PIPEMINER_FTDI_STANDIN_H

/* Re-reads PM_FTDI_STANDIN: every chip plugged in afresh. */
void ftdi_standin_reset(void);

/* What the driver set on its last open. */
void ftdi_standin_last(int *interface, int *baud, int *latency, int *flow, int *opens);

#endif
