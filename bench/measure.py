#!/usr/bin/env python3
"""Runs a command and prints its wall time (s) and peak resident memory (MiB) as JSON on the last
line of stderr, after the command's own output. Usage: bench/measure.py LABEL COMMAND [ARGS...]"""
import json, resource, subprocess, sys, time

label, command = sys.argv[1], sys.argv[2:]
started = time.monotonic()
done = subprocess.run(command)
seconds = time.monotonic() - started
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"what": label, "seconds": round(seconds, 2), "peak_mib": round(peak_kib / 1024, 1), "exit": done.returncode}), file=sys.stderr)
sys.exit(done.returncode)
