/* cmd_hash: `pipeminer hash HEX160 [--json]`, the double hash of a header. */
#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "json.h"
#include "hex.h"
#include "sha256.h"
#include "target.h"

int cmd_hash(int argc, char **argv)
{
	bool json = false;
	const struct cli_opt opts[] = {{.name = "json", .flag = &json}, {0}};
	const char *pos[1];
	char err[ERR_LEN], hash[65], internal[65], mid[65];
	uint8_t header[80], digest[32], ms[32], target[32];
	uint32_t midstate[8], nbits;
	int npos;
	bool meets;
	double diff;

	if (cli_parse(argc, argv, opts, pos, 1, &npos, err, sizeof(err)))
		return cli_usage_error("hash", "%s", err);
	if (npos != 1)
		return cli_usage_error("hash", "expected one argument: the 80-byte header as 160 hex digits");
	if (hex_decode_exact(pos[0], header, 80, err, sizeof(err)))
		return cli_usage_error("hash", "header: %s", err);

	sha256d(header, 80, digest);
	sha256_midstate(header, midstate);
	sha256_state_to_bytes(midstate, ms);
	hex_encode_reversed(hash, digest, 32);
	hex_encode(internal, digest, 32);
	hex_encode(mid, ms, 32);
	diff = target_difficulty(digest);
	nbits = load_le32(header + 72);
	if (target_from_nbits(nbits, target, err, sizeof(err)))
		return cli_usage_error("hash", "header nbits %08x: %s", nbits, err);
	meets = target_met(digest, target);

	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "hash", hash);
		cJSON_AddStringToObject(o, "hash_internal", internal);
		cJSON_AddStringToObject(o, "midstate", mid);
		json_add_number(o, "difficulty", diff);
		cJSON_AddBoolToObject(o, "meets_nbits", meets);
		if (json_print(o))
			return cli_fail("hash", "out of memory");
	} else {
		printf("hash           %s\n", hash);
		printf("hash_internal  %s\n", internal);
		printf("midstate       %s\n", mid);
		printf("difficulty     %.17g\n", diff);
		printf("meets_nbits    %s (nbits %08x)\n", meets ? "yes" : "no", nbits);
	}
	return EXIT_OK;
}
