"""Rasterise one SVG with resvg inside resource limits; run by ``proofs.logo.render``, never imported.

Usage: ``python -I _resvg_child.py MEMORY_BYTES CPU_SECONDS`` with a JSON request on stdin; the
PNG comes back on stdout. Exit status 3 means resvg refused the SVG as invalid. The limits are set
before anything else, so a drawing that would exhaust memory or time kills only this process.
"""

import json
import resource
import sys

INVALID_SVG = 3


def main() -> int:
    memory, cpu = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort must not leave a core file behind
    import resvg_py

    request = json.loads(sys.stdin.buffer.read())
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=request["svg"],
            width=request["width"],
            height=request["height"],
            skip_system_fonts=True,
            font_files=request["fonts"],
            font_family=request["family"],
            serif_family=request["serif"],
            sans_serif_family=request["family"],
            monospace_family=request["family"],
            cursive_family=request["family"],
            fantasy_family=request["family"],
        )
    except ValueError as exc:
        sys.stderr.write(f"{exc}\n")
        return INVALID_SVG
    sys.stdout.buffer.write(bytes(png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
