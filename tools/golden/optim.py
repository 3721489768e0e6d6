#!/usr/bin/env python3
"""Golden fixtures for src/optim: optimizer trajectories, LR-scheduler sequences, gradient clipping.

Writes test/golden/optim/optimizers.json, schedulers.json, clip.json and grad_scaler.json.

Optimizers: a small float64 regression problem (W (3, 4), b (3); loss = mean((tanh(X Wᵀ + b) − Y)²)),
run for 6 steps per configuration; the fixture holds the initial parameters, the data and the
parameters after every step. Yogi has no torch implementation: `yogi_step` below is a reference
written from Zaheer et al. 2018 / d2l.ai §12.10 (v ← v − (1−β₂)·sign(v − g²)·g², bias-corrected).

Usage (from the repo root):  /usr/bin/python3 tools/golden/optim.py
"""
import json
import math
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "golden", "optim")
STEPS = 6


def tl(t):
    return t.detach().tolist()


def problem():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(5, 4, generator=g, dtype=torch.float64)
    Y = torch.randn(5, 3, generator=g, dtype=torch.float64)
    W = torch.randn(3, 4, generator=g, dtype=torch.float64) * 0.5
    b = torch.randn(3, generator=g, dtype=torch.float64) * 0.1
    return X, Y, W, b


def loss_fn(X, Y, W, b):
    return ((torch.tanh(X @ W.T + b) - Y) ** 2).mean()


class Yogi(torch.optim.Optimizer):
    """Reference Yogi (no torch implementation exists): Adam with an additive second moment."""

    def __init__(self, params, lr=1e-2, betas=(0.9, 0.999), eps=1e-3, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["weight_decay"]:
                    g = g + group["weight_decay"] * p
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["m"] = torch.zeros_like(p)
                    st["v"] = torch.zeros_like(p)
                st["step"] += 1
                t = st["step"]
                m, v = st["m"], st["v"]
                m.mul_(b1).add_(g, alpha=1 - b1)
                g2 = g * g
                v.sub_((1 - b2) * torch.sign(v - g2) * g2)
                mhat = m / (1 - b1 ** t)
                vhat = v / (1 - b2 ** t)
                p.sub_(group["lr"] * mhat / (vhat.sqrt() + group["eps"]))


OPTIMIZERS = [
    ("sgd", "SGD", dict(lr=0.1)),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9)),
    ("sgd_momentum_dampening_wd", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("sgd_nesterov", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05)),
    ("sgd_maximize", "SGD", dict(lr=0.05, momentum=0.5, maximize=True)),
    ("adagrad", "Adagrad", dict(lr=0.1)),
    ("adagrad_decay_wd_init", "Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.2, eps=1e-6)),
    ("rmsprop", "RMSprop", dict(lr=0.01)),
    ("rmsprop_centered_momentum_wd", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.8, centered=True, weight_decay=0.1, eps=1e-6)),
    ("rmsprop_momentum", "RMSprop", dict(lr=0.01, momentum=0.5)),
    ("adadelta", "Adadelta", dict()),
    ("adadelta_lr_wd", "Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
    ("adam", "Adam", dict(lr=0.05)),
    ("adam_wd_amsgrad", "Adam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True, eps=1e-6)),
    ("adam_maximize", "Adam", dict(lr=0.01, maximize=True)),
    ("adamw", "AdamW", dict(lr=0.05)),
    ("adamw_amsgrad", "AdamW", dict(lr=0.05, weight_decay=0.2, amsgrad=True, betas=(0.85, 0.95))),
    ("yogi", "Yogi", dict(lr=0.05)),
    ("yogi_wd", "Yogi", dict(lr=0.1, betas=(0.8, 0.99), eps=1e-4, weight_decay=0.05)),
]


def camel(k):
    parts = k.split("_")
    return parts[0] + "".join(p.title() for p in parts[1:])


def run_optimizer(kind, opts, groups):
    X, Y, W0, b0 = problem()
    W = W0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    cls = Yogi if kind == "Yogi" else getattr(torch.optim, kind)
    if groups:
        # Two param groups: W with the default lr, b with its own lr (and no weight decay).
        opt = cls([{"params": [W]}, {"params": [b], "lr": opts["lr"] * 3 if "lr" in opts else 0.3, "weight_decay": 0.0}], **opts)
    else:
        opt = cls([W, b], **opts)
    traj = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss_fn(X, Y, W, b).backward()
        opt.step()
        traj.append({"W": tl(W), "b": tl(b)})
    return traj


def optimizers():
    X, Y, W0, b0 = problem()
    cases = []
    for name, kind, opts in OPTIMIZERS:
        ts_opts = {camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in opts.items()}
        cases.append({"name": name, "optimizer": kind, "options": ts_opts, "groups": False, "trajectory": run_optimizer(kind, opts, False)})
        if name in ("sgd_momentum", "adam", "rmsprop_centered_momentum_wd", "adagrad", "adadelta_lr_wd", "adamw", "yogi"):
            cases.append({"name": name + "_two_groups", "optimizer": kind, "options": ts_opts, "groups": True,
                          "groupLr": opts["lr"] * 3 if "lr" in opts else 0.3, "trajectory": run_optimizer(kind, opts, True)})
    return {"X": tl(X), "Y": tl(Y), "W": tl(W0), "b": tl(b0), "steps": STEPS, "cases": cases}


def sched_opt(lr=0.1, kind="SGD", **kw):
    p = torch.nn.Parameter(torch.zeros(2))
    q = torch.nn.Parameter(torch.zeros(2))
    cls = getattr(torch.optim, kind)
    return cls([{"params": [p]}, {"params": [q], "lr": lr * 0.5}], lr=lr, **kw)


def run_sched(make, epochs=30, metrics=None, kind="SGD", opt_kw=None):
    opt = sched_opt(kind=kind, **(opt_kw or {}))
    s = make(opt)
    lrs, moms = [], []
    mkey = "betas" if kind == "Adam" else "momentum"
    for e in range(epochs):
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append([(g[mkey][0] if kind == "Adam" else g[mkey]) for g in opt.param_groups])
        opt.step()
        if metrics is not None:
            s.step(metrics[e])
        else:
            s.step()
    return lrs, moms


def schedulers():
    S = torch.optim.lr_scheduler
    plateau_metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86, 0.7, 0.7,
                       0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.69999, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    cases = [
        ("StepLR", dict(stepSize=7, gamma=0.5), lambda o: S.StepLR(o, step_size=7, gamma=0.5), None),
        ("MultiStepLR", dict(milestones=[5, 12, 12, 20], gamma=0.3), lambda o: S.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3), None),
        ("ExponentialLR", dict(gamma=0.9), lambda o: S.ExponentialLR(o, gamma=0.9), None),
        ("PolynomialLR", dict(totalIters=20, power=2.0), lambda o: S.PolynomialLR(o, total_iters=20, power=2.0), None),
        ("CosineAnnealingLR", dict(tMax=10, etaMin=0.001), lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), None),
        ("CosineAnnealingWarmRestarts", dict(t0=5, tMult=2, etaMin=0.01), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.01), None),
        ("CosineAnnealingWarmRestarts_mult1", dict(t0=7), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7), None),
        ("LambdaLR", dict(lambda_="0.95 ** epoch"), lambda o: S.LambdaLR(o, lr_lambda=lambda e: 0.95 ** e), None),
        ("LinearLR", dict(startFactor=0.1, endFactor=1.0, totalIters=8), lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=8), None),
        ("LinearLR_decay", dict(startFactor=1.0, endFactor=0.2, totalIters=12), lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=12), None),
        ("SequentialLR", dict(), lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=20, eta_min=0.0)], milestones=[5]), None),
        ("OneCycleLR", dict(maxLr=1.0, totalSteps=30), lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30), None),
        ("OneCycleLR_linear_three_phase", dict(maxLr=[1.0, 0.5], totalSteps=30, annealStrategy="linear", threePhase=True, pctStart=0.25, divFactor=10.0, finalDivFactor=100.0),
         lambda o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=30, anneal_strategy="linear", three_phase=True, pct_start=0.25, div_factor=10.0, final_div_factor=100.0), None),
        ("ReduceLROnPlateau", dict(factor=0.5, patience=2, cooldown=1, minLr=0.01), lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.01), plateau_metrics),
        ("ReduceLROnPlateau_max_abs", dict(mode="max", factor=0.3, patience=1, threshold=0.05, thresholdMode="abs"),
         lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.05, threshold_mode="abs"), [-m for m in plateau_metrics]),
    ]
    out = []
    for name, opts, make, metrics in cases:
        kw = {"momentum": 0.9} if name.startswith("OneCycle") else None
        lrs, moms = run_sched(make, 30, metrics, opt_kw=kw)
        case = {"name": name, "options": opts, "lrs": lrs}
        if metrics is not None:
            case["metrics"] = metrics
        if name.startswith("OneCycle"):
            case["momentums"] = moms
        out.append(case)
    # OneCycleLR with Adam cycles beta1.
    lrs, moms = run_sched(lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=30), 30, None, kind="Adam")
    out.append({"name": "OneCycleLR_adam", "optimizer": "Adam", "options": {"maxLr": 0.5, "totalSteps": 30}, "lrs": lrs, "momentums": moms})
    return {"lr": 0.1, "secondGroupFactor": 0.5, "cases": out}


def clip():
    g = torch.Generator().manual_seed(1)
    grads = [torch.randn(3, 4, generator=g, dtype=torch.float64) * 2, torch.randn(5, generator=g, dtype=torch.float64)]
    cases = []
    for norm_type, max_norm in [(2.0, 1.0), (1.0, 2.0), (float("inf"), 0.5), (3.0, 100.0), (2.0, 1e6)]:
        ps = [torch.zeros_like(x, requires_grad=True) for x in grads]
        for p, x in zip(ps, grads):
            p.grad = x.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        cases.append({"normType": "inf" if math.isinf(norm_type) else norm_type, "maxNorm": max_norm,
                      "totalNorm": total.item(), "grads": [tl(p.grad) for p in ps]})
    ps = [torch.zeros_like(x, requires_grad=True) for x in grads]
    for p, x in zip(ps, grads):
        p.grad = x.clone()
    torch.nn.utils.clip_grad_value_(ps, 0.7)
    return {"grads": [tl(x) for x in grads], "normCases": cases, "value": {"clipValue": 0.7, "grads": [tl(p.grad) for p in ps]}}


def grad_scaler():
    """torch.cuda.amp.GradScaler needs CUDA (its _amp_update_scale_ kernel has no CPU version in 1.13),
    so this replays the kernel's documented rule (aten/src/ATen/native/cuda/AmpKernels.cu):
    found_inf → scale *= backoff, tracker = 0; else tracker += 1, and at growth_interval
    scale *= growth, tracker = 0. Scales are float32 in torch; every value here is a power of two."""
    found = [True, True, False, False, False, False, True, False, False, False, False, False, False, False, True, False]
    cases = []
    for init, growth, backoff, interval in [(2.0 ** 16, 2.0, 0.5, 3), (1024.0, 4.0, 0.25, 2)]:
        scale, tracker, seq = init, 0, []
        for f in found:
            if f:
                scale, tracker = scale * backoff, 0
            else:
                tracker += 1
                if tracker == interval:
                    scale, tracker = scale * growth, 0
            seq.append({"scale": scale, "growthTracker": tracker})
        cases.append({"initScale": init, "growthFactor": growth, "backoffFactor": backoff, "growthInterval": interval, "sequence": seq})
    return {"foundInf": found, "cases": cases}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, fn in [("optimizers", optimizers), ("schedulers", schedulers), ("clip", clip), ("grad_scaler", grad_scaler)]:
        path = os.path.join(OUT, name + ".json")
        with open(path, "w") as fh:
            json.dump(fn(), fh)
        print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
