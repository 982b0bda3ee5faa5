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
MAX_VECTOR = 4096  # elements of a vector input (an activation's samples, a dense layer's input)
MAX_POOL_SIDE = 64  # rows or columns of a pooling window
MAX_WINDOW_CELLS = 16_384  # pooling: output cells × window cells, above which per-window details are left out (≈ 0.2 s)
MAX_POOL_CELLS = 4_000_000  # pooling: output cells × window cells computed at all (each holds a float64 thrice)
MAX_JACOBIAN_SIDE = 64  # softmax: elements whose N × N Jacobian is sent
MAX_NEGATIVE_SLOPE = 1e3  # |slope| of leaky ReLU
MAX_DENSE_OUT = 256  # rows of a dense weight
MAX_DENSE_IN = MAX_CHANNELS * MAX_SIDE * MAX_SIDE  # columns: a flattened input
MAX_LAYERS = 12
MAX_TRAINING_STEPS = 200  # SGD steps of a network
# Work per network request: steps × the chain's cost per step (app.engine.network.step_cost, in units of
# about one convolution multiply-add); the slowest chains it admits take 0.4 s on one core (bench/bounds.py).
MAX_NETWORK_WORK = 1_000_000_000
MAX_RECORD_NUMBERS = 250_000  # numbers in a network's first-step record (≈ 5 MB of JSON)
MAX_EXERCISES = 20  # exercises on one worksheet (one request)
MAX_SEED = 2**53 - 1  # the largest whole number a browser holds exactly
# Exercises are computed by hand: each range a worksheet may ask for, (lowest, highest).
EXERCISE_BOUNDS = {
    "input": (1, 8),  # rows or columns of the input
    "window": (1, 4),  # side of the kernel or pooling window
    "stride": (1, 3),
    "padding": (0, 2),
    "channels": (1, 3),
    "kernels": (1, 3),
    "steps": (1, 5),  # T of an RNN
    "hidden": (1, 3),  # d_h of an RNN
}
# Diagnosing a checked answer recomputes the layer once per known mistake; past this many multiply-adds
# (far beyond what anyone computes by hand) the answer is marked but not diagnosed.
MAX_DIAGNOSED_WORK = 100_000
