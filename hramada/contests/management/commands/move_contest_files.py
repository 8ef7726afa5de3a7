from hramada.core.management.commands.move_private_files import Command as MovePrivateFiles


class Command(MovePrivateFiles):
    """The earlier name of ``move_private_files``, kept for deploy scripts written before it."""

    help = f"Same as move_private_files. {MovePrivateFiles.help}"
