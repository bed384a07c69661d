#!/usr/bin/env python3
"""The GPU check's independent cross-check: the same points through PyTorch's cuBLAS (torch.mm, FP32, TF32 off) and
cuSPARSE (torch.sparse.mm on a CSR tensor), timed with CUDA events over a batch of launches, written as CSV beside the
run (hartenstein-spmm-gpu/torch_crosscheck.csv). W is group-RMS pruned as in GpuCheck (groups of g adjacent weights,
the lowest-RMS groups removed to the exact rate); the seeds differ from the Java run's, the shape and structure do not.
Skips with a reason (exit 0) where python3 has no torch or torch sees no GPU."""
import argparse, csv, os, sys

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    try:
        import torch
    except Exception as e:  # noqa: BLE001
        print(f"[gpu-check] PyTorch cross-check skipped: python3 has no torch ({e.__class__.__name__}: {e})")
        return 0
    if not torch.cuda.is_available():
        print("[gpu-check] PyTorch cross-check skipped: torch.cuda.is_available() is False")
        return 0
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda")
    m = k = a.size
    gen = torch.Generator(device="cpu").manual_seed(20260101)
    w0 = torch.randn(m, k, generator=gen)
    rows = []

    def timed(fn, batch):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        fn(); torch.cuda.synchronize()
        ts = []
        for _ in range(a.rounds):
            start.record()
            for _ in range(batch):
                fn()
            stop.record(); stop.synchronize()
            ts.append(start.elapsed_time(stop) * 1000 / batch)
        ts.sort()
        return ts[len(ts) // 2]

    for n in (50, 1):
        x = torch.randn(k, n, generator=gen).to(dev)
        for g in (1, 8, 32):
            groups = w0.view(m, k // g, g)
            rms = groups.pow(2).mean(dim=2).sqrt().flatten()
            order = torch.argsort(rms, stable=True)
            for rate in (0.80, 0.84, 0.90, 0.94, 0.98):
                keep = torch.ones(rms.numel(), dtype=torch.bool)
                keep[order[: round(rate * rms.numel())]] = False
                w = (groups * keep.view(m, k // g, 1)).view(m, k).contiguous()
                wd = w.to(dev)
                wcsr = wd.to_sparse_csr()
                dense_us = timed(lambda: torch.mm(wd, x), 200)
                sparse_us = timed(lambda: torch.sparse.mm(wcsr, x), 200)
                err = (torch.sparse.mm(wcsr, x) - torch.mm(wd, x)).abs().max().item()
                rows.append(dict(n=n, g=g, rate=f"{rate:.2f}", torch_mm_us=dense_us, torch_sparse_mm_us=sparse_us,
                                 speedup=dense_us / sparse_us, nnz=int(wcsr.values().numel()), max_abs_diff=err))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        wr.writeheader()
        wr.writerows(rows)
    print(f"[gpu-check] PyTorch {torch.__version__} (CUDA {torch.version.cuda}) cross-check on {torch.cuda.get_device_name(0)}: {a.out}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
