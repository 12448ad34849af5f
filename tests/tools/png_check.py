#!/usr/bin/python3
# png_check.py FILE MIN_COLORS: decode a PNG with zlib only (no PIL) and check
# that it is not blank: prints "WxH colors=N nonwhite=P%" and exits 0 when it
# has at least MIN_COLORS distinct colours, 1 otherwise, 2 when undecodable.
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, hdr = 8, b'', None
    while pos < len(data):
        (length,) = struct.unpack('>I', data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])[0]:
            raise ValueError('bad CRC in ' + kind.decode())
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        elif kind == b'IEND':
            break
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError('unsupported PNG layout %r' % (hdr,))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        cur = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = cur[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                cur[x] = (cur[x] + a) & 255
            elif f == 2:
                cur[x] = (cur[x] + b) & 255
            elif f == 3:
                cur[x] = (cur[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                cur[x] = (cur[x] + paeth(a, b, c)) & 255
        rows.append(bytes(cur))
        prev = cur
    return w, h, bpp, rows


def main():
    path, need = sys.argv[1], int(sys.argv[2])
    try:
        w, h, bpp, rows = decode(path)
    except Exception as e:  # noqa: BLE001 - any decoding failure is the answer
        print('undecodable: %s' % e)
        return 2
    colors, nonwhite, total = set(), 0, 0
    for y in range(0, h, 2):
        r = rows[y]
        for x in range(0, w * bpp, bpp * 2):
            px = r[x:x + 3]
            colors.add(px)
            total += 1
            if px != b'\xff\xff\xff':
                nonwhite += 1
    print('%dx%d colors=%d nonwhite=%.1f%%' % (w, h, len(colors), 100.0 * nonwhite / total))
    return 0 if len(colors) >= need else 1


sys.exit(main())
