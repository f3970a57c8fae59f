/*
 * json: output helpers over cJSON shared by the subcommands.
 *
 * cJSON prints doubles with "%1.15g" and accepts the result when it reads
 * back within an epsilon, which can lose the last bit; pipeminer's numbers
 * (share difficulties, rates) are printed in the shortest form that reads
 * back exactly, as Python's repr() does.
 */
#ifndef PIPEMINER_JSON_H
#define PIPEMINER_JSON_H

#include <cjson/cJSON.h>

/* Adds name: d to obj, exactly. Returns the item, or NULL when out of memory. */
cJSON *json_add_number(cJSON *obj, const char *name, double d);

/* Prints obj on one line to stdout and deletes it. 0, or -1 when out of memory. */
int json_print(cJSON *obj);

/* The shortest "%.*g" text of d that reads back as d (32 bytes suffice). */
void json_format_double(char out[32], double d);

#endif
