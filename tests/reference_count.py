#!/usr/bin/env python3
"""Independent count of valid records, to check `clusterproc --count`.

Usage: reference_count.py FILE...

Prints {"count":N} (the number of valid records, with the same rules as
reference_summary.py) on standard output, and each bad line as FILE:LINE
(1-based, per file, blank lines included) on standard error, in input order.
Exit status 0 whether or not bad lines were seen; 2 on a usage or I/O error.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import reference_summary  # noqa: E402  (shares the validity rules)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2

    def on_bad(path, line):
        sys.stderr.write(f"{path}:{line}\n")

    sys.setrecursionlimit(max(sys.getrecursionlimit(),
                              4 * reference_summary.MAX_DEPTH))
    try:
        records, _, _ = reference_summary.scan(argv, on_bad=on_bad)
    except OSError as err:
        print(f"reference_count.py: {err}", file=sys.stderr)
        return 2
    print('{"count":%d}' % records)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
