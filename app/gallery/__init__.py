"""Every page's worked examples, in the order the home page shows them."""

from . import conv, rnn
from .core import Example, Preview, Section, share_query

SECTIONS: tuple[Section, ...] = (conv.SECTION, rnn.SECTION)

__all__ = ["SECTIONS", "Example", "Preview", "Section", "share_query"]
