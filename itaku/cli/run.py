"""The `itaku` console script (and `python -m itaku`): the command line of itaku.cli.main.

Importing pydantic and building the models allocates a great many long-lived objects, and the
cyclic garbage collector would walk them again and again while a short command starts (about 5%
of a cold `check`). So collection is paused while the command line is imported, and resumed, with
what the imports made frozen out of it, before the command runs; long runs (`screen`) collect as
usual. Only the console script does this: importing itaku.cli.main elsewhere changes nothing.
"""

from __future__ import annotations

import gc


def run() -> None:
    """Import the command line with the collector paused, then run it."""
    gc.disable()
    try:
        from itaku.cli.main import main
    finally:
        gc.freeze()
        gc.enable()
    main()
