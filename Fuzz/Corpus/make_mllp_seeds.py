#!/usr/bin/env python3
"""Writes the MLLP seed inputs (Fuzz/Corpus/mllp/) from the HL7 v2 seeds. Each input is: one byte choosing the
decoder's maximum frame size (0-199: that value + 1 bytes; 200-255: the 1 MiB default), one byte seeding the read
sizes, then the stream. Run from Fuzz/Corpus: python3 make_mllp_seeds.py"""
import pathlib

VT, FS, CR = b"\x0b", b"\x1c", b"\x0d"
here = pathlib.Path(__file__).parent
messages = {p.stem: p.read_bytes() for p in sorted((here / "hl7v2").glob("samples-*.hl7"))}
adt = messages["samples-adt-a04-synthetic"]
mdm = messages["samples-mdm-t02-synthetic"]
seeds = {
    "one-frame": b"\xff\x07" + VT + adt + FS + CR,
    "two-frames-noise": b"\xff\x03" + b"\x00\r\n" + VT + adt + FS + CR + b"  " + VT + mdm + FS + CR,
    "abandoned-frame": b"\xff\x11" + VT + adt[:40] + VT + mdm + FS + CR,
    "invalid-end-block": b"\xff\x05" + VT + adt + FS + b"X" + VT + b"MSH|^~\\&|" + FS + CR,
    "oversize-small-limit": b"\x3f\x09" + VT + adt + FS + CR,
    "exact-limit": b"\x09\x01" + VT + b"0123456789" + FS + CR + VT + b"01234567890" + FS + CR,
    "incomplete-at-close": b"\xff\x02" + VT + mdm[:100],
    "end-block-last-byte": b"\x40\x0d" + VT + b"MSH|^~\\&|A" + FS,
}
for name, data in seeds.items():
    (here / "mllp" / f"{name}.bin").write_bytes(data)
