#!/usr/bin/env python3
"""Golden fixtures for src/io: .npy files written by NumPy and safetensors files written by
tools/golden/safetensors_py.py from torch tensors, plus JSON files of the expected contents.

Writes into test/golden/io/:
  npy/<case>.npy         numpy.save / numpy.lib.format.write_array output, many dtypes, byte orders,
                         memory orders and format versions
  npy/<case>.canon.npy   numpy.save of the same values as a little-endian C-order array: what
                         tsgrad's encodeNpy must reproduce byte for byte
  npy_expected.json      {case: {dtype, shape, descr, fortran_order, version, hex}} where hex is
                         the little-endian C-order bytes of the values
  <name>.safetensors     safetensors files; <name>.expected.json: {metadata, order, tensors:
                         {name: {dtype, shape, hex, values}}}

Usage (from the repo root):  /usr/bin/python3 tools/golden/io_fixtures.py
"""
import io
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_py as st  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "golden", "io")
NP_TO_RAW = {"f2": "F16", "f4": "F32", "f8": "F64", "i1": "I8", "i2": "I16", "i4": "I32", "i8": "I64",
             "u1": "U8", "u2": "U16", "u4": "U32", "u8": "U64", "b1": "BOOL"}


def le_c_bytes(a: np.ndarray) -> bytes:
    return a.astype(a.dtype.newbyteorder("<"), order="C").tobytes()


def npy_cases():
    rng = np.random.default_rng(0)
    f16_specials = np.array([0.0, -0.0, 1.0, 65504.0, 6e-8, np.inf, -np.inf, np.nan], dtype=np.float16)
    f64_specials = np.array([[1.5, -0.0, np.inf], [-np.inf, np.nan, 5e-324]])
    return {
        "f4_c": (rng.standard_normal((2, 3)).astype(np.float32), {}),
        "f8_fortran": (np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) / 7), {}),
        "f8_be_fortran_3d": (np.asfortranarray(rng.standard_normal((2, 3, 4))).astype(">f8", order="F"), {}),
        "f8_specials": (f64_specials, {}),
        "f4_be": (np.array([[1.25, -2.5], [3.0e38, -1e-45]], dtype=">f4"), {}),
        "f2": (f16_specials, {}),
        "f2_be": (f16_specials.astype(">f2"), {}),
        "i1": (np.array([-128, -1, 0, 1, 127], dtype=np.int8), {}),
        "i2_be": (np.array([[-32768, 32767], [-2, 258]], dtype=">i2"), {}),
        "i4_be": (np.arange(-2, 3, dtype=">i4") * 1000003, {}),
        "i4_fortran": (np.asfortranarray(np.arange(24, dtype=np.int32).reshape(2, 3, 4)), {}),
        "i8": (np.array([[-(2**63), 2**63 - 1], [2**53 + 1, -5]], dtype=np.int64), {}),
        "i8_be_fortran": (np.asfortranarray(np.array([[1, 2], [3, 4], [-(2**40), 2**62]], dtype=">i8")), {}),
        "u1": (np.array([[0, 1, 128], [200, 254, 255]], dtype=np.uint8), {}),
        "u1_long": ((np.arange(1234 * 2) % 251).astype(np.uint8).reshape(1234, 2), {}),
        "u2": (np.array([0, 1, 65535, 4660], dtype=np.uint16), {}),
        "b1": (np.array([[[True, False], [False, True], [True, True]]] * 2), {}),
        "b1_fortran": (np.asfortranarray(np.array([[True, False, False], [True, True, False]])), {}),
        "scalar_f8": (np.array(2.718281828459045), {}),
        "empty_f4": (np.zeros((0, 3), dtype=np.float32), {}),
        "empty_1d_i4": (np.zeros((0,), dtype=np.int32), {}),
        "v2_i4": (np.arange(6, dtype=np.int32).reshape(3, 2), {"version": (2, 0)}),
        "v3_f4": (np.array([0.5, -0.25], dtype=np.float32), {"version": (3, 0)}),
    }


def write_npy():
    d = os.path.join(OUT, "npy")
    os.makedirs(d, exist_ok=True)
    expected = {}
    for name, (a, kw) in npy_cases().items():
        buf = io.BytesIO()
        if "version" in kw:
            np.lib.format.write_array(buf, a, version=kw["version"])
        else:
            np.save(buf, a)
        raw = buf.getvalue()
        with open(os.path.join(d, name + ".npy"), "wb") as fh:
            fh.write(raw)
        canon = io.BytesIO()
        np.save(canon, a.astype(a.dtype.newbyteorder("<"), order="C"))
        with open(os.path.join(d, name + ".canon.npy"), "wb") as fh:
            fh.write(canon.getvalue())
        back = np.load(io.BytesIO(raw))
        assert back.dtype == a.dtype and back.shape == a.shape
        assert np.array_equal(back, a, equal_nan=a.dtype.kind == "f")
        expected[name] = {
            "dtype": NP_TO_RAW[a.dtype.str[1:]],
            "shape": list(a.shape),
            "descr": a.dtype.str,
            "fortran_order": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
            "version": list(kw.get("version", (1, 0))),
            "hex": le_c_bytes(a).hex(),
        }
    with open(os.path.join(OUT, "npy_expected.json"), "w") as fh:
        json.dump(expected, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print(f"wrote {len(expected)} npy cases")


def json_value(x):
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def expected_json(tensors, metadata, raw):
    entries, meta = st.read_raw(raw)
    out = {"metadata": meta, "order": list(entries), "tensors": {}}
    for name, t in tensors.items():
        dtype = st.TORCH_TO_ST[t.dtype]
        e = {"dtype": dtype, "shape": list(t.shape), "hex": st.tensor_bytes(t).hex()}
        if dtype == "I64":      # exact, beyond 2**53
            e["values"] = [str(int(v)) for v in t.reshape(-1).tolist()]
        elif dtype in ("F16", "BF16"):
            e["values"] = [json_value(float(v)) for v in t.float().reshape(-1).tolist()]
        else:
            e["values"] = [json_value(v) if not isinstance(v, bool) else int(v) for v in t.reshape(-1).tolist()]
        out["tensors"][name] = e
    assert meta == metadata
    return out


def safetensors_cases():
    g = torch.Generator().manual_seed(0)
    mixed = {
        "weight": torch.randn(3, 4, generator=g),
        "bias": torch.randn(4, generator=g),
        "embed.double": torch.tensor([[1.5, -0.0, math.inf], [-math.inf, math.nan, 5e-324]], dtype=torch.float64),
        "half": torch.tensor([0.0, -0.0, 65504.0, 6e-8, math.inf, math.nan, 0.1], dtype=torch.float16),
        "bf": torch.tensor([[1.0, -3.140625], [1e30, 0.1]], dtype=torch.bfloat16),
        "ids": torch.tensor([2**62 + 1, -(2**63), 7], dtype=torch.int64),
        "i32": torch.tensor([[-(2**31), 2**31 - 1], [0, -7]], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, 1], dtype=torch.int16),
        "i8": torch.tensor([-128, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "mask": torch.tensor([[True, False, True], [False, False, True]]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        # name order: ASCII < Latin-1 < BMP > surrogates < astral, where UTF-16 and UTF-8 orders differ
        "A": torch.ones(1), "a.b": torch.ones(1) * 2, "a_b": torch.ones(1) * 3,
        "\u00e9mbed": torch.ones(1) * 4, "\uff21": torch.ones(1) * 5, "\U0001d6c9": torch.ones(1) * 6,
    }
    meta = {"format": "pt", "note": "\u00fcn\u00efcode \u2713 \"quoted\"\n\ttab", "a": "1", "\U0001d6c9": "astral"}
    return {
        "simple": ({"attn.0": torch.arange(6, dtype=torch.float32).reshape(1, 2, 3)}, None),
        "empty": ({}, None),
        "metadata_only": ({}, {"framework": "pt"}),
        "mixed": (mixed, meta),
    }


def write_safetensors():
    for name, (tensors, meta) in safetensors_cases().items():
        raw = st.write(tensors, meta)
        with open(os.path.join(OUT, name + ".safetensors"), "wb") as fh:
            fh.write(raw)
        with open(os.path.join(OUT, name + ".expected.json"), "w", encoding="utf-8") as fh:
            json.dump(expected_json(tensors, meta, raw), fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        print(f"wrote {name}.safetensors ({len(raw)} bytes)")
    # Self-check against the byte layouts asserted by the reference's own unit tests.
    simple = open(os.path.join(OUT, "simple.safetensors"), "rb").read()
    assert simple[:8] == (64).to_bytes(8, "little")
    assert simple[8:72] == b'{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'
    assert open(os.path.join(OUT, "empty.safetensors"), "rb").read() == b"\x08" + b"\0" * 7 + b"{}      "
    mo = open(os.path.join(OUT, "metadata_only.safetensors"), "rb").read()
    assert mo == (40).to_bytes(8, "little") + b'{"__metadata__":{"framework":"pt"}}     '


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_npy()
    write_safetensors()
