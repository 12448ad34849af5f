#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Read sysrec traces from Python, following formats/FORMAT.md.

Needs Debian's python3-protobuf, protoc (protobuf-compiler) and either
python3-zstandard or the zstd command. The protobuf classes are generated at
run time from sysrec.proto (found next to this script, in ../formats/, or
given with --proto / SYSREC_PROTO).

As a library:

    import sysrec_reader as sr
    with open("trace.sysrec", "rb") as f:
        t = sr.Trace(f)
        print(t.header.hostname, t.header.abi)
        for ev in t.events():
            if ev.kind == "syscall":
                print(ev.ts, ev.tid, t.syscall_name(ev.nr), ev.ret, ev.duration)
    print(t.totals, t.damage)

Events are namedtuples with a `kind` field: "syscall", "process", "sample",
"hostcpu", "loss" or "procinfo" (a ProcessTable entry). Within a chunk they
come in time order (ties: syscall, process, sample, hostcpu, loss); chunks in
file order. Damaged frames are skipped and listed in Trace.damage as
(offset, frame, message); reading resynchronises as FORMAT.md describes.

As a command: sysrec_reader.py TRACE  prints the number of events per kind.
              sysrec_reader.py --events TRACE  prints one JSON object per event.
"""
import atexit
import collections
import heapq
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

MAGIC = b"\x89SYSREC\n"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAX_FRAME = 64 << 20
KINDS = {1: "header", 2: "chunk", 3: "process_table", 4: "totals", 5: "index"}

Syscall = collections.namedtuple(
    "Syscall", "kind ts tid tgid nr ret duration flags args strs")
Procinfo = collections.namedtuple("Procinfo", "kind ts info")
Message = collections.namedtuple("Message", "kind ts msg")  # process/sample/hostcpu/loss


def load_pb2(proto=None):
    """Generate sysrec_pb2 from sysrec.proto with protoc and import it."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [proto, os.environ.get("SYSREC_PROTO"),
                  os.path.join(here, "sysrec.proto"),
                  os.path.join(here, "..", "formats", "sysrec.proto")]
    path = next((p for p in candidates if p and os.path.exists(p)), None)
    if not path:
        raise RuntimeError("sysrec.proto not found (use --proto)")
    out = tempfile.mkdtemp(prefix="sysrec-pb2-")
    atexit.register(shutil.rmtree, out, True)
    subprocess.run(["protoc", "-I", os.path.dirname(os.path.abspath(path)),
                    "--python_out=" + out, os.path.abspath(path)], check=True)
    sys.path.insert(0, out)
    import sysrec_pb2  # noqa: E402 (generated just now)
    return sysrec_pb2


def decompress(data):
    try:
        import zstandard
        return zstandard.ZstdDecompressor().decompress(data, max_output_size=256 << 20)
    except ImportError:
        return subprocess.run(["zstd", "-dcq"], input=data, check=True,
                              stdout=subprocess.PIPE).stdout


class Trace:
    """A trace read front to back from a binary file object (pipes work)."""

    def __init__(self, f, pb2=None):
        self.pb = pb2 or load_pb2()
        self.data = f.read()
        self.header = None
        self.totals = None
        self.damage = []          # (offset, frame number, message)
        self.unknown_frames = 0
        if len(self.data) < 16 or self.data[:8] != MAGIC:
            raise ValueError("not a sysrec trace")
        major, _flags = struct.unpack_from("<II", self.data, 8)
        if major != 1:
            raise ValueError("unsupported format version %d" % major)

    def syscall_name(self, nr):
        names = self.header.syscall_names if self.header else []
        return names[nr] if nr < len(names) and names[nr] else None

    def _good_frame_at(self, p):
        d = self.data
        if p + 16 <= len(d) and d[p:p + 4] == b"\0\0\0\0" and d[p + 4:p + 8] == b"SRIX":
            return True
        if p + 12 > len(d) or d[p + 8:p + 12] != ZSTD_MAGIC:
            return False
        length, crc = struct.unpack_from("<II", d, p)
        return (0 < length <= MAX_FRAME and p + 8 + length <= len(d)
                and zlib.crc32(d[p + 8:p + 8 + length]) == crc)

    def _resync(self, start):
        """Next offset >= start holding a good frame or the trailer, or None."""
        d, p = self.data, start
        while True:
            z = d.find(ZSTD_MAGIC, p + 8)
            t = d.find(b"SRIX", p + 4)
            cands = [c for c in (z - 8 if z >= 0 else -1, t - 4 if t >= 0 else -1) if c >= p]
            if not cands:
                return None
            c = min(cands)
            if self._good_frame_at(c):
                return c
            p = c + 1

    def frames(self):
        """Yield (kind number, message) for each good frame; record damage."""
        d, off, n = self.data, 16, 0
        while True:
            if off == len(d):
                self.damage.append((off, n, "trace ends without its trailer"))
                return
            if off + 8 > len(d):
                self.damage.append((off, n, "cut inside a frame header"))
                return
            length, crc = struct.unpack_from("<II", d, off)
            if length == 0:
                if off + 16 > len(d):
                    self.damage.append((off, n, "cut inside the trailer"))
                    return
                if d[off + 4:off + 8] == b"SRIX":
                    return
                why = "bad frame length 0"
            elif length > MAX_FRAME:
                why = "bad frame length %d" % length
            elif off + 8 + length > len(d):
                nxt = self._resync(off + 1)
                if nxt is None:
                    self.damage.append((off, n, "cut inside a frame"))
                    return
                self.damage.append((off, n, "bad frame length %d" % length))
                off, n = nxt, n + 1
                continue
            elif zlib.crc32(d[off + 8:off + 8 + length]) != crc:
                why = "checksum mismatch"
            else:
                payload = d[off + 8:off + 8 + length]
                off, n = off + 8 + length, n + 1
                try:
                    fr = self.pb.Frame()
                    fr.ParseFromString(decompress(payload))
                except Exception as e:  # zstd or protobuf error: skip this frame
                    self.damage.append((off - 8 - length, n - 1, str(e)))
                    continue
                kind = fr.WhichOneof("body")
                if kind is None:
                    self.unknown_frames += 1
                    continue
                if kind == "chunk" and fr.chunk.ts_delta and fr.chunk.thread_gap:
                    self.damage.append((off - 8 - length, n - 1,
                                        "chunk has both ts_delta and thread_gap columns"))
                    continue
                yield kind, getattr(fr, kind)
                continue
            nxt = self._resync(off + 1)
            self.damage.append((off, n, why))
            if nxt is None:
                return
            off, n = nxt, n + 1

    def events(self):
        """Yield every event in the order FORMAT.md promises."""
        for kind, msg in self.frames():
            if kind == "header":
                if self.header is None:
                    self.header = msg
            elif kind == "totals":
                self.totals = msg
            elif kind == "process_table":
                for p in msg.processes:
                    yield Procinfo("procinfo", p.start_ns, p)
            elif kind == "chunk":
                yield from chunk_events(msg)


def chunk_events(c):
    """The events of one Chunk message, merged by time."""
    n = len(c.ts_delta) or len(c.thread_gap)
    flags = collections.defaultdict(int)
    for i, v in zip(c.flag_index, c.flag_value):
        flags[i] |= v
    strs = collections.defaultdict(dict)
    for i, a, s in zip(c.str_index, c.str_arg, c.str_id):
        strs[i][a] = c.strings[s]
    args = [c.arg0, c.arg1, c.arg2, c.arg3, c.arg4, c.arg5] if len(c.arg0) == n and n else None

    def syscalls():
        ts = c.base_ns
        last = {}  # thread index -> exit time of its previous syscall (thread_gap)
        for i in range(n):
            t = c.thread[i]
            if c.thread_gap:
                ts = last.get(t, c.base_ns) + c.thread_gap[i]
                last[t] = ts + c.duration[i]
            else:
                ts += c.ts_delta[i]
            yield (ts, 0, i, Syscall("syscall", ts, c.thread_tid[t], c.thread_tgid[t], c.nr[i],
                                     c.ret[i], c.duration[i], flags.get(i, 0),
                                     [a[i] for a in args] if args else None, strs.get(i, {})))

    def others(rank, kind, msgs, field):
        for i, m in enumerate(msgs):
            ts = getattr(m, field)
            yield (ts, rank, i, Message(kind, ts, m))

    # each list is sorted by time already: a merge keyed by (time, kind rank, position)
    for item in heapq.merge(syscalls(), others(1, "process", c.process_events, "ts_ns"),
                            others(2, "sample", c.samples, "ts_ns"),
                            others(3, "hostcpu", c.host_cpu, "ts_ns"),
                            others(4, "loss", c.losses, "first_ns")):
        yield item[3]


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="Read a sysrec trace (see formats/FORMAT.md).")
    ap.add_argument("trace", help="trace file, or - for stdin")
    ap.add_argument("--events", action="store_true", help="print events as JSON lines")
    ap.add_argument("--proto", help="path of sysrec.proto")
    a = ap.parse_args(argv)
    f = sys.stdin.buffer if a.trace == "-" else open(a.trace, "rb")
    t = Trace(f, load_pb2(a.proto))
    counts = collections.Counter()
    for ev in t.events():
        counts[ev.kind] += 1
        if a.events:
            if ev.kind == "syscall":
                d = ev._asdict()
                d["name"] = t.syscall_name(ev.nr)
            else:
                from google.protobuf.json_format import MessageToDict
                d = {"kind": ev.kind, "ts": ev.ts,
                     "msg": MessageToDict(ev.info if ev.kind == "procinfo" else ev.msg)}
            print(json.dumps(d))
    if not a.events:
        for k in ("syscall", "process", "sample", "hostcpu", "loss", "procinfo"):
            print(k, counts[k])
        print("damage", len(t.damage))
    for off, n, why in t.damage:
        print("sysrec_reader: frame %d at offset %d: %s" % (n, off, why), file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # output into `head`: a quiet stop
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
