#!/usr/bin/env python3
"""Export scikit-learn's bundled toy datasets (digits, iris, wine) into data/*.csv.

Reads the raw files shipped inside the installed scikit-learn package (no network) through
sklearn's own loaders, so the values are exactly what `load_digits()` etc. return, and writes
one plain CSV per dataset: a header row of feature names plus `target`, then one row per sample.
Numbers are written in their shortest round-trip form (digits pixels are integers 0..16).

Usage (from the repo root):  /usr/bin/python3 tools/golden/export_datasets.py
"""
import csv
import os
import sys

import numpy as np
from sklearn import datasets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "data")


def fmt(v):
    # Integers print without ".0"; floats with repr's shortest round-trip digits.
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def export(name, bunch, feature_names):
    path = os.path.join(OUT, name + ".csv")
    x, y = np.asarray(bunch.data), np.asarray(bunch.target)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(list(feature_names) + ["target"])
        for row, t in zip(x, y):
            w.writerow([fmt(v) for v in row] + [str(int(t))])
    print(f"{path}: {x.shape[0]} samples x {x.shape[1]} features, "
          f"{len(np.unique(y))} classes, {os.path.getsize(path)} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    digits = datasets.load_digits()
    # Pixel (r, c) of the 8x8 image is column r*8+c, matching digits.images.reshape(-1, 64).
    export("digits", digits, [f"pixel_{r}_{c}" for r in range(8) for c in range(8)])
    iris = datasets.load_iris()
    export("iris", iris, [n.replace(" (cm)", "_cm").replace(" ", "_") for n in iris.feature_names])
    wine = datasets.load_wine()
    export("wine", wine, [n.replace("/", "_") for n in wine.feature_names])
    print("target names:",
          {"iris": list(iris.target_names), "wine": list(wine.target_names)}, file=sys.stderr)


if __name__ == "__main__":
    main()
