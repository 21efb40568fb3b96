"""What reference counting alone frees: a request's objects should go when
its last reference does, not wait in cycles for the garbage collector's
next pass (see ``findatrial/templates.py``)."""

import contextlib
import gc


@contextlib.contextmanager
def collector_off():
    """Run the block with the garbage collector stopped, after a full pass,
    so whatever the block leaves in cycles stays until ``gc.collect()``."""
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
