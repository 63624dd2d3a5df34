"""Run one program and print what it cost as JSON: run as a small separate process by measure.py.

Why a separate launcher: on Linux a child's peak RSS (ru_maxrss) starts from the
peak of the process that spawned it, since the exec'd program inherits that
high-water mark. The benchmark process holds the whole generated site in memory;
this launcher (started with -I -S, stdlib only) is a few MB, so the tool's own
peak is what gets measured.

Usage: python -I -S launch.py STDOUT_FILE STDERR_FILE TIMEOUT PROGRAM [ARGS...]
"""

import json
import os
import subprocess
import sys
import threading
import time


def launch(argv: list[str]) -> None:
    out_path, err_path, timeout, *command = argv
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        killer = threading.Timer(float(timeout), child.kill)  # a hung tool must not hang the bench
        killer.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        killer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)  # so Popen never waits on it again
    cost = {"code": child.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime}
    print(json.dumps(cost | {"peak_kb": usage.ru_maxrss}))


if __name__ == "__main__":
    launch(sys.argv[1:])
