class DomainError(Exception):
    """A rule refused the change; ``message`` is shown to the user as it is (already translated)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
