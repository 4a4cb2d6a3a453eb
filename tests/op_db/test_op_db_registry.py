"""The registry-generated tests: every registered op through every standard check."""
from autograd_lite.testing import op_tests

test_registered_op = op_tests()
