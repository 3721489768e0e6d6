"""PyTorch CPU peer for bench/sgemm.ts: float32 matmul timings as one JSON line on stdout.

Usage: python3 bench/peers/torch_sgemm.py --threads 2 --sizes 128,256,512,1024 --budget 0.4
Reports the BLAS library actually mapped into the process (Debian's torch uses the libblas.so.3
alternative: OpenBLAS when installed, else the slow reference BLAS).
"""
import argparse
import json
import statistics
import time

import torch


def loaded_blas():
    libs = set()
    with open('/proc/self/maps') as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ''
            if 'blas' in path or 'mkl' in path:
                libs.add(path)
    return sorted(libs)


def median_ms(fn, budget):
    fn(); fn()
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < budget and len(times) < 50):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--sizes', default='128,256,512,1024')
    ap.add_argument('--budget', type=float, default=0.4)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = []
    for n in [int(s) for s in args.sizes.split(',')]:
        a = torch.rand(n, n)
        b = torch.rand(n, n)
        out = torch.empty(n, n)
        results.append({'n': n, 'case': 'NN', 'ms': median_ms(lambda: torch.mm(a, b, out=out), args.budget)})
        results.append({'n': n, 'case': 'NT', 'ms': median_ms(lambda: torch.mm(a, b.t(), out=out), args.budget)})
    print(json.dumps({
        'impl': 'pytorch', 'threads': torch.get_num_threads(), 'results': results,
        'info': {'torch': torch.__version__, 'blas': loaded_blas()},
    }))


if __name__ == '__main__':
    main()
