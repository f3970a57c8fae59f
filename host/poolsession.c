/* poolsession: extranonce1 allocation and resumable sessions; see poolsession.h. */
#include "poolsession.h"

#include <stdlib.h>
#include <string.h>

void poolsessions_init(struct pool_sessions *s, size_t extranonce1_len, uint32_t seed)
{
	memset(s, 0, sizeof(*s));
	s->extranonce1_len = extranonce1_len;
	s->next_id = seed;
	s->next_extranonce1 = 1;
}

void poolsessions_release(struct pool_sessions *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void poolsessions_next_extranonce1(struct pool_sessions *s, uint8_t *extranonce1)
{
	uint64_t v = s->next_extranonce1++;

	for (size_t i = s->extranonce1_len; i-- > 0; v >>= 8)
		extranonce1[i] = (uint8_t)v;
}

void poolsessions_new(struct pool_sessions *s, uint32_t *id, uint8_t *extranonce1)
{
	*id = s->next_id++;
	poolsessions_next_extranonce1(s, extranonce1);
}

/* Drops the records that closed more than POOLSESSION_KEEP seconds ago. */
static void expire(struct pool_sessions *s, double now)
{
	size_t old = 0;

	while (old < s->n && now - s->v[old].closed > POOLSESSION_KEEP)
		old++;
	if (!old)
		return;
	memmove(s->v, s->v + old, (s->n - old) * sizeof(*s->v));
	s->n -= old;
}

bool poolsessions_resume(struct pool_sessions *s, uint32_t id, double now,
			 uint8_t *extranonce1)
{
	expire(s, now);
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].id != id)
			continue;
		memcpy(extranonce1, s->v[i].extranonce1, s->extranonce1_len);
		memmove(s->v + i, s->v + i + 1, (s->n - i - 1) * sizeof(*s->v));
		s->n--;
		return true;
	}
	return false;
}

int poolsessions_closed(struct pool_sessions *s, uint32_t id, const uint8_t *extranonce1,
			double now)
{
	struct pool_session_rec *r;

	expire(s, now);
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct pool_session_rec *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	r = &s->v[s->n++];
	r->id = id;
	memcpy(r->extranonce1, extranonce1, s->extranonce1_len);
	r->closed = now;
	return 0;
}
