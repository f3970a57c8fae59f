/* cmd_share: `pipeminer share [--json] < share.json`; format in share.h. */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "json.h"
#include "hex.h"
#include "share.h"

#define MAX_INPUT (4u << 20)

/* Reads all of stdin (up to MAX_INPUT bytes) into a malloc'd buffer. */
static char *read_stdin(size_t *len, char *err, size_t errlen)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	if (!buf) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, stdin);

		n += got;
		if (n < cap) {
			if (ferror(stdin)) {
				errf(err, errlen, "cannot read standard input");
				goto out_free;
			}
			break;
		}
		if (cap >= MAX_INPUT) {
			errf(err, errlen, "input longer than %u bytes", MAX_INPUT);
			goto out_free;
		}
		cap *= 2;
		{
			char *bigger = realloc(buf, cap);

			if (!bigger) {
				errf(err, errlen, "out of memory");
				goto out_free;
			}
			buf = bigger;
		}
	}
	*len = n;
	return buf;

out_free:
	free(buf);
	return NULL;
}

static int print_result(const struct share_result *r, bool json)
{
	char root[65], hash[65], header[161], *coinbase;

	coinbase = hex_encode_alloc(r->coinbase, r->coinbase_len);
	if (!coinbase)
		return cli_fail("share", "out of memory");
	hex_encode(root, r->merkle_root, 32);
	hex_encode(header, r->header, 80);
	hex_encode_reversed(hash, r->hash, 32);
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "coinbase", coinbase);
		cJSON_AddStringToObject(o, "merkle_root", root);
		cJSON_AddStringToObject(o, "header", header);
		cJSON_AddStringToObject(o, "hash", hash);
		json_add_number(o, "share_difficulty", r->share_difficulty);
		cJSON_AddBoolToObject(o, "meets_difficulty", r->meets_difficulty);
		cJSON_AddBoolToObject(o, "meets_nbits", r->meets_nbits);
		if (json_print(o)) {
			free(coinbase);
			return cli_fail("share", "out of memory");
		}
	} else {
		printf("coinbase          %s\n", coinbase);
		printf("merkle_root       %s (as in the header)\n", root);
		printf("header            %s\n", header);
		printf("hash              %s\n", hash);
		printf("share_difficulty  %.17g\n", r->share_difficulty);
		printf("meets_difficulty  %s\n", r->meets_difficulty ? "yes" : "no");
		printf("meets_nbits       %s%s\n", r->meets_nbits ? "yes" : "no",
		       r->meets_nbits ? " (a block)" : "");
	}
	free(coinbase);
	return EXIT_OK;
}

int cmd_share(int argc, char **argv)
{
	bool json = false;
	const struct cli_opt opts[] = {{.name = "json", .flag = &json}, {0}};
	const char *pos[1];
	char err[ERR_LEN], *text;
	struct share_input in;
	struct share_result res;
	size_t len;
	cJSON *obj;
	int npos, rc;

	if (cli_parse(argc, argv, opts, pos, 0, &npos, err, sizeof(err)))
		return cli_usage_error("share", "%s (the share is read from standard input)", err);
	text = read_stdin(&len, err, sizeof(err));
	if (!text)
		return cli_usage_error("share", "%s", err);
	obj = cJSON_ParseWithLength(text, len);
	free(text);
	if (!obj)
		return cli_usage_error("share", "standard input is not valid JSON");
	rc = share_input_parse(obj, &in, err, sizeof(err));
	cJSON_Delete(obj);
	if (rc)
		return cli_usage_error("share", "%s", err);
	if (share_explain(&in, &res, err, sizeof(err))) {
		share_input_release(&in);
		return cli_usage_error("share", "%s", err);
	}
	rc = print_result(&res, json);
	share_result_release(&res);
	share_input_release(&in);
	return rc;
}
