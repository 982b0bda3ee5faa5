"""The one error the engine raises for input it cannot compute with."""


class InvalidInput(ValueError):
    """A request the mathematics cannot answer.

    `field` names the offending input (an API field name such as ``"kernel"`` or
    ``"layers[2]"``) so the service can tell the user *which* value to fix.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def shape_text(shape: tuple[int, ...]) -> str:
    """``(2, 3, 3)`` → ``2×3×3``, as messages write shapes."""
    return "×".join(str(n) for n in shape)
