#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn the syscall data files into C tables (run by the Makefile).

    gen-syscalls.py DATA_DIR OUT.c

DATA_DIR holds <abi>.tbl (number name), signatures.tbl (name classes kinds),
errno.tbl and signal.tbl. The output defines the tables declared in
formats/syscalls_tables.h. Any inconsistency in the data (a syscall without a
signature, an unknown class or argument kind, a duplicate) stops the build:
a table that silently lacks entries would mislabel traces.
"""
import os
import sys

ABIS = [("x86_64", "SR_ABI_X86_64"), ("i386", "SR_ABI_I386"), ("aarch64", "SR_ABI_AARCH64")]
CLASSES = {
    "file": "SR_CLASS_FILE",
    "net": "SR_CLASS_NET",
    "process": "SR_CLASS_PROCESS",
    "memory": "SR_CLASS_MEMORY",
    "ipc": "SR_CLASS_IPC",
    "signal": "SR_CLASS_SIGNAL",
    "desc": "SR_CLASS_DESC",
}
KINDS = {
    "int": "SR_ARG_INT",
    "uint": "SR_ARG_UINT",
    "hex": "SR_ARG_HEX",
    "fd": "SR_ARG_FD",
    "path": "SR_ARG_PATH",
    "str": "SR_ARG_STR",
    "open_flags": "SR_ARG_OPEN_FLAGS",
    "mode": "SR_ARG_MODE",
    "prot": "SR_ARG_PROT",
    "mmap_flags": "SR_ARG_MMAP_FLAGS",
    "clone_flags": "SR_ARG_CLONE_FLAGS",
    "signal": "SR_ARG_SIGNAL",
    "af": "SR_ARG_AF",
    "socktype": "SR_ARG_SOCKTYPE",
    "argv": "SR_ARG_ARGV",
    "at_flags": "SR_ARG_AT_FLAGS",
    "whence": "SR_ARG_WHENCE",
    "wait_options": "SR_ARG_WAIT_OPTIONS",
    "idtype": "SR_ARG_IDTYPE",
    "prctl_option": "SR_ARG_PRCTL_OPTION",
    "futex_op": "SR_ARG_FUTEX_OP",
    "clockid": "SR_ARG_CLOCKID",
    "timer_flags": "SR_ARG_TIMER_FLAGS",
    "madvise": "SR_ARG_MADVISE",
    "access_mode": "SR_ARG_ACCESS_MODE",
}
MAX_ERRNO = 4095


class DataError(Exception):
    pass


def data_lines(path):
    """Yield (line number, fields) for each non-comment, non-blank line."""
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield no, line


def fail(path, no, msg):
    raise DataError("%s:%d: %s" % (path, no, msg))


def c_str(s):
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            raise DataError("non-printable character in %r" % s)
    out.append('"')
    return "".join(out)


def read_abi(path):
    by_nr = {}
    names = set()
    for no, line in data_lines(path):
        f = line.split()
        if len(f) != 2 or not f[0].isdigit():
            fail(path, no, "expected '<number> <name>'")
        nr, name = int(f[0]), f[1]
        if nr in by_nr:
            fail(path, no, "number %d given twice" % nr)
        if name in names:
            fail(path, no, "name %s given twice" % name)
        if nr > 0xFFFF:
            fail(path, no, "number %d too large" % nr)
        by_nr[nr] = name
        names.add(name)
    if not by_nr:
        raise DataError("%s: empty table" % path)
    return by_nr


def read_signatures(path):
    sigs = {}
    for no, line in data_lines(path):
        f = line.split()
        if len(f) < 2:
            fail(path, no, "expected '<name> <classes> [kinds...]'")
        name, cls, kinds = f[0], f[1], f[2:]
        if name in sigs:
            fail(path, no, "signature for %s given twice" % name)
        bits = []
        if cls != "-":
            for c in cls.split(","):
                if c not in CLASSES:
                    fail(path, no, "unknown class '%s'" % c)
                bits.append(CLASSES[c])
        if len(kinds) > 6:
            fail(path, no, "%s has more than 6 arguments" % name)
        for k in kinds:
            if k not in KINDS:
                fail(path, no, "unknown argument kind '%s'" % k)
        sigs[name] = (bits, [KINDS[k] for k in kinds])
    return sigs


def read_errno(path):
    by_nr = {}
    aliases = []
    for no, line in data_lines(path):
        f = line.split(None, 2)
        if f[0] == "alias":
            if len(f) != 3:
                fail(path, no, "expected 'alias <name> <primary>'")
            aliases.append((no, f[1], f[2].strip()))
            continue
        if len(f) != 3 or not f[0].isdigit():
            fail(path, no, "expected '<number> <name> <text>'")
        n = int(f[0])
        if n < 1 or n > MAX_ERRNO or n in by_nr:
            fail(path, no, "bad or repeated errno number %d" % n)
        by_nr[n] = (f[1], f[2].strip())
    names = {name: n for n, (name, _) in by_nr.items()}
    if len(names) != len(by_nr):
        raise DataError("%s: an errno name is given twice" % path)
    for no, alias, primary in aliases:
        if primary not in names or alias in names:
            fail(path, no, "bad alias %s -> %s" % (alias, primary))
        names[alias] = names[primary]
    return by_nr, names


def read_signals(path):
    by_nr = {}
    aliases = {}
    rt = None
    for no, line in data_lines(path):
        f = line.split()
        if f[0] == "rt" and len(f) == 3:
            rt = (int(f[1]), int(f[2]))
        elif f[0] == "alias" and len(f) == 3:
            aliases[f[1]] = int(f[2])
        elif len(f) == 2 and f[0].isdigit():
            n = int(f[0])
            if n in by_nr:
                fail(path, no, "signal %d given twice" % n)
            by_nr[n] = f[1]
        else:
            fail(path, no, "expected '<number> <name>', 'rt FIRST LAST' or 'alias NAME NUMBER'")
    if rt:
        first, last = rt
        for n in range(first, last + 1):
            if n in by_nr:
                raise DataError("%s: real-time signal %d also named" % (path, n))
            if n == first:
                by_nr[n] = "SIGRTMIN"
            elif n == last:
                by_nr[n] = "SIGRTMAX"
            else:
                by_nr[n] = "SIGRTMIN+%d" % (n - first)
    names = {name: n for n, name in by_nr.items()}
    for a, n in aliases.items():
        if n not in by_nr or a in names:
            raise DataError("%s: bad alias %s" % (path, a))
        names[a] = n
    return by_nr, names


def gen(datadir):
    sigs = read_signatures(os.path.join(datadir, "signatures.tbl"))
    out = []
    w = out.append
    w("/* Generated by scripts/gen-syscalls.py from formats/syscalls/: do not edit. */")
    w('#include "sysrec.h"')
    w('#include "syscalls_tables.h"')
    w("")
    tables = []
    for abi, enum in ABIS:
        path = os.path.join(datadir, abi + ".tbl")
        by_nr = read_abi(path)
        missing = sorted(n for n in by_nr.values() if n not in sigs)
        if missing:
            raise DataError("%s: no signature in signatures.tbl for: %s" % (path, " ".join(missing)))
        count = max(by_nr) + 1
        w("static const struct sr_syscall_info %s_by_nr[%d] = {" % (abi, count))
        for nr in range(count):
            name = by_nr.get(nr)
            if name is None:
                w("\t[%d] = { NULL, %d, 0, 0, { 0 } }," % (nr, nr))
                continue
            bits, kinds = sigs[name]
            w("\t[%d] = { %s, %d, %s, %d, { %s } }," % (
                nr, c_str(name), nr, "|".join(bits) if bits else "0", len(kinds),
                ", ".join(kinds) if kinds else "0"))
        w("};")
        order = sorted(by_nr, key=lambda nr: by_nr[nr].encode())
        w("static const uint16_t %s_by_name[%d] = {" % (abi, len(order)))
        for i in range(0, len(order), 12):
            w("\t" + " ".join("%d," % nr for nr in order[i:i + 12]))
        w("};")
        w("")
        tables.append((enum, abi, count, len(order)))
    w("const struct sr_abi_table sr_gen_abi_tables[SR_GEN_ABI_COUNT] = {")
    for enum, abi, count, nnames in tables:
        w("\t[%s] = { %s_by_nr, %d, %s_by_name, %d }," % (enum, abi, count, abi, nnames))
    w("};")
    w("")

    eby, enames = read_errno(os.path.join(datadir, "errno.tbl"))
    ecount = max(eby) + 1
    w("const struct sr_errno_desc sr_gen_errno[%d] = {" % ecount)
    for n in sorted(eby):
        name, text = eby[n]
        w("\t[%d] = { %s, %s }," % (n, c_str(name), c_str(text)))
    w("};")
    w("const unsigned sr_gen_errno_count = %d;" % ecount)
    w("const struct sr_name_num sr_gen_errno_names[%d] = {" % len(enames))
    for name in sorted(enames, key=str.encode):
        w("\t{ %s, %d }," % (c_str(name), enames[name]))
    w("};")
    w("const unsigned sr_gen_errno_names_count = %d;" % len(enames))
    w("")

    sby, snames = read_signals(os.path.join(datadir, "signal.tbl"))
    scount = max(sby) + 1
    w("const char *const sr_gen_signal[%d] = {" % scount)
    for n in sorted(sby):
        w("\t[%d] = %s," % (n, c_str(sby[n])))
    w("};")
    w("const unsigned sr_gen_signal_count = %d;" % scount)
    w("const struct sr_name_num sr_gen_signal_names[%d] = {" % len(snames))
    for name in sorted(snames, key=str.encode):
        w("\t{ %s, %d }," % (c_str(name), snames[name]))
    w("};")
    w("const unsigned sr_gen_signal_names_count = %d;" % len(snames))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: gen-syscalls.py DATA_DIR OUT.c\n")
        return 2
    try:
        text = gen(sys.argv[1])
    except (DataError, OSError, ValueError) as e:
        sys.stderr.write("gen-syscalls.py: %s\n" % e)
        return 1
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
