#!/usr/bin/env python3
"""Verify a safetensors file (e.g. one written by tsgrad's encoder) against an expected JSON.

Usage:  /usr/bin/python3 tools/golden/check_safetensors.py FILE EXPECTED.json

EXPECTED.json is in the format io_fixtures.py writes ({metadata, order, tensors: {name: {dtype,
shape, hex}}}). Checks, with the reference's strict reading rules (safetensors_py.read_raw):
the header parses and the offsets tile the buffer; the header is space-padded to 8 bytes; the
tensors come in the reference writer's order; dtypes, shapes, bytes and metadata match; the
tensors load into torch; and re-encoding them with the reference-layout Python writer gives
back exactly the same bytes. Exits 1 with a message on the first mismatch.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_py as st  # noqa: E402


def main(path, expected_path):
    raw = open(path, "rb").read()
    exp = json.load(open(expected_path, encoding="utf-8"))
    entries, meta = st.read_raw(raw)
    (n,) = struct.unpack("<Q", raw[:8])
    problems = []
    if n % 8:
        problems.append(f"header length {n} is not a multiple of 8")
    if raw[8:8 + n].rstrip(b" ") != raw[8:8 + n].rstrip():
        problems.append("header padding is not spaces")
    if meta != exp["metadata"]:
        problems.append(f"metadata {meta!r} != expected {exp['metadata']!r}")
    if list(entries) != exp["order"]:
        problems.append(f"tensor order {list(entries)} != reference order {exp['order']}")
    for name, e in exp["tensors"].items():
        if name not in entries:
            problems.append(f"missing tensor {name!r}")
            continue
        dtype, shape, data = entries[name]
        if (dtype, shape) != (e["dtype"], e["shape"]):
            problems.append(f"{name!r}: {dtype} {shape} != expected {e['dtype']} {e['shape']}")
        elif data.hex() != e["hex"]:
            problems.append(f"{name!r}: data bytes differ")
        else:
            st.to_torch(dtype, shape, data)  # must load
    extra = set(entries) - set(exp["tensors"])
    if extra:
        problems.append(f"unexpected tensors {sorted(extra)}")
    again = st.write_raw(entries, meta)
    if again != raw:
        problems.append("re-encoding with the reference-layout writer gives different bytes")
    if problems:
        print(f"FAIL {path}:\n  " + "\n  ".join(problems))
        return 1
    print(f"OK {path}: {len(entries)} tensors, metadata {'present' if meta is not None else 'absent'}, {len(raw)} bytes")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
