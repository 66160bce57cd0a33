#!/usr/bin/env python3
"""Fallback for machines without GNU time: run a command, then write its CPU times and peak RSS
in the format of `/usr/bin/time -v` to OUT.  usage: rusage.py OUT COMMAND [ARG...]"""
import resource
import subprocess
import sys

out, command = sys.argv[1], sys.argv[2:]
status = subprocess.call(command)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak_kb = usage.ru_maxrss  # kilobytes on Linux
with open(out, "w") as f:
    if status != 0:
        f.write(f"Command exited with non-zero status {status}\n")
    f.write(f"\tUser time (seconds): {usage.ru_utime:.2f}\n")
    f.write(f"\tSystem time (seconds): {usage.ru_stime:.2f}\n")
    f.write(f"\tMaximum resident set size (kbytes): {peak_kb}\n")
sys.exit(status)
