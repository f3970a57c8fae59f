/*
 * cmd_scan: `pipeminer scan --header HEX160 [--start N] [--count K]
 * [--zero-bits B] [--device cpu] [--threads T] [--path P] [--json]`:
 * every nonce in start..start+K-1 (mod 2^32) whose double hash has at least
 * B leading zero bits as a little-endian number, found by a device and
 * verified on the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "commands.h"
#include "device.h"
#include "err.h"
#include "json.h"
#include "hex.h"
#include "target.h"
#include "work.h"

struct found {
	uint32_t *nonce;
	size_t n, cap;
};

static int found_add(struct found *f, uint32_t nonce)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		uint32_t *p = realloc(f->nonce, cap * sizeof(*p));

		if (!p)
			return -1;
		f->nonce = p;
		f->cap = cap;
	}
	f->nonce[f->n++] = nonce;
	return 0;
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts nonces by their position in a range starting at `start` (it may wrap). */
static void sort_by_position(struct found *f, uint32_t start)
{
	for (size_t i = 0; i < f->n; i++)
		f->nonce[i] -= start;
	qsort(f->nonce, f->n, sizeof(*f->nonce), by_value);
	for (size_t i = 0; i < f->n; i++)
		f->nonce[i] += start;
}

struct scan_args {
	uint8_t header[80];
	uint32_t start;
	uint64_t count;
	unsigned zero_bits;
	const char *device;
	struct device_config cfg;
	bool json;
};

static int parse_args(int argc, char **argv, struct scan_args *a)
{
	const char *header = NULL, *start = "0", *count = "0x100000000", *bits = "32";
	const char *threads = "0";
	const struct cli_opt opts[] = {
		{.name = "header", .value = &header},
		{.name = "start", .value = &start},
		{.name = "count", .value = &count},
		{.name = "zero-bits", .value = &bits},
		{.name = "device", .value = &a->device},
		{.name = "threads", .value = &threads},
		{.name = "path", .value = &a->cfg.path},
		{.name = "json", .flag = &a->json},
		{0},
	};
	const char *pos[1];
	char err[ERR_LEN];
	uint64_t v;
	int npos;

	a->device = "cpu";
	if (cli_parse(argc, argv, opts, pos, 0, &npos, err, sizeof(err)))
		return cli_usage_error("scan", "%s", err);
	if (!header)
		return cli_usage_error("scan", "--header is required (160 hex digits)");
	if (hex_decode_exact(header, a->header, 80, err, sizeof(err)))
		return cli_usage_error("scan", "--header: %s", err);
	if (cli_number("start", start, 0, 0xffffffffu, &v, err, sizeof(err)))
		return cli_usage_error("scan", "%s", err);
	a->start = (uint32_t)v;
	if (cli_number("count", count, 1, 1ull << 32, &a->count, err, sizeof(err)) ||
	    cli_number("zero-bits", bits, 0, 256, &v, err, sizeof(err)))
		return cli_usage_error("scan", "%s", err);
	a->zero_bits = (unsigned)v;
	if (cli_number("threads", threads, 0, 1024, &v, err, sizeof(err)))
		return cli_usage_error("scan", "%s", err);
	a->cfg.threads = (unsigned)v;
	return EXIT_OK;
}

/* Runs the unit to its end, verifying each candidate. */
static int run_scan(struct device *dev, const struct scan_args *a, const struct work *w,
		    struct found *f, unsigned *hw_errors)
{
	struct work_unit wu = {
		.tag = 1, .nonce_start = a->start, .nonce_count = a->count,
		.zero_bits = a->zero_bits < 32 ? a->zero_bits : 32,
	};
	struct device_event ev[64];
	bool done = false;

	memcpy(wu.midstate, w->midstate, sizeof(wu.midstate));
	memcpy(wu.tail, w->tail, sizeof(wu.tail));
	if (dev->ops->send_work(dev, &wu))
		return cli_fail("scan", "device refused the work unit");
	while (!done) {
		int n = dev->ops->poll(dev, ev, 64, 1000);

		if (n < 0)
			return cli_fail("scan", "device %s failed", dev->info.kind);
		for (int i = 0; i < n; i++) {
			uint8_t hash[32];
			unsigned z;

			if (ev[i].kind == DEVICE_DONE) {
				done = true;
				continue;
			}
			work_hash(w, ev[i].nonce, hash);
			z = target_zero_bits(hash);
			if (z < wu.zero_bits) {
				(*hw_errors)++;
				fprintf(stderr, "pipeminer scan: hardware error: nonce %08x has %u "
					"zero bits, fewer than the %u asked\n", ev[i].nonce, z, wu.zero_bits);
			} else if (z >= a->zero_bits && found_add(f, ev[i].nonce)) {
				return cli_fail("scan", "out of memory");
			}
		}
	}
	return EXIT_OK;
}

static int print_json(const struct found *f, uint64_t hashes, double secs)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "nonces");
	char hex[9];

	for (size_t i = 0; i < f->n; i++) {
		u32_to_hexbe(hex, f->nonce[i]);
		cJSON_AddItemToArray(arr, cJSON_CreateString(hex));
	}
	json_add_number(o, "hashes", (double)hashes);
	json_add_number(o, "seconds", secs);
	return json_print(o);
}

int cmd_scan(int argc, char **argv)
{
	struct scan_args a = {0};
	struct device dev;
	struct work w;
	struct found f = {0};
	char err[ERR_LEN];
	unsigned hw_errors = 0;
	double t0, secs;
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;
	work_from_header(&w, a.header);
	if (device_open(&dev, a.device, &a.cfg, err, sizeof(err)))
		return cli_usage_error("scan", "--device %s: %s", a.device, err);
	t0 = cli_now();
	rc = run_scan(&dev, &a, &w, &f, &hw_errors);
	secs = cli_now() - t0;
	device_close(&dev);
	if (rc)
		goto out;
	sort_by_position(&f, a.start);
	if (a.json) {
		if (print_json(&f, a.count, secs))
			rc = cli_fail("scan", "out of memory");
	} else {
		for (size_t i = 0; i < f.n; i++) {
			uint8_t hash[32];
			char hex[65];

			work_hash(&w, f.nonce[i], hash);
			hex_encode_reversed(hex, hash, 32);
			printf("nonce %08x  hash %s  zero_bits %u\n", f.nonce[i], hex,
			       target_zero_bits(hash));
		}
		printf("%zu found in %llu nonces, %.3f s, %.2f MH/s\n", f.n,
		       (unsigned long long)a.count, secs, (double)a.count / secs / 1e6);
	}
	if (!rc && hw_errors)
		rc = EXIT_FAIL;
out:
	free(f.nonce);
	return rc;
}
