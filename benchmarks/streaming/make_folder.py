#!/usr/bin/env python3
"""Writes N small RGB PNGs (default 100,000 of 32x32) into a folder of 10 class subfolders,
for the streaming benchmark (benchmarks/streaming/run.sh). Standard library only: each image
is a smooth colour gradient plus seeded noise, so it compresses like a small photo crop."""
import os, random, struct, sys, zlib

def png(w, h, rows):
    def chunk(tag, data):
        c = tag + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))

def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    side = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    rnd = random.Random(42)
    for c in range(10):
        os.makedirs(os.path.join(out, f"class{c}"), exist_ok=True)
    for i in range(n):
        r0, g0, b0 = rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)
        rows = []
        for y in range(side):
            row = bytearray()
            for x in range(side):
                row += bytes(((r0 + 4 * x + rnd.randrange(16)) & 255, (g0 + 4 * y + rnd.randrange(16)) & 255,
                              (b0 + 2 * (x + y)) & 255))
            rows.append(bytes(row))
        with open(os.path.join(out, f"class{i % 10}", f"{i:06d}.png"), "wb") as f:
            f.write(png(side, side, rows))

if __name__ == "__main__":
    main()
