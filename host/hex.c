/* hex: see hex.h for the contract. */
#include "hex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char digits[] = "0123456789abcdef";

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void hex_encode(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

char *hex_encode_alloc(const uint8_t *in, size_t len)
{
	char *out = malloc(2 * len + 1);

	if (out)
		hex_encode(out, in, len);
	return out;
}

void hex_encode_reversed(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[len - 1 - i] >> 4];
		out[2 * i + 1] = digits[in[len - 1 - i] & 15];
	}
	out[2 * len] = '\0';
}

int hex_decode(const char *in, uint8_t *out, size_t cap, size_t *len,
               char *err, size_t errlen)
{
	size_t n = strlen(in);

	if (n % 2)
		return errf(err, errlen, "odd number of hex digits (%zu)", n);
	if (n / 2 > cap)
		return errf(err, errlen, "too long: %zu bytes, at most %zu allowed", n / 2, cap);
	for (size_t i = 0; i < n; i++)
		if (nibble(in[i]) < 0)
			return errf(err, errlen, "not a hex digit at position %zu (character code %d)",
				    i, (unsigned char)in[i]);
	for (size_t i = 0; i < n / 2; i++)
		out[i] = (uint8_t)(nibble(in[2 * i]) << 4 | nibble(in[2 * i + 1]));
	*len = n / 2;
	return 0;
}

int hex_decode_exact(const char *in, uint8_t *out, size_t want,
                     char *err, size_t errlen)
{
	size_t n = strlen(in);

	if (n != 2 * want)
		return errf(err, errlen, "expected %zu hex digits (%zu bytes), got %zu",
			    2 * want, want, n);
	return hex_decode(in, out, want, &n, err, errlen);
}

int hex_to_u32be(const char *in, uint32_t *out, char *err, size_t errlen)
{
	uint8_t b[4];

	if (hex_decode_exact(in, b, 4, err, errlen))
		return -1;
	*out = load_be32(b);
	return 0;
}

void u32_to_hexbe(char *out, uint32_t v)
{
	uint8_t b[4];

	store_be32(b, v);
	hex_encode(out, b, 4);
}

int parse_u64(const char *in, uint64_t max, uint64_t *out,
              char *err, size_t errlen)
{
	const char *p = in;
	int base = 10;
	char *end;
	unsigned long long v;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (*p == '\0' || nibble(*p) < 0 || (base == 10 && (*p < '0' || *p > '9')))
		return errf(err, errlen, "expected a decimal or 0x-prefixed hex number");
	errno = 0;
	v = strtoull(p, &end, base);
	if (*end != '\0')
		return errf(err, errlen, "expected a decimal or 0x-prefixed hex number");
	if (errno == ERANGE || v > max)
		return errf(err, errlen, "out of range: at most %llu", (unsigned long long)max);
	*out = v;
	return 0;
}
