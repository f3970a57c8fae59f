/*
 * target: 256-bit targets, compact nbits, pool difficulty and the share
 * difficulty of a hash, all exact.
 *
 * A target or a hash is 32 bytes read as a little-endian 256-bit number:
 * the order SHA-256d outputs ("internal" order), so a hash meets a target
 * iff int_le(hash) <= int_le(target). Block explorers print the bytes
 * reversed; target_to_hex() prints that big-endian form ("00000000ffff...").
 *
 * Difficulty 1 is the Stratum/bdiff target 0xFFFF * 2^208
 * (0x00000000FFFF0000...). A share of difficulty d must hash at or below
 * floor(diff1 / d); difficulties may be fractional or above 2^32 and are
 * handled exactly (the double's exact value is used, nothing rounds to an
 * integer). The share difficulty of a hash is diff1 / int_le(hash), rounded
 * once, correctly, to the nearest double.
 */
#ifndef PIPEMINER_TARGET_H
#define PIPEMINER_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * nbits (e.g. 0x1d00ffff) to the target it encodes. Fails (-1, err set) for
 * a negative encoding (bit 0x00800000 set with a non-zero mantissa) or one
 * that overflows 256 bits; returns 0 otherwise.
 */
int target_from_nbits(uint32_t nbits, uint8_t target[32], char *err, size_t errlen);

/*
 * Share target for difficulty d: floor(diff1 / d), saturated at 2^256 - 1.
 * Fails (-1, err set) unless d is finite and > 0.
 */
int target_from_difficulty(double d, uint8_t target[32], char *err, size_t errlen);

/* diff1 / int_le(x) correctly rounded; +infinity for zero. */
double target_difficulty(const uint8_t x[32]);

/* int_le(hash) <= int_le(target). */
bool target_met(const uint8_t hash[32], const uint8_t target[32]);

/* Leading zero bits of int_le(x), 0..256. */
unsigned target_zero_bits(const uint8_t x[32]);

/* 64 hex digits, most significant first, and a NUL (65 bytes). */
void target_to_hex(const uint8_t x[32], char out[65]);

#endif
