/* stratum_msg: pending requests, the output queue and JSON helpers; see stratum_msg.h. */
#include "stratum_msg.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json.h"

#define MAX_EXTRANONCE2 16      /* bytes; cgminer's bound, and what a board rolls */

struct stratum_event *stratum_push(struct stratum_line *l, enum stratum_event_kind kind)
{
	struct stratum_event *ev = &l->ev[l->n++];

	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	return ev;
}

struct stratum_pending *stratum_pending_new(void)
{
	return calloc(1, sizeof(struct stratum_pending));
}

struct stratum_req *stratum_req_find(struct stratum_pending *p, uint32_t id)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->req[i].id == id)
			return &p->req[i];
	return NULL;
}

void stratum_req_remove(struct stratum_pending *p, struct stratum_req *r)
{
	size_t i = (size_t)(r - p->req);

	memmove(r, r + 1, (p->n - i - 1) * sizeof(*r));
	p->n--;
}

void stratum_req_drop_kind(struct stratum_pending *p, enum stratum_req_kind kind)
{
	size_t kept = 0;

	for (size_t i = 0; i < p->n; i++)
		if (p->req[i].kind != kind)
			p->req[kept++] = p->req[i];
	p->n = kept;
}

/* The next request id: the counter's, skipping 0 and ids still pending. */
static uint32_t next_request_id(struct stratum *s)
{
	uint32_t id;

	do
		id = s->next_id++;
	while (id == 0 || stratum_req_find(s->pending, id));
	return id;
}

/* Appends text and "\n" to the output queue. 0, or -1 when out of memory. */
static int out_append(struct stratum *s, const char *text, char *err, size_t errlen)
{
	size_t n = strlen(text), need = s->out_len + n + 1, cap;
	char *p;

	if (need > s->out_cap) {
		for (cap = s->out_cap ? s->out_cap : 1024; cap < need; cap *= 2)
			;
		p = realloc(s->out, cap);
		if (!p)
			return errf(err, errlen, "out of memory queueing a line for the pool");
		s->out = p;
		s->out_cap = cap;
	}
	memcpy(s->out + s->out_len, text, n);
	s->out[s->out_len + n] = '\n';
	s->out_len = need;
	return 0;
}

/* Prints msg compactly, deletes it and queues the line. 0 or -1. */
static int queue_json(struct stratum *s, cJSON *msg, char *err, size_t errlen)
{
	char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;
	int rc;

	cJSON_Delete(msg);
	if (!text)
		return errf(err, errlen, "out of memory building a line for the pool");
	rc = out_append(s, text, err, errlen);
	cJSON_free(text);
	return rc;
}

/* {"id":id,"method":method,"params":params}, taking params; NULL when out of memory. */
static cJSON *request_msg(uint32_t id, const char *method, cJSON *params)
{
	cJSON *msg = cJSON_CreateObject();
	char idtext[16];

	snprintf(idtext, sizeof(idtext), "%" PRIu32, id);
	if (!msg || !params || !cJSON_AddRawToObject(msg, "id", idtext) ||
	    !cJSON_AddStringToObject(msg, "method", method)) {
		cJSON_Delete(msg);
		cJSON_Delete(params);
		return NULL;
	}
	cJSON_AddItemToObjectCS(msg, "params", params);
	return msg;
}

int stratum_queue_request(struct stratum *s, enum stratum_req_kind kind, uint64_t share_id,
			  const char *method, cJSON *params, char *err, size_t errlen)
{
	struct stratum_pending *p = s->pending;
	uint32_t id;

	if (p->n == STRATUM_MAX_PENDING) {
		cJSON_Delete(params);
		return errf(err, errlen, "%s: %d requests already await an answer from the pool",
			    method, STRATUM_MAX_PENDING);
	}
	id = next_request_id(s);
	if (queue_json(s, request_msg(id, method, params), err, errlen))
		return -1;
	p->req[p->n++] = (struct stratum_req){ .id = id, .kind = kind, .share_id = share_id };
	return 0;
}

int stratum_queue_response(struct stratum *s, const cJSON *id, cJSON *result, cJSON *error,
			   char *err, size_t errlen)
{
	cJSON *msg = cJSON_CreateObject(), *idcopy = cJSON_Duplicate(id, true);

	if (!msg || !idcopy || !result || !error) {
		cJSON_Delete(msg);
		cJSON_Delete(idcopy);
		cJSON_Delete(result);
		cJSON_Delete(error);
		return errf(err, errlen, "out of memory answering the pool");
	}
	cJSON_AddItemToObjectCS(msg, "id", idcopy);
	cJSON_AddItemToObjectCS(msg, "result", result);
	cJSON_AddItemToObjectCS(msg, "error", error);
	return queue_json(s, msg, err, errlen);
}

cJSON *stratum_str_array(const char *const *str, size_t n)
{
	cJSON *arr = cJSON_CreateArray(), *it;

	for (size_t i = 0; arr && i < n; i++) {
		it = cJSON_CreateString(str[i]);
		if (!cJSON_AddItemToArray(arr, it)) {
			cJSON_Delete(it);
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

void stratum_text(const char *text, char out[STRATUM_REASON_LEN])
{
	size_t i;

	for (i = 0; text[i] && i < STRATUM_REASON_LEN - 1; i++)
		out[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ? '?' : text[i];
	out[i] = '\0';
}

void stratum_format_number(char out[32], double d)
{
	if (d == floor(d) && fabs(d) < 9007199254740992.0)
		snprintf(out, 32, "%.0f", d);
	else
		json_format_double(out, d);
}

void stratum_describe(const cJSON *v, char out[64])
{
	char *text;

	if (cJSON_IsNumber(v)) {
		stratum_format_number(out, v->valuedouble);
		return;
	}
	text = v ? cJSON_PrintUnformatted(v) : NULL;
	snprintf(out, 64, "%s", text ? text : v ? "(unprintable)" : "nothing");
	cJSON_free(text);
}

/* "msg (code N)" from the code and message items of an error; false if neither fits. */
static bool coded_text(const cJSON *code, const cJSON *msg, char out[STRATUM_REASON_LEN])
{
	char num[32], text[STRATUM_REASON_LEN + 48];

	if (!cJSON_IsString(msg) || !*msg->valuestring)
		return false;
	if (!cJSON_IsNumber(code)) {
		stratum_text(msg->valuestring, out);
		return true;
	}
	stratum_format_number(num, code->valuedouble);
	snprintf(text, sizeof(text), "%.100s (code %s)", msg->valuestring, num);
	stratum_text(text, out);
	return true;
}

/* The text of an "error" member; false when it says nothing (absent, null, ""). */
static bool error_text(const cJSON *e, char out[STRATUM_REASON_LEN])
{
	char *json;

	if (!e || cJSON_IsNull(e) || (cJSON_IsString(e) && !*e->valuestring))
		return false;
	if (cJSON_IsString(e)) {
		stratum_text(e->valuestring, out);
		return true;
	}
	if (cJSON_IsArray(e) &&
	    coded_text(cJSON_GetArrayItem(e, 0), cJSON_GetArrayItem(e, 1), out))
		return true;
	if (cJSON_IsObject(e) &&
	    coded_text(cJSON_GetObjectItemCaseSensitive(e, "code"),
		       cJSON_GetObjectItemCaseSensitive(e, "message"), out))
		return true;
	json = cJSON_PrintUnformatted(e);
	stratum_text(json ? json : "(unprintable error)", out);
	cJSON_free(json);
	return true;
}

void stratum_reason(const cJSON *msg, const char *none, char out[STRATUM_REASON_LEN])
{
	const cJSON *rr = cJSON_GetObjectItemCaseSensitive(msg, "reject-reason");

	if (error_text(cJSON_GetObjectItemCaseSensitive(msg, "error"), out))
		return;
	stratum_text(cJSON_IsString(rr) && *rr->valuestring ? rr->valuestring : none, out);
}

bool stratum_json_uint(const cJSON *v, double lo, double hi, uint32_t *out)
{
	double d;

	if (!cJSON_IsNumber(v))
		return false;
	d = v->valuedouble;
	if (!(d >= lo && d <= hi) || d != floor(d))
		return false;
	*out = (uint32_t)d;
	return true;
}

int stratum_parse_extranonce(const cJSON *en1, const cJSON *en2_size, const char *where,
			     uint8_t en1_out[WORK_MAX_EXTRANONCE], size_t *en1_len,
			     size_t *en2_len, char *err, size_t errlen)
{
	uint8_t bytes[WORK_MAX_EXTRANONCE];
	char why[ERR_LEN], got[64];
	size_t len;
	uint32_t size;

	if (!cJSON_IsString(en1))
		return errf(err, errlen, "%s: extranonce1: expected a hex string", where);
	if (hex_decode(en1->valuestring, bytes, sizeof(bytes), &len, why, sizeof(why)))
		return errf(err, errlen, "%s: extranonce1: %s", where, why);
	stratum_describe(en2_size, got);
	if (!cJSON_IsNumber(en2_size) || en2_size->valuedouble != floor(en2_size->valuedouble))
		return errf(err, errlen, "%s: extranonce2_size: expected an integer, got %s",
			    where, got);
	if (!stratum_json_uint(en2_size, 1, MAX_EXTRANONCE2, &size))
		return errf(err, errlen, "%s: extranonce2_size %s is outside 1..%d",
			    where, got, MAX_EXTRANONCE2);
	memcpy(en1_out, bytes, len);
	*en1_len = len;
	*en2_len = size;
	return 0;
}

uint32_t stratum_our_mask(const struct stratum *s)
{
	return s->cfg.version_rolling ? s->cfg.version_mask : 0;
}

void stratum_set_mask(struct stratum_line *l, uint32_t mask)
{
	if (mask == l->s->version_mask)
		return;
	l->s->version_mask = mask;
	stratum_push(l, STRATUM_EV_VERSION_MASK)->mask = mask;
}
