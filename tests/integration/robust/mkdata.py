#!/usr/bin/env python3
# Hostile data files for tests/integration/robust_datafile.sh, written from
# vtrace-data(5) alone (not by vtrace): mkdata.py CASE FILE.  Each is a
# well-formed file but for the one count, size, index, width or name the
# case is about.
import struct
import sys

VK_INT, VK_UINT, VK_CHAR, VK_STRUCT, VK_ARRAY = 0, 1, 2, 7, 9
REC_META, REC_OBJECT, REC_FORMAT, REC_PROBE, REC_TYPE, REC_SAMPLE, REC_END = 1, 2, 3, 4, 5, 6, 8
REC_AGG, REC_UMAP = 10, 11
SAMPLE_PRINTF, SAMPLE_STRUCT, SAMPLE_ARGS = 1, 2, 3
VT_ARG_S32, VT_ARG_CHAR = 5, 9


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


def u64(v):
    return struct.pack('<Q', v & 0xffffffffffffffff)


def s(b):
    b = b.encode() if isinstance(b, str) else b
    return u32(len(b)) + b


def typ(kind, size, name, count=0, elem=None, fields=(), enums=()):
    out = u32(1) + u32(kind) + u32(size) + s(name) + u32(count)
    out += elem if elem is not None else u32(0)
    out += u32(len(fields))
    for fname, bit_off, t in fields:
        out += s(fname) + u32(bit_off) + u32(0) + t
    out += u32(len(enums))
    for ename, v in enums:
        out += s(ename) + u64(v)
    return out


INT = typ(VK_INT, 4, 'int')


def rec(t, body):
    pad = (8 - len(body) % 8) % 8
    return u32(t) + u32(len(body)) + body + b'\0' * pad


def probe(pid=0, event='ev', args=(), args_size=64, spec='exec=/bin/true;ev=main'):
    body = u32(pid) + s(event) + u32(0) + u32(args_size) + u32(len(args))
    for name, kind, off, size, t in args:
        body += s(name) + u32(kind) + u32(0) + u32(off) + u32(size) + (t if t else u32(0))
    return rec(REC_PROBE, body + s('') + s('') + s(spec))


def sample(kind, payload, pid=0, comm=b'target'):
    h = u32(pid) + struct.pack('<HH', kind, 0) + u32(42) + u32(42) + u64(1234567890123) + u32(1)
    h += u32(0) + comm.ljust(16, b'\0')[:16]
    return rec(REC_SAMPLE, h + payload)


def printf_sample(fmt_id, args, pid=0):
    tags = bytes(t for t, _ in args).ljust(8, b'\0')
    return sample(SAMPLE_PRINTF, u32(fmt_id) + struct.pack('<HH', len(args), 0) + tags +
                  b''.join(u64(v) for _, v in args), pid)


def fmt(text, fid=1):
    return rec(REC_FORMAT, u32(0) + u32(fid) + s(text))


def head(meta='host=test\nkernel=6.1\n'):
    return b'VTRACEDF' + u32(2) + u32(0) + rec(REC_META, meta.encode()) + rec(REC_OBJECT, u32(0))


END = rec(REC_END, u64(1))


def struct_file(t, nbytes=8):
    return head() + probe() + rec(REC_TYPE, u32(0) + u32(7) + t) + \
        sample(SAMPLE_STRUCT, u32(7) + u32(nbytes) + b'\x01' * nbytes) + END


def agg(kind, mn, mx, step, rows):
    body = s('lat') + u32(kind) + u32(0) + u64(mn) + u64(mx) + u64(step) + u32(4) + INT
    body += u64(len(rows))
    for key, slot, count in rows:
        body += u32(key) + u64(slot) + u64(count) + u64(0)
    return rec(REC_AGG, body)


ESC = '\x1b[31mred\x1b]0;title\x07'

CASES = {
    # the widths that spun: a conversion as wide as 4G, or as precise
    'printf-width': lambda: head() + fmt('n=%4294967295d') + probe() +
    printf_sample(1, [(VT_ARG_S32, 7)]) + END,
    'printf-precision': lambda: head() + fmt('n=%.4294967295d') + probe() +
    printf_sample(1, [(VT_ARG_S32, 7)]) + END,
    # 4G elements of a zero-size type, and of one byte in a 4G array
    'array-zero-elems': lambda: struct_file(typ(VK_ARRAY, 8, 'struct e[]', 0xffffffff,
                                                typ(VK_STRUCT, 0, 'struct e'))),
    'array-4g': lambda: struct_file(typ(VK_ARRAY, 0xffffffff, 'int[]', 0xffffffff // 4,
                                        typ(VK_ARRAY, 4, 'int[1]', 1, INT))),
    # type ids of 16M in 16 objects: 2 GB of tables for 16 small records
    'type-ids': lambda: head() + b''.join(rec(REC_OBJECT, u32(o)) for o in range(1, 16)) + probe() +
    b''.join(rec(REC_TYPE, u32(o) + u32((1 << 24) - 1) + INT) for o in range(16)) + END,
    'probe-id': lambda: head() + probe(pid=1 << 20) + END,
    'fields-count': lambda: struct_file(u32(1) + u32(VK_STRUCT) + u32(8) + s('struct x') + u32(0) +
                                        u32(0) + u32(0x7fffffff) + s('a') + u32(0) + u32(0)),
    # 64+ args of one name: the unique-name pass was cubic in their count
    'args-count': lambda: head() + probe(args=[('a', 0, 64, 8, INT)] * 4096, args_size=72) + END,
    # a sample before its probe record (a hole in the probe table): --json crashed
    'sample-before-probe': lambda: head() + probe(pid=1) +
    sample(SAMPLE_ARGS, u64(0) * 3, pid=0) + END,
    'lhist-range': lambda: head() + agg(7, -(1 << 31), (1 << 31) - 1, 1, [(1, 0, 1), (1, 1 << 32, 1)]) + END,
    'umap-cpus': lambda: head() + rec(REC_UMAP, s('m') + s('percpu_hash') + u32(65536) + u32(0) +
                                      u32(0) + u32(0) + u32(0) + u64(1 << 20)) + END,
    # names and text a terminal would obey
    'esc-event': lambda: head() + fmt('hi') + probe(event='ev' + ESC) + printf_sample(1, []) + END,
    'esc-meta': lambda: head(meta='host=h' + ESC + '\ncommand=x\n') + fmt('hi') + probe() +
    printf_sample(1, []) + END,
    'esc-printf': lambda: head() + fmt('lit' + ESC + ' c=%c') + probe() +
    printf_sample(1, [(VT_ARG_CHAR, 0x1b)]) + END,
    'esc-field': lambda: struct_file(typ(VK_STRUCT, 4, 'struct x', fields=[('f' + ESC, 0, INT)]), 4),
    'esc-c1': lambda: head() + fmt('hi') + probe(event='ev\u009b31m') + printf_sample(1, []) + END,
}

if __name__ == '__main__':
    open(sys.argv[2], 'wb').write(CASES[sys.argv[1]]())
