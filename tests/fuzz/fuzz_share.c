/*
 * fuzz_share: libFuzzer harness for the JSON input of `pipeminer share`:
 * cJSON parsing, share_input_parse (and notify_parse inside it) and
 * share_explain. Any input: no crash, no leak, no undefined behaviour.
 */
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *obj = cJSON_ParseWithLength((const char *)data, size);
	struct share_input in;
	struct share_result res;
	char err[ERR_LEN];

	if (!obj)
		return 0;
	if (share_input_parse(obj, &in, err, sizeof(err)) == 0) {
		if (share_explain(&in, &res, err, sizeof(err)) == 0)
			share_result_release(&res);
		share_input_release(&in);
	}
	/* The same document as bare notify params. */
	{
		struct notify n;
		const cJSON *params = cJSON_IsArray(obj) ? obj :
			cJSON_GetObjectItemCaseSensitive(obj, "notify");

		if (params && notify_parse(params, &n, err, sizeof(err)) == 0)
			work_template_release(&n.tpl);
	}
	cJSON_Delete(obj);
	return 0;
}
