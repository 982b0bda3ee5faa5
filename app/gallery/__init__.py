"""Every page's worked examples, in the order the home page shows them."""

from . import conv, network
from .core import Example, Preview, Section, share_query

SECTIONS: tuple[Section, ...] = (conv.SECTION, network.SECTION)

__all__ = ["SECTIONS", "Example", "Preview", "Section", "share_query"]
