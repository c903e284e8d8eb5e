"""A whole export against bare XlsxWriter writing the same cells, measured the same way in the same run.

The two are timed in turn (whole, bare, whole, bare, …) so a load that comes and goes on the machine
hits both alike; each figure is the best of its runs. Peak memory is tracemalloc's peak for one run of
each, started from nothing, so it counts what each allocates itself (the whole export's reads
included; the bare writer's cells are given to it, already built).
"""

import time
import tracemalloc
from collections.abc import Callable

TIME_TARGET, MEMORY_TARGET = 1.5, 2.0


def _timed(run: Callable) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _peak(run: Callable) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def compare(name: str, whole: Callable, bare: Callable, rounds: int = 5) -> dict:
    """Print and return bare and whole time, their ratio, bare and whole peak memory, their ratio."""
    whole(), bare()  # warm caches and imports for both
    whole_s, bare_s = [], []
    for _ in range(rounds):
        whole_s.append(_timed(whole))
        bare_s.append(_timed(bare))
    found = {
        "bare_s": min(bare_s),
        "whole_s": min(whole_s),
        "bare_mb": _peak(bare),
        "whole_mb": _peak(whole),
    }
    found["time_ratio"] = found["whole_s"] / found["bare_s"]
    found["memory_ratio"] = found["whole_mb"] / found["bare_mb"]
    print(f"{name} (best of {rounds}, taken in turn):")
    print(
        f"  time: bare XlsxWriter {found['bare_s']:.2f} s, whole export {found['whole_s']:.2f} s, "
        f"ratio {found['time_ratio']:.2f}x (target {TIME_TARGET}x)"
    )
    print(
        f"  peak memory: bare XlsxWriter {found['bare_mb']:.0f} MB, whole export {found['whole_mb']:.0f} MB, "
        f"ratio {found['memory_ratio']:.2f}x (target {MEMORY_TARGET}x)"
    )
    return found
