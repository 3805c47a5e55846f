"""The machine a benchmark ran on, named with every figure: figures from different machines are
not comparable."""

import os
import platform


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def machine():
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "kernel": platform.release()}
