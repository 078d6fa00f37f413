// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the spec grammar: any byte string must parse or be
 * refused with a message whose caret lies inside the text; never crash,
 * leak or read out of bounds (built with ASan and UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec s;
	struct spec_error err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (spec_parse(text, &s, &err) == 0) {
		/* every arg is named and lies within the text */
		for (size_t i = 0; i < s.nargs; i++)
			if (!s.args[i].name || s.args[i].col < 0 ||
			    (size_t)(s.args[i].col + s.args[i].len) > strlen(text))
				abort();
		spec_free(&s);
	} else if (err.col < 0 || (size_t)err.col > strlen(text) || !err.msg[0]) {
		abort();
	}
	free(text);
	return 0;
}
