"""The numeric side: the update rule (torch.optim.SGD's), trajectories, the driver and the
moment engine. It gets compiled kernels and never derives anything."""
