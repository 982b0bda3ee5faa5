"""Request and response models, one module per layer type."""
