"""Documented size limits of the API; the schemas quote them so /docs shows them."""

MAX_SIDE = 64  # rows or columns of an input, gradient or target
MAX_CHANNELS = 8  # input channels
MAX_KERNELS = 8  # output channels (kernels)
MAX_KERNEL_SIDE = 7  # rows or columns of a kernel
MAX_STRIDE = 16
MAX_PADDING = 16  # per side
MAX_DILATION = 8
MAX_LEARNING_RATE = 1e3
MAX_TERMS_AT = 64  # cells whose expansion one request may ask for
MAX_STEPS = 64  # T: steps of an RNN's sequence, and so the largest truncation k
MAX_RNN_SIZE = 16  # d_in, d_h or d_out of an RNN
