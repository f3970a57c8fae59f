/* json: see json.h. */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void json_format_double(char out[32], double d)
{
	if (!isfinite(d)) {
		/* JSON has no infinity; a zero hash has infinite difficulty. */
		snprintf(out, 32, "%s", d > 0 ? "1e999" : d < 0 ? "-1e999" : "null");
		return;
	}
	/* Whole numbers as plain digits ("20", not "2e+01"). */
	if (d == floor(d) && fabs(d) < 1e15) {
		snprintf(out, 32, "%.0f", d);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, 32, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

cJSON *json_add_number(cJSON *obj, const char *name, double d)
{
	char text[32];

	json_format_double(text, d);
	return cJSON_AddRawToObject(obj, name, text);
}

int json_print(cJSON *obj)
{
	char *text = cJSON_PrintUnformatted(obj);

	cJSON_Delete(obj);
	if (!text)
		return -1;
	puts(text);
	cJSON_free(text);
	return 0;
}
