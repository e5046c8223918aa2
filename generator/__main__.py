"""``python -m generator`` and the ``vanban`` command: a no-op build is answered from its stamp
(``quick``) before the command line and the engine are imported; everything else goes to
``cli.main``."""

import sys


def run() -> None:
    from .app.quick import answer

    if answer(sys.argv[1:]):
        return
    from .cli import main

    main()


if __name__ == "__main__":
    run()
