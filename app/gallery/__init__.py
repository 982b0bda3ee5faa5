"""Every page's worked examples, in the order the home page shows them."""

from . import activation, conv, network, pool, rnn
from .core import Example, Preview, Section, share_query

SECTIONS: tuple[Section, ...] = (conv.SECTION, activation.SECTION, pool.SECTION, network.SECTION, rnn.SECTION)

__all__ = ["SECTIONS", "Example", "Preview", "Section", "share_query"]
