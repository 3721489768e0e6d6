"""PyTorch CPU peer for bench/run.ts: the same workloads as bench/workloads.ts, medians as one JSON line.

Usage: python3 bench/peers/torch_workloads.py --threads 2 --sizes 128,256,512,1024 --budget 0.5
Threads go through torch.set_num_threads (intra-op) and OMP_NUM_THREADS / OPENBLAS_NUM_THREADS, set by
the runner. The runner points LD_LIBRARY_PATH at the OpenMP OpenBLAS; the BLAS actually mapped into the
process is reported from /proc/self/maps.
"""
import argparse
import ctypes
import json
import statistics
import time

import torch
import torch.nn.functional as F


def loaded_blas():
    libs = set()
    with open('/proc/self/maps') as f:
        for line in f:
            parts = line.split()
            path = parts[-1] if len(parts) >= 6 else ''
            if 'blas' in path or 'mkl' in path or 'gomp' in path:
                libs.add(path)
    return sorted(libs)


def openblas_core(libs):
    # The kernel set OpenBLAS's runtime dispatch picked for this CPU (e.g. Cooperlake: AVX-512).
    for path in libs:
        if 'openblas' in path:
            try:
                fn = ctypes.CDLL(path).openblas_get_corename
                fn.restype = ctypes.c_char_p
                return fn().decode()
            except (OSError, AttributeError):
                return None
    return None


# Training steps also warm up for up to 1500 calls within 2 s (STEP_WARMUP in bench/run.ts).
STEP_WARMUP = (1500, 2.0)


def median_ms(fn, budget, extra=(0, 0.0)):
    # Warm-up: at least 3 calls and a quarter of the budget, then up to extra[0] calls while under
    # extra[1] seconds in all (the same rule as bench/run.ts).
    start = time.perf_counter()
    for i in range(10**6):
        fn()
        elapsed = time.perf_counter() - start
        if i >= 2 and elapsed >= budget / 4 and (i + 1 >= extra[0] or elapsed >= extra[1]):
            break
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < budget and len(times) < 200):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def param(shape, scale):
    return (torch.randn(*shape) * scale).requires_grad_()


def mlp_step():
    x = torch.randn(64, 784)
    y = torch.randint(0, 10, (64,))
    w1, b1 = param((256, 784), 1 / 28), param((256,), 0.01)
    w2, b2 = param((10, 256), 1 / 16), param((10,), 0.01)
    opt = torch.optim.SGD([w1, b1, w2, b2], lr=0.01)

    def step():
        opt.zero_grad(set_to_none=True)
        h = F.relu(F.linear(x, w1, b1))
        loss = F.cross_entropy(F.linear(h, w2, b2), y)
        loss.backward()
        opt.step()
    return step


def conv_step():
    x = torch.randn(32, 1, 28, 28).requires_grad_()
    w, b = param((16, 1, 3, 3), 1 / 3), param((16,), 0.01)

    def step():
        F.conv2d(x, w, b).sum().backward()
        x.grad = w.grad = b.grad = None
    return step


def transformer_step():
    B, T, d, H, Fh = 8, 64, 128, 4, 512
    hd = d // H
    x = torch.randn(B, T, d).requires_grad_()
    s = 1 / d ** 0.5
    wqkv, bqkv = param((3 * d, d), s), param((3 * d,), 0.01)
    wo, bo = param((d, d), s), param((d,), 0.01)
    w1, b1 = param((Fh, d), s), param((Fh,), 0.01)
    w2, b2 = param((d, Fh), 1 / Fh ** 0.5), param((d,), 0.01)
    g1, be1 = torch.ones(d, requires_grad=True), torch.zeros(d, requires_grad=True)
    g2, be2 = torch.ones(d, requires_grad=True), torch.zeros(d, requires_grad=True)
    params = [x, wqkv, bqkv, wo, bo, w1, b1, w2, b2, g1, be1, g2, be2]

    def step():
        h = F.layer_norm(x, (d,), g1, be1)
        qkv = F.linear(h, wqkv, bqkv)
        q, k, v = [t.reshape(B, T, H, hd).transpose(1, 2) for t in qkv.split(d, -1)]
        att = ((q @ k.transpose(-2, -1)) * (1 / hd ** 0.5)).softmax(-1)
        o = (att @ v).transpose(1, 2).reshape(B, T, d)
        x1 = x + F.linear(o, wo, bo)
        f = F.linear(F.gelu(F.linear(F.layer_norm(x1, (d,), g2, be2), w1, b1)), w2, b2)
        (x1 + f).sum().backward()
        for p in params:
            p.grad = None
    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--sizes', default='128,256,512,1024')
    ap.add_argument('--workloads', default='sgemm,mlp,conv,transformer')
    ap.add_argument('--budget', type=float, default=0.5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    wanted = args.workloads.split(',')
    results = []
    if 'sgemm' in wanted:
        for n in [int(s) for s in args.sizes.split(',')]:
            a, b, out = torch.rand(n, n), torch.rand(n, n), torch.empty(n, n)
            results.append({'case': f'sgemm-NN-{n}', 'ms': median_ms(lambda: torch.mm(a, b, out=out), args.budget)})
            results.append({'case': f'sgemm-NT-{n}', 'ms': median_ms(lambda: torch.mm(a, b.t(), out=out), args.budget)})
    for name, build in (('mlp', mlp_step), ('conv', conv_step), ('transformer', transformer_step)):
        if name in wanted:
            results.append({'case': name, 'ms': median_ms(build(), args.budget, STEP_WARMUP)})
    blas = loaded_blas()
    print(json.dumps({
        'impl': 'pytorch', 'threads': torch.get_num_threads(), 'results': results,
        'info': {'version': torch.__version__, 'blas': blas, 'openblasCore': openblas_core(blas)},
    }))


if __name__ == '__main__':
    main()
