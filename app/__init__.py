"""Backprop Explorer: backpropagation through CNN and RNN layers, number by number."""

__version__ = "0.1.0"
