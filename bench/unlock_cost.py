"""How long one unlock takes with the shipped Argon2id parameters (target: about 0.5 s here).

    .venv/bin/python bench/unlock_cost.py

Prints the parameters, the median and spread of several unlocks, and the cheaper and dearer
neighbours, so the default can be re-tuned when the office PCs change.
"""

from __future__ import annotations

import os
import statistics
import time

from esafety_desktop.storage import keyslots
from esafety_desktop.storage.keyslots import KdfParams

RUNS = 5
TARGET_SECONDS = 0.5


def unlock_seconds(params: KdfParams, runs: int = RUNS) -> list[float]:
    device = os.urandom(32)
    slot = keyslots.seal_with_password(
        os.urandom(32),
        database_id="bench",
        account="bench",
        password="Kettle-Orchard-Lantern-42",
        device_secret=device,
        kdf=params,
    )
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        keyslots.open_with_password(
            slot, database_id="bench", password="Kettle-Orchard-Lantern-42", device_secret=device
        )
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    shipped = keyslots.DEFAULT_KDF
    print(f"CPU cores: {os.cpu_count()}")
    candidates = [
        KdfParams(shipped.time_cost - 1, shipped.memory_kib, shipped.parallelism),
        shipped,
        KdfParams(shipped.time_cost + 1, shipped.memory_kib, shipped.parallelism),
    ]
    for params in candidates:
        timings = unlock_seconds(params)
        mark = "  <- shipped" if params == shipped else ""
        print(
            f"Argon2id t={params.time_cost} m={params.memory_kib // 1024} MiB "
            f"p={params.parallelism}: median {statistics.median(timings):.3f} s "
            f"(min {min(timings):.3f}, max {max(timings):.3f}) over {len(timings)} unlocks{mark}"
        )
    median = statistics.median(unlock_seconds(shipped))
    ratio = median / TARGET_SECONDS
    print(f"unlock_seconds={median:.3f} target={TARGET_SECONDS:.3f} ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
