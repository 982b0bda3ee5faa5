"""Every benchmark in one run: ``python -m bench`` from the project root.

Each prints ratios against a baseline measured in the same run (PyTorch, or a bare
endpoint), so the figures compare code rather than machines.
"""

from . import conv, first_paint, network, rnn

for title, module in (
    ("Convolution: engine and API", conv),
    ("Network: conv → relu → pool → dense, 10 SGD steps", network),
    ("Recurrent network: forward + BPTT", rnn),
    ("Convolution page: first paint", first_paint),
):
    print(f"\n== {title}")
    module.main()
