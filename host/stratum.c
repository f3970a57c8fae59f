/*
 * stratum: the Stratum v1 client state machine; see stratum.h for the
 * protocol it speaks. This file holds the lifecycle, the reading of a line,
 * the responses to our requests and mining.submit; stratum_pool.c holds the
 * methods the pool sends, stratum_msg.c the pending table, the output
 * queue and JSON helpers.
 *
 * Decisions stratum.h leaves open:
 *  - cfg.version_mask 0 with version_rolling means STRATUM_DEFAULT_VERSION_MASK;
 *    a NULL agent is "pipeminer", a NULL user or pass "".
 *  - Each connection starts at difficulty 1 with no version mask; the last
 *    prevhash is kept across connections (a new block while away marks the
 *    first job clean).
 *  - When the pool answers a resuming subscribe with an error, the
 *    extranonce.subscribe and authorize pipelined behind it are forgotten
 *    (their answers will be ignored) and sent again behind a fresh
 *    subscribe [agent].
 *  - A resume counts (ev.resumed) when the pool gives back the same
 *    extranonce1 and extranonce2_size.
 *  - An authorize result that overtakes the subscribe result is remembered
 *    and applied when the subscribe result comes.
 *  - A response whose id matches no pending request is ignored (some pools
 *    answer twice); a message with neither "method" nor "id" is an error.
 *  - Out of memory in stratum_start() (which cannot fail) marks the
 *    connection broken: the next stratum_on_line() fails saying so.
 *  - stratum_start() on a struct not IDLE resets it first (its pending
 *    shares are dropped without being reported).
 *  - stratum_reset() returns the number of share ids it wrote to lost.
 */
#include "stratum.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "stratum_msg.h"

void stratum_init(struct stratum *s, const struct stratum_config *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	if (!s->cfg.agent)
		s->cfg.agent = "pipeminer";
	if (!s->cfg.user)
		s->cfg.user = "";
	if (!s->cfg.pass)
		s->cfg.pass = "";
	if (s->cfg.version_rolling && !s->cfg.version_mask)
		s->cfg.version_mask = STRATUM_DEFAULT_VERSION_MASK;
	s->state = STRATUM_IDLE;
	s->next_id = 1;
	s->difficulty = 1;
	s->pending = stratum_pending_new();   /* NULL: retried by stratum_start() */
}

void stratum_release(struct stratum *s)
{
	free(s->pending);
	free(s->out);
	s->pending = NULL;
	s->out = NULL;
	s->out_len = s->out_cap = 0;
}

/* Adds name: d to obj, printed exactly (stratum_format_number). false when out of memory. */
static bool add_number(cJSON *obj, const char *name, double d)
{
	char text[32];

	stratum_format_number(text, d);
	return cJSON_AddRawToObject(obj, name, text) != NULL;
}

/* mining.configure params: [[extensions], {parameters}]; NULL when out of memory. */
static cJSON *configure_params(const struct stratum_config *c)
{
	cJSON *p = cJSON_CreateArray(), *ext = cJSON_CreateArray(), *opt = cJSON_CreateObject();
	char mask[9];
	bool ok = true;

	if (!p || !ext || !opt)
		goto out_free_parts;
	/* Cannot fail with non-NULL arguments; p owns both from here. */
	cJSON_AddItemToArray(p, ext);
	cJSON_AddItemToArray(p, opt);
	u32_to_hexbe(mask, c->version_mask);
	if (c->version_rolling)
		ok = cJSON_AddItemToArray(ext, cJSON_CreateString("version-rolling")) &&
		     cJSON_AddStringToObject(opt, "version-rolling.mask", mask) &&
		     cJSON_AddNumberToObject(opt, "version-rolling.min-bit-count", 2);
	if (ok && c->extranonce_subscribe)
		ok = cJSON_AddItemToArray(ext, cJSON_CreateString("subscribe-extranonce"));
	if (ok && c->min_diff > 0)
		ok = cJSON_AddItemToArray(ext, cJSON_CreateString("minimum-difficulty")) &&
		     add_number(opt, "minimum-difficulty.value", c->min_diff);
	if (ok)
		return p;
	cJSON_Delete(p);
	return NULL;
out_free_parts:
	cJSON_Delete(p);
	cJSON_Delete(ext);
	cJSON_Delete(opt);
	return NULL;
}

/* Queues mining.subscribe: [agent], or [agent, session id] when resume and one is known. */
static int queue_subscribe(struct stratum *s, bool resume, char *err, size_t errlen)
{
	const char *params[] = { s->cfg.agent, s->session_id };

	s->resuming = resume && s->session_id[0];
	return stratum_queue_request(s, STRATUM_REQ_SUBSCRIBE, 0, "mining.subscribe",
				     stratum_str_array(params, s->resuming ? 2 : 1), err, errlen);
}

/* Queues what follows the subscribe: mining.extranonce.subscribe when wanted, authorize. */
static int queue_authorize(struct stratum *s, char *err, size_t errlen)
{
	const char *params[] = { s->cfg.user, s->cfg.pass };

	if (s->cfg.extranonce_subscribe &&
	    stratum_queue_request(s, STRATUM_REQ_EXTRANONCE, 0, "mining.extranonce.subscribe",
				  cJSON_CreateArray(), err, errlen))
		return -1;
	return stratum_queue_request(s, STRATUM_REQ_AUTHORIZE, 0, "mining.authorize",
				     stratum_str_array(params, 2), err, errlen);
}

/* Queues the opening requests of a connection, in stratum.h's order. 0 or -1. */
static int queue_opening(struct stratum *s, char *err, size_t errlen)
{
	const struct stratum_config *c = &s->cfg;

	if ((c->version_rolling || c->extranonce_subscribe || c->min_diff > 0) &&
	    stratum_queue_request(s, STRATUM_REQ_CONFIGURE, 0, "mining.configure",
				  configure_params(c), err, errlen))
		return -1;
	if (queue_subscribe(s, true, err, errlen))
		return -1;
	return queue_authorize(s, err, errlen);
}

void stratum_start(struct stratum *s)
{
	if (s->state != STRATUM_IDLE)
		stratum_reset(s, NULL, 0);
	if (!s->pending && !(s->pending = stratum_pending_new()))
		return;
	s->session++;
	s->state = STRATUM_SUBSCRIBING;
	s->difficulty = 1;
	s->have_next_difficulty = false;
	s->version_mask = 0;
	s->suggested = false;
	if (queue_opening(s, NULL, 0))
		s->pending->broken = true;
}

size_t stratum_reset(struct stratum *s, uint64_t *lost, size_t max_lost)
{
	struct stratum_pending *p = s->pending;
	size_t n = 0;

	for (size_t i = 0; p && i < p->n; i++)
		if (p->req[i].kind == STRATUM_REQ_SUBMIT && n < max_lost)
			lost[n++] = p->req[i].share_id;
	if (p)
		memset(p, 0, sizeof(*p));
	s->out_len = 0;
	s->state = STRATUM_IDLE;
	s->resuming = false;
	return n;
}

size_t stratum_output(const struct stratum *s, const char **data)
{
	*data = s->out;
	return s->out_len;
}

void stratum_output_consumed(struct stratum *s, size_t n)
{
	if (n > s->out_len)
		n = s->out_len;
	if (!n)
		return;
	memmove(s->out, s->out + n, s->out_len - n);
	s->out_len -= n;
}

size_t stratum_pending_count(const struct stratum *s)
{
	return s->pending ? s->pending->n : 0;
}

/* Queues mining.suggest_difficulty once per connection, when configured. */
static int maybe_suggest(struct stratum *s, char *err, size_t errlen)
{
	char num[32];
	cJSON *params;

	if (s->cfg.suggest_diff <= 0 || s->suggested)
		return 0;
	stratum_format_number(num, s->cfg.suggest_diff);
	params = cJSON_CreateArray();
	if (!params || !cJSON_AddItemToArray(params, cJSON_CreateRaw(num))) {
		cJSON_Delete(params);
		return errf(err, errlen, "out of memory building mining.suggest_difficulty");
	}
	s->suggested = true;
	return stratum_queue_request(s, STRATUM_REQ_SUGGEST, 0, "mining.suggest_difficulty",
				     params, err, errlen);
}

/* Authorized: READY, its event, then the difficulty suggestion. */
static int become_ready(struct stratum_line *l)
{
	l->s->state = STRATUM_READY;
	stratum_push(l, STRATUM_EV_READY);
	return maybe_suggest(l->s, l->err, l->errlen);
}

/* True when a response refuses: a non-null error, or a null or false result. */
static bool refused(const cJSON *msg)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(msg, "error");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(msg, "result");

	return (e && !cJSON_IsNull(e)) || !r || cJSON_IsNull(r) || cJSON_IsFalse(r);
}

/* What a subscribe result says. */
struct subscription {
	uint8_t en1[WORK_MAX_EXTRANONCE];
	size_t en1_len, en2_len;
	char session_id[sizeof(((struct stratum *)0)->session_id)];
};

/* The session id of a ["mining.notify", id] pair into out; false if it is not one. */
static bool notify_pair(const cJSON *pair, char *out, size_t outlen)
{
	const cJSON *m = cJSON_GetArrayItem(pair, 0), *id = cJSON_GetArrayItem(pair, 1);

	if (!cJSON_IsArray(pair) || !cJSON_IsString(m) || strcmp(m->valuestring, "mining.notify") ||
	    !cJSON_IsString(id) || !*id->valuestring || strlen(id->valuestring) >= outlen)
		return false;
	strcpy(out, id->valuestring);
	return true;
}

/* Fishes the mining.notify subscription id out of any known shape ("" if none). */
static void find_session_id(const cJSON *subs, char *out, size_t outlen)
{
	const cJSON *it;

	out[0] = '\0';
	if (!cJSON_IsArray(subs) || notify_pair(subs, out, outlen))
		return;
	cJSON_ArrayForEach(it, subs)
		if (notify_pair(it, out, outlen))
			return;
}

/* Reads [subscriptions, extranonce1, extranonce2_size]. 0 or -1, sub untouched on failure. */
static int parse_subscription(const cJSON *result, struct subscription *sub,
			      char *err, size_t errlen)
{
	if (!cJSON_IsArray(result) || cJSON_GetArraySize(result) < 3)
		return errf(err, errlen, "mining.subscribe result: expected "
			    "[subscriptions, extranonce1, extranonce2_size]");
	if (stratum_parse_extranonce(cJSON_GetArrayItem(result, 1), cJSON_GetArrayItem(result, 2),
				     "mining.subscribe result", sub->en1, &sub->en1_len,
				     &sub->en2_len, err, errlen))
		return -1;
	find_session_id(cJSON_GetArrayItem(result, 0), sub->session_id, sizeof(sub->session_id));
	return 0;
}

/* The resume was refused: forget what was pipelined behind it, subscribe afresh. */
static int resubscribe(struct stratum *s, char *err, size_t errlen)
{
	stratum_req_drop_kind(s->pending, STRATUM_REQ_EXTRANONCE);
	stratum_req_drop_kind(s->pending, STRATUM_REQ_AUTHORIZE);
	s->pending->authorized_early = false;
	if (queue_subscribe(s, false, err, errlen))
		return -1;
	return queue_authorize(s, err, errlen);
}

/* Takes a subscribe result: extranonce, session id, AUTHORIZING (or READY). */
static int on_subscribe(struct stratum_line *l)
{
	struct stratum *s = l->s;
	struct subscription sub;
	char why[STRATUM_REASON_LEN];
	bool resumed;

	if (refused(l->msg)) {
		if (s->resuming)
			return resubscribe(s, l->err, l->errlen);
		stratum_reason(l->msg, "no result", why);
		return errf(l->err, l->errlen, "mining.subscribe failed: %s", why);
	}
	if (parse_subscription(cJSON_GetObjectItemCaseSensitive(l->msg, "result"), &sub,
			       l->err, l->errlen))
		return -1;
	resumed = s->resuming && sub.en1_len == s->extranonce1_len &&
		  !memcmp(sub.en1, s->extranonce1, sub.en1_len) &&
		  sub.en2_len == s->extranonce2_len;
	memcpy(s->extranonce1, sub.en1, sub.en1_len);
	s->extranonce1_len = sub.en1_len;
	s->extranonce2_len = sub.en2_len;
	strcpy(s->session_id, sub.session_id);
	s->resuming = false;
	s->state = STRATUM_AUTHORIZING;
	stratum_push(l, STRATUM_EV_SUBSCRIBED)->resumed = resumed;
	if (!s->pending->authorized_early)
		return 0;
	s->pending->authorized_early = false;
	return become_ready(l);
}

/* Takes a configure result: the version mask is the pool's AND ours, or none. */
static int on_configure(struct stratum_line *l)
{
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(l->msg, "result"), *m;
	uint32_t pool_mask = 0;
	char why[ERR_LEN];

	if (!refused(l->msg) &&
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "version-rolling"))) {
		m = cJSON_GetObjectItemCaseSensitive(result, "version-rolling.mask");
		if (!cJSON_IsString(m))
			return errf(l->err, l->errlen, "mining.configure result: "
				    "version-rolling.mask: expected 8 hex digits");
		if (hex_to_u32be(m->valuestring, &pool_mask, why, sizeof(why)))
			return errf(l->err, l->errlen, "mining.configure result: "
				    "version-rolling.mask: %s", why);
	}
	stratum_set_mask(l, pool_mask & stratum_our_mask(l->s));
	return 0;
}

/* Takes an authorize result: READY (later, if it overtook the subscribe), or AUTH_FAILED. */
static int on_authorize(struct stratum_line *l)
{
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l->msg, "result"))) {
		if (l->s->state != STRATUM_SUBSCRIBING)
			return become_ready(l);
		l->s->pending->authorized_early = true;
		return 0;
	}
	stratum_reason(l->msg, "refused (no reason given)",
		       stratum_push(l, STRATUM_EV_AUTH_FAILED)->reason);
	return 0;
}

/* Takes a submit result: result true is accepted, anything else rejected with a reason. */
static int on_submit(struct stratum_line *l)
{
	struct stratum_event *ev = stratum_push(l, STRATUM_EV_SHARE);

	ev->share_id = l->req.share_id;
	ev->accepted = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l->msg, "result"));
	if (!ev->accepted)
		stratum_reason(l->msg, "rejected (no reason given)", ev->reason);
	return 0;
}

/* How each response is read; NULL: advisory, nothing to do. */
static int (*const on_result[])(struct stratum_line *l) = {
	[STRATUM_REQ_CONFIGURE] = on_configure,
	[STRATUM_REQ_SUBSCRIBE] = on_subscribe,
	[STRATUM_REQ_EXTRANONCE] = NULL,
	[STRATUM_REQ_AUTHORIZE] = on_authorize,
	[STRATUM_REQ_SUGGEST] = NULL,
	[STRATUM_REQ_SUBMIT] = on_submit,
};

/* A response: handled by what it answers, then no longer pending; unmatched ids are ignored. */
static int on_response(struct stratum_line *l)
{
	struct stratum_pending *p = l->s->pending;
	struct stratum_req *found;
	uint32_t n;

	if (!stratum_json_uint(l->id, 1, 4294967295.0, &n) || !(found = stratum_req_find(p, n)))
		return 0;
	l->req = *found;
	if (on_result[l->req.kind] && on_result[l->req.kind](l))
		return -1;
	/* The handler may have changed the table; find the request again. */
	found = stratum_req_find(p, n);
	if (found)
		stratum_req_remove(p, found);
	return 0;
}

/* One parsed message: a method (request or notification) or a response. */
static int dispatch(struct stratum_line *l)
{
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(l->msg, "method");

	if (method && !cJSON_IsNull(method)) {
		if (!cJSON_IsString(method))
			return errf(l->err, l->errlen, "\"method\" must be a string");
		return stratum_on_method(l, method->valuestring);
	}
	if (!l->id || cJSON_IsNull(l->id))
		return errf(l->err, l->errlen, "a message with neither a method nor an id");
	return on_response(l);
}

/* A name for the JSON type of v, for error sentences. */
static const char *json_type(const cJSON *v)
{
	return cJSON_IsArray(v) ? "an array" : cJSON_IsString(v) ? "a string" :
	       cJSON_IsNumber(v) ? "a number" : cJSON_IsBool(v) ? "a boolean" : "null";
}

/* The line as one JSON object, or NULL with err set. */
static cJSON *parse_line(const char *line, size_t len, char *err, size_t errlen)
{
	const char *end = NULL, *p;
	cJSON *msg = cJSON_ParseWithLengthOpts(line, len, &end, false);

	if (!msg) {
		errf(err, errlen, "invalid JSON at byte %zu of %zu",
		     end ? (size_t)(end - line) : (size_t)0, len);
		return NULL;
	}
	for (p = end; p < line + len && *p && strchr(" \t\r\n", *p); p++)
		;
	if (p < line + len) {
		errf(err, errlen, "invalid JSON: text after the message at byte %zu of %zu",
		     (size_t)(p - line), len);
		goto out_delete;
	}
	if (!cJSON_IsObject(msg)) {
		errf(err, errlen, "expected a JSON object, got %s", json_type(msg));
		goto out_delete;
	}
	return msg;
out_delete:
	cJSON_Delete(msg);
	return NULL;
}

/* Whether a line may be taken at all: started, not broken, room for the events. */
static int check_usable(const struct stratum *s, size_t len, size_t max_ev,
			char *err, size_t errlen)
{
	if (!s->pending)
		return errf(err, errlen, "out of memory: no request table");
	if (s->state == STRATUM_IDLE)
		return errf(err, errlen, "a line from the pool before stratum_start()");
	if (s->pending->broken)
		return errf(err, errlen, "out of memory queueing a line for the pool");
	if (max_ev < STRATUM_MAX_EVENTS)
		return errf(err, errlen, "room for %d events needed, %zu given",
			    STRATUM_MAX_EVENTS, max_ev);
	if (len >= STRATUM_MAX_LINE)
		return errf(err, errlen, "line of %zu bytes is longer than %d", len,
			    STRATUM_MAX_LINE - 1);
	return 0;
}

int stratum_on_line(struct stratum *s, const char *line, size_t len,
		    struct stratum_event *ev, size_t max_ev, size_t *nev,
		    char *err, size_t errlen)
{
	struct stratum_line l = { .s = s, .ev = ev, .max = max_ev, .err = err, .errlen = errlen };
	cJSON *msg;
	int rc;

	*nev = 0;
	if (check_usable(s, len, max_ev, err, errlen))
		return -1;
	msg = parse_line(line, len, err, errlen);
	if (!msg)
		return -1;
	l.msg = msg;
	l.id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	l.params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	rc = dispatch(&l);
	cJSON_Delete(msg);
	*nev = l.n;
	return rc;
}

/* Checks a share against the session before it goes out. 0 or -1. */
static int check_share(const struct stratum *s, const struct stratum_share *sh,
		       char *err, size_t errlen)
{
	if (s->state != STRATUM_READY)
		return errf(err, errlen, "mining.submit: not authorized yet");
	if (!sh->job_id || !*sh->job_id || strlen(sh->job_id) > NOTIFY_MAX_JOB_ID)
		return errf(err, errlen, "mining.submit: job id must be 1 to %d characters",
			    NOTIFY_MAX_JOB_ID);
	if (sh->extranonce2_len != s->extranonce2_len)
		return errf(err, errlen, "mining.submit: extranonce2 of %zu bytes, "
			    "the session's extranonce2_size is %zu",
			    sh->extranonce2_len, s->extranonce2_len);
	if (sh->version_bits & ~s->version_mask)
		return errf(err, errlen, "mining.submit: version_bits %08" PRIx32
			    " outside the mask in force %08" PRIx32,
			    sh->version_bits, s->version_mask);
	return 0;
}

/* [user, job_id, extranonce2, ntime, nonce(, version_bits)]; NULL when out of memory. */
static cJSON *submit_params(const struct stratum *s, const struct stratum_share *sh)
{
	char en2[2 * WORK_MAX_EXTRANONCE + 1], ntime[9], nonce[9], bits[9];
	const char *params[] = { s->cfg.user, sh->job_id, en2, ntime, nonce, bits };

	hex_encode(en2, sh->extranonce2, sh->extranonce2_len);
	u32_to_hexbe(ntime, sh->ntime);
	u32_to_hexbe(nonce, sh->nonce);
	u32_to_hexbe(bits, sh->version_bits);
	/* version_bits only while a mask is in force (BIP 310). */
	return stratum_str_array(params, s->version_mask ? 6 : 5);
}

int stratum_submit(struct stratum *s, const struct stratum_share *share,
		   char *err, size_t errlen)
{
	if (!s->pending)
		return errf(err, errlen, "out of memory: no request table");
	if (check_share(s, share, err, errlen))
		return -1;
	return stratum_queue_request(s, STRATUM_REQ_SUBMIT, share->id, "mining.submit",
				     submit_params(s, share), err, errlen);
}
