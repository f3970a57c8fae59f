/*
 * cmd_bench: `pipeminer bench [--device cpu] [--seconds S] [--threads T]
 * [--path P] [--json]` measures a device's hash rate on a synthetic header;
 * `pipeminer bench --workgen [--seconds S] [--json]` measures how fast the
 * host turns a job into new midstates (extranonce2 rolling through a
 * 12-branch merkle path, and BIP 320 version rolling).
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
#include "sha256.h"
#include "work.h"

#define WORKGEN_BRANCHES 12

/* Deterministic filler bytes (xorshift), so every run hashes the same data. */
static void fill(uint8_t *p, size_t n, uint64_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		*seed ^= *seed << 13;
		*seed ^= *seed >> 7;
		*seed ^= *seed << 17;
		p[i] = (uint8_t)*seed;
	}
}

static int bench_device(const char *spec, const struct device_config *cfg, double seconds,
			bool json)
{
	struct device dev;
	struct device_status st0, st1;
	struct device_event ev[64];
	struct work_unit wu = {.tag = 1, .nonce_count = 1ull << 32, .zero_bits = 32};
	uint8_t header[80];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	char err[ERR_LEN];
	double t0, t1, warm;
	struct work w;

	if (device_open(&dev, spec, cfg, err, sizeof(err)))
		return cli_usage_error("bench", "--device %s: %s", spec, err);
	fill(header, sizeof(header), &seed);
	work_from_header(&w, header);
	memcpy(wu.midstate, w.midstate, sizeof(wu.midstate));
	memcpy(wu.tail, w.tail, sizeof(wu.tail));
	if (dev.ops->send_work(&dev, &wu)) {
		device_close(&dev);
		return cli_fail("bench", "device refused the work unit");
	}
	/* Let every thread start before the clock does. */
	warm = cli_now() + (seconds < 2 ? seconds / 4 : 0.5);
	while (cli_now() < warm)
		dev.ops->poll(&dev, ev, 64, 50);
	dev.ops->status(&dev, &st0);
	t0 = cli_now();
	while ((t1 = cli_now()) < t0 + seconds)
		dev.ops->poll(&dev, ev, 64, 50);
	dev.ops->status(&dev, &st1);
	t1 = cli_now();
	dev.ops->abort(&dev);

	{
		uint64_t hashes = st1.hashes - st0.hashes;
		double secs = t1 - t0, mhs = (double)hashes / secs / 1e6;

		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "device", dev.info.kind);
			cJSON_AddStringToObject(o, "path", dev.info.path);
			json_add_number(o, "threads", dev.info.parallel);
			json_add_number(o, "hashes", (double)hashes);
			json_add_number(o, "seconds", secs);
			json_add_number(o, "mhs", mhs);
			json_print(o);
		} else {
			printf("%s, path %s, %u threads: %llu hashes in %.3f s = %.2f MH/s\n",
			       dev.info.kind, dev.info.path, dev.info.parallel,
			       (unsigned long long)hashes, secs, mhs);
		}
	}
	device_close(&dev);
	return EXIT_OK;
}

/* A synthetic job the size of a real one: a ~180-byte coinbase, 12 branches. */
static int make_template(struct work_template *t)
{
	uint64_t seed = 42;

	memset(t, 0, sizeof(*t));
	t->coinb1_len = 58;
	t->coinb2_len = 110;
	t->coinb1 = malloc(t->coinb1_len);
	t->coinb2 = malloc(t->coinb2_len);
	if (!t->coinb1 || !t->coinb2) {
		work_template_release(t);
		return -1;
	}
	fill(t->coinb1, t->coinb1_len, &seed);
	fill(t->coinb2, t->coinb2_len, &seed);
	fill(t->prevhash, 32, &seed);
	fill(t->extranonce1, 4, &seed);
	t->extranonce1_len = 4;
	t->extranonce2_len = 8;
	t->nbranch = WORKGEN_BRANCHES;
	fill(&t->branch[0][0], sizeof(t->branch), &seed);
	t->version = 0x20000000;
	t->nbits = 0x1702068f;
	t->ntime = 0x65000000;
	work_template_prepare(t);
	return 0;
}

static int bench_workgen(double seconds, bool json)
{
	struct work_template t;
	struct work w;
	uint8_t en2[8], txid[32], root[32], header[80];
	uint64_t n_en2 = 0, n_ver = 0;
	volatile uint32_t sink = 0; /* keeps the loops from being optimized away */
	double t0, en2_rate, ver_rate;

	if (make_template(&t))
		return cli_fail("bench", "out of memory");
	/* extranonce2 rolling: coinbase hash, merkle path, header, midstate. */
	t0 = cli_now();
	do {
		for (int i = 0; i < 1024; i++, n_en2++) {
			work_extranonce2(n_en2, en2, sizeof(en2));
			work_coinbase_hash(&t, en2, txid);
			work_merkle_root(txid, (const uint8_t (*)[32])t.branch, t.nbranch, root);
			work_header(&t, root, t.version, t.ntime, 0, header);
			work_from_header(&w, header);
			sink ^= w.midstate[0];
		}
	} while (cli_now() < t0 + seconds / 2);
	en2_rate = (double)n_en2 / (cli_now() - t0);

	/* Version rolling on one merkle root: header version, midstate. */
	t0 = cli_now();
	do {
		for (int i = 0; i < 4096; i++, n_ver++) {
			uint32_t v = work_version_roll(t.version, 0x1fffe000u,
				work_version_bits(0x1fffe000u, (uint32_t)n_ver));

			work_header(&t, root, v, t.ntime, 0, header);
			work_from_header(&w, header);
			sink ^= w.midstate[0];
		}
	} while (cli_now() < t0 + seconds / 2);
	ver_rate = (double)n_ver / (cli_now() - t0);
	work_template_release(&t);

	if (json) {
		cJSON *o = cJSON_CreateObject(), *g = cJSON_AddObjectToObject(o, "workgen");

		json_add_number(g, "branches", WORKGEN_BRANCHES);
		json_add_number(g, "extranonce2_midstates_per_s", en2_rate);
		json_add_number(g, "version_midstates_per_s", ver_rate);
		json_print(o);
	} else {
		printf("work generation, %d-branch merkle path, one core:\n", WORKGEN_BRANCHES);
		printf("  extranonce2 rolling: %.0f midstates/s\n", en2_rate);
		printf("  version rolling:     %.0f midstates/s\n", ver_rate);
	}
	return EXIT_OK;
}

int cmd_bench(int argc, char **argv)
{
	const char *device = "cpu", *seconds = "5", *threads = "0";
	bool json = false, workgen = false;
	struct device_config cfg = {0};
	const struct cli_opt opts[] = {
		{.name = "device", .value = &device},
		{.name = "seconds", .value = &seconds},
		{.name = "threads", .value = &threads},
		{.name = "path", .value = &cfg.path},
		{.name = "json", .flag = &json},
		{.name = "workgen", .flag = &workgen},
		{0},
	};
	const char *pos[1];
	char err[ERR_LEN];
	uint64_t secs, thr;
	int npos;

	if (cli_parse(argc, argv, opts, pos, 0, &npos, err, sizeof(err)))
		return cli_usage_error("bench", "%s", err);
	if (cli_number("seconds", seconds, 1, 3600, &secs, err, sizeof(err)) ||
	    cli_number("threads", threads, 0, 1024, &thr, err, sizeof(err)))
		return cli_usage_error("bench", "%s", err);
	cfg.threads = (unsigned)thr;
	if (workgen)
		return bench_workgen((double)secs, json);
	return bench_device(device, &cfg, (double)secs, json);
}
