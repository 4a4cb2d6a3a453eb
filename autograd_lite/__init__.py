"""autograd_lite."""
