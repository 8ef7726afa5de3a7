"""Who may download the files of form answers: decided by the app a response belongs to.

A ``Response`` does not know what it belongs to: a higher app points at it with a one-to-one field
(``contests.Project.response``, ``events.Registration.response``...). That app registers the
reverse accessor of its field on ``Response`` and the name of a permission on its own object;
``questions.view_answer_files`` asks that permission of whichever owner the response has.
A response no app claims is readable by platform staff only.
"""

answer_owners: dict[str, str] = {}  # reverse one-to-one accessor on Response -> permission on the owner


def register_answer_owner(accessor: str, perm: str) -> None:
    """``accessor``: the ``related_name`` of the owner's one-to-one field to ``questions.Response``;
    ``perm``: a rule taking (user, owner) that says who may read the files of that response's answers."""
    answer_owners[accessor] = perm
