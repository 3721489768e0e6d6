#!/usr/bin/env python3
"""Golden fixtures for src/nn/functional-loss.ts: every loss's output and input gradients.

Writes test/golden/nn/losses.json: {cases: [{name, fn, inputs: [{data, dtype, grad}], options,
out, gradOut, grads}]}. Inputs are float32-representable values; PyTorch computes in float64.
The backward seed is `gradOut` (random weights of the same shape as the output), so per-element
gradients of reduction 'none' are checked too. Options holding tensors are {"tensor": data}.

Focal losses: torchvision is not installed, so `sigmoid_focal_loss` below is torchvision.ops.
sigmoid_focal_loss copied formula for formula (FL = −α_t (1 − p_t)^γ log p_t, Lin et al. 2017);
`softmax_focal_loss` is its multi-class form. CoSENT (Su Jianlin, 2022) is written here from its
definition: log(1 + Σ_{label_i > label_j} e^{λ(cos_j − cos_i)}).

Usage (from the repo root):  /usr/bin/python3 tools/golden/losses.py
"""
import json
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "golden", "nn")
gen = torch.Generator().manual_seed(42)


def randn(*shape, scale=1.0):
    return (torch.randn(tuple(shape), generator=gen) * scale).float().double()


def rand(*shape, lo=0.0, hi=1.0):
    return (lo + (hi - lo) * torch.rand(tuple(shape), generator=gen)).float().double()


def randint(hi, *shape, lo=0):
    return torch.randint(lo, hi, shape, generator=gen)


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return reduce(loss, reduction)


def softmax_focal_loss(inputs, target, alpha=None, gamma=2.0, reduction="mean", ignore_index=-100):
    logp = F.log_softmax(inputs, 1)
    valid = target != ignore_index
    t = torch.where(valid, target, torch.zeros_like(target))
    logpt = logp.gather(1, t.unsqueeze(1)).squeeze(1)
    pt = logpt.exp()
    loss = -((1 - pt) ** gamma) * logpt
    if alpha is not None:
        a = alpha if isinstance(alpha, float) else torch.tensor(alpha, dtype=torch.float64)[t]
        loss = a * loss
    loss = loss * valid
    if reduction == "mean":
        return loss.sum() / valid.sum()
    return reduce(loss, reduction)


def cosent_loss(cos, labels, scale=20.0):
    d = scale * (cos[None, :] - cos[:, None])  # d[i, j] = λ(cos_j − cos_i)
    mask = labels[:, None] > labels[None, :]  # pairs where i is more similar than j
    d = torch.cat([torch.zeros(1, dtype=d.dtype), d[mask]])
    return torch.logsumexp(d, 0)


def reduce(x, r):
    return x.mean() if r == "mean" else x.sum() if r == "sum" else x


cases = []


def enc_opt(v):
    if isinstance(v, torch.Tensor):
        return {"tensor": v.tolist()}
    return v


def add(name, fn, torch_fn, inputs, grad_mask, options=None, torch_options=None):
    options = options or {}
    ts_in = [x.clone().requires_grad_(g) for x, g in zip(inputs, grad_mask)]
    out = torch_fn(*ts_in, **(torch_options if torch_options is not None else {}))
    gout = rand(*out.shape, lo=0.5, hi=1.5)
    grads = None
    if any(grad_mask):
        (out * gout).sum().backward()
        grads = [x.grad.tolist() if g else None for x, g in zip(ts_in, grad_mask)]
    cases.append({
        "name": name, "fn": fn,
        "inputs": [{"data": x.tolist(), "dtype": "int32" if not x.is_floating_point() else "float32"} for x in inputs],
        "options": {k: enc_opt(v) for k, v in options.items()},
        "out": out.tolist(), "gradOut": gout.tolist(), "grads": grads,
    })


def main():
    x, y = randn(3, 4), randn(3, 4)
    for r in ["none", "mean", "sum"]:
        add(f"mse_{r}", "mseLoss", lambda a, b: F.mse_loss(a, b, reduction=r), [x, y], [True, True], {"reduction": r})
        add(f"l1_{r}", "l1Loss", lambda a, b: F.l1_loss(a, b, reduction=r), [x, y], [True, True], {"reduction": r})
    for beta, r in [(1.0, "mean"), (0.5, "none"), (0.0, "sum"), (2.0, "mean")]:
        add(f"smoothL1_beta{beta}_{r}", "smoothL1Loss", lambda a, b: F.smooth_l1_loss(a, b, reduction=r, beta=beta), [x, y], [True, True], {"reduction": r, "beta": beta})
    for delta, r in [(1.0, "mean"), (0.4, "none"), (2.5, "sum")]:
        add(f"huber_delta{delta}_{r}", "huberLoss", lambda a, b: F.huber_loss(a, b, reduction=r, delta=delta), [x, y], [True, True], {"reduction": r, "delta": delta})

    # cross entropy with class indices
    logits = randn(6, 5, scale=2)
    tgt = torch.tensor([0, 4, 2, 2, 1, 3])
    w = rand(5, lo=0.2, hi=2.0)
    tgt_ign = torch.tensor([0, -100, 2, 1, -100, 3])
    tgt_ign2 = torch.tensor([0, 1, 2, 1, 4, 1])
    for r in ["none", "mean", "sum"]:
        add(f"ce_{r}", "crossEntropy", lambda a, t: F.cross_entropy(a, t, reduction=r), [logits, tgt], [True, False], {"reduction": r})
        add(f"ce_weight_{r}", "crossEntropy", lambda a, t: F.cross_entropy(a, t, weight=w, reduction=r), [logits, tgt], [True, False], {"reduction": r, "weight": w})
        add(f"ce_ignore_{r}", "crossEntropy", lambda a, t: F.cross_entropy(a, t, reduction=r), [logits, tgt_ign], [True, False], {"reduction": r})
        add(f"ce_ls_{r}", "crossEntropy", lambda a, t: F.cross_entropy(a, t, label_smoothing=0.1, reduction=r), [logits, tgt], [True, False], {"reduction": r, "labelSmoothing": 0.1})
        add(f"ce_ls_weight_ignore_{r}", "crossEntropy",
            lambda a, t: F.cross_entropy(a, t, weight=w, ignore_index=1, label_smoothing=0.2, reduction=r),
            [logits, tgt_ign2], [True, False], {"reduction": r, "weight": w, "ignoreIndex": 1, "labelSmoothing": 0.2})
    logits_nd = randn(2, 3, 4, 2, scale=1.5)
    tgt_nd = randint(3, 2, 4, 2)
    tgt_nd[0, 1, 1] = -100
    w3 = rand(3, lo=0.3, hi=1.5)
    for r in ["none", "mean"]:
        add(f"ce_nd_weight_{r}", "crossEntropy", lambda a, t: F.cross_entropy(a, t, weight=w3, reduction=r), [logits_nd, tgt_nd], [True, False], {"reduction": r, "weight": w3})
        add(f"ce_nd_ls_{r}", "crossEntropy", lambda a, t: F.cross_entropy(a, t, label_smoothing=0.15, reduction=r), [logits_nd, tgt_nd], [True, False], {"reduction": r, "labelSmoothing": 0.15})
    add("ce_1d", "crossEntropy", lambda a, t: F.cross_entropy(a, t), [randn(5), torch.tensor(3)], [True, False], {})
    probs = torch.softmax(randn(6, 5), 1).float().double()
    for r in ["none", "mean", "sum"]:
        add(f"ce_prob_{r}", "crossEntropy", lambda a, t: F.cross_entropy(a, t, reduction=r), [logits, probs], [True, True], {"reduction": r})
    add("ce_prob_weight_ls", "crossEntropy", lambda a, t: F.cross_entropy(a, t, weight=w, label_smoothing=0.1), [logits, probs], [True, False], {"weight": w, "labelSmoothing": 0.1})
    probs_nd = torch.softmax(randn(2, 3, 4), 1).float().double()
    add("ce_prob_nd", "crossEntropy", lambda a, t: F.cross_entropy(a, t, weight=w3, reduction="none"), [randn(2, 3, 4), probs_nd], [True, False], {"weight": w3, "reduction": "none"})

    logp = F.log_softmax(randn(6, 5), 1).float().double()
    for r in ["none", "mean", "sum"]:
        add(f"nll_weight_ignore_{r}", "nllLoss", lambda a, t: F.nll_loss(a, t, weight=w, ignore_index=2, reduction=r), [logp, tgt], [True, False], {"reduction": r, "weight": w, "ignoreIndex": 2})
    add("nll_nd", "nllLoss", lambda a, t: F.nll_loss(a, t), [F.log_softmax(logits_nd, 1).float().double(), tgt_nd], [True, False], {})

    p = rand(3, 4, lo=0.05, hi=0.95)
    yb = rand(3, 4)
    wb = rand(4, lo=0.5, hi=2.0)
    for r in ["none", "mean", "sum"]:
        add(f"bce_{r}", "binaryCrossEntropy", lambda a, t: F.binary_cross_entropy(a, t, reduction=r), [p, yb], [True, False], {"reduction": r})
    add("bce_weight", "binaryCrossEntropy", lambda a, t: F.binary_cross_entropy(a, t, weight=wb.expand(3, 4)), [p, yb], [True, False], {"weight": wb})
    edge = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5], dtype=torch.float64)
    add("bce_clamped_log", "binaryCrossEntropy", lambda a, t: F.binary_cross_entropy(a, t, reduction="none"),
        [edge, torch.tensor([1.0, 0.0, 0.0, 1.0, 0.3], dtype=torch.float64)], [False, False], {"reduction": "none"})
    z = randn(3, 4, scale=3)
    z[0, 0], z[1, 1], z[2, 2] = 40.0, -40.0, 0.0
    pw = rand(4, lo=0.5, hi=3.0)
    for r in ["none", "mean", "sum"]:
        add(f"bcel_{r}", "binaryCrossEntropyWithLogits", lambda a, t: F.binary_cross_entropy_with_logits(a, t, reduction=r), [z, yb], [True, True], {"reduction": r})
    add("bcel_posweight_weight", "binaryCrossEntropyWithLogits", lambda a, t: F.binary_cross_entropy_with_logits(a, t, weight=wb, pos_weight=pw), [z, yb], [True, True], {"weight": wb, "posWeight": pw})
    add("bcel_posweight_none", "binaryCrossEntropyWithLogits", lambda a, t: F.binary_cross_entropy_with_logits(a, t, pos_weight=pw, reduction="none"), [z, yb], [True, False], {"posWeight": pw, "reduction": "none"})

    lq = F.log_softmax(randn(4, 5), 1).float().double()
    pt = torch.softmax(randn(4, 5), 1).float().double()
    pt[0, 0] = 0.0
    for r in ["none", "mean", "sum", "batchmean"]:
        add(f"kl_{r}", "klDiv", lambda a, t: F.kl_div(a, t, reduction=r), [lq, pt], [True, False], {"reduction": r})
    # target gradient (log y + 1 − x) only where y > 0: PyTorch's is −inf at y = 0
    add("kl_target_grad", "klDiv", lambda a, t: F.kl_div(a, t, reduction="sum"), [lq, torch.softmax(randn(4, 5), 1).float().double()], [True, True], {"reduction": "sum"})
    add("kl_logtarget_batchmean", "klDiv", lambda a, t: F.kl_div(a, t, reduction="batchmean", log_target=True), [lq, F.log_softmax(randn(4, 5), 1).float().double()], [True, True], {"reduction": "batchmean", "logTarget": True})

    x1, x2 = randn(5, 6), randn(5, 6)
    ye = torch.tensor([1, -1, 1, -1, -1])
    for m, r in [(0.0, "mean"), (0.3, "none"), (-0.2, "sum")]:
        add(f"cosemb_m{m}_{r}", "cosineEmbeddingLoss", lambda a, b, t: F.cosine_embedding_loss(a, b, t, margin=m, reduction=r), [x1, x2, ye], [True, True, False], {"margin": m, "reduction": r})
    add("cosemb_1d", "cosineEmbeddingLoss", lambda a, b, t: F.cosine_embedding_loss(a, b, t), [randn(6), randn(6), torch.tensor(-1)], [True, True, False], {})
    r1, r2 = randn(7), randn(7)
    yr = torch.tensor([1, -1, 1, 1, -1, -1, 1]).double()
    for m, r in [(0.0, "mean"), (0.2, "none"), (0.5, "sum")]:
        add(f"ranking_m{m}_{r}", "marginRankingLoss", lambda a, b, t: F.margin_ranking_loss(a, b, t, margin=m, reduction=r), [r1, r2, yr], [True, True, False], {"margin": m, "reduction": r})
    a, pp, n = randn(4, 5), randn(4, 5), randn(4, 5)
    for m, pn, sw, r in [(1.0, 2.0, False, "mean"), (0.5, 1.0, True, "none"), (2.0, 3.0, True, "sum"), (1.0, 2.0, True, "mean")]:
        add(f"triplet_m{m}_p{pn}_swap{sw}_{r}", "tripletMarginLoss",
            lambda a_, p_, n_: F.triplet_margin_loss(a_, p_, n_, margin=m, p=pn, swap=sw, reduction=r),
            [a, pp, n], [True, True, True], {"margin": m, "p": pn, "swap": sw, "reduction": r})

    fz = randn(3, 4, scale=2)
    fy = (rand(3, 4) > 0.5).double()
    for al, ga, r in [(0.25, 2.0, "none"), (0.25, 2.0, "mean"), (-1.0, 1.5, "sum"), (0.6, 0.0, "mean")]:
        add(f"sigmoid_focal_a{al}_g{ga}_{r}", "sigmoidFocalLoss", lambda a_, t: sigmoid_focal_loss(a_, t, al, ga, r), [fz, fy], [True, False], {"alpha": al, "gamma": ga, "reduction": r})
    sz = randn(6, 4, scale=2)
    st = torch.tensor([0, 3, 1, 1, -100, 2])
    for al, ga, r in [(None, 2.0, "mean"), (0.25, 2.0, "sum"), ([0.1, 0.2, 0.3, 0.4], 1.0, "none"), (None, 0.0, "mean")]:
        opts = {"gamma": ga, "reduction": r}
        if al is not None:
            opts["alpha"] = al
        add(f"softmax_focal_a{al}_g{ga}_{r}", "softmaxFocalLoss", lambda a_, t: softmax_focal_loss(a_, t, al, ga, r), [sz, st], [True, False], opts)

    cos = rand(8, lo=-1.0, hi=1.0)
    lab = torch.tensor([0, 1, 2, 1, 0, 3, 2, 1]).double()
    add("cosent_scale20", "cosentLoss", lambda c, l: cosent_loss(c, l).reshape(()), [cos, lab], [True, False], {})
    add("cosent_scale5", "cosentLoss", lambda c, l: cosent_loss(c, l, 5.0), [cos, lab], [True, False], {"scale": 5.0})
    add("cosent_binary_labels", "cosentLoss", lambda c, l: cosent_loss(c, l), [cos, (lab > 1).double()], [True, False], {})

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "losses.json")
    with open(path, "w") as fh:
        json.dump({"cases": cases}, fh)
    print(path, len(cases), "cases", os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
