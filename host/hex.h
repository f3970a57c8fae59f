/*
 * hex: strict conversions between bytes and lower-case hexadecimal text, and
 * between 32-bit words and the 8-digit big-endian text Stratum uses for
 * version, nbits, ntime and nonce.
 *
 * Every parser here validates the whole input before writing any output and,
 * on failure, fills `err` (when not NULL) with one sentence naming what was
 * wrong, e.g. "odd number of hex digits (63)". Nothing here allocates except
 * hex_encode_alloc().
 */
#ifndef PIPEMINER_HEX_H
#define PIPEMINER_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Writes 2*len lower-case hex digits and a NUL to out (2*len+1 bytes). */
void hex_encode(char *out, const uint8_t *in, size_t len);

/* Same, into a new malloc'd string the caller frees; NULL when out of memory. */
char *hex_encode_alloc(const uint8_t *in, size_t len);

/* Writes the bytes of `in` reversed (block-explorer "display" order). */
void hex_encode_reversed(char *out, const uint8_t *in, size_t len);

/*
 * Decodes hex text of any length up to `cap` bytes into out; *len gets the
 * byte count. Upper- and lower-case digits are accepted; anything else
 * (spaces, 0x prefixes, odd length) fails. Returns 0, or -1 with err set.
 */
int hex_decode(const char *in, uint8_t *out, size_t cap, size_t *len,
               char *err, size_t errlen);

/* Decodes exactly `want` bytes; any other length fails. 0 or -1. */
int hex_decode_exact(const char *in, uint8_t *out, size_t want,
                     char *err, size_t errlen);

/* Parses 8 hex digits as a big-endian 32-bit value ("1d00ffff"). 0 or -1. */
int hex_to_u32be(const char *in, uint32_t *out, char *err, size_t errlen);

/* Writes v as 8 lower-case hex digits and a NUL (9 bytes). */
void u32_to_hexbe(char *out, uint32_t v);

/*
 * Parses an unsigned integer given as decimal or 0x-prefixed hex, no sign,
 * no trailing text, at most `max`. Used for command-line numbers. 0 or -1.
 */
int parse_u64(const char *in, uint64_t max, uint64_t *out,
              char *err, size_t errlen);

/* Byte-order helpers for the header's little-endian and SHA's big-endian words. */
static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
