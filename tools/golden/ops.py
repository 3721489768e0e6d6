#!/usr/bin/env python3
"""OpInfo-style golden fixtures: every tensor op's forward and backward, computed by PyTorch.

Writes test/golden/ops.json: a list of cases, each
  {name, op, call: 'method'|'fn', inputs: [{shape, dtype, data, layout, grad}], args,
   outputs: [{shape, dtype, data}], upstream: [flat | null per output], grads: [flat | null per input]}
  or, when PyTorch rejects the call, {..., error: message} (tsgrad must throw too).

- An input is a base tensor (shape, dtype, flat data) made a leaf, then `layout` transforms applied
  identically in Python and in test/ops/golden.test.ts: ["t"] (transpose the last two dims),
  ["slice", dim, start, stop, step], ["expand", shape], ["permute", dims], ["select", dim, i].
  Gradients are the leaf's (base shape), so they also check the views' backward.
- `args` use tsgrad's spelling (camelCase options objects); {"$t": i} is inputs[i]; {"$f": "Infinity"}
  is a non-JSON float. For call 'method' the receiver is inputs[0].
- tsgrad's int32 plays PyTorch's int64 role: integer inputs are int64 here, recorded as 'int32'.
  Integer-valued JS numbers count as ints for promotion, so integer-valued float args become ints.
- Backward: loss = sum over float outputs of sum(out * upstream); upstream is stored.

Usage (from the repo root):  /usr/bin/python3 tools/golden/ops.py
"""
import json
import math
import os
import random
import re

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "golden", "ops.json")

rng = random.Random(1234)
torch.manual_seed(0)

DT = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}


def dtname(d):
    return {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.int32: "int32",
            torch.bool: "bool"}[d]


def num(v):
    """JSON-safe number: ~9 significant digits, NaN/Infinity as strings."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == int(v) and abs(v) < 2 ** 53:
        return int(v)
    return float("%.9g" % v)


def flat(t):
    return [num(v) for v in t.detach().reshape(-1).tolist()]


# ---------------------------------------------------------------- inputs

def T(shape, dtype="float32", lo=-2.0, hi=2.0, data=None, layout=None, grad=True):
    n = 1
    for s in shape:
        n *= s
    if data is None:
        if dtype == "bool":
            data = [rng.random() < 0.5 for _ in range(n)]
        elif dtype == "int32":
            data = [rng.randint(int(lo), int(hi)) for _ in range(n)]
        else:
            data = [round(rng.uniform(lo, hi), 4) for _ in range(n)]
    assert len(data) == n, (shape, len(data))
    if dtype == "bool":
        data = [1 if v else 0 for v in data]
    return {"shape": list(shape), "dtype": dtype, "data": [num(v) if not isinstance(v, str) else v for v in data],
            "layout": layout or [], "grad": grad and dtype in ("float32", "float64")}


def I(data, shape=None):
    """An int index tensor (int64 in torch, int32 in tsgrad)."""
    return T(shape if shape is not None else [len(data)], "int32", data=data)


def B(data, shape=None):
    return T(shape if shape is not None else [len(data)], "bool", data=data)


def parse_value(v):
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return v


def build(spec):
    data = [parse_value(v) for v in spec["data"]]
    base = torch.tensor(data, dtype=DT[spec["dtype"]]).reshape(spec["shape"])
    if spec["grad"]:
        base.requires_grad_(True)
    x = base
    for tr in spec["layout"]:
        kind = tr[0]
        if kind == "t":
            x = x.transpose(-2, -1)
        elif kind == "slice":
            _, dim, start, stop, step = tr
            idx = [slice(None)] * x.dim()
            idx[dim] = slice(start, stop, step)
            x = x[tuple(idx)]
        elif kind == "expand":
            x = x.expand(tr[1])
        elif kind == "permute":
            x = x.permute(tr[1])
        elif kind == "select":
            x = x.select(tr[1], tr[2])
        else:
            raise ValueError(kind)
    return base, x


# ---------------------------------------------------------------- calling PyTorch with tsgrad's spelling

def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def decode(a, xs):
    if isinstance(a, dict):
        if "$t" in a:
            return xs[a["$t"]]
        if "$f" in a:
            return parse_value(a["$f"])
        return {k: decode(v, xs) for k, v in a.items()}
    if isinstance(a, list):
        return [decode(v, xs) for v in a]
    if isinstance(a, float) and a.is_integer():
        return int(a)  # JS numbers that are integers count as ints
    return a


def index_item(it):
    if it is None:
        return None
    if isinstance(it, str):
        if it.strip() == "...":
            return Ellipsis
        parts = [p.strip() for p in it.split(":")]
        vals = [int(p) if p else None for p in parts]
        return slice(*vals)
    return it


SCALAR_AS_TENSOR = {"maximum", "minimum", "fmax", "fmin", "atan2", "hypot", "logicalAnd", "logicalOr", "logicalXor"}

FN = {
    "gelu": F.gelu, "silu": F.silu, "softplus": F.softplus, "leakyRelu": F.leaky_relu, "elu": F.elu,
    "softmax": torch.softmax, "logSoftmax": torch.log_softmax,
}


def call(op, kind, xs, args):
    a = decode(args, xs)
    kw = {}
    if a and isinstance(a[-1], dict):
        kw = {snake(k): (DT[v] if k == "dtype" else v) for k, v in a[-1].items()}
        a = a[:-1]
    if op == "index":
        return xs[0][tuple(index_item(it) for it in a)]
    if kind == "fn":
        if op in FN:
            return FN[op](*a, **kw)
        if op in ("cat", "stack"):
            return getattr(torch, op)(*a, **kw)
        return getattr(torch, snake(op))(*a, **kw)
    x = xs[0]
    if op in SCALAR_AS_TENSOR and a and isinstance(a[0], (int, float)) and not isinstance(a[0], bool):
        # torch.maximum & co. take only tensors; tsgrad also takes a number, wrapped like any scalar.
        a = [torch.tensor(a[0], dtype=torch.int64 if isinstance(a[0], int) else torch.float32)] + a[1:]
    if op in FN:
        return FN[op](x, *a, **kw)
    if op == "flip" and isinstance(a[0], int):
        return x.flip([a[0]])
    if op == "maskedSelect":
        # PyTorch 1.13's masked_select backward scatters into the wrong places for non-contiguous
        # inputs; x[mask] is the same function with a correct backward.
        shape = torch.broadcast_shapes(x.shape, a[0].shape)
        return x.expand(shape)[a[0].expand(shape)]
    if op == "indexPut":
        idx = tuple(index_item(it) for it in a[0])
        return x.index_put(idx, a[1] if isinstance(a[1], torch.Tensor) else torch.tensor(a[1], dtype=x.dtype), **kw)
    if op == "to":
        return x.to(DT[a[0]])
    return getattr(x, snake(op))(*a, **kw)


# ---------------------------------------------------------------- cases

CASES = []
NAMES = set()


def case(name, op, inputs, args=(), call_kind="method"):
    assert name not in NAMES, name
    NAMES.add(name)
    CASES.append({"name": name, "op": op, "call": call_kind, "inputs": inputs, "args": list(args)})


def t_(i):
    return {"$t": i}


INF = {"$f": "Infinity"}

# Input layouts of a [2, 3]-shaped operand: name -> spec maker.
def layouts(shape, dtype="float32", lo=-2.0, hi=2.0):
    out = {"contig": T(shape, dtype, lo, hi)}
    if len(shape) >= 2:
        out["transposed"] = T(shape[:-2] + [shape[-1], shape[-2]], dtype, lo, hi, layout=[["t"]])
    out["sliced"] = T([shape[0] + 1] + shape[1:-1] + [shape[-1] * 2] if len(shape) > 1 else [shape[0] * 2 + 1], dtype, lo, hi,
                      layout=[["slice", 0, 1, None, 1], ["slice", -1, 0, None, 2]] if len(shape) > 1 else [["slice", 0, 1, None, 2]])
    out["expanded"] = T([1] + shape[1:], dtype, lo, hi, layout=[["expand", shape]])
    return out


# ---- elementwise unary
UNARY = {
    "neg": (-2, 2), "abs": (-2, 2), "sign": (-2, 2), "exp": (-2, 2), "exp2": (-2, 2), "log": (0.2, 3), "log2": (0.2, 3),
    "log10": (0.2, 3), "log1p": (-0.5, 2), "expm1": (-2, 2), "sqrt": (0.2, 3), "rsqrt": (0.2, 3), "square": (-2, 2),
    "reciprocal": (0.3, 2), "sin": (-3, 3), "cos": (-3, 3), "tan": (-1.2, 1.2), "asin": (-0.9, 0.9), "acos": (-0.9, 0.9),
    "atan": (-3, 3), "sinh": (-2, 2), "cosh": (-2, 2), "tanh": (-2, 2), "asinh": (-3, 3), "acosh": (1.2, 4),
    "atanh": (-0.9, 0.9), "sigmoid": (-4, 4), "relu": (-2, 2), "erf": (-2, 2), "erfc": (-2, 2), "floor": (-3, 3),
    "ceil": (-3, 3), "round": (-3, 3), "trunc": (-3, 3), "frac": (-3, 3), "silu": (-3, 3), "gelu": (-3, 3),
    "logicalNot": (-1, 1), "isnan": (-1, 1), "isinf": (-1, 1), "isfinite": (-1, 1),
}
for op, (lo, hi) in UNARY.items():
    for lname, spec in layouts([2, 3], "float32", lo, hi).items():
        case(f"{op} {lname} [2,3]", op, [spec])
    case(f"{op} 0-d", op, [T([], "float32", lo, hi)])
    case(f"{op} empty [0,3]", op, [T([0, 3], "float32", lo, hi)])
    case(f"{op} float64 [4]", op, [T([4], "float64", lo, hi)])
for op in ["neg", "abs", "sign", "exp", "sqrt", "sin", "sigmoid", "relu", "floor", "round", "logicalNot", "square", "tanh"]:
    case(f"{op} int32 [5]", op, [T([5], "int32", -3, 3)])
for op in ["logicalNot", "abs", "exp", "sign"]:
    case(f"{op} bool [4]", op, [B([True, False, True, True])])
case("round half to even", "round", [T([8], data=[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, 3.5])])
case("isnan/isinf specials: isnan", "isnan", [T([4], data=["NaN", "Infinity", "-Infinity", 1.0])])
case("isinf specials", "isinf", [T([4], data=["NaN", "Infinity", "-Infinity", 1.0])])
case("isfinite specials", "isfinite", [T([4], data=["NaN", "Infinity", "-Infinity", 1.0])])
case("log of 0 and negative", "log", [T([3], data=[0.0, -1.0, 2.0], grad=False)])
case("gelu tanh contig", "gelu", [T([2, 3], lo=-3, hi=3)], [{"approximate": "tanh"}])
case("gelu tanh transposed", "gelu", [T([3, 2], lo=-3, hi=3, layout=[["t"]])], [{"approximate": "tanh"}])
case("gelu tanh float64", "gelu", [T([5], "float64", lo=-3, hi=3)], [{"approximate": "tanh"}])
case("softplus default", "softplus", [T([2, 4], lo=-5, hi=5)])
case("softplus beta threshold", "softplus", [T([2, 4], data=[-3, -1.5, 0.2, 1.1, 2.7, 4.4, 6.3, -0.7])], [{"beta": 2, "threshold": 5}])
case("softplus float64 transposed", "softplus", [T([3, 2], "float64", -4, 4, layout=[["t"]])], [{"beta": 0.5}])
case("leakyRelu default", "leakyRelu", [T([2, 3], lo=-2, hi=2)], [t_(0)], "fn")
case("leakyRelu slope transposed", "leakyRelu", [T([3, 2], lo=-2, hi=2, layout=[["t"]])], [t_(0), 0.2], "fn")
case("elu default", "elu", [T([2, 3], lo=-2, hi=2)], [t_(0)], "fn")
case("elu alpha float64", "elu", [T([2, 3], "float64", lo=-2, hi=2)], [t_(0), 0.5], "fn")
for d in [-1, 0, 1]:
    case(f"softmax dim {d}", "softmax", [T([3, 4], lo=-3, hi=3)], [d])
    case(f"logSoftmax dim {d}", "logSoftmax", [T([3, 4], lo=-3, hi=3)], [d])
case("softmax transposed 3-D", "softmax", [T([2, 4, 3], lo=-3, hi=3, layout=[["t"]])], [1])
case("logSoftmax expanded", "logSoftmax", [T([1, 4], lo=-3, hi=3, layout=[["expand", [3, 4]]])], [-1])
case("softmax with -inf", "softmax", [T([2, 3], data=[1.0, "-Infinity", 0.5, "-Infinity", 2.0, -1.0])], [1])
case("softmax float64", "softmax", [T([5], "float64", -3, 3)], [0])
case("softmax empty", "softmax", [T([0, 3])], [1])
case("logSoftmax 0-d", "logSoftmax", [T([])], [0])

# ---- elementwise binary
BINARY = {
    "add": ((-2, 2), (-2, 2)), "sub": ((-2, 2), (-2, 2)), "mul": ((-2, 2), (-2, 2)), "div": ((-2, 2), (0.5, 2)),
    "pow": ((0.5, 2), (-2, 2)), "maximum": ((-2, 2), (-2, 2)), "minimum": ((-2, 2), (-2, 2)), "fmax": ((-2, 2), (-2, 2)),
    "fmin": ((-2, 2), (-2, 2)), "atan2": ((-2, 2), (-2, 2)), "fmod": ((-5, 5), (0.7, 1.9)), "remainder": ((-5, 5), (0.7, 1.9)),
    "floorDivide": ((-5, 5), (0.7, 1.9)), "hypot": ((-2, 2), (-2, 2)), "xlogy": ((-2, 2), (0.2, 3)),
    "eq": ((-2, 2), (-2, 2)), "ne": ((-2, 2), (-2, 2)), "lt": ((-2, 2), (-2, 2)), "le": ((-2, 2), (-2, 2)),
    "gt": ((-2, 2), (-2, 2)), "ge": ((-2, 2), (-2, 2)), "logicalAnd": ((-1, 1), (-1, 1)), "logicalOr": ((-1, 1), (-1, 1)),
    "logicalXor": ((-1, 1), (-1, 1)),
}
for op, ((alo, ahi), (blo, bhi)) in BINARY.items():
    case(f"{op} same shape", op, [T([2, 3], lo=alo, hi=ahi), T([2, 3], lo=blo, hi=bhi)], [t_(1)])
    case(f"{op} broadcast [2,3]x[3]", op, [T([2, 3], lo=alo, hi=ahi), T([3], lo=blo, hi=bhi)], [t_(1)])
    case(f"{op} broadcast [2,1]x[1,3]", op, [T([2, 1], lo=alo, hi=ahi), T([1, 3], lo=blo, hi=bhi)], [t_(1)])
    case(f"{op} transposed x sliced", op, [T([3, 2], lo=alo, hi=ahi, layout=[["t"]]), T([2, 6], lo=blo, hi=bhi, layout=[["slice", 1, 0, None, 2]])], [t_(1)])
    case(f"{op} expanded x 0-d", op, [T([1, 3], lo=alo, hi=ahi, layout=[["expand", [2, 3]]]), T([], lo=blo, hi=bhi)], [t_(1)])
    case(f"{op} float scalar", op, [T([2, 3], lo=alo, hi=ahi)], [round((blo + bhi) / 2 + 0.37, 2)])
    case(f"{op} empty", op, [T([0, 3], lo=alo, hi=ahi), T([3], lo=blo, hi=bhi)], [t_(1)])
    case(f"{op} float64", op, [T([4], "float64", lo=alo, hi=ahi), T([4], "float64", lo=blo, hi=bhi)], [t_(1)])
    case(f"{op} float32 x float64", op, [T([4], "float32", lo=alo, hi=ahi), T([4], "float64", lo=blo, hi=bhi)], [t_(1)])
for op in ["add", "sub", "mul", "div", "maximum", "minimum", "fmod", "remainder", "floorDivide", "eq", "lt", "ge", "logicalAnd",
           "bitwiseAnd", "bitwiseOr", "bitwiseXor"]:
    case(f"{op} int32 x int32", op, [T([2, 3], "int32", -5, 5), T([3], "int32", 1, 4)], [t_(1)])
    case(f"{op} int32 x int scalar", op, [T([2, 3], "int32", -5, 5)], [3])
for op in ["add", "mul", "div", "sub", "maximum", "eq", "pow"]:
    case(f"{op} int32 x float scalar", op, [T([2, 3], "int32", 1, 5)], [1.5])
    case(f"{op} int32 x float32 tensor", op, [T([2, 3], "int32", 1, 5), T([3], lo=0.5, hi=2)], [t_(1)])
    case(f"{op} int32 x 0-d float64", op, [T([3], "int32", 1, 5), T([], "float64", 0.5, 2)], [t_(1)])
    case(f"{op} float32 x 0-d float64", op, [T([3], lo=0.5, hi=2), T([], "float64", 0.5, 2)], [t_(1)])
for op in ["add", "mul", "logicalOr", "bitwiseOr", "eq", "maximum"]:
    case(f"{op} bool x int32", op, [B([True, False, True]), T([3], "int32", -3, 3)], [t_(1)])
    case(f"{op} bool x bool", op, [B([True, False, True]), B([True, True, False])], [t_(1)])
case("add bool x int scalar", "add", [B([True, False, True])], [2])
case("add bool x float scalar", "add", [B([True, False, True])], [2.5])
case("add alpha", "add", [T([2, 3]), T([3])], [t_(1), {"alpha": 2.5}])
case("sub alpha int", "sub", [T([2, 3], "int32", -5, 5), T([2, 3], "int32", -5, 5)], [t_(1), {"alpha": 3}])
case("eq with ties", "eq", [T([6], data=[1, 2, 3, 4, 5, 6]), T([6], data=[1, 0, 3, 0, 5, 0])], [t_(1)])
case("le with ties", "le", [T([6], data=[1, 2, 3, 4, 5, 6]), T([6], data=[1, 0, 3, 0, 5, 7])], [t_(1)])
case("maximum NaN propagates", "maximum", [T([3], data=["NaN", 1, 2], grad=False), T([3], data=[0, "NaN", 3], grad=False)], [t_(1)])
case("fmax ignores NaN", "fmax", [T([3], data=["NaN", 1, 2], grad=False), T([3], data=[0, "NaN", 3], grad=False)], [t_(1)])
case("maximum ties split grad", "maximum", [T([3], data=[1, 2, 3]), T([3], data=[1, 0, 3])], [t_(1)])
for mode in ["trunc", "floor"]:
    case(f"div {mode} float", "div", [T([2, 4], lo=-5, hi=5), T([4], data=[1.5, -1.3, 0.7, -2.2])], [t_(1), {"roundingMode": mode}])
    case(f"div {mode} int", "div", [T([6], "int32", data=[7, -7, 7, -7, 0, 5]), T([6], "int32", data=[2, 2, -2, -2, 3, -3])], [t_(1), {"roundingMode": mode}])
    case(f"div {mode} int scalar", "div", [T([4], "int32", data=[7, -7, 8, -9])], [2, {"roundingMode": mode}])
case("div true int", "div", [T([4], "int32", data=[7, -7, 8, -9]), T([4], "int32", data=[2, 2, -3, 4])], [t_(1)])
case("div by zero", "div", [T([3], data=[1, -1, 0], grad=False)], [0])
case("remainder negative divisor", "remainder", [T([4], data=[5.5, -5.5, 3.25, -3.25], grad=False)], [-2])
case("fmod negative divisor", "fmod", [T([4], data=[5.5, -5.5, 3.25, -3.25], grad=False)], [-2])
case("remainder int negatives", "remainder", [T([4], "int32", data=[7, -7, 7, -7]), T([4], "int32", data=[3, 3, -3, -3])], [t_(1)])
case("fmod int negatives", "fmod", [T([4], "int32", data=[7, -7, 7, -7]), T([4], "int32", data=[3, 3, -3, -3])], [t_(1)])
for e in [2, 3, 0.5, -1.5, 0, -2]:
    lo = 0.3 if e != int(e) else -2
    case(f"pow scalar exponent {e}", "pow", [T([2, 3], lo=lo, hi=2)], [e])
case("pow negative base int exponent transposed", "pow", [T([3, 2], lo=-2, hi=-0.3, layout=[["t"]])], [3])
case("pow tensor exponent broadcast", "pow", [T([2, 3], lo=0.3, hi=2), T([3], lo=-2, hi=2)], [t_(1)])
case("pow scalar base", "pow", [T([2, 3], lo=-2, hi=2)], [2.5, t_(0)], "fn")
case("pow int scalar base", "pow", [T([4], lo=-2, hi=2)], [2, t_(0)], "fn")
case("pow int32 x int scalar", "pow", [T([4], "int32", data=[-3, 0, 2, 5])], [3])
case("pow zero base tensor exponent", "pow", [T([3], data=[0, 0, 1.5]), T([3], data=[2, 0.5, 2])], [t_(1)])
# d/dx at x = 0: PyTorch 1.13 gives log(y), later PyTorch (and tsgrad) give 0, so x is not differentiated.
case("xlogy zero x", "xlogy", [T([3], data=[0, 0, 1.5], grad=False), T([3], data=[0.5, 2, 2])], [t_(1)])

# where / maskedFill / clamp / nanToNum
case("where broadcast", "where", [B([True, False, True]), T([2, 3]), T([2, 1])], [t_(0), t_(1), t_(2)], "fn")
case("where scalar other", "where", [B([True, False, True, False, False, True], [2, 3]), T([3, 2], layout=[["t"]])], [t_(0), t_(1), 0.5], "fn")
case("where int x float promotes", "where", [B([True, False, True]), T([3], "int32", -3, 3), T([3])], [t_(0), t_(1), t_(2)], "fn")
case("where float64 expanded", "where", [B([False, True, True, False], [2, 2]), T([1, 2], "float64", layout=[["expand", [2, 2]]]), T([2, 2], "float64")], [t_(0), t_(1), t_(2)], "fn")
case("where method", "where", [T([2, 3]), B([True, False, True]), T([2, 3])], [t_(1), t_(2)])
case("maskedFill broadcast mask", "maskedFill", [T([2, 3]), B([True, False, True])], [t_(1), -1.5])
case("maskedFill transposed", "maskedFill", [T([3, 2], layout=[["t"]]), B([True, False, True, False, False, True], [2, 3])], [t_(1), 2])
case("maskedFill int32", "maskedFill", [T([2, 3], "int32", -5, 5), B([True, False, True])], [t_(1), 7])
case("maskedFill 0-d tensor value", "maskedFill", [T([2, 3]), B([True, False, True]), T([], grad=False)], [t_(1), t_(2)])
case("clamp both", "clamp", [T([2, 4], lo=-3, hi=3)], [-1, 1.5])
case("clamp min only", "clamp", [T([2, 4], lo=-3, hi=3, layout=[["slice", 1, 0, None, 1]])], [-0.5])
case("clamp max only", "clamp", [T([4, 2], lo=-3, hi=3, layout=[["t"]])], [None, 0.5])
case("clamp tensor bounds", "clamp", [T([2, 4], lo=-3, hi=3), T([4], lo=-2, hi=-0.5), T([2, 1], lo=0.5, hi=2)], [t_(1), t_(2)])
case("clamp int32 float bound", "clamp", [T([5], "int32", -5, 5)], [-2.5, 2])
case("clamp int32 int bounds", "clamp", [T([5], "int32", -5, 5)], [-2, 2])
case("clamp float64", "clamp", [T([5], "float64", -3, 3)], [-1, 1])
case("clamp min > max", "clamp", [T([4], lo=-3, hi=3)], [1, -1])
NTN = ["NaN", "Infinity", "-Infinity", 1.5, -2.0, "NaN"]
case("nanToNum default", "nanToNum", [T([6], data=NTN)])
case("nanToNum values", "nanToNum", [T([2, 3], data=NTN)], [{"nan": 0.5, "posinf": 9, "neginf": -9}])
case("nanToNum float64", "nanToNum", [T([6], "float64", data=NTN)], [{"posinf": 1e300}])
case("nanToNum int32", "nanToNum", [T([3], "int32", data=[1, 2, 3])])

# ---- reductions
X34 = lambda **k: T([3, 4], **k)
for op in ["sum", "mean"]:
    case(f"{op} all", op, [X34()])
    case(f"{op} dim 1", op, [X34()], [1])
    case(f"{op} dim -2 keepdim", op, [X34()], [-2, {"keepdim": True}])
    case(f"{op} dims [0,2] transposed", op, [T([2, 4, 3], layout=[["t"]])], [[0, 2]])
    case(f"{op} expanded", op, [T([1, 4], layout=[["expand", [3, 4]]])], [0])
    case(f"{op} sliced keepdim", op, [T([3, 8], layout=[["slice", 1, 1, None, 2]])], [1, {"keepdim": True}])
    case(f"{op} empty dim", op, [T([0, 3])], [0])
    case(f"{op} 0-d", op, [T([])])
    case(f"{op} float64", op, [T([2, 3], "float64")], [1])
case("sum empty all", "sum", [T([0, 3])])
case("mean empty all is nan", "mean", [T([0, 3], grad=False)])
case("sum int32", "sum", [T([3, 4], "int32", -5, 5)], [1])
case("sum bool", "sum", [B([True, False, True, True, False, True], [2, 3])])
case("sum int32 dtype float64", "sum", [T([3, 4], "int32", -5, 5)], [0, {"dtype": "float64"}])
case("mean int32 dtype float32", "mean", [T([3, 4], "int32", -5, 5)], [None, {"dtype": "float32"}])
case("prod all", "prod", [T([2, 3], lo=0.5, hi=1.5)])
case("prod dim 1", "prod", [T([3, 4], lo=-1.5, hi=1.5)], [1])
case("prod dim -1 keepdim with zero", "prod", [T([2, 3], data=[1.5, 0, 2, -1, 0.5, 3])], [-1, {"keepdim": True}])
case("prod two zeros", "prod", [T([4], data=[1.5, 0, 2, 0])], [0])
case("prod transposed", "prod", [T([4, 3], lo=0.5, hi=1.5, layout=[["t"]])], [0])
case("prod empty", "prod", [T([0, 3])], [0])
case("prod int32", "prod", [T([2, 3], "int32", -3, 3)], [1])
for op in ["amax", "amin"]:
    case(f"{op} all", op, [X34()])
    case(f"{op} dim 1", op, [X34()], [1])
    case(f"{op} dims [0,1] keepdim", op, [T([2, 3, 2])], [[0, 1], {"keepdim": True}])
    case(f"{op} transposed", op, [T([4, 3], layout=[["t"]])], [-1])
    case(f"{op} ties", op, [T([2, 3], data=[1, 3, 3, 2, 2, 0])], [1])
    case(f"{op} int32", op, [T([2, 3], "int32", -5, 5)], [0])
    case(f"{op} float64 expanded", op, [T([1, 3], "float64", layout=[["expand", [2, 3]]])], [0])
for op in ["max", "min"]:
    case(f"{op} all", op, [X34()])
    case(f"{op} dim 1", op, [X34()], [1])
    case(f"{op} dim 0 keepdim", op, [X34()], [0, {"keepdim": True}])
    case(f"{op} dim -1 transposed", op, [T([4, 3], layout=[["t"]])], [-1])
    case(f"{op} int32 dim", op, [T([2, 3], "int32", data=[1, 5, -2, 7, 0, 3])], [1])
    case(f"{op} 0-d dim", op, [T([])], [0])
    case(f"{op} NaN wins", op, [T([4], data=[1, "NaN", 3, 0], grad=False)], [0])
for op in ["argmax", "argmin"]:
    case(f"{op} all", op, [X34()])
    case(f"{op} dim 1", op, [X34()], [1])
    case(f"{op} dim 0 keepdim", op, [X34()], [0, {"keepdim": True}])
    case(f"{op} transposed", op, [T([4, 3], layout=[["t"]])], [1])
    case(f"{op} ties first index", op, [T([2, 3], data=[3, 1, 3, 0, 0, 2])], [1])
    case(f"{op} int32", op, [T([5], "int32", data=[2, 9, -1, 9, 4])])
for op in ["var", "std"]:
    case(f"{op} all", op, [X34()])
    case(f"{op} dim 1", op, [X34()], [1])
    case(f"{op} dim 0 correction 0 keepdim", op, [X34()], [0, {"correction": 0, "keepdim": True}])
    case(f"{op} dims [0,2] correction 2", op, [T([3, 2, 4])], [[0, 2], {"correction": 2}])
    case(f"{op} transposed", op, [T([4, 3], layout=[["t"]])], [-1])
    case(f"{op} float64", op, [T([6], "float64")], [0])
    case(f"{op} single element correction 1 nan", op, [T([1, 3], grad=False)], [0])
for p in [1, 2, INF, "fro", 3]:
    pn = "inf" if p is INF else p
    case(f"norm p={pn} all", "norm", [X34()], [p])
    if p != "fro":
        case(f"norm p={pn} dim 1 keepdim", "norm", [X34()], [p, 1, {"keepdim": True}])
    case(f"norm p={pn} transposed dims", "norm", [T([4, 3], layout=[["t"]])], [p, [0, 1]])
case("norm p=-inf dim 0", "norm", [X34()], [{"$f": "-Infinity"}, 0])
case("norm p=2 with zero row", "norm", [T([2, 3], data=[0, 0, 0, 1, 2, -2])], [2, 1])
case("norm float64 expanded", "norm", [T([1, 3], "float64", layout=[["expand", [2, 3]]])], [2, 1])
case("norm p=0", "norm", [T([5], data=[0, 1.5, 0, -2, 3], grad=False)], [0])
case("logsumexp dim 1", "logsumexp", [X34(lo=-5, hi=5)], [1])
case("logsumexp dims keepdim", "logsumexp", [T([2, 3, 2], lo=-5, hi=5)], [[0, 2], {"keepdim": True}])
case("logsumexp transposed", "logsumexp", [T([4, 3], layout=[["t"]])], [-1])
case("logsumexp with -inf", "logsumexp", [T([2, 2], data=["-Infinity", "-Infinity", 1, "-Infinity"], grad=False)], [1])
case("logsumexp large", "logsumexp", [T([3], data=[1000, 1000.5, 999])], [0])
case("logsumexp float64", "logsumexp", [T([5], "float64")], [0])
case("logsumexp empty", "logsumexp", [T([0, 3], grad=False)], [0])
for op, (lo, hi) in [("cumsum", (-2, 2)), ("cumprod", (0.5, 1.5))]:
    case(f"{op} dim 0", op, [X34(lo=lo, hi=hi)], [0])
    case(f"{op} dim -1", op, [X34(lo=lo, hi=hi)], [-1])
    case(f"{op} transposed", op, [T([4, 3], lo=lo, hi=hi, layout=[["t"]])], [1])
    case(f"{op} expanded", op, [T([1, 3], lo=lo, hi=hi, layout=[["expand", [2, 3]]])], [0])
    case(f"{op} 0-d", op, [T([], lo=lo, hi=hi)], [0])
    case(f"{op} empty", op, [T([0], lo=lo, hi=hi)], [0])
    case(f"{op} int32", op, [T([5], "int32", -3, 3)], [0])
    case(f"{op} float64", op, [T([5], "float64", lo=lo, hi=hi)], [0])
case("cumprod with zero", "cumprod", [T([5], data=[1.5, -2, 0, 3, 0.5])], [0])
case("cumprod with two zeros", "cumprod", [T([2, 4], data=[1.5, 0, 2, 0, 0.5, 1, 2, 3])], [1])
case("cumsum bool", "cumsum", [B([True, False, True, True])], [0])
for op in ["any", "all"]:
    case(f"{op} all bool", op, [B([True, False, True, True, False, True], [2, 3])])
    case(f"{op} dim 1 bool", op, [B([True, False, True, True, True, True], [2, 3])], [1])
    case(f"{op} dim 0 keepdim float", op, [T([2, 3], data=[0, 1.5, 0, 0, 2, -1])], [0, {"keepdim": True}])
    case(f"{op} int32", op, [T([4], "int32", data=[0, 3, 0, -1])])
    case(f"{op} empty", op, [B([], [0])])
    case(f"{op} transposed bool", op, [B([True, False, False, False, True, True], [3, 2], ) | {"layout": [["t"]]}], [-1])
case("sort default", "sort", [X34()])
case("sort dim 0 descending", "sort", [X34()], [{"dim": 0, "descending": True}])
case("sort transposed", "sort", [T([4, 3], layout=[["t"]])], [{"dim": -1}])
case("sort stable ties", "sort", [T([6], data=[2, 1, 2, 0, 1, 2])], [{"stable": True}])
case("sort descending stable ties", "sort", [T([6], data=[2, 1, 2, 0, 1, 2])], [{"descending": True, "stable": True}])
case("sort NaN last", "sort", [T([4], data=[1, "NaN", -1, 0], grad=False)], [{"stable": True}])
case("sort int32", "sort", [T([5], "int32", data=[3, -1, 4, 1, -5])])
case("sort float64", "sort", [T([5], "float64")])
case("sort empty", "sort", [T([0])])
case("argsort dim 1", "argsort", [X34()], [{"dim": 1}])
case("argsort descending", "argsort", [X34()], [{"dim": 0, "descending": True}])
case("argsort stable ties", "argsort", [T([6], data=[2, 1, 2, 0, 1, 2])], [{"stable": True}])
case("topk k=2", "topk", [X34()], [2])
case("topk smallest dim 0", "topk", [X34()], [2, {"dim": 0, "largest": False}])
case("topk transposed", "topk", [T([5, 3], layout=[["t"]])], [3, {"dim": -1}])
case("topk k=0", "topk", [X34()], [0])
case("topk float64", "topk", [T([6], "float64")], [4])

# ---- shape ops
case("view", "view", [T([2, 6])], [[3, 4]])
case("view infer -1", "view", [T([2, 6])], [[-1, 2, 3]])
case("view 0-d to [1]", "view", [T([])], [[1]])
case("view sliced rows", "view", [T([4, 3], layout=[["slice", 0, 1, 3, 1]])], [[6]])
case("reshape transposed copies", "reshape", [T([3, 4], layout=[["t"]])], [[2, 6]])
case("reshape expanded", "reshape", [T([1, 3], layout=[["expand", [2, 3]]])], [[-1]])
case("reshape empty", "reshape", [T([0, 4])], [[2, 0, -1]])
case("reshape to 0-d", "reshape", [T([1, 1])], [[]])
case("permute", "permute", [T([2, 3, 4])], [[2, 0, 1]])
case("permute negative dims", "permute", [T([2, 3, 4])], [[-1, -3, -2]])
case("permute transposed input", "permute", [T([2, 4, 3], layout=[["t"]])], [[1, 2, 0]])
case("transpose", "transpose", [T([2, 3, 4])], [0, 2])
case("transpose negative", "transpose", [T([2, 3, 4])], [-1, -2])
case("transpose 0-d", "transpose", [T([])], [0, -1])
case("t 2-D", "t", [T([2, 3])])
case("t 1-D", "t", [T([3])])
case("t sliced", "t", [T([3, 4], layout=[["slice", 1, 1, None, 2]])])
case("expand", "expand", [T([3, 1])], [[2, 3, 4]])
case("expand -1", "expand", [T([3, 1])], [[-1, 4]])
case("expand transposed", "expand", [T([1, 3], layout=[["t"]])], [[3, 2]])
case("expand 0-d", "expand", [T([])], [[2, 2]])
case("expand to 0", "expand", [T([1, 3])], [[0, 3]])
case("squeeze all", "squeeze", [T([1, 3, 1, 2])])
case("squeeze dim", "squeeze", [T([1, 3, 1, 2])], [2])
case("squeeze negative dim", "squeeze", [T([1, 3, 1, 2])], [-4])
case("squeeze non-1 dim noop", "squeeze", [T([1, 3, 1, 2])], [1])
case("squeeze 0-d", "squeeze", [T([])])
case("unsqueeze", "unsqueeze", [T([2, 3])], [1])
case("unsqueeze -1", "unsqueeze", [T([2, 3])], [-1])
case("unsqueeze transposed", "unsqueeze", [T([3, 2], layout=[["t"]])], [0])
case("unsqueeze 0-d", "unsqueeze", [T([])], [0])
case("flatten", "flatten", [T([2, 3, 4])])
case("flatten range", "flatten", [T([2, 3, 4, 2])], [1, 2])
case("flatten negative", "flatten", [T([2, 3, 4])], [-2, -1])
case("flatten transposed", "flatten", [T([2, 4, 3], layout=[["t"]])], [1])
case("flatten 0-d", "flatten", [T([])])
case("unflatten", "unflatten", [T([2, 12])], [1, [3, 4]])
case("unflatten -1", "unflatten", [T([12, 2])], [0, [2, -1, 3]])
case("unflatten negative dim", "unflatten", [T([2, 6])], [-1, [3, 2]])
case("narrow", "narrow", [T([4, 5])], [1, 1, 3])
case("narrow negative start", "narrow", [T([4, 5])], [0, -2, 2])
case("narrow transposed", "narrow", [T([5, 4], layout=[["t"]])], [-1, 2, 3])
case("narrow length 0", "narrow", [T([4, 5])], [1, 2, 0])
case("unfold non-overlapping", "unfold", [T([2, 6])], [1, 2, 2])
case("unfold overlapping", "unfold", [T([7])], [0, 3, 1])
case("unfold step > size", "unfold", [T([3, 7])], [-1, 2, 3])
case("unfold dim 0 transposed", "unfold", [T([3, 5], layout=[["t"]])], [0, 2, 1])
case("diagonal", "diagonal", [T([3, 4])])
case("diagonal offset 1", "diagonal", [T([3, 4])], [{"offset": 1}])
case("diagonal offset -1", "diagonal", [T([3, 4])], [{"offset": -1}])
case("diagonal dims 3-D", "diagonal", [T([2, 3, 3])], [{"dim1": 1, "dim2": 2}])
case("diagonal negative dims offset", "diagonal", [T([3, 2, 3])], [{"offset": 1, "dim1": -1, "dim2": 0}])
case("diagonal transposed", "diagonal", [T([4, 3], layout=[["t"]])], [{"offset": -1}])
case("diagonal offset out of range", "diagonal", [T([2, 3])], [{"offset": 5}])
case("movedim", "movedim", [T([2, 3, 4])], [0, 2])
case("movedim negative", "movedim", [T([2, 3, 4])], [-1, 0])
case("cat dim 0", "cat", [T([2, 3]), T([1, 3])], [[t_(0), t_(1)], 0], "fn")
case("cat dim -1 three", "cat", [T([2, 1]), T([3, 2], layout=[["t"]]), T([2, 2])], [[t_(0), t_(1), t_(2)], -1], "fn")
case("cat empty legacy 1-D", "cat", [T([2, 3]), T([0])], [[t_(0), t_(1)]], "fn")
case("cat empty along dim", "cat", [T([0, 3]), T([2, 3])], [[t_(0), t_(1)], 0], "fn")
case("cat promotes int32 float32", "cat", [T([2], "int32", -3, 3), T([3])], [[t_(0), t_(1)]], "fn")
case("cat float32 float64", "cat", [T([2]), T([3], "float64")], [[t_(0), t_(1)]], "fn")
case("cat expanded", "cat", [T([1, 3], layout=[["expand", [2, 3]]]), T([2, 3])], [[t_(0), t_(1)], 1], "fn")
case("stack dim 0", "stack", [T([2, 3]), T([2, 3])], [[t_(0), t_(1)]], "fn")
case("stack dim -1", "stack", [T([2, 3]), T([3, 2], layout=[["t"]])], [[t_(0), t_(1)], -1], "fn")
case("stack 0-d", "stack", [T([]), T([]), T([])], [[t_(0), t_(1), t_(2)]], "fn")
case("stack dim 1 int32", "stack", [T([3], "int32"), T([3], "int32")], [[t_(0), t_(1)], 1], "fn")
case("split size", "split", [T([5, 2])], [2])
case("split sections dim 1", "split", [T([2, 6])], [[1, 3, 2], 1])
case("split negative dim transposed", "split", [T([5, 3], layout=[["t"]])], [2, -1])
case("split with zero section", "split", [T([4])], [[0, 4]])
case("chunk", "chunk", [T([5, 2])], [3])
case("chunk dim 1", "chunk", [T([2, 6])], [4, 1])
case("chunk more than size", "chunk", [T([2])], [5])
case("flip", "flip", [T([2, 3])], [0])
case("flip dims", "flip", [T([2, 3, 2])], [[0, -1]])
case("flip transposed", "flip", [T([3, 2], layout=[["t"]])], [[1]])
case("flip int32", "flip", [T([4], "int32")], [0])
case("roll flat", "roll", [T([2, 3])], [2])
case("roll dim", "roll", [T([2, 3])], [-1, 1])
case("roll dims", "roll", [T([3, 4])], [[1, 5], [0, 1]])
case("roll transposed", "roll", [T([4, 3], layout=[["t"]])], [1, 0])
case("repeat", "repeat", [T([2, 3])], [[2, 1]])
case("repeat new dims", "repeat", [T([3])], [[2, 1, 2]])
case("repeat transposed", "repeat", [T([3, 2], layout=[["t"]])], [[1, 3]])
case("repeat zero", "repeat", [T([2])], [[0]])
case("repeatInterleave scalar flat", "repeatInterleave", [T([2, 2])], [2])
case("repeatInterleave scalar dim", "repeatInterleave", [T([2, 3])], [3, 1])
case("repeatInterleave tensor dim 0", "repeatInterleave", [T([3, 2]), I([1, 0, 2])], [t_(1), 0])
case("repeatInterleave tensor flat", "repeatInterleave", [T([3]), I([2, 1, 3])], [t_(1)])
case("repeatInterleave negative dim transposed", "repeatInterleave", [T([3, 2], layout=[["t"]]), I([2, 1, 1])], [t_(1), -1])
case("repeatInterleave int32", "repeatInterleave", [T([3], "int32")], [2])
for op in ["tril", "triu"]:
    case(f"{op}", op, [T([3, 4])])
    case(f"{op} diag 1", op, [T([3, 4])], [1])
    case(f"{op} diag -1", op, [T([4, 3])], [-1])
    case(f"{op} batched transposed", op, [T([2, 4, 3], layout=[["t"]])])
    case(f"{op} int32", op, [T([3, 3], "int32")])

# ---- index ops
case("gather dim 0", "gather", [T([3, 4]), I([0, 2, 1, 0, 2, 2, 0, 1], [2, 4])], [0, t_(1)])
case("gather dim 1", "gather", [T([3, 4]), I([3, 0, 1, 1, 2, 2], [3, 2])], [1, t_(1)])
case("gather dim -1 transposed", "gather", [T([4, 3], layout=[["t"]]), I([3, 0, 0, 1, 2, 2], [3, 2])], [-1, t_(1)])
case("gather smaller index", "gather", [T([3, 4]), I([1, 0], [1, 2])], [0, t_(1)])
case("gather int32", "gather", [T([2, 3], "int32"), I([2, 0, 1, 1], [2, 2])], [1, t_(1)])
case("gather empty index", "gather", [T([3, 4]), I([], [0, 4])], [0, t_(1)])
case("scatter tensor src", "scatter", [T([3, 4]), I([0, 2, 1, 1, 0, 2], [2, 3]), T([2, 3])], [0, t_(1), t_(2)])
case("scatter scalar", "scatter", [T([3, 4]), I([3, 0, 1, 2], [2, 2])], [1, t_(1), 1.5])
# (src not differentiated: PyTorch 1.13's ScatterBackward returns a wrongly shaped src gradient here)
case("scatter src larger", "scatter", [T([3, 4]), I([2, 0], [1, 2]), T([2, 3], grad=False)], [0, t_(1), t_(2)])
case("scatter transposed self", "scatter", [T([4, 3], layout=[["t"]]), I([1, 3, 0, 2], [2, 2]), T([2, 2])], [-1, t_(1), t_(2)])
case("scatterAdd duplicates", "scatterAdd", [T([3, 4]), I([0, 0, 1, 0, 2, 2, 0, 0], [2, 4]), T([2, 4])], [0, t_(1), t_(2)])
case("scatterAdd dim 1", "scatterAdd", [T([2, 3]), I([0, 0, 2, 1, 1, 1], [2, 3]), T([2, 3], layout=[])], [1, t_(1), t_(2)])
case("scatterAdd expanded src", "scatterAdd", [T([2, 3]), I([0, 0, 2, 1, 1, 1], [2, 3]), T([1, 3], layout=[["expand", [2, 3]]])], [1, t_(1), t_(2)])
case("scatterAdd int32", "scatterAdd", [T([4], "int32"), I([0, 0, 3]), T([3], "int32")], [0, t_(1), t_(2)])
case("indexSelect dim 0", "indexSelect", [T([4, 3]), I([3, 0, 3])], [0, t_(1)])
case("indexSelect dim -1 transposed", "indexSelect", [T([4, 3], layout=[["t"]]), I([1, 2])], [-1, t_(1)])
case("indexSelect empty index", "indexSelect", [T([4, 3]), I([])], [0, t_(1)])
case("indexSelect int32", "indexSelect", [T([5], "int32"), I([4, 0])], [0, t_(1)])
case("indexSelect 0-d index", "indexSelect", [T([4, 3]), I([2], [])], [1, t_(1)])
case("indexAdd", "indexAdd", [T([4, 3]), I([0, 2, 0]), T([3, 3])], [0, t_(1), t_(2)])
case("indexAdd alpha dim 1", "indexAdd", [T([2, 4]), I([3, 1]), T([2, 2])], [1, t_(1), t_(2), {"alpha": 2}])
case("indexAdd transposed", "indexAdd", [T([3, 4], layout=[["t"]]), I([1, 1]), T([2, 3])], [0, t_(1), t_(2)])
case("nonzero 2-D", "nonzero", [T([2, 3], data=[0, 1.5, 0, -2, 0, 3])])
case("nonzero bool transposed", "nonzero", [B([True, False, False, True, True, False], [3, 2]) | {"layout": [["t"]]}])
case("nonzero none", "nonzero", [T([3], data=[0, 0, 0])])
case("nonzero 1-D int", "nonzero", [T([5], "int32", data=[0, 3, 0, -1, 2])])
case("maskedSelect", "maskedSelect", [T([2, 3]), B([True, False, True, False, True, True], [2, 3])], [t_(1)])
case("maskedSelect broadcast mask", "maskedSelect", [T([2, 3]), B([True, False, True])], [t_(1)])
case("maskedSelect broadcast input", "maskedSelect", [T([3]), B([True, False, True, False, True, True], [2, 3])], [t_(1)])
case("maskedSelect transposed", "maskedSelect", [T([3, 2], layout=[["t"]]), B([False, True, True, False, True, False], [2, 3])], [t_(1)])

# tensor indexing
X = lambda: T([3, 4, 5])
case("index int", "index", [X()], [1])
case("index negative int", "index", [X()], [-1])
case("index ints", "index", [X()], [0, -2, 3])
case("index slice 1:3", "index", [X()], ["1:3"])
case("index slice ::2", "index", [X()], [":", "::2"])
case("index slice negative bounds", "index", [X()], ["-2:", ":-1", "1::3"])
case("index slice out of range clamps", "index", [X()], ["1:10"])
case("index empty slice", "index", [X()], ["2:1"])
case("index newaxis", "index", [X()], [None, 0, None])
case("index ellipsis", "index", [X()], ["...", 1])
case("index ellipsis middle", "index", [X()], [0, "...", "1:3"])
case("index ellipsis newaxis", "index", [X()], ["...", None])
case("index transposed input", "index", [T([3, 5, 4], layout=[["t"]])], [":", "1:3", -1])
case("index bool mask full", "index", [T([2, 3]), B([True, False, True, False, True, True], [2, 3])], [t_(1)])
case("index bool mask dim 0", "index", [X(), B([True, False, True])], [t_(1)])
case("index bool mask after slice", "index", [X(), B([False, True, True, False])], [":", t_(1)])
case("index bool mask 2-D over first dims", "index", [X(), B([True, False, False, True, True, False, False, False, True, False, True, True], [3, 4])], [t_(1)])
case("index 0-d bool true", "index", [T([2, 3]), B([True], [])], [t_(1)])
case("index 0-d bool false", "index", [T([2, 3]), B([False], [])], [t_(1)])
case("index int tensor", "index", [X(), I([2, 0, 2])], [t_(1)])
case("index negative int tensor", "index", [X(), I([-1, 0])], [t_(1)])
case("index 2-D int tensor", "index", [X(), I([0, 1, 2, 0], [2, 2])], [t_(1)])
case("index int tensor dim 1", "index", [X(), I([3, 1])], [":", t_(1)])
case("index two adjacent int tensors", "index", [X(), I([0, 2]), I([1, 3])], [t_(1), t_(2)])
case("index adjacent tensors after slice", "index", [X(), I([0, 2, 1]), I([4, 0, 1])], [":", t_(1), t_(2)])
case("index broadcast int tensors", "index", [X(), I([0, 2], [2, 1]), I([1, 3, 0], [1, 3])], [t_(1), t_(2)])
case("index non-adjacent advanced goes first", "index", [X(), I([0, 2]), I([4, 1])], [t_(1), ":", t_(2)])
case("index int + tensor non-adjacent", "index", [X(), I([3, 1])], [0, ":", t_(1)])
case("index int and tensor adjacent", "index", [X(), I([3, 1])], [":", t_(1), 2])
case("index slice tensor slice", "index", [T([2, 3, 4, 5]), I([2, 0])], [":", ":", t_(1)])
case("index tensor separated by slice from tensor", "index", [T([2, 3, 4, 5]), I([1, 0]), I([4, 2])], [":", t_(1), ":", t_(2)])
case("index mixed newaxis ellipsis tensor", "index", [X(), I([1, 0])], [None, "...", t_(1)])
case("index list of ints", "index", [X()], [[2, 0]])
case("index int32 input", "index", [T([3, 4], "int32"), I([2, 0])], [t_(1), "1:"])
case("index sliced input with tensor", "index", [T([6, 4], layout=[["slice", 0, 0, None, 2]]), I([2, 0, 0])], [t_(1)])
case("index expanded input with mask", "index", [T([1, 3], layout=[["expand", [2, 3]]]), B([True, True, False, False, True, True], [2, 3])], [t_(1)])

case("indexPut int tensor", "indexPut", [T([3, 2]), I([0, 2]), T([2])], [[t_(1)], t_(2)])
case("indexPut accumulate duplicates", "indexPut", [T([3, 2]), I([0, 0, 2]), T([3, 2])], [[t_(1)], t_(2), {"accumulate": True}])
case("indexPut bool mask scalar", "indexPut", [T([2, 3]), B([True, False, True, False, False, True], [2, 3])], [[t_(1)], -1.5])
case("indexPut two tensors broadcast value", "indexPut", [T([3, 4]), I([0, 2]), I([1, 3]), T([], grad=False)], [[t_(1), t_(2)], t_(3)])

# ---- casts
case("to int32 truncates", "to", [T([5], data=[1.7, -1.7, 0.2, -0.0, 3.5], grad=False)], ["int32"])
case("to bool", "to", [T([4], data=[0, 0.5, -2, "NaN"], grad=False)], ["bool"])
case("to float64 transposed", "to", [T([3, 2], layout=[["t"]])], ["float64"])
case("to float32 from float64", "to", [T([4], "float64")], ["float32"])
case("to float32 from int32", "to", [T([4], "int32")], ["float32"])
case("to int32 from bool", "to", [B([True, False, True])], ["int32"])
case("where bool x int scalar", "where", [B([True, False, True]), B([False, True, True])], [t_(0), t_(1), 3], "fn")
case("nonzero 0-d", "nonzero", [T([], data=[2.0])])
case("nonzero empty", "nonzero", [T([0, 2])])

# ---- size-1 dims
case("exp size-1 dims [1,3,1]", "exp", [T([1, 3, 1])])
case("add [1] x [2,1,3]", "add", [T([1]), T([2, 1, 3])], [t_(1)])
case("mul [2,1,3] x [1,4,1]", "mul", [T([2, 1, 3]), T([1, 4, 1])], [t_(1)])
case("sum over size-1 dim", "sum", [T([3, 1, 2])], [1])
case("mean over size-1 dims keepdim", "mean", [T([1, 3, 1])], [[0, 2], {"keepdim": True}])
case("amax size-1 dim", "amax", [T([1, 4])], [0])
case("max dim size-1", "max", [T([3, 1])], [1])
case("softmax size-1 dim", "softmax", [T([3, 1])], [1])
case("cumsum size-1 dim", "cumsum", [T([1, 4])], [0])
case("sort size-1 dim", "sort", [T([3, 1])], [{"dim": 1}])
case("matmul size-1 m and n", "matmul", [T([1, 3]), T([3, 1])], [t_(1)])
case("matmul size-1 k", "matmul", [T([2, 1]), T([1, 3])], [t_(1)])
case("var size-1 dim correction 0", "var", [T([2, 1])], [1, {"correction": 0}])
case("gather size-1 dims", "gather", [T([1, 3]), I([2, 0], [1, 2])], [1, t_(1)])
case("index size-1 dim", "index", [T([1, 3]), I([0, 0])], [t_(1)])

# ---- invalid arguments: PyTorch throws, so must tsgrad
case("error: gather index out of range", "gather", [T([2, 3]), I([0, 3], [1, 2])], [1, t_(1)])
case("error: gather negative index", "gather", [T([2, 3]), I([0, -1], [1, 2])], [1, t_(1)])
case("error: indexSelect out of range", "indexSelect", [T([2, 3]), I([2])], [0, t_(1)])
case("error: indexSelect negative", "indexSelect", [T([2, 3]), I([-1])], [0, t_(1)])
case("error: scatter index out of range", "scatter", [T([2, 3]), I([5], [1, 1]), T([1, 1])], [0, t_(1), t_(2)])
case("error: scatterAdd negative index", "scatterAdd", [T([2, 3]), I([-1], [1, 1]), T([1, 1])], [0, t_(1), t_(2)])
case("error: indexAdd out of range", "indexAdd", [T([2, 3]), I([2]), T([1, 3])], [0, t_(1), t_(2)])
case("error: index tensor out of range", "index", [T([2, 3]), I([2])], [t_(1)])
case("error: index int out of range", "index", [T([2, 3])], [0, 3])
case("error: index too many", "index", [T([2, 3])], [0, 0, 0])
case("error: mask shape mismatch", "index", [T([2, 3]), B([True, False])], [":", t_(1)])
case("error: view incompatible strides", "view", [T([3, 4], layout=[["t"]])], [[12]])
case("error: view wrong numel", "view", [T([3, 4])], [[5, 2]])
case("error: expand non-singleton", "expand", [T([2, 3])], [[3, 3]])
case("error: add shapes not broadcastable", "add", [T([2, 3]), T([2])], [t_(1)])
case("error: matmul inner mismatch", "matmul", [T([2, 3]), T([2, 3])], [t_(1)])
case("error: mm 1-D", "mm", [T([3]), T([3, 2])], [t_(1)])
case("error: bmm batch mismatch", "bmm", [T([2, 2, 3]), T([3, 3, 2])], [t_(1)])
case("error: dot lengths", "dot", [T([3]), T([4])], [t_(1)])
case("error: cat shape mismatch", "cat", [T([2, 3]), T([2, 2])], [[t_(0), t_(1)], 0], "fn")
case("error: stack shape mismatch", "stack", [T([2, 3]), T([3, 2])], [[t_(0), t_(1)]], "fn")
case("error: dim out of range", "sum", [T([2, 3])], [2])
case("error: negative dim out of range", "softmax", [T([2, 3])], [-3])
case("error: repeated dims", "sum", [T([2, 3])], [[1, -1]])
case("error: mean of int32", "mean", [T([3], "int32")])
case("error: bitwiseAnd float", "bitwiseAnd", [T([3]), T([3])], [t_(1)])
case("error: sub bools", "sub", [B([True, False]), B([True, True])], [t_(1)])
case("error: neg bool", "neg", [B([True, False])])
case("error: topk k too big", "topk", [T([3])], [4])
case("error: argmax empty", "argmax", [T([0])])
case("error: max empty", "max", [T([0])])
case("error: amax empty dim", "amax", [T([0, 3])], [0])
case("error: narrow past end", "narrow", [T([3])], [0, 2, 2])
case("error: unfold size too big", "unfold", [T([3])], [0, 4, 1])
case("error: split sections wrong sum", "split", [T([4])], [[1, 2]])
case("error: permute wrong length", "permute", [T([2, 3])], [[0]])
case("error: permute repeated", "permute", [T([2, 3])], [[0, 0]])
case("error: diagonal same dims", "diagonal", [T([3, 3])], [{"dim1": 0, "dim2": 0}])
case("error: tril 1-D", "tril", [T([3])])
case("error: repeat fewer dims", "repeat", [T([2, 3])], [[2]])
case("maskedFill mask broadcasts the input", "maskedFill", [T([3]), B([True, False, True, True, False, True], [2, 3])], [t_(1), 0])
case("error: where condition not bool", "where", [T([3], "int32"), T([3]), T([3])], [t_(0), t_(1), t_(2)], "fn")
case("error: gather index dims", "gather", [T([2, 3]), I([0, 1])], [1, t_(1)])
case("error: einsum wrong operand count", "einsum", [T([2, 3])], ["ij,jk->ik", t_(0)], "fn")
case("error: einsum size mismatch", "einsum", [T([2, 3]), T([4, 2])], ["ij,jk->ik", t_(0), t_(1)], "fn")
case("error: repeatInterleave repeats length", "repeatInterleave", [T([3]), I([1, 2])], [t_(1), 0])
case("error: squeeze dim out of range", "squeeze", [T([2, 1])], [2])
case("error: unflatten wrong product", "unflatten", [T([2, 6])], [1, [4, 2]])

# ---- linear algebra
case("matmul 1-D x 1-D", "matmul", [T([4]), T([4])], [t_(1)])
case("matmul 2-D x 1-D", "matmul", [T([3, 4]), T([4])], [t_(1)])
case("matmul 1-D x 2-D", "matmul", [T([3]), T([3, 4])], [t_(1)])
case("matmul 2-D x 2-D", "matmul", [T([2, 3]), T([3, 4])], [t_(1)])
case("matmul 3-D x 2-D", "matmul", [T([2, 3, 4]), T([4, 2])], [t_(1)])
case("matmul 2-D x 3-D", "matmul", [T([3, 4]), T([2, 4, 2])], [t_(1)])
case("matmul 1-D x 3-D", "matmul", [T([3]), T([2, 3, 4])], [t_(1)])
case("matmul 3-D x 1-D", "matmul", [T([2, 3, 4]), T([4])], [t_(1)])
case("matmul batch broadcast", "matmul", [T([2, 1, 3, 4]), T([3, 4, 2])], [t_(1)])
case("matmul transposed operands", "matmul", [T([4, 3], layout=[["t"]]), T([2, 4], layout=[["t"]])], [t_(1)])
case("matmul sliced operand", "matmul", [T([3, 8], layout=[["slice", 1, 0, None, 2]]), T([4, 2])], [t_(1)])
case("matmul expanded batch", "matmul", [T([1, 2, 3], layout=[["expand", [3, 2, 3]]]), T([3, 3, 2])], [t_(1)])
case("matmul empty k", "matmul", [T([2, 0]), T([0, 3])], [t_(1)])
case("matmul empty m", "matmul", [T([0, 3]), T([3, 2])], [t_(1)])
case("matmul float64", "matmul", [T([2, 3], "float64"), T([3, 2], "float64")], [t_(1)])
case("matmul int32", "matmul", [T([2, 3], "int32"), T([3, 2], "int32")], [t_(1)])
case("mm", "mm", [T([2, 3]), T([3, 4])], [t_(1)])
case("mm transposed", "mm", [T([3, 2], layout=[["t"]]), T([3, 4])], [t_(1)])
case("bmm", "bmm", [T([2, 2, 3]), T([2, 3, 2])], [t_(1)])
case("bmm permuted", "bmm", [T([3, 2, 2], layout=[["permute", [1, 2, 0]]]), T([2, 3, 2])], [t_(1)])
case("mv", "mv", [T([3, 4]), T([4])], [t_(1)])
case("mv transposed", "mv", [T([4, 3], layout=[["t"]]), T([8], layout=[["slice", 0, 0, None, 2]])], [t_(1)])
case("dot", "dot", [T([5]), T([5])], [t_(1)])
case("dot float64 sliced", "dot", [T([6], "float64", layout=[["slice", 0, 1, None, 2]]), T([3], "float64")], [t_(1)])
case("dot empty", "dot", [T([0]), T([0])], [t_(1)])
case("outer", "outer", [T([3]), T([4])], [t_(1)])
case("addmm bias row (fused)", "addmm", [T([4]), T([3, 5]), T([5, 4])], [t_(0), t_(1), t_(2)], "fn")
case("addmm (1, p) bias, transposed mat2", "addmm", [T([1, 4]), T([3, 5]), T([4, 5], layout=[["t"]])], [t_(1), t_(2)])
case("addmm full input, beta and alpha", "addmm", [T([3, 4]), T([3, 5]), T([5, 4])], [t_(1), t_(2), {"beta": 0.5, "alpha": -2.0}])
case("addmm column input broadcast", "addmm", [T([3, 1]), T([3, 2]), T([2, 4])], [t_(1), t_(2)])
case("addmm beta 0 ignores NaN input", "addmm", [T([4], data=[float("nan"), 1.0, float("inf"), 2.0]), T([2, 3]), T([3, 4])], [t_(1), t_(2), {"beta": 0}])
case("addmm float64", "addmm", [T([2], "float64"), T([3, 4], "float64"), T([4, 2], "float64")], [t_(1), t_(2)])
case("addmm empty k", "addmm", [T([3]), T([2, 0]), T([0, 3])], [t_(1), t_(2)])
case("error: addmm input does not broadcast", "addmm", [T([5]), T([2, 3]), T([3, 4])], [t_(1), t_(2)])
case("error: addmm 3-D matrix", "addmm", [T([4]), T([2, 2, 3]), T([3, 4])], [t_(1), t_(2)])
case("outer expanded", "outer", [T([1], layout=[["expand", [3]]]), T([2])], [t_(1)])
EIN = [
    ("ij,jk->ik", [[2, 3], [3, 4]]), ("bij,bjk->bik", [[2, 2, 3], [2, 3, 2]]), ("ii->i", [[3, 3]]), ("ii", [[3, 3]]),
    ("ij->ji", [[2, 3]]), ("ij->", [[2, 3]]), ("i,j->ij", [[3], [2]]), ("i,i->", [[4], [4]]), ("ij,kj", [[2, 3], [4, 3]]),
    ("...d,d->...", [[2, 3, 4], [4]]), ("...ij,...jk->...ik", [[2, 1, 2, 3], [3, 3, 2]]), ("bii->bi", [[2, 3, 3]]),
    ("ijk->kj", [[2, 3, 4]]), ("ij,jk,kl->il", [[2, 3], [3, 2], [2, 2]]), ("ba", [[2, 3]]), ("i,i,i->i", [[3], [3], [3]]),
    ("ij,ij->i", [[2, 3], [2, 3]]), ("bn,anm,bm->ba", [[2, 3], [4, 3, 2], [2, 2]]),
]
for eq, shapes in EIN:
    ins = [T(s) for s in shapes]
    case(f"einsum '{eq}'", "einsum", ins, [eq] + [t_(i) for i in range(len(ins))], "fn")
case("einsum transposed operands 'ij,jk->ik'", "einsum", [T([3, 2], layout=[["t"]]), T([4, 3], layout=[["t"]])], ["ij,jk->ik", t_(0), t_(1)], "fn")
case("einsum broadcast size-1 '...i,...i->...'", "einsum", [T([1, 3]), T([2, 3])], ["...i,...i->...", t_(0), t_(1)], "fn")
case("einsum float64 'ii->i'", "einsum", [T([3, 3], "float64")], ["ii->i", t_(0)], "fn")


# floor_divide has no derivative in PyTorch (and none in tsgrad): compare forward only.
for c in CASES:
    if c["op"] == "floorDivide":
        for s in c["inputs"]:
            s["grad"] = False

# ---------------------------------------------------------------- run

def run_case(c):
    built = [build(s) for s in c["inputs"]]
    bases = [b for b, _ in built]
    xs = [x for _, x in built]
    out = call(c["op"], c["call"], xs, c["args"])
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    c["outputs"] = [{"shape": list(o.shape), "dtype": dtname(o.dtype), "data": flat(o)} for o in outs]
    ups = []
    loss = None
    for o in outs:
        if o.dtype.is_floating_point and o.requires_grad:
            g = torch.tensor([round(rng.gauss(0, 1), 3) for _ in range(o.numel())], dtype=o.dtype).reshape(o.shape)
            ups.append(flat(g))
            term = (o * g).sum()
            loss = term if loss is None else loss + term
        else:
            ups.append(None)
    c["upstream"] = ups
    grads = [None] * len(bases)
    if loss is not None:
        loss.backward()
        for i, b in enumerate(bases):
            if b.requires_grad:
                grads[i] = flat(b.grad) if b.grad is not None else flat(torch.zeros_like(b))
    c["grads"] = grads


for c in CASES:
    try:
        run_case(c)
    except (RuntimeError, IndexError, TypeError, ValueError) as e:
        # PyTorch rejects the call: tsgrad must throw too.
        c["error"] = str(e).splitlines()[0][:200]
        print(f"  (error case) {c['name']}: {c['error']}")

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT) / 1e6:.2f} MB)")
