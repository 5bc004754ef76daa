"""Times torch.softmax on the GPU for the shapes given, for bench/webgpu/bench.ts.

Usage: python3 bench/webgpu/torch_softmax.py --shapes 4096x32768,1x128256 --iters 20 --warmup 3
Prints one JSON object per shape: {"shape": [rows, n], "ms": median, "all_ms": [...], "device": name}
or {"shape": ..., "error": "..."}; the first line is {"torch": version, "cuda": bool}.
Times are CUDA events around each call (float32, last axis; the output comes from PyTorch's caching
allocator, so no cudaMalloc is timed after the warm-up), medians over --iters.
"""
import argparse
import json
import statistics
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", required=True)
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    try:
        import torch
    except Exception as e:  # torch missing: say so, the bench writes "n/a"
        print(json.dumps({"error": f"import torch failed: {e}"}))
        return 0
    cuda = torch.cuda.is_available()
    print(json.dumps({"torch": torch.__version__, "cuda": cuda}), flush=True)
    for text in args.shapes.split(","):
        rows, n = (int(v) for v in text.split("x"))
        if not cuda:
            print(json.dumps({"shape": [rows, n], "error": "no CUDA device"}), flush=True)
            continue
        try:
            x = torch.randn(rows, n, device="cuda", dtype=torch.float32)
            y = None
            for _ in range(args.warmup):
                y = torch.softmax(x, dim=-1)
            torch.cuda.synchronize()
            times = []
            for _ in range(args.iters):
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                start.record()
                y = torch.softmax(x, dim=-1)
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            print(json.dumps({"shape": [rows, n], "ms": statistics.median(times), "all_ms": times, "device": torch.cuda.get_device_name()}), flush=True)
            del x, y
            torch.cuda.empty_cache()
        except Exception as e:
            print(json.dumps({"shape": [rows, n], "error": str(e)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
