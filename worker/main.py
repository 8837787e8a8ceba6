"""Worker entry point: build the app from the environment, then run its RQ workers.

Takes the options of ``silkpost worker`` (it is the same command, run without the rest
of the CLI): ``--burst`` to exit when the queues are empty, ``--without-scheduler``,
``--health`` to list the registered workers and exit 1 when there is none.
"""

from __future__ import annotations

from app import create_app
from app.cli import worker_command


def main(argv: list[str] | None = None) -> None:
    app = create_app()
    with app.app_context():
        worker_command.main(args=argv, prog_name="python -m worker")


if __name__ == "__main__":
    main()
