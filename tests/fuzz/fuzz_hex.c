/*
 * fuzz_hex: libFuzzer harness for the hex and number parsers (host/hex.c).
 * Any input: no crash, no undefined behaviour, and decode/encode round-trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[ERR_LEN], again[2 * 64 + 1];
	uint8_t out[64], back[64];
	size_t len, len2;
	uint32_t w;
	uint64_t v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (hex_decode(s, out, sizeof(out), &len, err, sizeof(err)) == 0) {
		hex_encode(again, out, len);
		if (hex_decode(again, back, sizeof(back), &len2, err, sizeof(err)) ||
		    len2 != len || memcmp(out, back, len))
			abort();
	}
	hex_decode_exact(s, out, 32, err, sizeof(err));
	if (hex_to_u32be(s, &w, err, sizeof(err)) == 0) {
		u32_to_hexbe(again, w);
		if (hex_to_u32be(again, &w, NULL, 0))
			abort();
	}
	parse_u64(s, 1ull << 32, &v, err, sizeof(err));
	parse_u64(s, ~0ull, &v, err, sizeof(err));
	free(s);
	return 0;
}
