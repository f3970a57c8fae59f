/*
 * err: the one error convention of host/ (style.md rule 3). Functions that
 * can fail take `char *err, size_t errlen` and, on failure, write one
 * sentence there naming what was wrong; the layer that decides logs it.
 */
#ifndef PIPEMINER_ERR_H
#define PIPEMINER_ERR_H

#include <stddef.h>

/* Room for any error sentence in host/. */
#define ERR_LEN 256

/* printf into err (ignored when err is NULL or errlen is 0); returns -1. */
int errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
