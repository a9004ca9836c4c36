"""Resume parsing benchmark (not a test): pages per second and peak memory for a 2-page and a 50-page PDF.

    .venv/bin/python bench/parse_resume.py [--repeat N]

For each PDF (generated text PDFs, 45 lines a page, compressed content streams) it prints:
- sandboxed: what production does, media_app.parsing.parse_document (a child process with rlimits,
  plus language detection): pages per second;
- child peak memory: the extraction child's own high-water resident set (VmHWM, read by the child
  itself; ru_maxrss would also count the parent's image inherited at fork);
- in-process: media_app.extraction.extract alone, pages per second without the process start-up, and
  the peak of Python allocations (tracemalloc, measured in a separate run since it slows Python down).
"""

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from media_app.extraction import extract  # noqa: E402
from media_app.parsing import parse_document  # noqa: E402
from media_app.tests.documents import multipage_pdf  # noqa: E402

# The production child (same module, same limits), reporting its own high-water RSS on stderr at exit.
_MEASURED_CHILD = (
    "import sys; from media_app.extraction import main; main(sys.argv[1:]); "
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
    "sys.stderr.write(hwm)"
)


def child_peak_mb(data: bytes, pages: int) -> float:
    from django.conf import settings

    command = [sys.executable, "-c", _MEASURED_CHILD, "pdf", str(pages), "30", str(settings.MEDIA_PARSE_MAX_MEMORY_MB << 20)]
    done = subprocess.run(command, input=data, capture_output=True, cwd=settings.BASE_DIR, check=True)
    return int(done.stderr.decode().strip().splitlines()[-1]) / 1024


def bench(pages: int, repeat: int) -> None:
    data = multipage_pdf(pages)
    parse_document("pdf", data)  # warm up: langdetect profiles, page cache

    started = time.perf_counter()
    for _ in range(repeat):
        parsed = parse_document("pdf", data)
    sandboxed = (time.perf_counter() - started) / repeat
    assert parsed.pages == pages
    child_peak = child_peak_mb(data, pages)

    extract("pdf", data, max_pages=pages)
    started = time.perf_counter()
    for _ in range(repeat):
        extract("pdf", data, max_pages=pages)
    in_process = (time.perf_counter() - started) / repeat
    tracemalloc.start()
    extract("pdf", data, max_pages=pages)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(
        f"{pages:>3} pages ({len(data) / 1024:.0f} KiB, {len(parsed.text)} chars): "
        f"sandboxed {pages / sandboxed:7.1f} pages/s ({sandboxed * 1000:6.0f} ms), child peak RSS {child_peak:5.1f} MB | "
        f"in-process {pages / in_process:7.1f} pages/s ({in_process * 1000:6.0f} ms), peak allocations "
        f"{peak / 1024 / 1024:5.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for pages in (2, 50):
        bench(pages, args.repeat)


if __name__ == "__main__":
    main()
