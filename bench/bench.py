"""Speed figures for cnncalc (printed, never asserted in tests).

    python bench/bench.py            # all figures
    python bench/bench.py --quick    # skip the Keras comparison

Targets (issue 2): `cnncalc analyze vgg16` within 0.3 s and at least 15× faster than importing
Keras and building VGG16; `cnncalc.analyze` on a 10,000-layer spec within 0.5 s, and 20,000
layers within 2.5× that time. Issue 9: `cnncalc analyze resnet50 --costs --batch-size 32
--optimizer adam` still answers in a fraction of a second (target ≤ 0.5 s).
Issue 10: drawing ResNet50 (analysis given, graph style, SVG text) well under a second.
Issue 11: `cnncalc serve` answers its first request within 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import cnncalc

KERAS_VGG16 = (
    "import os; os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\n"
    "import keras; keras.applications.VGG16(weights=None)"
)
IMPORTS_OF_ANALYZE = (
    "import sys; from cnncalc.cli import main; sys.argv = ['cnncalc', 'analyze', 'vgg16']\n"
    "try: main()\nexcept SystemExit: pass\n"
    "print(sorted({'tensorflow', 'keras', 'numpy'} & set(sys.modules)), file=sys.stderr)"
)


def wall_times(command: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of a whole process, run after run."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def wall_time(command: list[str], runs: int) -> float:
    return statistics.median(wall_times(command, runs))


STARTUP_STEPS = {
    "an empty python process": "pass",
    "from pydantic import BaseModel": "from pydantic import BaseModel",
    "import typer": "import typer",
    "import cnncalc": "import cnncalc",
    "import cnncalc.cli": "import cnncalc.cli",
}
"""What `cnncalc analyze vgg16` pays before its own work (issue 12's start-up target)."""


def cpu_seconds(command: list[str], runs: int) -> float:
    """Median CPU time (user + system) of a whole process: steadier than wall time on a
    shared machine."""
    times = []
    for _ in range(runs):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        times.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(times)


def print_startup_floor() -> None:
    """CPU seconds of each step of the start-up, so the floor under the target is visible."""
    print("start-up, CPU seconds (median of 11 processes each):")
    for label, code in STARTUP_STEPS.items():
        print(f"  {label:34} {cpu_seconds([sys.executable, '-c', code], runs=11):.3f}")
    analyze = [sys.executable, "-m", "cnncalc", "analyze", "vgg16"]
    print(f"  {'cnncalc analyze vgg16':34} {cpu_seconds(analyze, runs=11):.3f} [target ≤ 0.15 s]")


def serve_startup() -> float:
    """Seconds from launching `cnncalc serve --port 0` to its first answered page."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "cnncalc", "serve", "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stderr.readline().split()[2]  # "cnncalc serve: http://…/ (Ctrl+C stops)"
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1):
                    return time.perf_counter() - start
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait()


def chain_spec(n_layers: int) -> dict[str, Any]:
    """A deep residual-free CNN: repeated Conv2D(same) → BatchNormalization → ReLU."""
    pattern = [
        {"type": "Conv2D", "filters": 16, "kernel_size": 3, "padding": "same"},
        {"type": "BatchNormalization"},
        {"type": "ReLU"},
    ]
    layers = [dict(pattern[i % 3]) for i in range(n_layers)]
    return {"name": f"chain{n_layers}", "input_shape": [32, 32, 16], "layers": layers}


def in_process_time(n_layers: int, runs: int = 5) -> float:
    spec = chain_spec(n_layers)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        cnncalc.analyze(spec)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def drawing_times(source: str, runs: int = 5) -> list[float]:
    """Seconds to draw an analysis (its layout included), the first run with grandalf's import."""
    analysis = cnncalc.analyze(source)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        analysis.draw()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the Keras comparison")
    args = parser.parse_args()

    cli = [sys.executable, "-m", "cnncalc", "analyze", "vgg16"]
    cli_times = wall_times(cli, runs=15)
    cli_time = statistics.median(cli_times)
    heavy = subprocess.run(
        [sys.executable, "-c", IMPORTS_OF_ANALYZE], capture_output=True, text=True, check=True
    ).stderr.strip()
    print(
        f"cnncalc analyze vgg16 (whole process, 15 runs): median {cli_time:.3f} s, "
        f"best {min(cli_times):.3f} s [target ≤ 0.3 s]; heavy modules imported: {heavy}"
    )
    costs = [*cli[:-1], "resnet50", "--costs", "--batch-size", "32", "--optimizer", "adam"]
    costs_times = wall_times(costs, runs=10)
    print(
        f"cnncalc analyze resnet50 --costs --batch-size 32 --optimizer adam (10 runs): median "
        f"{statistics.median(costs_times):.3f} s, best {min(costs_times):.3f} s [target ≤ 0.5 s]"
    )
    print_startup_floor()

    if not args.quick:
        keras_time = wall_time([sys.executable, "-c", KERAS_VGG16], runs=3)
        print(
            f"import keras + build VGG16 (median of 3): {keras_time:.2f} s; "
            f"cnncalc is {keras_time / cli_time:.0f}× faster [target ≥ 15×]"
        )

    serve_times = [serve_startup() for _ in range(5)]
    print(
        f"cnncalc serve, launch to first page (5 runs): median "
        f"{statistics.median(serve_times):.3f} s, best {min(serve_times):.3f} s [target < 2 s]"
    )

    cnncalc.analyze(chain_spec(30))  # warm up: pydantic builds validators on first use
    t10 = in_process_time(10_000)
    t20 = in_process_time(20_000)
    print(f"cnncalc.analyze, 10,000 layers (in-process, median of 5): {t10:.3f} s [target ≤ 0.5 s]")
    print(f"cnncalc.analyze, 20,000 layers: {t20:.3f} s = {t20 / t10:.2f}× [target ≤ 2.5×]")

    draws = drawing_times("resnet50")
    print(
        f"draw resnet50 (graph style, 177 nodes): first {draws[0]:.3f} s, then median "
        f"{statistics.median(draws[1:]):.3f} s [target well under 1 s]"
    )


if __name__ == "__main__":
    main()
