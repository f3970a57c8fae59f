/*
 * stratum_pool: the methods a pool sends to the Stratum client (stratum.h
 * says what each does). Every handler validates the whole message before it
 * changes anything, so a refused message leaves the state as it was.
 *
 *   mining.notify            [job_id, prevhash, coinb1, coinb2, [branch], version,
 *                             nbits, ntime, (extra,) clean_jobs]  -> STRATUM_EV_JOB
 *   mining.set_difficulty    [difficulty]                  -> STRATUM_EV_DIFFICULTY
 *   mining.set_extranonce    [extranonce1, extranonce2_size] -> STRATUM_EV_EXTRANONCE
 *   mining.set_version_mask  ["mask"]                      -> STRATUM_EV_VERSION_MASK
 *   client.reconnect         [host, port, wait], all optional -> STRATUM_EV_RECONNECT
 *                            (another host: STRATUM_EV_MESSAGE, no reconnect)
 *   client.show_message      [text]                        -> STRATUM_EV_MESSAGE
 *   client.get_version       answered {"id":id,"result":agent,"error":null}
 *   mining.ping              answered {"id":id,"result":"pong","error":null}
 *   anything else            ignored; with a non-null id answered
 *                            {"id":id,"result":null,"error":[-3,"Method not found",null]}
 */
#include "stratum_msg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hex.h"
#include "job.h"
#include "notify.h"
#include "target.h"

/* Fills j from a parsed notify and the session; the template moves into j. */
static void fill_job(struct stratum *s, struct job *j, struct notify *n)
{
	snprintf(j->id, sizeof(j->id), "%s", n->job_id);
	j->pool = s->cfg.pool;
	j->session = s->session;
	j->tpl = n->tpl;
	memcpy(j->tpl.extranonce1, s->extranonce1, s->extranonce1_len);
	j->tpl.extranonce1_len = s->extranonce1_len;
	j->tpl.extranonce2_len = s->extranonce2_len;
	work_template_prepare(&j->tpl);
	if (s->have_next_difficulty) {
		s->difficulty = s->next_difficulty;
		s->have_next_difficulty = false;
	}
	j->difficulty = s->difficulty;
	/* Cannot fail: every difficulty taken in was checked finite and > 0. */
	target_from_difficulty(j->difficulty, j->share_target, NULL, 0);
	j->version_mask = s->version_mask;
	j->clean = n->clean ||
		   (s->have_prevhash && memcmp(s->last_prevhash, n->tpl.prevhash, 32));
	memcpy(s->last_prevhash, n->tpl.prevhash, 32);
	s->have_prevhash = true;
	j->received = 0;
}

/* mining.notify: a job, once the subscribe result gave the extranonce. */
static int on_notify(struct stratum_line *l)
{
	struct notify n;
	struct job *j;
	char why[ERR_LEN];

	if (l->s->state == STRATUM_SUBSCRIBING)
		return errf(l->err, l->errlen, "mining.notify before the subscribe result: "
			    "no extranonce1 to build the job with");
	if (notify_parse(l->params, &n, why, sizeof(why)))
		return errf(l->err, l->errlen, "mining.notify: %s", why);
	j = calloc(1, sizeof(*j));
	if (!j) {
		work_template_release(&n.tpl);
		return errf(l->err, l->errlen, "mining.notify: out of memory for the job");
	}
	fill_job(l->s, j, &n);
	stratum_push(l, STRATUM_EV_JOB)->job = j;
	return 0;
}

/* mining.set_difficulty: finite and > 0, for the next job. */
static int on_set_difficulty(struct stratum_line *l)
{
	const cJSON *d = cJSON_GetArrayItem(l->params, 0);
	char got[64];

	if (!cJSON_IsArray(l->params) || !d)
		return errf(l->err, l->errlen,
			    "mining.set_difficulty: params must be [difficulty]");
	if (!cJSON_IsNumber(d) || !isfinite(d->valuedouble) || !(d->valuedouble > 0)) {
		stratum_describe(d, got);
		return errf(l->err, l->errlen, "mining.set_difficulty: difficulty must be a finite "
			    "number above 0, got %s", got);
	}
	l->s->next_difficulty = d->valuedouble;
	l->s->have_next_difficulty = true;
	stratum_push(l, STRATUM_EV_DIFFICULTY)->difficulty = d->valuedouble;
	return 0;
}

/* mining.set_extranonce: for the jobs from the next notify on. */
static int on_set_extranonce(struct stratum_line *l)
{
	uint8_t en1[WORK_MAX_EXTRANONCE];
	size_t en1_len, en2_len;

	if (!cJSON_IsArray(l->params))
		return errf(l->err, l->errlen, "mining.set_extranonce: params must be "
			    "[extranonce1, extranonce2_size]");
	if (stratum_parse_extranonce(cJSON_GetArrayItem(l->params, 0),
				     cJSON_GetArrayItem(l->params, 1), "mining.set_extranonce",
				     en1, &en1_len, &en2_len, l->err, l->errlen))
		return -1;
	memcpy(l->s->extranonce1, en1, en1_len);
	l->s->extranonce1_len = en1_len;
	l->s->extranonce2_len = en2_len;
	stratum_push(l, STRATUM_EV_EXTRANONCE);
	return 0;
}

/* mining.set_version_mask: at once, within the mask we asked for. */
static int on_set_version_mask(struct stratum_line *l)
{
	const cJSON *m = cJSON_GetArrayItem(l->params, 0);
	char why[ERR_LEN];
	uint32_t mask;

	if (!cJSON_IsArray(l->params) || !cJSON_IsString(m))
		return errf(l->err, l->errlen,
			    "mining.set_version_mask: params must be [\"mask\"]");
	if (hex_to_u32be(m->valuestring, &mask, why, sizeof(why)))
		return errf(l->err, l->errlen, "mining.set_version_mask: mask: %s", why);
	stratum_set_mask(l, mask & stratum_our_mask(l->s));
	return 0;
}

/*
 * A port or wait of client.reconnect: absent, null or "" is 0; otherwise an
 * integer 0..max, as a number or a decimal string. false when it is not.
 */
static bool reconnect_number(const cJSON *v, double max, unsigned *out)
{
	uint32_t n;
	char *end;
	double d;

	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring)) {
		*out = 0;
		return true;
	}
	if (cJSON_IsString(v)) {
		if (!strchr("0123456789", v->valuestring[0]))
			return false;
		d = strtod(v->valuestring, &end);
		if (*end || d > max || d != floor(d))
			return false;
		*out = (unsigned)d;
		return true;
	}
	if (!stratum_json_uint(v, 0, max, &n))
		return false;
	*out = n;
	return true;
}

/* client.reconnect: followed only to the same host (or none given). */
static int on_reconnect(struct stratum_line *l)
{
	const cJSON *host = cJSON_GetArrayItem(l->params, 0);
	const char *cfg_host = l->s->cfg.host;
	struct stratum_event *ev;
	unsigned port, wait;
	char text[2 * STRATUM_REASON_LEN];

	if (l->params && !cJSON_IsNull(l->params) && !cJSON_IsArray(l->params))
		return errf(l->err, l->errlen,
			    "client.reconnect: params must be [host, port, wait]");
	if (host && !cJSON_IsNull(host) && !cJSON_IsString(host))
		return errf(l->err, l->errlen, "client.reconnect: host must be a string");
	if (!reconnect_number(cJSON_GetArrayItem(l->params, 1), 65535, &port))
		return errf(l->err, l->errlen,
			    "client.reconnect: port must be an integer 0..65535");
	if (!reconnect_number(cJSON_GetArrayItem(l->params, 2), 4294967295.0, &wait))
		return errf(l->err, l->errlen,
			    "client.reconnect: wait must be a whole number of seconds");
	if (cJSON_IsString(host) && *host->valuestring &&
	    (!cfg_host || strcasecmp(host->valuestring, cfg_host))) {
		snprintf(text, sizeof(text), "client.reconnect to %.60s ignored: only %.40s is "
			 "followed", host->valuestring, cfg_host ? cfg_host : "the same host");
		stratum_text(text, stratum_push(l, STRATUM_EV_MESSAGE)->reason);
		return 0;
	}
	ev = stratum_push(l, STRATUM_EV_RECONNECT);
	ev->port = port;
	ev->wait = wait;
	return 0;
}

/* client.show_message: a message event, to log. */
static int on_show_message(struct stratum_line *l)
{
	const cJSON *text = cJSON_GetArrayItem(l->params, 0);

	if (!cJSON_IsArray(l->params) || !cJSON_IsString(text))
		return errf(l->err, l->errlen, "client.show_message: params must be [text]");
	stratum_text(text->valuestring, stratum_push(l, STRATUM_EV_MESSAGE)->reason);
	return 0;
}

/* True when the message is a request (a non-null id) that wants an answer. */
static bool wants_answer(const cJSON *id)
{
	return id && !cJSON_IsNull(id);
}

/* client.get_version: answered with the agent string. */
static int on_get_version(struct stratum_line *l)
{
	if (!wants_answer(l->id))
		return 0;
	return stratum_queue_response(l->s, l->id, cJSON_CreateString(l->s->cfg.agent),
				      cJSON_CreateNull(), l->err, l->errlen);
}

/* mining.ping: answered "pong". */
static int on_ping(struct stratum_line *l)
{
	if (!wants_answer(l->id))
		return 0;
	return stratum_queue_response(l->s, l->id, cJSON_CreateString("pong"), cJSON_CreateNull(),
				      l->err, l->errlen);
}

/* An unknown method: a request gets "Method not found", a notification nothing. */
static int on_unknown(struct stratum_line *l)
{
	cJSON *e;

	if (!wants_answer(l->id))
		return 0;
	e = cJSON_CreateArray();
	if (e && !(cJSON_AddItemToArray(e, cJSON_CreateNumber(-3)) &&
		   cJSON_AddItemToArray(e, cJSON_CreateString("Method not found")) &&
		   cJSON_AddItemToArray(e, cJSON_CreateNull()))) {
		cJSON_Delete(e);
		e = NULL;
	}
	return stratum_queue_response(l->s, l->id, cJSON_CreateNull(), e, l->err, l->errlen);
}

static const struct {
	const char *name;
	int (*fn)(struct stratum_line *l);
} methods[] = {
	{ "mining.notify", on_notify },
	{ "mining.set_difficulty", on_set_difficulty },
	{ "mining.set_extranonce", on_set_extranonce },
	{ "mining.set_version_mask", on_set_version_mask },
	{ "client.reconnect", on_reconnect },
	{ "client.show_message", on_show_message },
	{ "client.get_version", on_get_version },
	{ "mining.ping", on_ping },
};

int stratum_on_method(struct stratum_line *l, const char *method)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(method, methods[i].name))
			return methods[i].fn(l);
	return on_unknown(l);
}
