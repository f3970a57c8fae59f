/* poolclient: one client's Stratum session in `pipeminer pool`; see poolclient.h. */
#include "poolclient.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json.h"

void pool_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fwrite(line, 1, (size_t)n, stderr);   /* one write: lines never interleave */
}

/* A client-supplied string made safe for one log line (at most 64 characters). */
static const char *printable(char out[68], const char *s)
{
	size_t i;

	if (!s)
		return "?";
	for (i = 0; s[i] && i < 64; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i])
		out[i++] = '~';
	out[i] = '\0';
	return out;
}

/* ---- output ------------------------------------------------------------------- */

static void out_append(struct poolclient *c, const char *s, size_t n)
{
	if (c->out_failed)
		return;
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *p;

		while (cap < c->out_len + n)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			c->out_failed = true;
			return;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, n);
	c->out_len += n;
}

size_t poolclient_output(const struct poolclient *c, const char **data)
{
	*data = c->out;
	return c->out_len;
}

void poolclient_consumed(struct poolclient *c, size_t n)
{
	memmove(c->out, c->out + n, c->out_len - n);
	c->out_len -= n;
}

/* Queues msg as one line and deletes it. */
static void send_json(struct poolclient *c, cJSON *msg)
{
	char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;

	cJSON_Delete(msg);
	if (!text) {
		c->out_failed = true;
		return;
	}
	out_append(c, text, strlen(text));
	out_append(c, "\n", 1);
	cJSON_free(text);
}

/* {"id": id, "result": result, "error": error}; takes result and error. */
static void respond(struct poolclient *c, const cJSON *id, cJSON *result, cJSON *error)
{
	cJSON *msg = cJSON_CreateObject();

	if (!msg || !result || !error) {
		cJSON_Delete(result);
		cJSON_Delete(error);
		cJSON_Delete(msg);
		c->out_failed = true;
		return;
	}
	cJSON_AddItemToObject(msg, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
	cJSON_AddItemToObject(msg, "result", result);
	cJSON_AddItemToObject(msg, "error", error);
	send_json(c, msg);
}

static void reply(struct poolclient *c, const cJSON *id, cJSON *result)
{
	respond(c, id, result, cJSON_CreateNull());
}

/* error [code, "reason", null] (stratum.md 1). */
static void reply_error(struct poolclient *c, const cJSON *id, int code, const char *reason)
{
	cJSON *e = cJSON_CreateArray();

	if (e) {
		cJSON_AddItemToArray(e, cJSON_CreateNumber(code));
		cJSON_AddItemToArray(e, cJSON_CreateString(reason));
		cJSON_AddItemToArray(e, cJSON_CreateNull());
	}
	respond(c, id, cJSON_CreateNull(), e);
}

static void notify_difficulty(struct poolclient *c)
{
	char d[32], line[128];
	int n;

	json_format_double(d, c->difficulty);
	n = snprintf(line, sizeof(line),
		     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[%s]}\n", d);
	out_append(c, line, (size_t)n);
}

void poolclient_send_job(struct poolclient *c, struct pool_job *job, bool clean)
{
	char head[96];
	uint64_t id;
	int n;

	if (!c->share.subscribed || c->silent)
		return;
	id = c->pool->next_job_id++;
	poolshare_sent_add(&c->share, id, job, c->difficulty, c->extranonce1,
			   c->pool->cfg->extranonce1_len);
	n = snprintf(head, sizeof(head),
		     "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"%llx\",",
		     (unsigned long long)id);
	out_append(c, head, (size_t)n);
	out_append(c, job->notify_tail, job->notify_tail_len);
	out_append(c, clean ? "true]}\n" : "false]}\n", clean ? 7 : 8);
}

/* ---- difficulty --------------------------------------------------------------- */

static double clamp_difficulty(const struct poolclient *c, double d)
{
	double lo = c->floor > POOLCLIENT_MIN_DIFF ? c->floor : POOLCLIENT_MIN_DIFF;

	if (lo > POOLCLIENT_MAX_DIFF)
		lo = POOLCLIENT_MAX_DIFF;
	return d < lo ? lo : d > POOLCLIENT_MAX_DIFF ? POOLCLIENT_MAX_DIFF : d;
}

/*
 * The difficulty for the next jobs; when subscribed (and it changed, or
 * `force`), mining.set_difficulty and a fresh notify at it.
 */
static void change_difficulty(struct poolclient *c, double d, bool force)
{
	d = clamp_difficulty(c, d);
	if (d == c->difficulty && !force)
		return;
	c->difficulty = d;
	if (!c->share.subscribed || c->silent)
		return;
	notify_difficulty(c);
	poolclient_send_job(c, pooljobs_current(c->pool->jobs), false);
}

static void vardiff(struct poolclient *c, double now)
{
	double want = c->pool->cfg->vardiff_rate, elapsed = now - c->vardiff_start;
	double got, factor, old = c->difficulty;

	if (want <= 0 || !c->share.subscribed)
		return;
	if (elapsed < POOLCLIENT_VARDIFF_PERIOD &&
	    (c->vardiff_shares < POOLCLIENT_VARDIFF_BURST || elapsed < POOLCLIENT_VARDIFF_MIN))
		return;
	got = c->vardiff_shares * 60.0 / elapsed;
	factor = got / want;
	factor = factor < 0.25 ? 0.25 : factor > 4 ? 4 : factor;
	c->vardiff_start = now;
	c->vardiff_shares = 0;
	if (factor > 2.0 / 3 && factor < 1.5)
		return;
	change_difficulty(c, old * factor, false);
	if (c->difficulty != old)
		pool_log("vardiff: client %s difficulty %.6g -> %.6g (%.1f shares/min, want %g)",
			 c->peer, old, c->difficulty, got, want);
}

/* ---- methods ------------------------------------------------------------------ */

static const char *str_param(const cJSON *params, int i)
{
	const cJSON *it = cJSON_IsArray(params) ? cJSON_GetArrayItem(params, i) : NULL;

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* [[["mining.set_difficulty", sid], ["mining.notify", sid]], extranonce1, size] */
static cJSON *subscribe_result(const struct poolclient *c, const char *sid, const char *en1)
{
	const char *set_difficulty[] = {"mining.set_difficulty", sid}, *notify[] = {"mining.notify", sid};
	cJSON *r = cJSON_CreateArray(), *subs = cJSON_CreateArray();

	if (!r || !subs) {
		cJSON_Delete(r);
		cJSON_Delete(subs);
		return NULL;
	}
	cJSON_AddItemToArray(subs, cJSON_CreateStringArray(set_difficulty, 2));
	cJSON_AddItemToArray(subs, cJSON_CreateStringArray(notify, 2));
	cJSON_AddItemToArray(r, subs);
	cJSON_AddItemToArray(r, cJSON_CreateString(en1));
	cJSON_AddItemToArray(r, cJSON_CreateNumber((double)c->share.extranonce2_len));
	return r;
}

static void on_subscribe(struct poolclient *c, const cJSON *id, const cJSON *params, double now)
{
	const char *want = str_param(params, 1);
	char sid[9], en1[2 * WORK_MAX_EXTRANONCE + 1];
	bool resumed = false;
	uint32_t v;

	if (c->share.subscribed || (params && !cJSON_IsArray(params))) {
		reply_error(c, id, 20, c->share.subscribed ? "Already subscribed" : "Invalid params");
		return;
	}
	if (want && !hex_to_u32be(want, &v, NULL, 0) &&
	    poolsessions_resume(c->pool->sessions, v, now, c->extranonce1)) {
		c->session_id = v;
		resumed = true;
	} else {
		poolsessions_new(c->pool->sessions, &c->session_id, c->extranonce1);
	}
	c->share.subscribed = true;
	c->share.extranonce2_len = c->pool->cfg->extranonce2_len;
	c->vardiff_start = now;
	c->vardiff_shares = 0;
	u32_to_hexbe(sid, c->session_id);
	hex_encode(en1, c->extranonce1, c->pool->cfg->extranonce1_len);
	reply(c, id, subscribe_result(c, sid, en1));
	pool_log("client %s subscribed: session %s, extranonce1 %s%s", c->peer, sid, en1,
		 resumed ? " (resumed)" : "");
	notify_difficulty(c);
	poolclient_send_job(c, pooljobs_current(c->pool->jobs), true);
}

/* With --user names: the name itself or "name.anything". */
static bool user_allowed(const struct pool_config *cfg, const char *user)
{
	if (!cfg->nusers)
		return true;
	for (size_t i = 0; i < cfg->nusers; i++) {
		size_t n = strlen(cfg->users[i]);

		if (!strncmp(cfg->users[i], user, n) && (user[n] == '\0' || user[n] == '.'))
			return true;
	}
	return false;
}

static void on_authorize(struct poolclient *c, const cJSON *id, const cJSON *params, double now)
{
	const char *user = str_param(params, 0);
	char safe[68];
	bool ok;

	(void)now;
	if (!user) {
		reply_error(c, id, 20, "Invalid params");
		return;
	}
	ok = user_allowed(c->pool->cfg, user) && !poolshare_add_worker(&c->share, user);
	reply(c, id, cJSON_CreateBool(ok));
	pool_log("client %s %s worker %s", c->peer, ok ? "authorized" : "refused",
		 printable(safe, user));
}

/* A mask of 1 to 8 hex digits. */
static bool parse_mask(const cJSON *it, uint32_t *mask)
{
	const char *s = cJSON_IsString(it) ? it->valuestring : "";
	size_t n = strlen(s);

	if (!n || n > 8 || strspn(s, "0123456789abcdefABCDEF") != n)
		return false;
	*mask = (uint32_t)strtoul(s, NULL, 16);
	return true;
}

static bool ext_version_rolling(struct poolclient *c, const cJSON *opts, cJSON *res)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(opts, "version-rolling.mask");
	uint32_t want = 0xffffffffu;
	char hex[9];

	if (m && !parse_mask(m, &want))
		return false;
	c->share.version_rolling = true;
	c->share.version_mask = c->pool->cfg->version_mask & want;
	u32_to_hexbe(hex, c->share.version_mask);
	cJSON_AddStringToObject(res, "version-rolling.mask", hex);
	return true;
}

static bool ext_minimum_difficulty(struct poolclient *c, const cJSON *opts, cJSON *res)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(opts, "minimum-difficulty.value");

	(void)res;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		return false;
	c->floor = v->valuedouble;   /* applied after the answer */
	return true;
}

static bool ext_subscribe_extranonce(struct poolclient *c, const cJSON *opts, cJSON *res)
{
	(void)opts;
	(void)res;
	c->extranonce_subscribed = true;
	return true;
}

static bool ext_info(struct poolclient *c, const cJSON *opts, cJSON *res)
{
	(void)c;
	(void)opts;
	(void)res;
	return true;
}

static const struct extension {
	const char *name;
	bool (*run)(struct poolclient *c, const cJSON *opts, cJSON *res);
} extensions[] = {
	{.name = "version-rolling", .run = ext_version_rolling},
	{.name = "minimum-difficulty", .run = ext_minimum_difficulty},
	{.name = "subscribe-extranonce", .run = ext_subscribe_extranonce},
	{.name = "info", .run = ext_info},
};

static void configure_one(struct poolclient *c, const char *name, const cJSON *opts, cJSON *res)
{
	bool ok = false;

	if (cJSON_GetObjectItemCaseSensitive(res, name))
		return;                             /* asked twice: answered once */
	/* The extension's answer goes first, the values it adds after it. */
	if (!cJSON_AddFalseToObject(res, name))
		return;
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (!strcmp(extensions[i].name, name))
			ok = extensions[i].run(c, opts, res);
	if (ok)
		cJSON_ReplaceItemInObjectCaseSensitive(res, name, cJSON_CreateTrue());
}

static void on_configure(struct poolclient *c, const cJSON *id, const cJSON *params, double now)
{
	const cJSON *exts = cJSON_GetArrayItem(params, 0), *opts = cJSON_GetArrayItem(params, 1), *e;
	cJSON *res;
	int n = 0;

	(void)now;
	if (!cJSON_IsArray(params) || !cJSON_IsArray(exts) || (opts && !cJSON_IsObject(opts))) {
		reply_error(c, id, 20, "Invalid params");
		return;
	}
	res = cJSON_CreateObject();
	if (!res) {
		c->out_failed = true;
		return;
	}
	cJSON_ArrayForEach(e, exts) {
		if (++n > POOLCLIENT_MAX_EXTENSIONS)
			break;                      /* the rest go unanswered */
		if (cJSON_IsString(e))
			configure_one(c, e->valuestring, opts, res);
	}
	reply(c, id, res);
	if (c->difficulty < c->floor)
		change_difficulty(c, c->floor, false);
}

static void on_extranonce_subscribe(struct poolclient *c, const cJSON *id, const cJSON *params,
				    double now)
{
	(void)params;
	(void)now;
	c->extranonce_subscribed = true;
	reply(c, id, cJSON_CreateTrue());
}

static void on_suggest_difficulty(struct poolclient *c, const cJSON *id, const cJSON *params,
				  double now)
{
	const cJSON *d = cJSON_GetArrayItem(params, 0);

	(void)now;
	if (!cJSON_IsArray(params) || !cJSON_IsNumber(d) || !isfinite(d->valuedouble) ||
	    d->valuedouble <= 0) {
		reply_error(c, id, 20, "Invalid params");
		return;
	}
	reply(c, id, cJSON_CreateTrue());
	c->floor = d->valuedouble;
	change_difficulty(c, d->valuedouble, true);
}

static void log_verdict(const struct poolclient *c, const struct poolshare_verdict *v)
{
	char w[68], j[68], reason[64];
	const char *who = v->worker ? printable(w, v->worker) : c->peer;

	if (v->kind == POOLSHARE_ACCEPTED) {
		pool_log("share accepted from %s job %s diff %.6g (hash diff %.6g)", who,
			 printable(j, v->job_id), v->difficulty, v->hash_difficulty);
		return;
	}
	snprintf(reason, sizeof(reason), "%s", v->reason);
	reason[0] = (char)(reason[0] >= 'A' && reason[0] <= 'Z' ? reason[0] + 32 : reason[0]);
	if (v->code == 23)
		pool_log("share rejected from %s job %s: 23 %s (hash diff %.6g < %.6g)", who,
			 printable(j, v->job_id), reason, v->hash_difficulty, v->difficulty);
	else
		pool_log("share rejected from %s job %s: %d %s%s", who, printable(j, v->job_id),
			 v->code, reason, v->kind == POOLSHARE_STALE ? " (stale: an earlier block)" : "");
}

static void found_block(struct poolclient *c, const struct poolshare_verdict *v)
{
	char hash[65], w[68];

	hex_encode_reversed(hash, v->hash, 32);
	c->pool->stats.blocks++;
	c->pool->block_found = true;
	memcpy(c->pool->block_hash, v->hash, 32);
	pool_log("block found by %s at height %llu: %s (hash diff %.6g)",
		 printable(w, v->worker), (unsigned long long)v->height, hash, v->hash_difficulty);
}

static void on_submit(struct poolclient *c, const cJSON *id, const cJSON *params, double now)
{
	struct pool_stats *st = &c->pool->stats;
	struct poolshare_verdict v;

	poolshare_check(&c->share, pooljobs_current(c->pool->jobs)->height, params, &v);
	if (v.kind == POOLSHARE_ACCEPTED)
		reply(c, id, cJSON_CreateTrue());
	else
		reply_error(c, id, v.code, v.reason);
	*(v.kind == POOLSHARE_ACCEPTED ? &st->accepted : v.kind == POOLSHARE_STALE ? &st->stale :
	  v.kind == POOLSHARE_DUPLICATE ? &st->duplicates : &st->rejected) += 1;
	log_verdict(c, &v);
	if (v.hashed && v.block)
		found_block(c, &v);
	if (v.kind == POOLSHARE_ACCEPTED) {
		c->vardiff_shares++;
		vardiff(c, now);
	}
}

static const struct method {
	const char *name;
	void (*run)(struct poolclient *c, const cJSON *id, const cJSON *params, double now);
} methods[] = {
	{.name = "mining.subscribe", .run = on_subscribe},
	{.name = "mining.authorize", .run = on_authorize},
	{.name = "mining.configure", .run = on_configure},
	{.name = "mining.extranonce.subscribe", .run = on_extranonce_subscribe},
	{.name = "mining.suggest_difficulty", .run = on_suggest_difficulty},
	{.name = "mining.submit", .run = on_submit},
};

/* ---- lines -------------------------------------------------------------------- */

static int bad_line(struct poolclient *c, const char *why, const char *reason,
		    char *err, size_t errlen)
{
	reply_error(c, NULL, 20, reason);
	pool_log("client %s: %s (answered with an error)", c->peer, why);
	if (++c->bad_lines >= POOLCLIENT_MAX_BAD)
		return errf(err, errlen, "%u malformed messages", c->bad_lines);
	return 0;
}

static void dispatch(struct poolclient *c, const char *name, const cJSON *id,
		     const cJSON *params, double now)
{
	char safe[68];

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (!strcmp(methods[i].name, name)) {
			methods[i].run(c, id, params, now);
			return;
		}
	}
	reply_error(c, id, 20, "Method not supported");
	pool_log("client %s: method %s not supported", c->peer, printable(safe, name));
}

int poolclient_on_line(struct poolclient *c, const char *line, size_t len, double now,
		       char *err, size_t errlen)
{
	const cJSON *method;
	cJSON *msg;
	int rc = 0;

	if (c->silent || !len)
		return 0;
	/* len + 1: the NUL must follow the value, so trailing garbage is refused. */
	msg = cJSON_ParseWithLengthOpts(line, len + 1, NULL, true);
	if (!msg) {
		rc = bad_line(c, "invalid JSON", "Invalid JSON", err, errlen);
	} else if (!cJSON_IsObject(msg)) {
		rc = bad_line(c, "not a JSON object", "Invalid request", err, errlen);
	} else {
		method = cJSON_GetObjectItemCaseSensitive(msg, "method");
		if (cJSON_IsString(method))
			dispatch(c, method->valuestring, cJSON_GetObjectItemCaseSensitive(msg, "id"),
				 cJSON_GetObjectItemCaseSensitive(msg, "params"), now);
		else if (!cJSON_HasObjectItem(msg, "result"))
			rc = bad_line(c, "a message without a method", "Invalid request", err, errlen);
	}
	cJSON_Delete(msg);
	if (!rc && c->out_failed)
		rc = errf(err, errlen, "out of memory");
	return rc;
}

/* ---- life and timers ---------------------------------------------------------- */

void poolclient_init(struct poolclient *c, struct pool_ctx *pool, const char *peer, double now)
{
	memset(c, 0, sizeof(*c));
	c->pool = pool;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->connected = now;
	c->difficulty = clamp_difficulty(c, pool->cfg->difficulty);
	poolshare_session_init(&c->share);
}

void poolclient_release(struct poolclient *c, double now)
{
	if (c->share.subscribed)
		poolsessions_closed(c->pool->sessions, c->session_id, c->extranonce1, now);
	poolshare_session_release(&c->share);
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_cap = 0;
}

static bool due(double after, double age)
{
	return after >= 0 && age >= after;
}

static void fault_reconnect(struct poolclient *c)
{
	cJSON *msg = cJSON_CreateObject(), *p = cJSON_CreateArray();

	c->reconnect_sent = true;
	cJSON_AddItemToArray(p, cJSON_CreateString(c->pool->reconnect_host));
	cJSON_AddItemToArray(p, cJSON_CreateNumber(c->pool->reconnect_port));
	cJSON_AddItemToArray(p, cJSON_CreateNumber(1));
	cJSON_AddNullToObject(msg, "id");
	cJSON_AddStringToObject(msg, "method", "client.reconnect");
	cJSON_AddItemToObject(msg, "params", p);
	send_json(c, msg);
	pool_log("fault injection: client.reconnect to client %s", c->peer);
}

static void fault_set_extranonce(struct poolclient *c)
{
	size_t n = c->pool->cfg->extranonce1_len;
	char en1[2 * WORK_MAX_EXTRANONCE + 1], line[160];
	int len;

	c->extranonce_sent = true;
	poolsessions_next_extranonce1(c->pool->sessions, c->extranonce1);
	hex_encode(en1, c->extranonce1, n);
	len = snprintf(line, sizeof(line),
		       "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"%s\",%zu]}\n",
		       en1, c->share.extranonce2_len);
	out_append(c, line, (size_t)len);
	poolclient_send_job(c, pooljobs_current(c->pool->jobs), true);
	pool_log("fault injection: mining.set_extranonce %s to client %s", en1, c->peer);
}

int poolclient_tick(struct poolclient *c, double now, char *err, size_t errlen)
{
	static const char malformed[] = "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"\n";
	const struct pool_config *cfg = c->pool->cfg;
	double age = now - c->connected;

	if (due(cfg->fault_drop, age))
		return errf(err, errlen, "fault injection: dropped %g s after connecting",
			    cfg->fault_drop);
	if (due(cfg->fault_silent, age) && !c->silent) {
		c->silent = true;
		pool_log("fault injection: client %s gets no more answers or jobs", c->peer);
	}
	if (c->silent)
		return 0;
	if (due(cfg->fault_malformed, age) && !c->malformed_sent) {
		c->malformed_sent = true;
		out_append(c, malformed, sizeof(malformed) - 1);
		pool_log("fault injection: malformed line to client %s", c->peer);
	}
	if (due(cfg->fault_reconnect, age) && !c->reconnect_sent)
		fault_reconnect(c);
	if (due(cfg->fault_set_extranonce, age) && !c->extranonce_sent && c->share.subscribed &&
	    c->extranonce_subscribed)
		fault_set_extranonce(c);
	vardiff(c, now);
	return c->out_failed ? errf(err, errlen, "out of memory") : 0;
}
