/*
 * target: see target.h. Exact arithmetic on little-endian arrays of 64-bit
 * limbs wide enough for diff1 shifted left by the bits a correctly rounded
 * quotient needs.
 */
#include "target.h"

#include <math.h>
#include <string.h>

#include "err.h"
#include "hex.h"

#define LIMBS 8 /* 512 bits */

struct big {
	uint64_t w[LIMBS]; /* w[0] least significant */
};

static void big_from_le(struct big *b, const uint8_t x[32])
{
	memset(b, 0, sizeof(*b));
	for (int i = 0; i < 32; i++)
		b->w[i / 8] |= (uint64_t)x[i] << (8 * (i % 8));
}

/* Fails (returns -1) when b does not fit in 256 bits. */
static int big_to_le(const struct big *b, uint8_t x[32])
{
	for (int i = 4; i < LIMBS; i++)
		if (b->w[i])
			return -1;
	for (int i = 0; i < 32; i++)
		x[i] = (uint8_t)(b->w[i / 8] >> (8 * (i % 8)));
	return 0;
}

static unsigned big_bitlen(const struct big *b)
{
	for (int i = LIMBS - 1; i >= 0; i--)
		if (b->w[i])
			return 64 * (unsigned)i + 64 - (unsigned)__builtin_clzll(b->w[i]);
	return 0;
}

static void big_shl(struct big *b, unsigned n)
{
	struct big r = {{0}};

	for (int i = LIMBS - 1; i >= 0; i--) {
		int src = i - (int)(n / 64);
		unsigned s = n % 64;

		if (src < 0)
			continue;
		r.w[i] = b->w[src] << s;
		if (s && src > 0)
			r.w[i] |= b->w[src - 1] >> (64 - s);
	}
	*b = r;
}

static void big_shr(struct big *b, unsigned n)
{
	struct big r = {{0}};

	for (int i = 0; i < LIMBS; i++) {
		unsigned src = (unsigned)i + n / 64, s = n % 64;

		if (src >= LIMBS)
			break;
		r.w[i] = b->w[src] >> s;
		if (s && src + 1 < LIMBS)
			r.w[i] |= b->w[src + 1] << (64 - s);
	}
	*b = r;
}

static int big_cmp(const struct big *a, const struct big *b)
{
	for (int i = LIMBS - 1; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

static void big_sub(struct big *a, const struct big *b)
{
	unsigned __int128 borrow = 0;

	for (int i = 0; i < LIMBS; i++) {
		unsigned __int128 d = (unsigned __int128)a->w[i] - b->w[i] - borrow;

		a->w[i] = (uint64_t)d;
		borrow = (d >> 64) ? 1 : 0;
	}
}

/* q = floor(n / d), r = n mod d; d != 0. Bit-serial: only used per share. */
static void big_divmod(const struct big *n, const struct big *d,
		       struct big *q, struct big *r)
{
	struct big rem = {{0}}, quo = {{0}};

	for (int bit = (int)big_bitlen(n) - 1; bit >= 0; bit--) {
		big_shl(&rem, 1);
		rem.w[0] |= (n->w[bit / 64] >> (bit % 64)) & 1;
		if (big_cmp(&rem, d) >= 0) {
			big_sub(&rem, d);
			quo.w[bit / 64] |= 1ull << (bit % 64);
		}
	}
	*q = quo;
	*r = rem;
}

/* diff1 = 0xFFFF * 2^208. */
static void big_diff1(struct big *b)
{
	memset(b, 0, sizeof(*b));
	b->w[3] = 0xffffull << (208 - 192);
}

int target_from_nbits(uint32_t nbits, uint8_t target[32], char *err, size_t errlen)
{
	unsigned exp = nbits >> 24;
	uint32_t mant = nbits & 0x007fffff;
	struct big b = {{0}};

	if ((nbits & 0x00800000) && mant)
		return errf(err, errlen, "nbits encodes a negative target (sign bit 0x00800000 set)");
	b.w[0] = mant;
	if (exp <= 3)
		big_shr(&b, 8 * (3 - exp));
	else if (8 * (exp - 3) < 256)
		big_shl(&b, 8 * (exp - 3));
	else if (mant)
		b.w[LIMBS - 1] = 1; /* far above 2^256 */
	if (big_to_le(&b, target))
		return errf(err, errlen, "nbits encodes a target above 2^256");
	return 0;
}

int target_from_difficulty(double d, uint8_t target[32], char *err, size_t errlen)
{
	struct big n, q, r, m = {{0}};
	int e;
	double frac;
	uint64_t mant;

	if (!isfinite(d) || d <= 0)
		return errf(err, errlen, "difficulty must be a finite number above 0");
	/* d = mant * 2^e exactly, mant < 2^53. */
	frac = frexp(d, &e);
	mant = (uint64_t)ldexp(frac, 53);
	e -= 53;
	big_diff1(&n);
	m.w[0] = mant;
	if (e < 0) {
		/* floor(diff1 * 2^-e / mant): numerator has 224 - e bits. */
		if (224 - e > 64 * LIMBS - 1 || 224 - e - 53 > 257) {
			memset(target, 0xff, 32);
			return 0;
		}
		big_shl(&n, (unsigned)-e);
		big_divmod(&n, &m, &q, &r);
	} else {
		big_divmod(&n, &m, &q, &r);
		big_shr(&q, e > 511 ? 511 : (unsigned)e);
	}
	if (big_to_le(&q, target))
		memset(target, 0xff, 32);
	return 0;
}

double target_difficulty(const uint8_t x[32])
{
	struct big n, d, q, r;
	unsigned dl, ql, s;
	uint64_t top, low;
	bool sticky;
	int exp;

	big_from_le(&d, x);
	dl = big_bitlen(&d);
	if (dl == 0)
		return INFINITY;
	/* Shift diff1 (225 bits at most) so the quotient has at least 66 bits. */
	s = dl + 66 > 224 ? dl + 66 - 224 : 0;
	big_diff1(&n);
	big_shl(&n, s);
	big_divmod(&n, &d, &q, &r);
	sticky = big_bitlen(&r) != 0;
	ql = big_bitlen(&q);
	/* Keep the top 64 bits of q; the rest only matters as sticky. */
	{
		struct big t = q;

		big_shr(&t, ql - 64);
		top = t.w[0];
		big_shl(&t, ql - 64);
		big_sub(&q, &t);
		sticky = sticky || big_bitlen(&q) != 0;
	}
	/* Round the 64-bit top to 53 bits, ties to even. */
	low = top & 0x7ff;
	top >>= 11;
	if (low > 0x400 || (low == 0x400 && (sticky || (top & 1))))
		top++;
	exp = (int)ql - 64 + 11 - (int)s;
	return ldexp((double)top, exp);
}

bool target_met(const uint8_t hash[32], const uint8_t target[32])
{
	for (int i = 31; i >= 0; i--)
		if (hash[i] != target[i])
			return hash[i] < target[i];
	return true;
}

unsigned target_zero_bits(const uint8_t x[32])
{
	for (int i = 31; i >= 0; i--)
		if (x[i])
			return (unsigned)(31 - i) * 8 + (unsigned)__builtin_clz(x[i]) - 24;
	return 256;
}

void target_to_hex(const uint8_t x[32], char out[65])
{
	hex_encode_reversed(out, x, 32);
}
