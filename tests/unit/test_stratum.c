/*
 * Unit tests: host/stratum.c, the Stratum v1 client state machine, driven by
 * recorded sessions (tests/sessions/NAME.txt) and by a few direct checks.
 *
 * Session file syntax, one item a line:
 *   # text           a comment (blank lines are ignored too)
 *   = config K=V...  the stratum_config, before the first start: agent host user
 *                    pass pool rolling=1 mask=HEX extranonce=1 suggest=N min_diff=N
 *                    (defaults: agent pipeminer/test, host pool.example.com,
 *                    user worker, pass x)
 *   = start          stratum_start()
 *   = reset lost=A,B stratum_reset(); the share ids it returns (lost= absent: none)
 *   = submit K=V...  stratum_submit(): id job en2 ntime nonce [vbits]; with
 *                    error~TEXT it must fail saying TEXT
 *   = check K=V...   the struct: state pending session_id en1 en2len mask diff session
 *   = job N K=V...   the N-th job received (from 1), keys as for ! JOB
 *   @ NAME           a pause: the C test does something here (play_until)
 *   > JSON           the next line the client queued (stratum_output), compared
 *                    as JSON. In a request (it has "method") the id is not
 *                    compared but remembered: "<" responses carrying that id
 *                    are given the id the client actually used. A response
 *                    (no "method") is compared whole, id included.
 *   > *              the next line, whatever it is
 *   < JSON           a line from the pool, fed to stratum_on_line(). Every line
 *                    the client queued must have been matched by then.
 *   ! KIND K=V...    the events of the last "<" line, all of them, in order:
 *                    SUBSCRIBED resumed | READY | AUTH_FAILED reason |
 *                    JOB id clean diff mask en1 en2len session pool version nbits
 *                    ntime branches | EXTRANONCE en1 en2len | VERSION_MASK mask |
 *                    DIFFICULTY diff | SHARE id accepted reason |
 *                    RECONNECT port wait | MESSAGE text
 *   ! ERROR text~T   the last "<" line was refused with an error containing T;
 *                    a refused line must leave the struct exactly as it was
 * K=V compares the value's text exactly, K~V checks that it contains V; V may
 * be "quoted" (with \" and \\ inside). Numbers are written shortest (diff=0.5), masks and words as
 * 8 hex digits, booleans true/false.
 */
#include "testutil.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "job.h"
#include "json.h"
#include "stratum.h"
#include "target.h"
#include "work.h"

#define MAX_LINES 512
#define MAX_JOBS 64
#define MAX_IDS 256
#define EV_ROOM 4

struct player {
	char name[64];
	char *text;                    /* the file, cut into lines */
	char *lines[MAX_LINES];
	size_t nlines, cur;
	int fed_line;                  /* line number of the last "<" */
	struct stratum s;
	struct stratum_config cfg;
	char agent[256], host[256], user[256], pass[256];
	struct stratum_event ev[EV_ROOM];
	size_t nev, next_ev;
	bool refused, refusal_listed;
	char err[ERR_LEN];
	struct job *jobs[MAX_JOBS];    /* every job received, owned here */
	size_t njobs;
	struct {
		double log;
		uint32_t ours;
	} ids[MAX_IDS];                /* request ids: recording's -> client's */
	size_t nids;
};

struct kv {
	char key[32];
	char op;                       /* '=' or '~' */
	char val[256];
};

static const char *const state_names[] = {
	[STRATUM_IDLE] = "IDLE",
	[STRATUM_SUBSCRIBING] = "SUBSCRIBING",
	[STRATUM_AUTHORIZING] = "AUTHORIZING",
	[STRATUM_READY] = "READY",
};

static const char *const event_names[] = {
	[STRATUM_EV_SUBSCRIBED] = "SUBSCRIBED",
	[STRATUM_EV_READY] = "READY",
	[STRATUM_EV_AUTH_FAILED] = "AUTH_FAILED",
	[STRATUM_EV_JOB] = "JOB",
	[STRATUM_EV_EXTRANONCE] = "EXTRANONCE",
	[STRATUM_EV_VERSION_MASK] = "VERSION_MASK",
	[STRATUM_EV_DIFFICULTY] = "DIFFICULTY",
	[STRATUM_EV_SHARE] = "SHARE",
	[STRATUM_EV_RECONNECT] = "RECONNECT",
	[STRATUM_EV_MESSAGE] = "MESSAGE",
};

#define LINE_FAIL(p, ...) do { \
	char where_[512]; \
	snprintf(where_, sizeof(where_), __VA_ARGS__); \
	fail_msg("tests/sessions/%s.txt:%zu: %s", (p)->name, (p)->cur, where_); \
} while (0)

/* ---- reading values -------------------------------------------------- */

/* The next K=V or K~V at *pos (V bare or "quoted"); false at the end of the line. */
static bool next_kv(struct player *p, const char **pos, struct kv *kv)
{
	const char *s = *pos;
	size_t n;

	s += strspn(s, " \t");
	if (!*s)
		return false;
	n = strcspn(s, "=~ ");
	if (!n || n >= sizeof(kv->key) || (s[n] != '=' && s[n] != '~'))
		LINE_FAIL(p, "expected KEY=VALUE at \"%s\"", s);
	memcpy(kv->key, s, n);
	kv->key[n] = '\0';
	kv->op = s[n];
	s += n + 1;
	if (*s != '"') {
		n = strcspn(s, " \t");
		if (n >= sizeof(kv->val))
			LINE_FAIL(p, "value too long");
		memcpy(kv->val, s, n);
		kv->val[n] = '\0';
		*pos = s + n;
		return true;
	}
	for (n = 0, s++; *s != '"'; s++) {
		if (*s == '\\')
			s++;
		if (!*s)
			LINE_FAIL(p, "unterminated quote");
		if (n == sizeof(kv->val) - 1)
			LINE_FAIL(p, "value too long");
		kv->val[n++] = *s;
	}
	kv->val[n] = '\0';
	*pos = s + 1;
	return true;
}

/* Fails unless actual matches kv (exactly for '=', as a substring for '~'). */
static void check_kv(struct player *p, const char *what, const struct kv *kv, const char *actual)
{
	bool ok = kv->op == '=' ? !strcmp(actual, kv->val) : strstr(actual, kv->val) != NULL;

	if (!ok)
		LINE_FAIL(p, "%s %s: got \"%s\", want %s\"%s\"", what, kv->key, actual,
			  kv->op == '=' ? "" : "something containing ", kv->val);
}

/* Integers in plain digits, other numbers in the shortest text that reads back exactly. */
static void fmt_num(char *out, double d)
{
	if (fabs(d) < 9e15 && d == (double)(int64_t)d)
		snprintf(out, 32, "%" PRId64, (int64_t)d);
	else
		json_format_double(out, d);
}

static void fmt_bool(char *out, bool b)
{
	strcpy(out, b ? "true" : "false");
}

/* A job's field as text; false for an unknown key. */
static bool job_field(const struct job *j, const char *key, char out[256])
{
	if (!strcmp(key, "id"))
		snprintf(out, 256, "%s", j->id);
	else if (!strcmp(key, "clean"))
		fmt_bool(out, j->clean);
	else if (!strcmp(key, "diff"))
		fmt_num(out, j->difficulty);
	else if (!strcmp(key, "mask"))
		u32_to_hexbe(out, j->version_mask);
	else if (!strcmp(key, "en1"))
		hex_encode(out, j->tpl.extranonce1, j->tpl.extranonce1_len);
	else if (!strcmp(key, "en2len"))
		snprintf(out, 256, "%zu", j->tpl.extranonce2_len);
	else if (!strcmp(key, "session"))
		snprintf(out, 256, "%" PRIu64, j->session);
	else if (!strcmp(key, "pool"))
		snprintf(out, 256, "%u", j->pool);
	else if (!strcmp(key, "version"))
		u32_to_hexbe(out, j->tpl.version);
	else if (!strcmp(key, "nbits"))
		u32_to_hexbe(out, j->tpl.nbits);
	else if (!strcmp(key, "ntime"))
		u32_to_hexbe(out, j->tpl.ntime);
	else if (!strcmp(key, "branches"))
		snprintf(out, 256, "%zu", j->tpl.nbranch);
	else
		return false;
	return true;
}

/* A field of the struct as text; false for an unknown key. */
static bool stratum_field(const struct stratum *s, const char *key, char out[256])
{
	if (!strcmp(key, "state"))
		snprintf(out, 256, "%s", state_names[s->state]);
	else if (!strcmp(key, "pending"))
		snprintf(out, 256, "%zu", stratum_pending_count(s));
	else if (!strcmp(key, "session_id"))
		snprintf(out, 256, "%s", s->session_id);
	else if (!strcmp(key, "en1"))
		hex_encode(out, s->extranonce1, s->extranonce1_len);
	else if (!strcmp(key, "en2len"))
		snprintf(out, 256, "%zu", s->extranonce2_len);
	else if (!strcmp(key, "mask"))
		u32_to_hexbe(out, s->version_mask);
	else if (!strcmp(key, "diff"))
		fmt_num(out, s->difficulty);
	else if (!strcmp(key, "session"))
		snprintf(out, 256, "%" PRIu64, s->session);
	else
		return false;
	return true;
}

/* An event's field as text; false for a key the kind does not have. */
static bool event_field(const struct player *p, const struct stratum_event *ev,
			const char *key, char out[256])
{
	switch (ev->kind) {
	case STRATUM_EV_SUBSCRIBED:
		if (strcmp(key, "resumed"))
			return false;
		fmt_bool(out, ev->resumed);
		return true;
	case STRATUM_EV_JOB:
		return job_field(ev->job, key, out);
	case STRATUM_EV_EXTRANONCE:
		return (!strcmp(key, "en1") || !strcmp(key, "en2len")) &&
		       stratum_field(&p->s, key, out);
	case STRATUM_EV_VERSION_MASK:
		if (strcmp(key, "mask"))
			return false;
		u32_to_hexbe(out, ev->mask);
		return true;
	case STRATUM_EV_DIFFICULTY:
		if (strcmp(key, "diff"))
			return false;
		fmt_num(out, ev->difficulty);
		return true;
	case STRATUM_EV_SHARE:
		if (!strcmp(key, "id"))
			snprintf(out, 256, "%" PRIu64, ev->share_id);
		else if (!strcmp(key, "accepted"))
			fmt_bool(out, ev->accepted);
		else if (!strcmp(key, "reason"))
			snprintf(out, 256, "%s", ev->reason);
		else
			return false;
		return true;
	case STRATUM_EV_RECONNECT:
		if (strcmp(key, "port") && strcmp(key, "wait"))
			return false;
		snprintf(out, 256, "%u", !strcmp(key, "port") ? ev->port : ev->wait);
		return true;
	case STRATUM_EV_MESSAGE:
	case STRATUM_EV_AUTH_FAILED:
		if (strcmp(key, ev->kind == STRATUM_EV_MESSAGE ? "text" : "reason"))
			return false;
		snprintf(out, 256, "%s", ev->reason);
		return true;
	case STRATUM_EV_READY:
		return false;
	}
	return false;
}

/* ---- the player ------------------------------------------------------ */

static void reinit(struct player *p)
{
	stratum_release(&p->s);
	p->cfg.agent = p->agent;
	p->cfg.host = p->host;
	p->cfg.user = p->user;
	p->cfg.pass = p->pass;
	stratum_init(&p->s, &p->cfg);
}

/* Loads tests/sessions/NAME.txt and sets up a struct with the default config. */
static void play_open(struct player *p, const char *name)
{
	char path[128];
	FILE *f;
	long n;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(path, sizeof(path), "tests/sessions/%s.txt", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p->text = malloc((size_t)n + 1);
	assert_non_null(p->text);
	assert_int_equal(fread(p->text, 1, (size_t)n, f), (size_t)n);
	p->text[n] = '\0';
	fclose(f);
	for (char *line = strtok(p->text, "\n"); line; line = strtok(NULL, "\n")) {
		assert_true(p->nlines < MAX_LINES);
		p->lines[p->nlines++] = line;
	}
	strcpy(p->agent, "pipeminer/test");
	strcpy(p->host, "pool.example.com");
	strcpy(p->user, "worker");
	strcpy(p->pass, "x");
	stratum_init(&p->s, &p->cfg);
	reinit(p);
}

static void play_close(struct player *p)
{
	for (size_t i = 0; i < p->njobs; i++)
		job_free(p->jobs[i]);
	stratum_release(&p->s);
	free(p->text);
}

/* Every event of the last "<" line must have been listed, a refusal too. */
static void finish_events(struct player *p)
{
	if (p->next_ev < p->nev)
		LINE_FAIL(p, "line %d gave a %s event the recording does not list", p->fed_line,
			  event_names[p->ev[p->next_ev].kind]);
	if (p->refused && !p->refusal_listed)
		LINE_FAIL(p, "line %d was refused: %s", p->fed_line, p->err);
	p->nev = p->next_ev = 0;
	p->refused = false;
}

static void command_config(struct player *p, const char *args)
{
	struct kv kv;

	while (next_kv(p, &args, &kv)) {
		if (!strcmp(kv.key, "agent"))
			snprintf(p->agent, sizeof(p->agent), "%s", kv.val);
		else if (!strcmp(kv.key, "host"))
			snprintf(p->host, sizeof(p->host), "%s", kv.val);
		else if (!strcmp(kv.key, "user"))
			snprintf(p->user, sizeof(p->user), "%s", kv.val);
		else if (!strcmp(kv.key, "pass"))
			snprintf(p->pass, sizeof(p->pass), "%s", kv.val);
		else if (!strcmp(kv.key, "pool"))
			p->cfg.pool = (unsigned)strtoul(kv.val, NULL, 10);
		else if (!strcmp(kv.key, "rolling"))
			p->cfg.version_rolling = !strcmp(kv.val, "1");
		else if (!strcmp(kv.key, "mask"))
			p->cfg.version_mask = (uint32_t)strtoul(kv.val, NULL, 16);
		else if (!strcmp(kv.key, "extranonce"))
			p->cfg.extranonce_subscribe = !strcmp(kv.val, "1");
		else if (!strcmp(kv.key, "suggest"))
			p->cfg.suggest_diff = strtod(kv.val, NULL);
		else if (!strcmp(kv.key, "min_diff"))
			p->cfg.min_diff = strtod(kv.val, NULL);
		else
			LINE_FAIL(p, "unknown config key %s", kv.key);
	}
	if (p->s.session)
		LINE_FAIL(p, "config after start");
	reinit(p);
}

static void command_reset(struct player *p, const char *args)
{
	uint64_t lost[16];
	char got[256] = "", want[256] = "";
	size_t n = stratum_reset(&p->s, lost, 16);
	struct kv kv;

	while (next_kv(p, &args, &kv))
		if (!strcmp(kv.key, "lost"))
			snprintf(want, sizeof(want), "%s", kv.val);
	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%" PRIu64,
			 i ? "," : "", lost[i]);
	if (strcmp(got, want))
		LINE_FAIL(p, "stratum_reset lost shares \"%s\", want \"%s\"", got, want);
}

static void command_submit(struct player *p, const char *args)
{
	struct stratum_share sh = { 0 };
	char job[256] = "", err[ERR_LEN] = "";
	struct kv kv, want_err = { .op = 0 };
	int rc;

	while (next_kv(p, &args, &kv)) {
		if (!strcmp(kv.key, "id"))
			sh.id = strtoull(kv.val, NULL, 10);
		else if (!strcmp(kv.key, "job"))
			snprintf(job, sizeof(job), "%s", kv.val);
		else if (!strcmp(kv.key, "en2"))
			assert_int_equal(hex_decode(kv.val, sh.extranonce2, WORK_MAX_EXTRANONCE,
						    &sh.extranonce2_len, NULL, 0), 0);
		else if (!strcmp(kv.key, "ntime"))
			sh.ntime = tu_word(kv.val);
		else if (!strcmp(kv.key, "nonce"))
			sh.nonce = tu_word(kv.val);
		else if (!strcmp(kv.key, "vbits"))
			sh.version_bits = tu_word(kv.val);
		else if (!strcmp(kv.key, "error"))
			want_err = kv;
		else
			LINE_FAIL(p, "unknown submit key %s", kv.key);
	}
	sh.job_id = job;
	rc = stratum_submit(&p->s, &sh, err, sizeof(err));
	if (!want_err.op && rc)
		LINE_FAIL(p, "stratum_submit failed: %s", err);
	if (want_err.op && !rc)
		LINE_FAIL(p, "stratum_submit succeeded, want an error");
	if (want_err.op)
		check_kv(p, "submit", &want_err, err);
}

static void command_check(struct player *p, const char *args)
{
	char actual[256];
	struct kv kv;

	while (next_kv(p, &args, &kv)) {
		if (!stratum_field(&p->s, kv.key, actual))
			LINE_FAIL(p, "unknown check key %s", kv.key);
		check_kv(p, "check", &kv, actual);
	}
}

static void command_job(struct player *p, const char *args)
{
	char *end, actual[256];
	unsigned long n = strtoul(args, &end, 10);
	struct kv kv;

	if (!n || n > p->njobs)
		LINE_FAIL(p, "no job %lu (%zu received)", n, p->njobs);
	args = end;
	while (next_kv(p, &args, &kv)) {
		if (!job_field(p->jobs[n - 1], kv.key, actual))
			LINE_FAIL(p, "unknown job key %s", kv.key);
		check_kv(p, "job", &kv, actual);
	}
}

static void command(struct player *p, const char *cmd)
{
	size_t n = strcspn(cmd, " ");

	if (!strncmp(cmd, "config", n) && n == 6)
		command_config(p, cmd + n);
	else if (!strncmp(cmd, "start", n) && n == 5)
		stratum_start(&p->s);
	else if (!strncmp(cmd, "reset", n) && n == 5)
		command_reset(p, cmd + n);
	else if (!strncmp(cmd, "submit", n) && n == 6)
		command_submit(p, cmd + n);
	else if (!strncmp(cmd, "check", n) && n == 5)
		command_check(p, cmd + n);
	else if (!strncmp(cmd, "job", n) && n == 3)
		command_job(p, cmd + n);
	else
		LINE_FAIL(p, "unknown command \"%s\"", cmd);
}

/* The client's id for a recording's request id (the same when never mapped). */
static bool mapped_id(const struct player *p, double log, uint32_t *ours)
{
	for (size_t i = p->nids; i-- > 0;)
		if (p->ids[i].log == log) {
			*ours = p->ids[i].ours;
			return true;
		}
	return false;
}

static void map_id(struct player *p, const cJSON *want, const cJSON *got)
{
	if (!cJSON_IsNumber(want) || !cJSON_IsNumber(got))
		return;
	assert_true(p->nids < MAX_IDS);
	p->ids[p->nids].log = want->valuedouble;
	p->ids[p->nids].ours = (uint32_t)got->valuedouble;
	p->nids++;
}

/* "> JSON": the next queued line matches. */
static void expect_output(struct player *p, const char *want_text)
{
	const char *out, *nl;
	size_t len = stratum_output(&p->s, &out);
	char *got_text;
	cJSON *want, *got;

	nl = len ? memchr(out, '\n', len) : NULL;
	if (!nl)
		LINE_FAIL(p, "no line queued, want %s", want_text);
	got_text = strndup(out, (size_t)(nl - out));
	stratum_output_consumed(&p->s, (size_t)(nl - out) + 1);
	if (!strcmp(want_text, "*")) {
		free(got_text);
		return;
	}
	want = cJSON_Parse(want_text);
	got = cJSON_Parse(got_text);
	if (!want)
		LINE_FAIL(p, "the recording's line is not JSON");
	if (!got)
		LINE_FAIL(p, "the client queued invalid JSON: %s", got_text);
	if (cJSON_HasObjectItem(want, "method")) {
		map_id(p, cJSON_GetObjectItem(want, "id"), cJSON_GetObjectItem(got, "id"));
		cJSON_DeleteItemFromObject(want, "id");
		cJSON_DeleteItemFromObject(got, "id");
	}
	if (!cJSON_Compare(want, got, true))
		LINE_FAIL(p, "the client sent %s", got_text);
	cJSON_Delete(want);
	cJSON_Delete(got);
	free(got_text);
}

/* A response's id translated to the client's, or a copy of the line as it is. */
static char *translate_ids(const struct player *p, const char *text)
{
	cJSON *msg = cJSON_Parse(text), *id;
	char *out;
	uint32_t ours;

	id = cJSON_GetObjectItem(msg, "id");
	if (!cJSON_IsObject(msg) || cJSON_HasObjectItem(msg, "method") || !cJSON_IsNumber(id) ||
	    !mapped_id(p, id->valuedouble, &ours) || ours == id->valuedouble) {
		cJSON_Delete(msg);
		return strdup(text);
	}
	cJSON_ReplaceItemInObject(msg, "id", cJSON_CreateNumber(ours));
	out = cJSON_PrintUnformatted(msg);
	cJSON_Delete(msg);
	return out;
}

/* "< JSON": feeds the line; a refusal must leave everything as it was. */
static void feed(struct player *p, const char *text)
{
	struct stratum before;
	const char *out;
	size_t pending = stratum_pending_count(&p->s), outlen = stratum_output(&p->s, &out);
	char *line = translate_ids(p, text);
	int rc;

	if (outlen)
		LINE_FAIL(p, "the client queued lines the recording does not show: %.*s",
			  (int)outlen, out);
	memcpy(&before, &p->s, sizeof(before));
	p->fed_line = (int)p->cur;
	p->err[0] = '\0';
	rc = stratum_on_line(&p->s, line, strlen(line), p->ev, EV_ROOM, &p->nev,
			     p->err, sizeof(p->err));
	free(line);
	p->refused = rc != 0;
	p->refusal_listed = false;
	if (p->refused && (memcmp(&before, &p->s, sizeof(before)) ||
			   stratum_pending_count(&p->s) != pending ||
			   stratum_output(&p->s, &out) != outlen))
		LINE_FAIL(p, "a refused line changed the state (%s)", p->err);
	assert_true(p->nev <= EV_ROOM);
	for (size_t i = 0; i < p->nev; i++)
		if (p->ev[i].kind == STRATUM_EV_JOB) {
			assert_true(p->njobs < MAX_JOBS);
			p->jobs[p->njobs++] = p->ev[i].job;
		}
}

/* "! KIND K=V...": the next event of the last fed line. */
static void expect_event(struct player *p, const char *text)
{
	size_t n = strcspn(text, " ");
	const char *args = text + n;
	const struct stratum_event *ev;
	char actual[256], what[64];
	struct kv kv;

	if (n == 5 && !strncmp(text, "ERROR", 5)) {
		if (!p->refused || p->refusal_listed)
			LINE_FAIL(p, "line %d was not refused", p->fed_line);
		p->refusal_listed = true;
		while (next_kv(p, &args, &kv))
			check_kv(p, "error", &kv, p->err);
		return;
	}
	if (p->next_ev == p->nev)
		LINE_FAIL(p, "want a %.*s event, line %d gave no more", (int)n, text, p->fed_line);
	ev = &p->ev[p->next_ev++];
	if (strlen(event_names[ev->kind]) != n || strncmp(text, event_names[ev->kind], n))
		LINE_FAIL(p, "got a %s event, want %.*s", event_names[ev->kind], (int)n, text);
	snprintf(what, sizeof(what), "%s", event_names[ev->kind]);
	while (next_kv(p, &args, &kv)) {
		if (!event_field(p, ev, kv.key, actual))
			LINE_FAIL(p, "%s events have no %s", what, kv.key);
		check_kv(p, what, &kv, actual);
	}
}

/* Plays lines until "@ label" (returns after it) or, for NULL, to the end. */
static void play_until(struct player *p, const char *label)
{
	while (p->cur < p->nlines) {
		char *line = p->lines[p->cur++];

		if (!*line || line[0] == '#')
			continue;
		if (line[1] != ' ' || !strchr("=<>!@", line[0]))
			LINE_FAIL(p, "a line must start with \"X \", X one of = < > ! @, or #");
		if (line[0] != '!')
			finish_events(p);
		switch (line[0]) {
		case '=':
			command(p, line + 2);
			break;
		case '>':
			expect_output(p, line + 2);
			break;
		case '<':
			feed(p, line + 2);
			break;
		case '!':
			expect_event(p, line + 2);
			break;
		case '@':
			if (label && !strcmp(line + 2, label))
				return;
			break;
		}
	}
	if (label)
		fail_msg("tests/sessions/%s.txt: no \"@ %s\"", p->name, label);
	finish_events(p);
	if (stratum_output(&p->s, &(const char *){ NULL }))
		fail_msg("tests/sessions/%s.txt: the client queued lines after the last one shown",
			 p->name);
}

/* Plays a whole recording. */
static void play(const char *name)
{
	struct player p;

	play_open(&p, name);
	play_until(&p, NULL);
	play_close(&p);
}

/* ---- the recordings -------------------------------------------------- */

/*
 * slush's documented session: the job from the event, with extranonce2
 * 00000001, ntime 504e86ed and nonce b2957c02, must hash to testnet3 block
 * 000000002076870f...; the share goes out with exactly the log's params.
 */
static void test_slush(void **state)
{
	static const uint8_t en2[4] = { 0x00, 0x00, 0x00, 0x01 };
	struct stratum_share sh = { .id = 1, .extranonce2_len = 4,
				    .ntime = 0x504e86ed, .nonce = 0xb2957c02 };
	uint8_t txid[32], root[32], header[80], hash[32];
	char display[65], err[ERR_LEN];
	struct player p;
	struct job *j;

	play_open(&p, "slush");
	play_until(&p, "submit");
	assert_int_equal(p.njobs, 1);
	j = p.jobs[0];
	work_coinbase_hash(&j->tpl, en2, txid);
	work_merkle_root(txid, (const uint8_t (*)[32])j->tpl.branch, j->tpl.nbranch, root);
	work_header(&j->tpl, root, j->tpl.version, sh.ntime, sh.nonce, header);
	tu_ref_sha256d(header, sizeof(header), hash);
	hex_encode_reversed(display, hash, 32);
	assert_string_equal(display,
		"000000002076870fe65a2b6eeed84fa892c0db924f1482243a6247d931dcab32");
	assert_true(target_met(hash, j->share_target));

	sh.job_id = j->id;
	memcpy(sh.extranonce2, en2, sizeof(en2));
	if (stratum_submit(&p.s, &sh, err, sizeof(err)))
		fail_msg("stratum_submit: %s", err);
	play_until(&p, NULL);
	play_close(&p);
}

static void test_ckpool(void **state)
{
	play("ckpool");
}

static void test_ckpool_resume_refused(void **state)
{
	play("ckpool_resume_refused");
}

static void test_p2pool(void **state)
{
	play("p2pool");
}

static void test_nicehash(void **state)
{
	play("nicehash");
}

static void test_reject_reasons(void **state)
{
	play("reject_reasons");
}

static void test_version_rolling(void **state)
{
	play("version_rolling");
}

static void test_server_requests(void **state)
{
	play("server_requests");
}

static void test_suggest_difficulty(void **state)
{
	play("suggest_difficulty");
}

static void test_authorize(void **state)
{
	play("authorize");
}

static void test_wrong_inputs(void **state)
{
	play("wrong_inputs");
}

static void test_lost_shares(void **state)
{
	play("lost_shares");
}

/* ---- direct checks --------------------------------------------------- */

static const struct stratum_config plain_cfg = {
	.agent = "pipeminer/test", .host = "pool.example.com", .user = "worker", .pass = "x",
};

/* Feeds one line that must be accepted; returns the number of events. */
static size_t feed_ok(struct stratum *s, const char *line, struct stratum_event *ev)
{
	char err[ERR_LEN];
	size_t nev;

	if (stratum_on_line(s, line, strlen(line), ev, EV_ROOM, &nev, err, sizeof(err)))
		fail_msg("refused %s: %s", line, err);
	return nev;
}

/* The id of the last request queued, and empties the queue. */
static uint32_t last_id(struct stratum *s)
{
	const char *out;
	size_t len = stratum_output(s, &out);
	char *copy, *last;
	cJSON *msg;
	uint32_t id;

	assert_true(len > 0 && out[len - 1] == '\n');
	copy = strndup(out, len - 1);
	last = strrchr(copy, '\n');
	msg = cJSON_Parse(last ? last + 1 : copy);
	assert_non_null(msg);
	id = (uint32_t)cJSON_GetObjectItem(msg, "id")->valuedouble;
	cJSON_Delete(msg);
	free(copy);
	stratum_output_consumed(s, len);
	return id;
}

/* Plain config: subscribe is id 1, authorize id 2; answers both. READY after. */
static void make_ready(struct stratum *s, const struct stratum_config *cfg)
{
	struct stratum_event ev[EV_ROOM];

	stratum_init(s, cfg);
	stratum_start(s);
	stratum_output_consumed(s, stratum_output(s, &(const char *){ NULL }));
	feed_ok(s, "{\"id\":1,\"result\":[[],\"01020304\",4],\"error\":null}", ev);
	feed_ok(s, "{\"id\":2,\"result\":true,\"error\":null}", ev);
	assert_int_equal(s->state, STRATUM_READY);
	stratum_output_consumed(s, stratum_output(s, &(const char *){ NULL }));
}

static int submit_one(struct stratum *s, uint64_t id, char *err)
{
	struct stratum_share sh = { .id = id, .job_id = "j1", .extranonce2_len = 4,
				    .ntime = 0x504e86ed, .nonce = (uint32_t)id };

	return stratum_submit(s, &sh, err, ERR_LEN);
}

/* Each response resolves its own request only; ids are never reused while pending. */
static void test_ids_matched(void **state)
{
	struct stratum s;
	struct stratum_event ev[EV_ROOM];
	char err[ERR_LEN], line[128];
	uint32_t a, b;

	make_ready(&s, &plain_cfg);
	assert_int_equal(submit_one(&s, 100, err), 0);
	a = last_id(&s);
	assert_int_equal(submit_one(&s, 101, err), 0);
	b = last_id(&s);
	assert_int_equal(a, 3);
	assert_int_equal(b, 4);
	snprintf(line, sizeof(line), "{\"id\":%" PRIu32 ",\"result\":true,\"error\":null}", b);
	assert_int_equal(feed_ok(&s, line, ev), 1);
	assert_int_equal(ev[0].share_id, 101);
	assert_int_equal(stratum_pending_count(&s), 1);
	/* The same answer again (some pools answer twice) resolves nothing. */
	assert_int_equal(feed_ok(&s, line, ev), 0);
	assert_int_equal(stratum_pending_count(&s), 1);
	snprintf(line, sizeof(line), "{\"id\":%" PRIu32 ",\"result\":true,\"error\":null}", a);
	assert_int_equal(feed_ok(&s, line, ev), 1);
	assert_int_equal(ev[0].share_id, 100);
	assert_int_equal(stratum_pending_count(&s), 0);
	stratum_release(&s);
}

/* The 32-bit counter wraps past 0 and past ids still pending. */
static void test_ids_wrap(void **state)
{
	struct stratum_config cfg = plain_cfg;
	struct stratum_event ev[EV_ROOM];
	struct stratum s;
	char err[ERR_LEN];

	/* configure is id 1 and is never answered; subscribe 2, authorize 3. */
	cfg.version_rolling = true;
	stratum_init(&s, &cfg);
	stratum_start(&s);
	assert_int_equal(last_id(&s), 3);
	feed_ok(&s, "{\"id\":2,\"result\":[[],\"01020304\",4],\"error\":null}", ev);
	feed_ok(&s, "{\"id\":3,\"result\":true,\"error\":null}", ev);
	assert_int_equal(s.state, STRATUM_READY);
	s.next_id = 0xfffffffe;
	assert_int_equal(submit_one(&s, 1, err), 0);
	assert_int_equal(last_id(&s), 0xfffffffe);
	assert_int_equal(submit_one(&s, 2, err), 0);
	assert_int_equal(last_id(&s), 0xffffffff);
	assert_int_equal(submit_one(&s, 3, err), 0);
	assert_int_equal(last_id(&s), 2);     /* 0 skipped, 1 still pending */
	assert_int_equal(feed_ok(&s, "{\"id\":4294967295,\"result\":true,\"error\":null}", ev), 1);
	assert_int_equal(ev[0].share_id, 2);
	assert_int_equal(stratum_pending_count(&s), 3);
	stratum_release(&s);
}

/* STRATUM_MAX_PENDING requests at most; then submit fails, saying why. */
static void test_pending_full(void **state)
{
	struct stratum s;
	char err[ERR_LEN];
	uint64_t lost[4];

	make_ready(&s, &plain_cfg);
	for (int i = 0; i < STRATUM_MAX_PENDING; i++)
		assert_int_equal(submit_one(&s, (uint64_t)i, err), 0);
	assert_int_equal(stratum_pending_count(&s), STRATUM_MAX_PENDING);
	assert_int_equal(submit_one(&s, 9999, err), -1);
	assert_non_null(strstr(err, "1024 requests already await an answer"));
	assert_int_equal(stratum_reset(&s, lost, 4), 4);
	assert_int_equal(lost[0], 0);
	assert_int_equal(lost[3], 3);
	assert_int_equal(stratum_pending_count(&s), 0);
	stratum_release(&s);
}

/* Shares are refused before READY, with the wrong extranonce2 size, or bits outside the mask. */
static void test_submit_refusals(void **state)
{
	struct stratum_share sh = { .id = 1, .job_id = "j1", .extranonce2_len = 4 };
	struct stratum s;
	char err[ERR_LEN];

	stratum_init(&s, &plain_cfg);
	assert_int_equal(stratum_submit(&s, &sh, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not authorized yet"));
	stratum_release(&s);

	make_ready(&s, &plain_cfg);
	sh.extranonce2_len = 8;
	assert_int_equal(stratum_submit(&s, &sh, err, sizeof(err)), -1);
	assert_string_equal(err, "mining.submit: extranonce2 of 8 bytes, "
			    "the session's extranonce2_size is 4");
	sh.extranonce2_len = 4;
	sh.version_bits = 0x2000;
	assert_int_equal(stratum_submit(&s, &sh, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "version_bits 00002000 outside the mask in force 00000000"));
	sh.version_bits = 0;
	sh.job_id = "";
	assert_int_equal(stratum_submit(&s, &sh, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "job id"));
	assert_int_equal(stratum_pending_count(&s), 0);
	assert_int_equal(stratum_output(&s, &(const char *){ NULL }), 0);
	stratum_release(&s);
}

/* The exact bytes: compact JSON lines ending in "\n", numbers printed exactly. */
static void test_output_text(void **state)
{
	struct stratum_config cfg = plain_cfg;
	struct stratum_event ev[EV_ROOM];
	struct stratum s;
	const char *out;
	size_t len;
	static const char opening[] =
		"{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\","
		"\"subscribe-extranonce\",\"minimum-difficulty\"],{\"version-rolling.mask\":"
		"\"1fffe000\",\"version-rolling.min-bit-count\":2,"
		"\"minimum-difficulty.value\":0.3333333333333333}]}\n"
		"{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"pipeminer/test\"]}\n"
		"{\"id\":3,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}\n"
		"{\"id\":4,\"method\":\"mining.authorize\",\"params\":[\"worker\",\"x\"]}\n";

	cfg.version_rolling = true;     /* mask 0: the default */
	cfg.extranonce_subscribe = true;
	cfg.min_diff = 1.0 / 3;
	cfg.suggest_diff = 0.1 + 0.2;   /* 0.30000000000000004 */
	stratum_init(&s, &cfg);
	stratum_start(&s);
	len = stratum_output(&s, &out);
	assert_int_equal(len, strlen(opening));
	assert_memory_equal(out, opening, len);
	/* Partial consumption keeps the rest. */
	stratum_output_consumed(&s, 10);
	len = stratum_output(&s, &out);
	assert_memory_equal(out, opening + 10, len);
	stratum_output_consumed(&s, len);

	feed_ok(&s, "{\"id\":2,\"result\":[[],\"\",4],\"error\":null}", ev);
	feed_ok(&s, "{\"id\":4,\"result\":true,\"error\":null}", ev);
	len = stratum_output(&s, &out);
	assert_int_equal(len, strlen("{\"id\":5,\"method\":\"mining.suggest_difficulty\","
				     "\"params\":[0.30000000000000004]}\n"));
	assert_memory_equal(out, "{\"id\":5,\"method\":\"mining.suggest_difficulty\","
			    "\"params\":[0.30000000000000004]}\n", len);
	stratum_release(&s);
}

/* Lines before stratum_start(), oversized lines and too little event room are refused. */
static void test_misuse(void **state)
{
	struct stratum_event ev[EV_ROOM];
	struct stratum s;
	char err[ERR_LEN], *big;
	size_t nev;

	stratum_init(&s, &plain_cfg);
	assert_int_equal(stratum_on_line(&s, "{}", 2, ev, EV_ROOM, &nev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "before stratum_start"));
	stratum_start(&s);
	assert_int_equal(stratum_on_line(&s, "{}", 2, ev, 1, &nev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "room for 4 events"));
	big = malloc(STRATUM_MAX_LINE);
	assert_non_null(big);
	memset(big, ' ', STRATUM_MAX_LINE);
	assert_int_equal(stratum_on_line(&s, big, STRATUM_MAX_LINE, ev, EV_ROOM, &nev,
					 err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 65535"));
	free(big);
	/* Text after the object. */
	assert_int_equal(stratum_on_line(&s, "{} x", 4, ev, EV_ROOM, &nev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "text after the message"));
	/* The length is what counts, not a NUL: the first 22 bytes of a longer buffer. */
	assert_int_equal(stratum_on_line(&s, "{\"id\":9,\"result\":true}garbage", 22, ev, EV_ROOM,
					 &nev, err, sizeof(err)), 0);
	assert_int_equal(nev, 0);
	stratum_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slush),
		cmocka_unit_test(test_ckpool),
		cmocka_unit_test(test_ckpool_resume_refused),
		cmocka_unit_test(test_p2pool),
		cmocka_unit_test(test_nicehash),
		cmocka_unit_test(test_reject_reasons),
		cmocka_unit_test(test_version_rolling),
		cmocka_unit_test(test_server_requests),
		cmocka_unit_test(test_suggest_difficulty),
		cmocka_unit_test(test_authorize),
		cmocka_unit_test(test_wrong_inputs),
		cmocka_unit_test(test_lost_shares),
		cmocka_unit_test(test_ids_matched),
		cmocka_unit_test(test_ids_wrap),
		cmocka_unit_test(test_pending_full),
		cmocka_unit_test(test_submit_refusals),
		cmocka_unit_test(test_output_text),
		cmocka_unit_test(test_misuse),
	};

	return TU_RUN(tests);
}
