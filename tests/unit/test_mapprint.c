// SPDX-License-Identifier: GPL-2.0
/* Aggregations and maps printed from BTF-typed keys and values (lib/mapprint.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "lib/mapprint.h"
#include "probe/btf_value.h"
#include "vtrace_sample.h"
#include "test.h"

struct key { int id; char tag[4]; };

int main(void)
{
	struct btf *btf = btf__new_empty();
	int t_int, t_char, t_arr, t_key, t_long;
	struct strbuf sb = STRBUF_INIT;
	struct agg a;
	struct umap m;
	int k;
	struct key sk;

	t_int = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	t_char = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	t_long = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	t_arr = btf__add_array(btf, t_int, t_char, 4);
	t_key = btf__add_struct(btf, "key", 8);
	btf__add_field(btf, "id", t_int, 0, 0);
	btf__add_field(btf, "tag", t_arr, 32, 0);

	/* count: two CPUs' entries of a key merge; sorted by value; negative keys by value */
	CHECK_INT(agg_init(&a, "calls", VTRACE_AGG_COUNT, 0, 0, 0, 0, btf_value_type(btf, t_int), 4), 0,
		  "agg_init count");
	k = 5; agg_add_stat(&a, &k, 3, 0);
	k = -2; agg_add_stat(&a, &k, 1, 0);
	k = 5; agg_add_stat(&a, &k, 4, 0);
	k = 9; agg_add_stat(&a, &k, 0, 0);	/* an idle CPU's zero entry: no row */
	agg_print(&a, &sb);
	CHECK_STR(sb.buf, "@calls[-2]: 1\n@calls[5]: 7\n\n", "count: per-CPU entries summed, sorted by value");
	strbuf_reset(&sb);
	agg_print_json(&a, &sb, 2);
	CHECK_STR(sb.buf, "{\"type\":\"aggregation\",\"name\":\"calls\",\"kind\":\"count\",\"interval\":2,"
		  "\"entries\":[{\"key\":-2,\"value\":1,\"count\":1},{\"key\":5,\"value\":7,\"count\":7}]}",
		  "count: JSON with the interval");
	agg_free(&a);

	/* min over CPUs, avg truncated like C, keyless */
	agg_init(&a, "lo", VTRACE_AGG_MIN, VTRACE_AGG_F_NOKEY, 0, 0, 0, NULL, 4);
	k = 0; agg_add_stat(&a, &k, 2, 7); agg_add_stat(&a, &k, 1, -4); agg_add_stat(&a, &k, 0, -100);
	strbuf_reset(&sb);
	agg_print(&a, &sb);
	CHECK_STR(sb.buf, "@lo: -4\n\n", "min: the least of the CPUs that saw the key, no key printed");
	agg_free(&a);
	agg_init(&a, "mean", VTRACE_AGG_AVG, 0, 0, 0, 0, btf_value_type(btf, t_key), 8);
	memset(&sk, 0, sizeof(sk));
	sk.id = 1; memcpy(sk.tag, "ab", 3);
	agg_add_stat(&a, &sk, 2, -7); agg_add_stat(&a, &sk, 1, 0);
	strbuf_reset(&sb);
	agg_print(&a, &sb);
	CHECK_STR(sb.buf, "@mean[1, ab]: -2\n\n", "avg: sum/count truncated; a struct key as bpftrace's tuple");
	strbuf_reset(&sb);
	agg_print_json(&a, &sb, 0);
	CHECK_STR(sb.buf, "{\"type\":\"aggregation\",\"name\":\"mean\",\"kind\":\"avg\",\"entries\":"
		  "[{\"key\":{\"id\":1,\"tag\":\"ab\"},\"value\":-2,\"count\":3}]}", "avg: JSON, struct key an object");
	agg_free(&a);

	/* log2 histogram: slots 0 (<0), 1 (0), 2 ([1]), 3 ([2,4)), 12 ([1K,2K)) */
	agg_init(&a, "h", VTRACE_AGG_HIST, VTRACE_AGG_F_NOKEY, 0, 0, 0, NULL, 4);
	k = 0;
	agg_add_bucket(&a, &k, 0, 1);
	agg_add_bucket(&a, &k, 2, 4);
	agg_add_bucket(&a, &k, 2, 4);
	agg_add_bucket(&a, &k, 12, 2);
	CHECK_INT(agg_add_bucket(&a, &k, 66, 1), -ERANGE, "hist: a slot past the last is refused");
	strbuf_reset(&sb);
	agg_print(&a, &sb);
	CHECK(strstr(sb.buf, "@h:\n(..., 0)               1 |@@@@@@                                              |\n"
			     "[0]                    0 |                                                    |\n"
			     "[1]                    8 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			     "[2, 4)                 0 |") != NULL, "hist: bpftrace's rows, bars scaled to the peak");
	CHECK(strstr(sb.buf, "\n[512, 1K)              0 |") && strstr(sb.buf, "\n[1K, 2K)               2 |@@@@@@@@@@@@@ ")
	      && !strstr(sb.buf, "[2K, 4K)"), "hist: K labels; rows end at the last bucket with counts");
	strbuf_reset(&sb);
	agg_print_json(&a, &sb, 0);
	CHECK(strstr(sb.buf, "\"count\":11,\"buckets\":[{\"max\":-1,\"count\":1},{\"min\":0,\"max\":0,\"count\":0},"
		     "{\"min\":1,\"max\":1,\"count\":8},{\"min\":2,\"max\":3,\"count\":0}") &&
	      strstr(sb.buf, "{\"min\":1024,\"max\":2047,\"count\":2}]}]}"), "hist: JSON buckets with inclusive bounds");
	agg_free(&a);

	/* linear: -10..20 step 10: (..., -10), [-10, 0), [0, 10), [10, 20), [20, ...) */
	CHECK_INT(agg_init(&a, "l", VTRACE_AGG_LHIST, 0, -10, 20, 0, NULL, 4), -EINVAL, "lhist: step 0 refused");
	agg_free(&a);
	agg_init(&a, "l", VTRACE_AGG_LHIST, 0, -10, 20, 10, btf_value_type(btf, t_int), 4);
	CHECK_INT(agg_nslots(&a), 5, "lhist: (max-min)/step + 2 slots");
	k = 3;
	agg_add_bucket(&a, &k, 0, 1);
	agg_add_bucket(&a, &k, 4, 2);
	strbuf_reset(&sb);
	agg_print(&a, &sb);
	CHECK(strstr(sb.buf, "@l[3]:\n(..., -10)             1 |") && strstr(sb.buf, "\n[-10, 0)               0 |")
	      && strstr(sb.buf, "\n[10, 20)               0 |") && strstr(sb.buf, "\n[20, ...)              2 |"),
	      "lhist: labels from min, max and step");
	strbuf_reset(&sb);
	agg_print_json(&a, &sb, 0);
	CHECK(strstr(sb.buf, "\"min\":-10,\"max\":20,\"step\":10") &&
	      strstr(sb.buf, "{\"max\":-11,\"count\":1},{\"min\":-10,\"max\":-1,\"count\":0}") &&
	      strstr(sb.buf, "{\"min\":20,\"count\":2}"), "lhist: JSON buckets");
	agg_free(&a);

	/* a user map: struct key, long value, sorted by key; bytes without BTF */
	umap_init(&m, "seen", "hash", 0, btf_value_type(btf, t_key), 8, btf_value_type(btf, t_long), 8);
	{
		long v = -5;

		sk.id = 2; umap_add(&m, &sk, &v);
		v = 6; sk.id = -1; umap_add(&m, &sk, &v);
	}
	strbuf_reset(&sb);
	umap_print(&m, &sb);
	CHECK_STR(sb.buf, "map seen (hash, 2 entries):\nkey: {id=-1,tag=\"ab\"}  value: 6\n"
		  "key: {id=2,tag=\"ab\"}  value: -5\n\n", "umap: bpftool-like lines typed by BTF, sorted by key");
	strbuf_reset(&sb);
	umap_print_json(&m, &sb);
	CHECK_STR(sb.buf, "{\"type\":\"map\",\"name\":\"seen\",\"map_type\":\"hash\",\"entries\":["
		  "{\"key\":{\"id\":-1,\"tag\":\"ab\"},\"value\":6},{\"key\":{\"id\":2,\"tag\":\"ab\"},\"value\":-5}]}",
		  "umap: JSON");
	umap_free(&m);
	umap_init(&m, "raw", "percpu_array", 2, NULL, 4, NULL, 2);
	{
		unsigned char key[4] = { 1, 0, 0, 0 }, vals[16] = { 0xab, 0xcd, 0, 0, 0, 0, 0, 0, 1, 2 };

		umap_add(&m, key, vals);
	}
	strbuf_reset(&sb);
	umap_print(&m, &sb);
	CHECK_STR(sb.buf, "map raw (percpu_array, 1 entry):\nkey: 01 00 00 00  value (CPU 0): ab cd  "
		  "value (CPU 1): 01 02\n\n", "umap: no BTF: bytes; per-CPU values at 8-byte strides");
	strbuf_reset(&sb);
	umap_print_json(&m, &sb);
	CHECK(strstr(sb.buf, "\"values\":[{\"cpu\":0,\"value\":[\"0xab\",\"0xcd\"]},{\"cpu\":1,"
		     "\"value\":[\"0x01\",\"0x02\"]}]") != NULL, "umap: per-CPU JSON");
	umap_free(&m);

	umap_init(&m, "empty", "hash", 0, NULL, 4, NULL, 8);
	strbuf_reset(&sb);
	umap_print(&m, &sb);
	CHECK_STR(sb.buf, "map empty (hash, 0 entries):\n\n", "umap: an empty map says so");
	strbuf_reset(&sb);
	umap_print_json(&m, &sb);
	CHECK_STR(sb.buf, "{\"type\":\"map\",\"name\":\"empty\",\"map_type\":\"hash\",\"entries\":[]}",
		  "umap: an empty map in JSON");
	umap_free(&m);
	agg_init(&a, "none", VTRACE_AGG_HIST, 0, 0, 0, 0, NULL, 4);
	strbuf_reset(&sb);
	agg_print(&a, &sb);
	CHECK_STR(sb.buf ? sb.buf : "", "", "agg: nothing recorded prints nothing");
	agg_free(&a);

	strbuf_release(&sb);
	btf__free(btf);
	return TEST_DONE();
}
