#!/usr/bin/env python3
"""Golden fixtures for src/data (embedded dataset loaders) and the Tensor-level src/io API.

Writes:
  test/golden/data/datasets.json          per dataset (digits, iris, wine), from sklearn.datasets.load_*:
                                          shape, feature/target names, class counts, first/last rows,
                                          float64 sum and a position-weighted checksum of the data
  test/golden/io/torch_native.safetensors torch tensors of every tsgrad dtype (F32, F64, I32, BOOL, F16,
                                          BF16), some made from non-contiguous torch views, written by
                                          safetensors_py (the reference layout) + .expected.json
  test/golden/io/torch_ints.safetensors   I64 (within int32 range), I16, I8, U8 tensors + .expected.json

Then, if test/io has written them (TSGRAD_UPDATE_GOLDEN=1 node --test dist/test/io/), verifies
tsgrad's own files once:
  tsgrad_native.safetensors      with check_safetensors.py against torch_native.expected.json
  tsgrad_checkpoint.safetensors  tensors equal to the torch ones below, metadata JSON as expected,
                                 and re-encoding with the reference-layout writer gives the same bytes

Usage (from the repo root):  /usr/bin/python3 tools/golden/data_io_fixtures.py
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits, load_iris, load_wine

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import safetensors_py as st  # noqa: E402
from io_fixtures import expected_json  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
IO = os.path.join(ROOT, "test", "golden", "io")
DATA = os.path.join(ROOT, "test", "golden", "data")


def datasets():
    out = {}
    for name, fn in (("digits", load_digits), ("iris", load_iris), ("wine", load_wine)):
        b = fn()
        x = b.data.astype(np.float32).astype(np.float64)   # tsgrad holds float32
        n, f = x.shape
        i, j = np.meshgrid(np.arange(n), np.arange(f), indexing="ij")
        weights = ((i * 7 + j * 3) % 11 + 1).astype(np.float64)
        out[name] = {
            "shape": [n, f],
            "feature_names": [str(s) for s in b.feature_names],
            "target_names": [str(s) for s in b.target_names],
            "class_counts": np.bincount(b.target).tolist(),
            "target_weighted_sum": int((b.target * (np.arange(n) % 13 + 1)).sum()),
            "data_sum": float(x.sum()),
            "data_weighted_sum": float((x * weights).sum()),
            "data_min": float(x.min()),
            "data_max": float(x.max()),
            "first_row": x[0].tolist(),
            "last_row": x[-1].tolist(),
        }
    os.makedirs(DATA, exist_ok=True)
    with open(os.path.join(DATA, "datasets.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print("wrote datasets.json")


def native_tensors():
    g = torch.Generator().manual_seed(1)
    return {
        "w": torch.randn(3, 4, generator=g),
        "w_t": (torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8).t(),           # non-contiguous view
        "d": torch.tensor([[1.5, -0.0, math.inf], [-math.inf, math.nan, 5e-324]], dtype=torch.float64),
        "i": torch.tensor([[-(2**31), 2**31 - 1], [0, -7]], dtype=torch.int32),
        "m": torch.tensor([[True, False, True], [False, False, True]]),
        "h": torch.tensor([0.0, -0.0, 65504.0, 6e-8, 1e-5, math.inf, -math.inf, math.nan, 0.1, -2.5], dtype=torch.float16),
        "h_strided": (torch.arange(8, dtype=torch.float16).reshape(2, 4) * 0.1)[:, ::2],  # strided half view
        "bf": torch.tensor([1.0, -3.140625, 1e30, 0.1, math.nan, -math.inf, 1e-40], dtype=torch.bfloat16),
        "s": torch.tensor(3.5),
        "e": torch.zeros(0, 3),
    }


def int_tensors():
    return {
        "i64": torch.tensor([[-(2**31), 2**31 - 1], [12345678, -1]], dtype=torch.int64),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
    }


def write(name, tensors, meta=None):
    raw = st.write(tensors, meta)
    with open(os.path.join(IO, name + ".safetensors"), "wb") as fh:
        fh.write(raw)
    with open(os.path.join(IO, name + ".expected.json"), "w", encoding="utf-8") as fh:
        json.dump(expected_json(tensors, meta, raw), fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print(f"wrote {name}.safetensors ({len(raw)} bytes)")


def checkpoint_expected():
    """What test/io/checkpoint.test.ts saves (see goldenCheckpointInput there)."""
    tensors = {
        "model.fc.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4,
        "model.fc.bias": torch.tensor([0.5, -0.5]),
        "model.steps": torch.tensor([3], dtype=torch.int32),
        "optimizer.state.0.expAvg": torch.full((2, 3), 0.125),
        "optimizer.state.1.expAvg": torch.tensor([1.0, -1.0], dtype=torch.float16),
    }
    meta = {
        "format": "tsgrad.checkpoint.v1",
        "epoch": "7",
        "metrics": {"loss": 0.25, "acc": {"__number__": "NaN"}},
        "optimizer": {"state": {"0": {"step": 3, "expAvg": {"__tensor__": "optimizer.state.0.expAvg"}},
                                "1": {"step": 3, "expAvg": {"__tensor__": "optimizer.state.1.expAvg"}}},
                      "paramGroups": [{"lr": 0.001, "betas": [0.9, 0.999], "params": [0, 1]}]},
    }
    return tensors, meta


def check_tsgrad_files():
    native = os.path.join(IO, "tsgrad_native.safetensors")
    if os.path.exists(native):
        subprocess.run([sys.executable, os.path.join(HERE, "check_safetensors.py"), native,
                        os.path.join(IO, "torch_native.expected.json")], check=True)
    ckpt = os.path.join(IO, "tsgrad_checkpoint.safetensors")
    if os.path.exists(ckpt):
        raw = open(ckpt, "rb").read()
        entries, meta = st.read_raw(raw)
        tensors, want = checkpoint_expected()
        assert sorted(entries) == sorted(tensors), (sorted(entries), sorted(tensors))
        for k, t in tensors.items():
            dtype, shape, data = entries[k]
            got = st.to_torch(dtype, shape, data)
            assert got.dtype == t.dtype and torch.equal(got, t), k
        assert meta["format"] == want["format"] and meta["epoch"] == want["epoch"], meta
        for k in ("metrics", "optimizer"):
            assert json.loads(meta[k]) == want[k], (k, meta[k])
        assert st.write_raw(entries, meta) == raw, "re-encoding differs"
        print(f"OK {ckpt}: {len(entries)} tensors, metadata {sorted(meta)}")


if __name__ == "__main__":
    os.makedirs(IO, exist_ok=True)
    datasets()
    write("torch_native", native_tensors())
    write("torch_ints", int_tensors())
    check_tsgrad_files()
