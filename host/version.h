/* version: the one place pipeminer's version is written. */
#ifndef PIPEMINER_VERSION_H
#define PIPEMINER_VERSION_H

#define PIPEMINER_VERSION "0.2.0"

#endif
