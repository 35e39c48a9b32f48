#!/usr/bin/env python3
"""PyTorch reference for bench/reference.mjs: Integrated Gradients, SmoothGrad and occlusion on
the bench's VGG-style model.

Reads the tfjs model's weights and the input image that reference.mjs exported (float32 .bin
files and weights.json in DIR), builds the same network in torch, and computes IG the way
Captum does with internal_batch_size=None: every path point in ONE batched forward and
backward pass, trapezoid weights (51 points k/50 for 50 steps, halved end points), zero
baseline, attributions = (x - baseline) * weighted gradient sum. Captum itself is not
installable here (no Debian package), so the loop is plain torch; it is the same computation.

  python3 bench/pytorch_ig.py DIR --threads 1,2 --repeats 3 --steps 50 --target 3

SmoothGrad is Captum's NoiseTunnel(Saliency) with nt_type='smoothgrad': nt_samples noisy copies
x + N(0, stdev^2) in one batched call, |gradient| per copy (Saliency's abs=True), their mean.
Occlusion is Captum's Occlusion (sliding window (C, 16, 16), strides (C, 8, 8), baseline 0):
each window's drop p(x)[t] - p(x with the window zeroed)[t] added to the pixels it covers, divided
by the number of windows covering each pixel; --occlusion-batch windows per model call (Captum's
perturbations_per_eval; 32 = tfxai's occlusion batchSize).

Prints one JSON line: per thread count the median and all run times in ms ('rows' for IG,
'smoothgrad' and 'occlusion' for the others); writes the attributions (NHWC, float32) of the first
thread count to DIR/torch-attributions.bin (IG), DIR/torch-gradient.bin (the plain gradient, to
check the model against tfxai's saliency) and DIR/torch-occlusion.bin (H x W).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class VggStyle(nn.Module):
    """The bench's 'vgg' model (bench/models.mjs): 3x3 same convs + ReLU, 2x2 max-pools, dense softmax."""

    def __init__(self, blocks, in_channels, classes, flat_size):
        super().__init__()
        self.blocks = nn.ModuleList()
        channels = in_channels
        for filters in blocks:
            convs = nn.ModuleList()
            for f in filters:
                convs.append(nn.Conv2d(channels, f, 3, padding=1))
                channels = f
            self.blocks.append(convs)
        self.dense = nn.Linear(flat_size, classes)

    def forward(self, x):  # x: NCHW
        for convs in self.blocks:
            for conv in convs:
                x = F.relu(conv(x))
            x = F.max_pool2d(x, 2)
        # tfjs flattens NHWC: permute before flattening so the dense weights line up.
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return F.softmax(self.dense(x), dim=1)


def load(directory):
    with open(os.path.join(directory, 'weights.json')) as f:
        manifest = json.load(f)
    arrays = [np.fromfile(os.path.join(directory, w['file']), dtype=np.float32).reshape(w['shape']) for w in manifest['weights']]
    image = np.fromfile(os.path.join(directory, 'image.bin'), dtype=np.float32).reshape(manifest['imageShape'])
    blocks = manifest['blocks']
    size = manifest['imageShape'][1]
    final = size // (2 ** len(blocks))
    model = VggStyle(blocks, manifest['imageShape'][3], manifest['classes'], final * final * blocks[-1][-1])
    convs = [conv for block in model.blocks for conv in block]
    with torch.no_grad():
        for i, conv in enumerate(convs):
            kernel, bias = arrays[2 * i], arrays[2 * i + 1]
            conv.weight.copy_(torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()))  # HWIO -> OIHW
            conv.bias.copy_(torch.from_numpy(bias))
        kernel, bias = arrays[2 * len(convs)], arrays[2 * len(convs) + 1]
        model.dense.weight.copy_(torch.from_numpy(kernel.T.copy()))  # (in, out) -> (out, in)
        model.dense.bias.copy_(torch.from_numpy(bias))
    model.eval()
    return model, torch.from_numpy(image.transpose(0, 3, 1, 2).copy())  # NHWC -> NCHW


def integrated_gradients(model, image, target, steps):
    baseline = torch.zeros_like(image)
    alphas = torch.arange(steps + 1, dtype=torch.float32) / steps
    weights = torch.full((steps + 1,), 1.0 / steps)
    weights[0] = weights[-1] = 0.5 / steps
    points = (baseline + alphas.view(-1, 1, 1, 1) * (image - baseline)).requires_grad_(True)
    scores = model(points)[:, target]
    (gradients,) = torch.autograd.grad(scores.sum(), points)
    return (image - baseline) * (gradients * weights.view(-1, 1, 1, 1)).sum(0, keepdim=True)


def smoothgrad(model, image, target, samples, stdev, generator):
    """Captum NoiseTunnel(Saliency(model)).attribute(image, nt_type='smoothgrad', nt_samples=samples, stdevs=stdev, target=target)."""
    noisy = (image.repeat(samples, 1, 1, 1) + torch.normal(0.0, stdev, (samples, *image.shape[1:]), generator=generator)).requires_grad_(True)
    scores = model(noisy)[:, target]
    (gradients,) = torch.autograd.grad(scores.sum(), noisy)
    return gradients.abs().mean(0, keepdim=True)


def plain_gradient(model, image, target):
    point = image.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(model(point)[0, target], point)
    return gradient


def occlusion(model, image, target, patch, stride, per_eval):
    """Captum Occlusion(model).attribute(image, sliding_window_shapes=(C, patch, patch), strides=(C, stride, stride), baselines=0, target=target, perturbations_per_eval=per_eval)."""
    with torch.no_grad():
        _, channels, height, width = image.shape
        base = model(image)[0, target]
        starts = lambda size: range(0, size - patch + 1, stride)
        windows = [(r, c) for r in starts(height) for c in starts(width)]
        total = torch.zeros(height, width)
        counts = torch.zeros(height, width)
        for first in range(0, len(windows), per_eval):
            chunk = windows[first:first + per_eval]
            masks = torch.zeros(len(chunk), 1, height, width)
            for i, (r, c) in enumerate(chunk):
                masks[i, 0, r:r + patch, c:c + patch] = 1
            drops = base - model(image * (1 - masks))[:, target]
            total += (drops.view(-1, 1, 1) * masks[:, 0]).sum(0)
            counts += masks[:, 0].sum(0)
        return total / counts


def timed(run, repeats):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - start) * 1000)
    return result, {'msPerMap': sorted(times)[len(times) // 2], 'runs': [round(t) for t in times]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('directory')
    parser.add_argument('--threads', default='1')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--steps', type=int, default=50)
    parser.add_argument('--target', type=int, default=3)
    parser.add_argument('--methods', default='ig', help='comma-separated: ig, smoothgrad, occlusion')
    parser.add_argument('--samples', type=int, default=50)
    parser.add_argument('--noise-stdev', type=float, default=0.15)
    parser.add_argument('--patch', type=int, default=16)
    parser.add_argument('--stride', type=int, default=8)
    parser.add_argument('--occlusion-batch', type=int, default=32)
    args = parser.parse_args()
    methods = args.methods.split(',')
    model, image = load(args.directory)
    result = {'torch': torch.__version__, 'rows': [], 'smoothgrad': [], 'occlusion': []}
    for index, threads in enumerate(int(t) for t in args.threads.split(',')):
        torch.set_num_threads(threads)
        if 'smoothgrad' in methods:
            generator = torch.Generator().manual_seed(0)
            _, timing = timed(lambda: smoothgrad(model, image, args.target, args.samples, args.noise_stdev, generator), args.repeats)
            result['smoothgrad'].append({'threads': threads, **timing})
            if index == 0:
                plain_gradient(model, image, args.target).permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32).tofile(os.path.join(args.directory, 'torch-gradient.bin'))
        if 'occlusion' in methods:
            attributions, timing = timed(lambda: occlusion(model, image, args.target, args.patch, args.stride, args.occlusion_batch), args.repeats)
            result['occlusion'].append({'threads': threads, **timing})
            if index == 0:
                attributions.numpy().astype(np.float32).tofile(os.path.join(args.directory, 'torch-occlusion.bin'))
    if 'ig' not in methods:
        print(json.dumps(result))
        return
    for index, threads in enumerate(int(t) for t in args.threads.split(',')):
        torch.set_num_threads(threads)
        integrated_gradients(model, image, args.target, args.steps)  # warm-up
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            attributions = integrated_gradients(model, image, args.target, args.steps)
            times.append((time.perf_counter() - start) * 1000)
        if index == 0:
            attributions.detach().permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32).tofile(os.path.join(args.directory, 'torch-attributions.bin'))
        result['rows'].append({'threads': threads, 'msPerMap': sorted(times)[len(times) // 2], 'runs': [round(t) for t in times]})
    print(json.dumps(result))


if __name__ == '__main__':
    main()
