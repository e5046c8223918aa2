"""``python -m generator`` and the ``vanban`` command: a no-op build is answered from its stamp
(``quick``) before the command line and the engine are imported; everything else goes to
``cli.main``. The command then ends without Python's teardown (:func:`leave`)."""

import sys


def run() -> None:
    from .app.quick import answer

    if answer(sys.argv[1:]):
        return
    from .cli import main

    main()


def command() -> None:
    """The ``vanban`` command itself: :func:`run`, then :func:`leave`."""
    try:
        run()
    except SystemExit as exc:
        leave(exc.code)
    leave(0)


def leave(code) -> None:
    """End the command without Python's teardown of every module and object it loaded (about
    40 ms, a fiftieth of a collect of 1.000 files): what was asked to be done at exit is done
    first (``atexit``: temporary folders, worker processes), and the output written out. A
    command that left a thread of its own running ends the ordinary way, which waits for it.
    ``code``: as ``sys.exit`` takes it (None, a number, or a message)."""
    import atexit
    import os
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate()
           if t is not threading.main_thread()):
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    command()
