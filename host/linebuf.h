/*
 * linebuf: newline framing with a bound, for a byte stream that carries one
 * JSON message per line (Stratum). Bytes go in (linebuf_space then
 * linebuf_commit), complete lines come out (linebuf_take) without their
 * "\n" or "\r\n". A line longer than the bound is an error, never a crash
 * and never an unbounded buffer: Stratum's 64 KiB (STRATUM_MAX_LINE) in
 * the daemon and the pool.
 */
#ifndef PIPEMINER_LINEBUF_H
#define PIPEMINER_LINEBUF_H

#include <stddef.h>

struct linebuf {
	char *buf;
	size_t start, len, cap;   /* data is buf[start .. start+len) */
	size_t max_line;          /* longest line accepted, newline included */
};

/* An empty buffer for lines of at most max_line bytes. Never fails. */
void linebuf_init(struct linebuf *b, size_t max_line);
void linebuf_release(struct linebuf *b);

/*
 * Room to read into: *dst and the return value, at least 1 byte unless the
 * buffer holds max_line bytes with no newline (then 0: the line is too long).
 * Returns (size_t)-1 when out of memory.
 */
size_t linebuf_space(struct linebuf *b, char **dst);

/* n bytes were written at the space linebuf_space gave. */
void linebuf_commit(struct linebuf *b, size_t n);

/*
 * The next complete line: 1, with *line and *len set (NUL-terminated, valid until the
 * next call on b), 0 when no complete line is buffered, -1 when the bytes
 * buffered without a newline exceed max_line.
 */
int linebuf_take(struct linebuf *b, char **line, size_t *len);

/* Bytes buffered (a partial line, or lines not yet taken). */
static inline size_t linebuf_pending(const struct linebuf *b)
{
	return b->len;
}

#endif
