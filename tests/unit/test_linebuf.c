/* Unit tests: host/linebuf.c, newline framing with a bound. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "linebuf.h"

static void feed(struct linebuf *b, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		char *dst;
		size_t room = linebuf_space(b, &dst);

		assert_true(room > 0 && room != (size_t)-1);
		if (room > n)
			room = n;
		memcpy(dst, s, room);
		linebuf_commit(b, room);
		s += room;
		n -= room;
	}
}

static void test_lines_split_and_joined(void **state)
{
	struct linebuf b;
	char *line;
	size_t len;

	linebuf_init(&b, 64);
	feed(&b, "{\"a\":1}\n{\"b\"");
	assert_int_equal(linebuf_take(&b, &line, &len), 1);
	assert_string_equal(line, "{\"a\":1}");
	assert_int_equal(len, 7);
	assert_int_equal(linebuf_take(&b, &line, &len), 0);
	feed(&b, ":2}\r\n\n");
	assert_int_equal(linebuf_take(&b, &line, &len), 1);
	assert_string_equal(line, "{\"b\":2}");
	assert_int_equal(linebuf_take(&b, &line, &len), 1);
	assert_int_equal(len, 0);
	assert_int_equal(linebuf_take(&b, &line, &len), 0);
	assert_int_equal(linebuf_pending(&b), 0);
	linebuf_release(&b);
}

static void test_many_lines_through_a_small_buffer(void **state)
{
	struct linebuf b;
	char *line, text[32];
	size_t len;

	linebuf_init(&b, 16);
	for (int i = 0; i < 10000; i++) {
		snprintf(text, sizeof(text), "line %d\n", i % 1000);
		feed(&b, text);
		assert_int_equal(linebuf_take(&b, &line, &len), 1);
		snprintf(text, sizeof(text), "line %d", i % 1000);
		assert_string_equal(line, text);
	}
	linebuf_release(&b);
}

static void test_overlong_line_is_an_error(void **state)
{
	struct linebuf b;
	char *dst, *line;
	size_t len, room;

	linebuf_init(&b, 16);
	feed(&b, "0123456789abcde");          /* 15 bytes, no newline: still fine */
	assert_int_equal(linebuf_take(&b, &line, &len), 0);
	feed(&b, "f");                        /* 16: the bound, no newline */
	assert_int_equal(linebuf_take(&b, &line, &len), -1);
	room = linebuf_space(&b, &dst);
	assert_int_equal(room, 0);
	linebuf_release(&b);

	linebuf_init(&b, 16);
	feed(&b, "0123456789abcde\n");        /* exactly the bound, newline included */
	assert_int_equal(linebuf_take(&b, &line, &len), 1);
	assert_int_equal(len, 15);
	linebuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_split_and_joined),
		cmocka_unit_test(test_many_lines_through_a_small_buffer),
		cmocka_unit_test(test_overlong_line_is_an_error),
	};

	return TU_RUN(tests);
}
