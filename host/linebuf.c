/* linebuf: see linebuf.h. */
#include "linebuf.h"

#include <stdlib.h>
#include <string.h>

void linebuf_init(struct linebuf *b, size_t max_line)
{
	memset(b, 0, sizeof(*b));
	b->max_line = max_line;
}

void linebuf_release(struct linebuf *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

size_t linebuf_space(struct linebuf *b, char **dst)
{
	size_t want;

	if (b->len >= b->max_line)
		return 0;
	/* Move the data to the front before growing. */
	if (b->start && b->start + b->len == b->cap) {
		memmove(b->buf, b->buf + b->start, b->len);
		b->start = 0;
	}
	if (b->start + b->len == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		char *p;

		if (cap > b->max_line + 1)
			cap = b->max_line + 1;
		p = realloc(b->buf, cap);
		if (!p)
			return (size_t)-1;
		b->buf = p;
		b->cap = cap;
	}
	want = b->cap - b->start - b->len;
	/* Never let one line's bytes pass the bound. */
	if (want > b->max_line - b->len)
		want = b->max_line - b->len;
	*dst = b->buf + b->start + b->len;
	return want;
}

void linebuf_commit(struct linebuf *b, size_t n)
{
	b->len += n;
}

int linebuf_take(struct linebuf *b, char **line, size_t *len)
{
	char *p = b->buf + b->start, *nl;
	size_t n;

	if (!b->len)
		return 0;
	nl = memchr(p, '\n', b->len);
	if (!nl)
		return b->len >= b->max_line ? -1 : 0;
	n = (size_t)(nl - p);
	*nl = '\0';
	if (n && p[n - 1] == '\r')
		p[--n] = '\0';
	*line = p;
	*len = n;
	b->start += (size_t)(nl - p) + 1;
	b->len -= (size_t)(nl - p) + 1;
	if (!b->len)
		b->start = 0;
	return 1;
}
