"""Python's cyclic garbage collector paused around bulk work (an annex import, a workbook export).

Such work allocates a few hundred thousand objects that live until it ends (cells, records, Decimals,
rows); each collection of the oldest generation walks all of them again, and at 10,000 projects that
was about half an import's CPU time and a third of an export's. Reference counting still frees what the
work drops, and whatever cycles it leaves are collected once the collector runs again. gc.freeze (see
gunicorn.conf.py) is left alone: pausing does not unfreeze what a worker froze at start-up.
"""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """Pause the collector for the block (or, as a decorator, the call); nested pauses are fine."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
