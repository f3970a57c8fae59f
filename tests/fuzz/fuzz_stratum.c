/*
 * fuzz_stratum: libFuzzer harness for the Stratum client state machine
 * (host/stratum*.c). The input is a sequence of lines from a "pool"; each
 * goes to a session that has already subscribed and authorized, and a share
 * is submitted whenever the session is ready. Any input: no crash, no leak,
 * no undefined behaviour; refused lines are simply refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "stratum.h"

static void free_jobs(struct stratum_event *ev, size_t n)
{
	for (size_t k = 0; k < n; k++)
		job_free(ev[k].job);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opening[] = {
		"{\"id\":1,\"result\":{\"version-rolling\":true,\"version-rolling.mask\":\"ffffffff\"},\"error\":null}",
		"{\"id\":2,\"result\":[[[\"mining.notify\",\"ab\"]],\"01020304\",4],\"error\":null}",
		"{\"id\":4,\"result\":true,\"error\":null}",
	};
	const struct stratum_config cfg = {
		.agent = "fuzz", .host = "h", .user = "u", .pass = "p",
		.version_rolling = true, .extranonce_subscribe = true, .suggest_diff = 2,
	};
	struct stratum s;
	struct stratum_event ev[8];
	char err[ERR_LEN];
	size_t nev, start = 0;
	uint64_t lost[64];

	stratum_init(&s, &cfg);
	stratum_start(&s);
	for (size_t i = 0; i < sizeof(opening) / sizeof(opening[0]); i++) {
		nev = 0;
		stratum_on_line(&s, opening[i], strlen(opening[i]), ev, 8, &nev, err, sizeof(err));
		free_jobs(ev, nev);
	}
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		nev = 0;
		stratum_on_line(&s, (const char *)data + start, i - start, ev, 8, &nev, err,
				sizeof(err));
		free_jobs(ev, nev);
		start = i + 1;
		if (s.state == STRATUM_READY) {
			struct stratum_share sh = {
				.id = i, .job_id = "j", .extranonce2_len = s.extranonce2_len,
			};

			stratum_submit(&s, &sh, err, sizeof(err));
		}
	}
	stratum_reset(&s, lost, 64);
	stratum_release(&s);
	return 0;
}
