"""In-place ops (ops/inplace.py): setitem writes."""

import autograd_lite as al


def test_setitem_writes_and_bumps_the_version():
    x = al.zeros(3)
    x[1] = 5.0
    x[al.tensor([True, False, False])] = 2.0
    assert x.tolist() == [2.0, 5.0, 0.0]
