"""Golden fixtures for tensor printing: torch's repr of fixed tensors -> test/golden/print.json.

tsgrad's int32 plays int64's role, so integer cases are printed from int64 tensors (no dtype suffix),
and `dtype=torch.X` is written as tsgrad spells it (`dtype=X`). Run: python3 tools/golden/print.py
"""
import json
import math
import os

import torch

torch.set_printoptions(profile="default")


def enc(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


TS_DTYPE = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32",
            torch.bool: "bool", torch.float16: "float16", torch.bfloat16: "bfloat16"}


def case(name, t, note=""):
    flat = t.detach().reshape(-1).tolist()
    r = repr(t).replace("dtype=torch.int64", "dtype=int32").replace("dtype=torch.", "dtype=")
    return {"name": name, "shape": list(t.shape), "dtype": TS_DTYPE[t.dtype],
            "data": [enc(v) for v in flat], "repr": r, "note": note}


f = torch.float32
cases = [
    case("float ints", torch.tensor([1.0, 2.0, 3.0])),
    case("float matrix", torch.tensor([[1.5, -2.25], [3.125, 4.0]])),
    case("float rounding", torch.tensor([0.1, 0.2, 0.3])),
    case("negative zero", torch.tensor([-0.0, 1.0])),
    case("sci small", torch.tensor([1e-5, 1.0, 1000.0])),
    case("sci large", torch.tensor([1e10, 1.5])),
    case("sci int mode ratio", torch.tensor([1.0, 2000.0])),
    case("int mode big", torch.tensor([123456789.0, 1.0])),
    case("nan inf", torch.tensor([1.0, float("nan"), float("inf"), float("-inf")])),
    case("nan inf fractional", torch.tensor([1.5, float("nan"), -float("inf")])),
    case("only nan", torch.tensor([float("nan"), float("nan")])),
    case("zeros", torch.zeros(2, 3)),
    case("int64", torch.tensor([1, -20, 300])),
    case("int matrix", torch.tensor([[1, 2], [30, -4]])),
    case("bool mixed", torch.tensor([True, False, True])),
    case("bool all true", torch.tensor([True, True])),
    case("float64", torch.tensor([1.5, 2.0], dtype=torch.float64)),
    case("float16", torch.tensor([0.1, 2.0], dtype=torch.float16)),
    case("scalar float", torch.tensor(3.5)),
    case("scalar int", torch.tensor(7)),
    case("scalar nan", torch.tensor(float("nan"))),
    case("scalar bool", torch.tensor(True)),
    case("empty 1d", torch.tensor([])),
    case("empty 2d", torch.zeros(2, 0)),
    case("empty int", torch.zeros(0, dtype=torch.int64)),
    case("3d", torch.arange(24.0).reshape(2, 3, 4)),
    case("wrapped row", torch.arange(30.0) / 7),
    case("wrapped int row", torch.arange(40)),
    case("fractional matrix", torch.tensor([[0.5377, 1.8339, -2.2588], [0.8622, 0.3188, -1.3077]])),
    case("summarised 1d", torch.arange(2000.0)),
    case("summarised 1d frac", torch.arange(2000.0) / 3),
    case("summarised int", torch.arange(1500)),
    case("summarised 2d", (torch.arange(2000.0) / 100).reshape(40, 50)),
    case("summarised 3d", torch.arange(1200.0).reshape(12, 10, 10)),
    case("long float64 suffix", torch.arange(8.0, dtype=torch.float64) / 3 + 1000),
]

x = torch.tensor([1.0, 2.0], requires_grad=True)
xd = torch.tensor([1.5, 2.5], dtype=torch.float64, requires_grad=True)
w = (torch.arange(10.0) / 3).requires_grad_()
grad_cases = {
    "leaf": repr(x),
    "mul": repr(x * 2),
    "add": repr(x + 1),
    "sum": repr(x.sum()),
    "exp": repr(x.exp()),
    "view": repr(x.view(2, 1)),
    "float64 leaf": repr(xd).replace("dtype=torch.", "dtype="),
    "long row mul": repr(w * 1000),
}

out = {"cases": cases, "grad": grad_cases}
path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "print.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")
