"""Domain errors: raised by services with a Chinese message the user can act on."""


class DomainError(Exception):
    status = 400
    # A refusal that is itself a fact worth keeping (a counted failed login) sets this: the commit point
    # then keeps what the service wrote before refusing instead of rolling it back.
    keeps_changes = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """A stale form: the record changed since the user loaded it."""

    status = 409
