"""A spec-faithful safetensors writer and strict reader in plain Python (struct + json).

The `safetensors` package is not installable here (no PyPI), so this module mirrors the
reference implementation's layout (huggingface/safetensors, `safetensors/src/tensor.rs`,
functions `prepare`/`serialize` and `Metadata::validate`) closely enough to be byte-identical:

- 8-byte little-endian u64 header length N, then N bytes of UTF-8 JSON, then the data buffer;
- tensors sorted by dtype in *descending* order of the reference `Dtype` enum (declared in
  increasing alignment: BOOL, U8, I8, [F8_*], I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64),
  ties broken by name in byte (UTF-8) order, and laid out back to back from offset 0;
- compact JSON (serde_json style: no spaces, non-ASCII kept as UTF-8) with "__metadata__" first
  when given, and each entry's keys in the order dtype, shape, data_offsets;
- the JSON padded with spaces (0x20) so N is a multiple of 8;
- tensor bytes little-endian, C order.

One deliberate difference: the reference writes metadata keys in Rust HashMap order, which is
random per run (safetensors issue #584); we sort them (as the proposed upstream fix does), so the
bytes are reproducible. tsgrad's encoder does the same.
"""
import json
import struct

import torch

# Rank = position in the reference's Dtype enum (gaps where FP8 types sit).
DTYPE_RANK = {"BOOL": 0, "U8": 1, "I8": 2, "I16": 5, "U16": 6, "F16": 7, "BF16": 8,
              "I32": 9, "U32": 10, "F32": 11, "F64": 12, "I64": 13, "U64": 14}
ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
            "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}
TORCH_TO_ST = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
               torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32",
               torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}
ST_TO_TORCH = {v: k for k, v in TORCH_TO_ST.items()}


def tensor_bytes(t: torch.Tensor) -> bytes:
    """Little-endian C-order bytes of a tensor (torch stores native order; x86/arm are LE)."""
    assert struct.pack("=H", 1) == b"\x01\x00", "big-endian host: byte-swap needed"
    t = t.detach().cpu().contiguous()
    return t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""


def _s(x: str) -> str:
    return json.dumps(x, ensure_ascii=False)


def write_raw(entries, metadata=None) -> bytes:
    """entries: {name: (dtype_str, shape list, data bytes)} -> safetensors bytes."""
    order = sorted(entries.items(), key=lambda kv: (-DTYPE_RANK[kv[1][0]], kv[0].encode("utf-8")))
    parts = []
    if metadata is not None:
        keys = sorted(metadata, key=lambda k: k.encode("utf-8"))
        parts.append('"__metadata__":{' + ",".join(f"{_s(k)}:{_s(metadata[k])}" for k in keys) + "}")
    offset, blobs = 0, []
    for name, (dtype, shape, data) in order:
        n = 1
        for d in shape:
            n *= d
        assert len(data) == n * ITEMSIZE[dtype], name
        parts.append(f'{_s(name)}:{{"dtype":"{dtype}","shape":[{",".join(str(d) for d in shape)}],'
                     f'"data_offsets":[{offset},{offset + len(data)}]}}')
        offset += len(data)
        blobs.append(data)
    header = ("{" + ",".join(parts) + "}").encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    return struct.pack("<Q", len(header)) + header + b"".join(blobs)


def write(tensors, metadata=None) -> bytes:
    """tensors: {name: torch.Tensor} -> bytes, like safetensors.torch.save(tensors, metadata)."""
    return write_raw({k: (TORCH_TO_ST[t.dtype], list(t.shape), tensor_bytes(t)) for k, t in tensors.items()},
                     metadata)


def read_raw(buf: bytes):
    """Strict reader (the reference's checks). Returns (entries in file order, metadata or None)."""
    if len(buf) < 8:
        raise ValueError("HeaderTooSmall")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > 100_000_000:
        raise ValueError("HeaderTooLarge")
    if 8 + n > len(buf):
        raise ValueError("InvalidHeaderLength")
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    if not buf[8:9] == b"{":
        raise ValueError("InvalidHeaderStart")
    metadata = header.pop("__metadata__", None)
    items = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    start, entries = 0, {}
    data = buf[8 + n:]
    for name, info in items:
        b, e = info["data_offsets"]
        if b != start or e < b:
            raise ValueError(f"InvalidOffset({name})")
        numel = 1
        for d in info["shape"]:
            numel *= d
        if e - b != numel * ITEMSIZE[info["dtype"]]:
            raise ValueError("TensorInvalidInfo")
        start = e
        entries[name] = (info["dtype"], list(info["shape"]), data[b:e])
    if start != len(data):
        raise ValueError("MetadataIncompleteBuffer")
    return entries, metadata


def to_torch(dtype: str, shape, data: bytes) -> torch.Tensor:
    t = torch.frombuffer(bytearray(data), dtype=torch.uint8) if data else torch.empty(0, dtype=torch.uint8)
    return t.view(ST_TO_TORCH[dtype]).reshape(shape)
