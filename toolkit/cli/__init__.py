"""The command line: the only package that parses arguments or prints. `main(argv) -> int`.

One module per subcommand; `zimu INPUT…` (no subcommand) is `run`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence

from ..errors import ZimuError
from .align import cmd_align
from .batch import cmd_batch
from .chapters import cmd_chapters
from .check import cmd_check
from .common import report
from .convert import cmd_convert
from .punctuate import cmd_punctuate
from .run import cmd_run

INTERNAL_ERROR = 70

COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "align": cmd_align,
    "batch": cmd_batch,
    "chapters": cmd_chapters,
    "check": cmd_check,
    "convert": cmd_convert,
    "punctuate": cmd_punctuate,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(args[0], cmd_run) if args else cmd_run
    rest = args[1:] if args and args[0] in COMMANDS else args
    debug = "--debug" in args
    try:
        return command(rest)
    except ZimuError as e:
        report(e, debug)
        return e.exit_code
    except KeyboardInterrupt:
        print("zimu: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: one line, the traceback only on request
        if debug:
            traceback.print_exc()
        print(f"zimu: internal error: {type(e).__name__}: {e} (run with --debug for details)",
              file=sys.stderr)
        return INTERNAL_ERROR
