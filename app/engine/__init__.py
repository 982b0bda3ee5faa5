"""Plain NumPy forward and backward passes, float64 throughout.

Nothing here imports a web framework: every module can be read beside the chapter
and tested against ``torch.autograd`` on its own.
"""
