/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_EMBED_H
#define VTRACE_EMBED_H

/* See embed.S. */
extern const char vtrace_h_data[], vtrace_h_end[];
extern const char vtrace_sample_h_data[], vtrace_sample_h_end[];
extern const char own_bpf_data[], own_bpf_end[];

#define EMBED_SIZE(name) ((size_t)(name##_end - name##_data))

#endif
