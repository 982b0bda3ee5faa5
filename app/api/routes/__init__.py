"""One router per layer type, plus the pages."""
