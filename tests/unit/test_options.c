/* Unit tests: host/options.c, the mining command line and the config file. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

static int parse(struct miner_options *o, char *err, const char *args)
{
	char *copy = strdup(args), *argv[64], *tok, *save = NULL;
	int argc = 0, rc;

	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	rc = options_parse(argc, argv, o, err, ERR_LEN);
	/* The options point into argv: keep copy alive as long as o (tests only). */
	return rc;
}

static void test_cgminer_style_pools(void **state)
{
	struct miner_options o;
	char err[ERR_LEN];

	assert_int_equal(parse(&o, err, "-o stratum+tcp://a:1 -u w1 -p p1 -o stratum+ssl://b:2 -u w2 "
			       "--device cpu --threads 3 --suggest-diff 0.5 --no-version-rolling "
			       "--tls-ca /tmp/ca.pem --run-for 12.5"), 0);
	assert_int_equal(o.npools, 2);
	assert_string_equal(o.pools[0].url, "stratum+tcp://a:1");
	assert_string_equal(o.pools[0].user, "w1");
	assert_string_equal(o.pools[0].pass, "p1");
	assert_string_equal(o.pools[1].user, "w2");
	assert_string_equal(o.pools[1].pass, "x");
	assert_int_equal(o.ndevices, 1);
	assert_string_equal(o.devices[0], "cpu");
	assert_int_equal(o.device.threads, 3);
	assert_true(o.pool.suggest_diff == 0.5);
	assert_false(o.pool.version_rolling);
	assert_true(o.pool.extranonce_subscribe);
	assert_string_equal(o.pool.tls.ca_file, "/tmp/ca.pem");
	assert_false(o.pool.tls.insecure);
	assert_true(o.run_for == 12.5);
	assert_true(o.pool.job_timeout == 120);
	options_release(&o);
}

static void test_long_forms_and_defaults(void **state)
{
	struct miner_options o;
	char err[ERR_LEN];

	assert_int_equal(parse(&o, err, "--url=stratum+tcp://a:1 --user w --tls-insecure"), 0);
	assert_int_equal(o.ndevices, 1);           /* default device */
	assert_string_equal(o.devices[0], "cpu");
	assert_true(o.pool.tls.insecure);
	assert_true(o.pool.version_rolling);
	assert_true(o.status_interval == 5);
	options_release(&o);
}

static void expect_error(const char *args, const char *want)
{
	struct miner_options o;
	char err[ERR_LEN] = "";

	if (parse(&o, err, args) == 0)
		fail_msg("accepted \"%s\"", args);
	if (!strstr(err, want))
		fail_msg("\"%s\": error \"%s\" does not say \"%s\"", args, err, want);
}

static void test_wrong_command_lines(void **state)
{
	expect_error("--device cpu", "no pool given");
	expect_error("-u w -o stratum+tcp://a:1", "-u comes before any -o URL");
	expect_error("-o stratum+tcp://a:1", "pool 0 (stratum+tcp://a:1) has no user");
	expect_error("-o stratum+tcp://a:1 -u w --threads abc", "--threads \"abc\": expected a number");
	expect_error("-o stratum+tcp://a:1 -u w --threads 1.5", "--threads 1.5: must be a whole number");
	expect_error("-o stratum+tcp://a:1 -u w --run-for -3", "--run-for -3: must be a number from 0");
	expect_error("-o stratum+tcp://a:1 -u w --bogus", "unknown option --bogus");
	expect_error("-o stratum+tcp://a:1 -u w -z", "unknown option -z");
	expect_error("-o stratum+tcp://a:1 -u w --tls-insecure=yes", "option --tls-insecure takes no value");
	expect_error("-o stratum+tcp://a:1 -u w --suggest-diff", "option --suggest-diff needs a value");
	expect_error("-o stratum+tcp://a:1 -u w stray", "unexpected argument \"stray\"");
	expect_error("-c /nonexistent/pm.json", "cannot open config file /nonexistent/pm.json");
}

static char *write_config(const char *text)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/pm-options-%d.json", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_config_file(void **state)
{
	struct miner_options o;
	char err[ERR_LEN], args[128];
	char *path = write_config("{\"pools\": [{\"url\": \"stratum+tcp://f:1\", \"user\": \"fw\"},"
				  " {\"url\": \"stratum+tcp://g:2\", \"user\": \"gw\", \"pass\": \"gp\"}],"
				  " \"device\": [\"cpu\", \"cpu\"], \"threads\": 2, \"no-version-rolling\": true,"
				  " \"suggest-diff\": 0.25, \"tls-ca\": \"/etc/ca.pem\", \"run-for\": 30}");

	snprintf(args, sizeof(args), "-c %s --threads 4", path);
	assert_int_equal(parse(&o, err, args), 0);
	assert_int_equal(o.npools, 2);
	assert_string_equal(o.pools[0].user, "fw");
	assert_string_equal(o.pools[0].pass, "x");
	assert_string_equal(o.pools[1].pass, "gp");
	assert_int_equal(o.ndevices, 2);
	assert_int_equal(o.device.threads, 4);   /* the command line wins */
	assert_false(o.pool.version_rolling);
	assert_true(o.pool.suggest_diff == 0.25);
	assert_string_equal(o.pool.tls.ca_file, "/etc/ca.pem");
	options_release(&o);
	/* Pools on the command line replace the file's. */
	snprintf(args, sizeof(args), "-c %s -o stratum+tcp://h:3 -u hw", path);
	assert_int_equal(parse(&o, err, args), 0);
	assert_int_equal(o.npools, 1);
	assert_string_equal(o.pools[0].user, "hw");
	options_release(&o);
	unlink(path);
}

static void test_config_file_errors(void **state)
{
	static const struct { const char *text, *want; } t[] = {
		{"[1]", "not a JSON object"},
		{"{\"pools\": 3}", "\"pools\" must be an array"},
		{"{\"pools\": [{\"url\": \"stratum+tcp://f:1\"}]}", "pools[0] needs \"url\" and \"user\""},
		{"{\"thread\": 2}", "unknown setting \"thread\""},
		{"{\"threads\": \"2\"}", "\"threads\": expected a number"},
		{"{\"tls-insecure\": 1}", "\"tls-insecure\": expected true or false"},
		{"{\"device\": [3]}", "expected device names"},
		{"{\"run-for\": -1}", "must be a number from 0"},
	};
	char args[128];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *path = write_config(t[i].text);

		snprintf(args, sizeof(args), "-c %s -o stratum+tcp://a:1 -u w", path);
		expect_error(args, t[i].want);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgminer_style_pools),
		cmocka_unit_test(test_long_forms_and_defaults),
		cmocka_unit_test(test_wrong_command_lines),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_config_file_errors),
	};

	return TU_RUN(tests);
}
