/*
 * stratum_msg: the private half of the Stratum client, shared by stratum.c
 * (lifecycle, responses, submit) and stratum_pool.c (the methods the pool
 * sends). Nothing outside stratum*.c includes this file.
 *
 * It holds the table of requests awaiting an answer (struct
 * stratum_pending), the output queue (compact JSON lines, each ending in
 * "\n"), the event queue of one stratum_on_line() call and the small JSON
 * readers both halves use.
 *
 * Wire shapes written here:
 *   request   {"id":N,"method":"...","params":[...]}   N: 1..2^32-1, unique
 *                                                      among pending requests
 *   response  {"id":<the pool's id, verbatim>,"result":...,"error":...}
 */
#ifndef PIPEMINER_STRATUM_MSG_H
#define PIPEMINER_STRATUM_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "stratum.h"

/* At most this many events come out of one line (stratum.h promises 4). */
#define STRATUM_MAX_EVENTS 4

/* What a pending request was, which decides how its response is read. */
enum stratum_req_kind {
	STRATUM_REQ_CONFIGURE,
	STRATUM_REQ_SUBSCRIBE,
	STRATUM_REQ_EXTRANONCE,   /* mining.extranonce.subscribe */
	STRATUM_REQ_AUTHORIZE,
	STRATUM_REQ_SUGGEST,      /* mining.suggest_difficulty */
	STRATUM_REQ_SUBMIT,
};

struct stratum_req {
	uint32_t id;
	enum stratum_req_kind kind;
	uint64_t share_id;        /* the caller's, for STRATUM_REQ_SUBMIT */
};

struct stratum_pending {
	struct stratum_req req[STRATUM_MAX_PENDING];   /* in the order sent */
	size_t n;
	/* The authorize result came (true) before the subscribe result. */
	bool authorized_early;
	/* A line could not be queued (out of memory): the connection is unusable. */
	bool broken;
};

/* One stratum_on_line() call: the message, where its events and error go. */
struct stratum_line {
	struct stratum *s;
	const cJSON *msg;
	const cJSON *id, *params;   /* members of msg, NULL when absent */
	struct stratum_req req;     /* a response: the request it answers */
	struct stratum_event *ev;   /* room for max >= STRATUM_MAX_EVENTS */
	size_t n, max;
	char *err;
	size_t errlen;
};

/* A zeroed event of `kind` appended to l's (room is checked up front). */
struct stratum_event *stratum_push(struct stratum_line *l, enum stratum_event_kind kind);

/* A new empty table, or NULL when out of memory. */
struct stratum_pending *stratum_pending_new(void);

/* The pending request with this id, or NULL. */
struct stratum_req *stratum_req_find(struct stratum_pending *p, uint32_t id);

/* Removes r (a pointer into p) and keeps the others in order. */
void stratum_req_remove(struct stratum_pending *p, struct stratum_req *r);

/* Removes every pending request of `kind`. */
void stratum_req_drop_kind(struct stratum_pending *p, enum stratum_req_kind kind);

/*
 * Queues the request {"id":N,"method":method,"params":params} and records
 * it as pending, with a fresh id (skipping 0 and the ids still pending).
 * Takes params (deletes it on failure). Fails (-1, err) when
 * STRATUM_MAX_PENDING requests already wait, or out of memory.
 */
int stratum_queue_request(struct stratum *s, enum stratum_req_kind kind, uint64_t share_id,
			  const char *method, cJSON *params, char *err, size_t errlen);

/*
 * Queues the answer to a request from the pool: {"id":id,"result":result,
 * "error":error}, id copied verbatim. Takes result and error. 0 or -1.
 */
int stratum_queue_response(struct stratum *s, const cJSON *id, cJSON *result, cJSON *error,
			   char *err, size_t errlen);

/* A JSON array of the n strings str[0..n), or NULL when out of memory. */
cJSON *stratum_str_array(const char *const *str, size_t n);

/*
 * The reason a pool refused something, from the response msg: its "error"
 * as [code, msg, tb] or {"code", "message"} ("msg (code N)"), a bare
 * string (itself), anything else non-null (its JSON text); else ckpool's
 * "reject-reason"; else `none`. Control characters become '?'; the text
 * is cut to fit out.
 */
void stratum_reason(const cJSON *msg, const char *none, char out[STRATUM_REASON_LEN]);

/* Copies text into out (cut to fit), control characters as '?'. */
void stratum_text(const char *text, char out[STRATUM_REASON_LEN]);

/*
 * A number as JSON text that reads back exactly: integers below 2^53 in
 * plain digits ("1000", not "1e+03"), others in json_format_double's
 * shortest form (inf as 1e999).
 */
void stratum_format_number(char out[32], double d);

/* A value for an error sentence: numbers exactly (inf as 1e999), others as JSON, cut short. */
void stratum_describe(const cJSON *v, char out[64]);

/* An integral JSON number in lo..hi into *out; false otherwise. */
bool stratum_json_uint(const cJSON *v, double lo, double hi, uint32_t *out);

/*
 * Reads an extranonce1 (hex, at most WORK_MAX_EXTRANONCE bytes) and an
 * extranonce2_size (an integer 1..16) as a subscribe result or
 * mining.set_extranonce carries them. Writes nothing on failure: -1 with
 * err "<where>: extranonce2_size 17 is outside 1..16" and the like.
 */
int stratum_parse_extranonce(const cJSON *en1, const cJSON *en2_size, const char *where,
			     uint8_t en1_out[WORK_MAX_EXTRANONCE], size_t *en1_len,
			     size_t *en2_len, char *err, size_t errlen);

/* The mask we asked for (0 when version rolling is off). */
uint32_t stratum_our_mask(const struct stratum *s);

/* Puts mask in force; a STRATUM_EV_VERSION_MASK when it changed. */
void stratum_set_mask(struct stratum_line *l, uint32_t mask);

/* Dispatches a message carrying "method" (stratum_pool.c). 0, or -1 with l->err set. */
int stratum_on_method(struct stratum_line *l, const char *method);

#endif
