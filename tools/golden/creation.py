"""Golden fixtures for creation functions and dtype promotion -> test/golden/creation.json.

Run: python3 tools/golden/creation.py
"""
import json
import os

import torch

TS = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.int32: "int32",
      torch.bool: "bool", torch.float16: "float16", torch.bfloat16: "bfloat16", torch.uint8: "uint8"}


def t(x):
    return {"shape": list(x.shape), "dtype": TS[x.dtype], "data": x.reshape(-1).tolist()}


out = {
    "arange": [
        {"args": [5], "out": t(torch.arange(5))},
        {"args": [1, 1.3, 0.1], "out": t(torch.arange(1, 1.3, 0.1))},
        {"args": [0, 1, 0.1], "out": t(torch.arange(0, 1, 0.1))},
        {"args": [-1, -3, -0.5], "out": t(torch.arange(-1, -3, -0.5))},
        {"args": [0, 10, 3], "out": t(torch.arange(0, 10, 3))},
        {"args": [2, 2], "out": t(torch.arange(2, 2))},
        {"args": [0.5, 4], "out": t(torch.arange(0.5, 4))},
    ],
    "linspace": [
        {"args": [-1, 1, 7], "out": t(torch.linspace(-1, 1, 7))},
        {"args": [0, 1, 10], "out": t(torch.linspace(0, 1, 10))},
        {"args": [3, 3, 1], "out": t(torch.linspace(3, 3, 1))},
        {"args": [0, 1, 0], "out": t(torch.linspace(0, 1, 0))},
        {"args": [10, -5, 4], "out": t(torch.linspace(10, -5, 4))},
    ],
    "logspace": [
        {"args": [0, 2, 5], "out": t(torch.logspace(0, 2, 5))},
        {"args": [0, 3, 4, 2], "out": t(torch.logspace(0, 3, 4, 2))},
    ],
    "eye": [
        {"args": [3], "out": t(torch.eye(3))},
        {"args": [2, 4], "out": t(torch.eye(2, 4))},
    ],
}

# Promotion: torch.result_type / promote_types over tsgrad's dtypes (int64 stands for tsgrad's int32).
dts = {"bool": torch.bool, "int32": torch.int64, "float16": torch.float16, "bfloat16": torch.bfloat16,
       "float32": torch.float32, "float64": torch.float64}
promote = []
for a, da in dts.items():
    for b, db in dts.items():
        promote.append([a, b, TS[torch.promote_types(da, db)]])
out["promoteTypes"] = promote

# Tensor (1-d) op tensor (0-d) and tensor op python scalar.
scalars = {"bool": True, "int": 2, "float": 2.5}
res = []
for a, da in dts.items():
    x = torch.ones(2, dtype=da)
    for sname, s in scalars.items():
        res.append({"tensor": a, "scalar": sname, "out": TS[torch.result_type(x, s)]})
    for b, db in dts.items():
        z = torch.ones((), dtype=db)
        res.append({"tensor": a, "zeroDim": b, "out": TS[torch.result_type(x, z)]})
out["resultType"] = res

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "creation.json")
with open(path, "w") as fh:
    json.dump(out, fh)
print("wrote", os.path.normpath(path))
