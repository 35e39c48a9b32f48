#!/usr/bin/env python3
"""PyTorch side of bench/conv-shapes.mjs: conv2d forward (with bias and ReLU, as the tfjs layer) and
the input gradient alone (torch.nn.grad.conv2d_input), NCHW, median of 3 after a warm-up.

  python3 bench/conv_shapes.py THREADS BATCH '[[in, out, size], ...]'
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def median_ms(run):
    run()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[1]


threads, batch, shapes = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
torch.set_num_threads(threads)
result = {}
with torch.no_grad():
    for c_in, c_out, size in shapes:
        x = torch.rand(batch, c_in, size, size)
        w = torch.rand(c_out, c_in, 3, 3) * 2 - 1
        b = torch.zeros(c_out)
        dy = torch.rand(batch, c_out, size, size) * 2 - 1
        forward = median_ms(lambda: F.relu(F.conv2d(x, w, b, padding=1)))
        input_gradient = median_ms(lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=1))
        result[f"{c_in}->{c_out} @{size}"] = [forward, input_gradient]
print(json.dumps(result))
