"""Golden fixtures for tsgrad/nn: forward outputs and gradients of nn layers and functional ops.

Run: /usr/bin/python3 tools/golden/nn.py  (writes test/golden/nn.json; PyTorch 1.13)
Each case stores the module's state dict (so tests load it with loadStateDict, which also checks
key names), the inputs, an upstream gradient per float output, the outputs and the gradients of
sum(out * gout) w.r.t. the float inputs and every parameter.
"""
import json
import os
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
cases = {}


def enc(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "dtype": "bool", "data": t.flatten().int().tolist()}
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int32", "data": t.flatten().tolist()}
    return {"shape": list(t.shape), "dtype": "float64" if t.dtype == torch.float64 else "float32", "data": t.flatten().double().tolist()}


def flat_outputs(out):
    if isinstance(out, torch.Tensor):
        return [out]
    res = []
    for o in out:
        res += flat_outputs(o)
    return res


def run(name, fn, inputs, module=None, randomize=False, kwargs=None, call_train=True):
    if module is not None and randomize:
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(torch.randn_like(p) * 0.5 + (1.0 if p.dim() == 1 else 0.0) * 0.0)
    state = {k: enc(v) for k, v in module.state_dict().items()} if module is not None else {}
    ins = [x.clone().requires_grad_(x.is_floating_point()) if isinstance(x, torch.Tensor) else x for x in inputs]
    out = fn(*ins)
    outs = flat_outputs(out)
    gouts = [torch.randn_like(o) if o.is_floating_point() else None for o in outs]
    loss = sum((o * g).sum() for o, g in zip(outs, gouts) if g is not None)
    if module is not None:
        module.zero_grad()
    loss.backward()
    grads = {}
    for i, x in enumerate(ins):
        if isinstance(x, torch.Tensor) and x.requires_grad:
            grads[f"input{i}"] = enc(x.grad)
    if module is not None:
        for k, p in module.named_parameters():
            if p.grad is not None:
                grads[k] = enc(p.grad)
    cases[name] = {
        "state": state,
        "inputs": [enc(x) if isinstance(x, torch.Tensor) else x for x in inputs],
        "gouts": [enc(g) if g is not None else None for g in gouts],
        "outs": [enc(o) for o in outs],
        "grads": grads,
        "stateAfter": {k: enc(v) for k, v in module.state_dict().items()} if module is not None else {},
    }


def mod_case(name, m, *inputs, randomize=False):
    run(name, lambda *xs: m(*xs), list(inputs), module=m, randomize=randomize)


r = torch.randn
# ---- linear family
mod_case("Linear", nn.Linear(5, 3), r(4, 5))
mod_case("Linear_nobias_3d", nn.Linear(4, 2, bias=False), r(2, 3, 4))
mod_case("Bilinear", nn.Bilinear(3, 4, 2), r(5, 3), r(5, 4))
# ---- conv
mod_case("Conv2d_basic", nn.Conv2d(3, 4, 3, padding=1), r(2, 3, 6, 6))
mod_case("Conv2d_stride_dil_groups", nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2), r(2, 4, 7, 6))
mod_case("Conv2d_same_even", nn.Conv2d(2, 3, 4, padding="same"), r(1, 2, 5, 6))
mod_case("Conv2d_same_dilated", nn.Conv2d(2, 3, 3, padding="same", dilation=2), r(1, 2, 5, 6))
mod_case("Conv2d_valid_nobias", nn.Conv2d(2, 2, 3, padding="valid", bias=False), r(2, 2, 5, 4))
mod_case("Conv2d_unbatched", nn.Conv2d(2, 3, 2, stride=2), r(2, 5, 5))
mod_case("Conv1d", nn.Conv1d(3, 4, 3, stride=2, padding=1), r(2, 3, 9))
mod_case("Conv1d_same_groups", nn.Conv1d(4, 4, 3, padding="same", dilation=2, groups=4), r(2, 4, 7))
mod_case("ConvTranspose2d", nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), r(2, 4, 4, 5))
mod_case("ConvTranspose2d_dil", nn.ConvTranspose2d(2, 3, (2, 3), stride=(1, 2), padding=(0, 1), dilation=2), r(1, 2, 3, 4))
mod_case("ConvTranspose1d", nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, output_padding=1), r(2, 2, 5))
# ---- pooling
mod_case("MaxPool2d", nn.MaxPool2d(3, stride=2, padding=1), r(2, 3, 7, 7))
mod_case("MaxPool2d_ceil_dil", nn.MaxPool2d(2, stride=2, dilation=2, ceil_mode=True, return_indices=True), r(1, 2, 7, 8))
mod_case("MaxPool2d_default", nn.MaxPool2d(2), r(2, 2, 5, 4))
mod_case("MaxPool1d", nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True, return_indices=True), r(2, 3, 10))
mod_case("AvgPool2d_ceil_nopad", nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), r(2, 2, 7, 8))
mod_case("AvgPool2d_ceil_pad", nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), r(1, 2, 6, 8))
mod_case("AvgPool2d_default", nn.AvgPool2d(2), r(2, 2, 5, 4))
mod_case("AvgPool1d", nn.AvgPool1d(4, stride=3, padding=2, count_include_pad=False), r(2, 3, 11))
mod_case("AdaptiveAvgPool2d", nn.AdaptiveAvgPool2d((3, 2)), r(2, 3, 7, 5))
mod_case("AdaptiveAvgPool2d_none", nn.AdaptiveAvgPool2d((None, 3)), r(1, 2, 4, 7))
mod_case("AdaptiveAvgPool1d", nn.AdaptiveAvgPool1d(4), r(2, 3, 10))
mod_case("AdaptiveMaxPool2d", nn.AdaptiveMaxPool2d((3, 4), return_indices=True), r(2, 2, 7, 9))
# ---- embedding
emb = nn.Embedding(7, 3, padding_idx=2)
run("Embedding_padding", lambda i: emb(i), [torch.tensor([[0, 2, 5], [2, 2, 6]])], module=emb)
emb2 = nn.Embedding(6, 4, max_norm=1.0)
run("Embedding_maxnorm", lambda i: emb2(i), [torch.tensor([1, 3, 3, 5])], module=emb2)
# ---- normalisation
mod_case("LayerNorm", nn.LayerNorm([4, 5]), r(3, 4, 5), randomize=True)
mod_case("LayerNorm_noaffine", nn.LayerNorm(6, elementwise_affine=False, eps=1e-3), r(2, 6))
mod_case("GroupNorm", nn.GroupNorm(2, 4), r(2, 4, 3, 3), randomize=True)
bn = nn.BatchNorm2d(3)
with torch.no_grad():
    bn.weight.copy_(r(3)); bn.bias.copy_(r(3))
run("BatchNorm2d_train", lambda x: bn(x), [r(4, 3, 2, 3) * 2 + 1], module=bn)
for i in range(3):
    bn(r(4, 3, 2, 3) * (i + 1) + i)
bn.eval()
x_eval = r(2, 3, 2, 3)
run("BatchNorm2d_eval", lambda x: bn(x), [x_eval], module=bn)
bn1 = nn.BatchNorm1d(4, momentum=None)
xs = [r(5, 4) * 3 + 1, r(6, 4) - 2, r(3, 4) * 0.5]
for x in xs:
    bn1(x)
bn1.eval()
run("BatchNorm1d_cma_eval", lambda x: bn1(x), [r(2, 4)], module=bn1)
cases["BatchNorm1d_cma_eval"]["trainInputs"] = [enc(x) for x in xs]
bn3 = nn.BatchNorm1d(3, affine=False)
run("BatchNorm1d_3d_noaffine", lambda x: bn3(x), [r(2, 3, 5)], module=bn3)
# ---- recurrent
mod_case("RNN_tanh", nn.RNN(3, 4, num_layers=2), r(5, 2, 3), r(2, 2, 4))
mod_case("RNN_relu_bidir_bf", nn.RNN(3, 4, nonlinearity="relu", bidirectional=True, batch_first=True), r(2, 5, 3))
lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
run("LSTM_bidir", lambda x, h, c: lstm(x, (h, c)), [r(4, 2, 3), r(4, 2, 4), r(4, 2, 4)], module=lstm)
mod_case("LSTM_bf_unbatched", nn.LSTM(3, 5, batch_first=True), r(6, 3))
mod_case("GRU", nn.GRU(3, 4, num_layers=2, batch_first=True), r(2, 5, 3), r(2, 2, 4))
mod_case("GRU_bidir_nobias", nn.GRU(2, 3, bidirectional=True, bias=False), r(4, 1, 2))
mod_case("RNNCell", nn.RNNCell(3, 4), r(2, 3), r(2, 4))
lc = nn.LSTMCell(3, 4)
run("LSTMCell", lambda x, h, c: lc(x, (h, c)), [r(2, 3), r(2, 4), r(2, 4)], module=lc)
mod_case("GRUCell", nn.GRUCell(3, 4), r(3))
# ---- containers
seq = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3))
mod_case("Sequential_cnn", seq, r(3, 1, 4, 4))
# ---- functional
def fcase(name, fn, *inputs):
    run(name, fn, list(inputs))

fcase("pad_constant", lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), r(2, 3, 4))
fcase("pad_negative", lambda x: F.pad(x, (-1, 2)), r(2, 5))
fcase("pad_reflect", lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), r(1, 2, 4, 5))
fcase("pad_replicate", lambda x: F.pad(x, (2, 3, 3, 1), mode="replicate"), r(1, 2, 3, 4))
fcase("pad_circular", lambda x: F.pad(x, (1, 2), mode="circular"), r(1, 2, 4))
fcase("interp_nearest", lambda x: F.interpolate(x, size=(5, 7), mode="nearest"), r(1, 2, 3, 4))
fcase("interp_nearest_scale", lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), r(1, 2, 3, 3))
fcase("interp_bilinear", lambda x: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False), r(1, 2, 3, 4))
fcase("interp_bilinear_ac", lambda x: F.interpolate(x, size=(5, 3), mode="bilinear", align_corners=True), r(2, 1, 3, 4))
fcase("interp_bilinear_down", lambda x: F.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False), r(1, 1, 7, 5))
fcase("interp_linear", lambda x: F.interpolate(x, size=9, mode="linear", align_corners=False), r(1, 2, 4))
fcase("normalize", lambda x: F.normalize(x, p=2, dim=1), r(3, 4))
fcase("cosine_similarity", lambda a, b: F.cosine_similarity(a, b, dim=1), r(3, 5), r(3, 5))
fcase("pairwise_distance", lambda a, b: F.pairwise_distance(a, b), r(3, 5), r(3, 5))
fcase("unfold", lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), r(2, 3, 5, 6))
fcase("fold", lambda x: F.fold(x, (4, 5), (2, 2), stride=1), r(2, 3 * 4, 12))
fcase("rms_norm_manual", lambda x, w: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w, r(3, 6), r(6))
fcase("dropout_eval", lambda x: F.dropout(x, 0.5, training=False), r(3, 4))
fcase("pixel_shuffle", lambda x: F.pixel_shuffle(x, 2), r(1, 8, 2, 3))
for act_name, mod in [("ReLU", nn.ReLU()), ("GELU", nn.GELU()), ("GELU_tanh", nn.GELU(approximate="tanh")), ("Sigmoid", nn.Sigmoid()),
                      ("Tanh", nn.Tanh()), ("SiLU", nn.SiLU()), ("Softmax", nn.Softmax(dim=1)), ("LogSoftmax", nn.LogSoftmax(dim=1)),
                      ("LeakyReLU", nn.LeakyReLU(0.2)), ("ELU", nn.ELU(0.7)), ("Softplus", nn.Softplus(beta=2, threshold=3)),
                      ("Hardtanh", nn.Hardtanh(-0.5, 0.8)), ("ReLU6", nn.ReLU6()), ("Mish", nn.Mish()), ("SELU", nn.SELU()),
                      ("Hardswish", nn.Hardswish()), ("Softmin", nn.Softmin(dim=1))]:
    mod_case("act_" + act_name, mod, r(3, 5) * 3)

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden", "nn.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
