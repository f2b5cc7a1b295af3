"""Kernels: the derived closed forms compiled into numeric functions (plain data), the moment
form's kernels, and the caches keyed by model, loss and arithmetic."""
