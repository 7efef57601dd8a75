"""SIGKILL a writing process again and again: no file breaks, no acknowledged write is lost."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from bot.storage.durable import StorageCorruptError, open_database
from bot.storage.persistence import StorePersistence
from bot.storage.store import Store
from tests.crash_writer import KEYS_PER_RUN, registration

REPO_ROOT = Path(__file__).resolve().parent.parent
KILLS = 50


def run_and_kill(data_dir: Path, first_key: int, rng: random.Random) -> list[str]:
    """Start the writer, kill it at a random moment, return every line it printed."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", str(data_dir), str(first_key)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    lines: list[str] = []
    if rng.random() < 0.8:
        # Mostly kill while writes run; sometimes while it is still opening its files.
        first = child.stdout.readline().decode()
        lines.append(first)
        if first.strip() != "ready":
            child.kill()
            raise AssertionError(f"writer failed to start: {child.communicate()[1].decode()}")
        time.sleep(rng.uniform(0.0, 0.08))
    else:
        time.sleep(rng.uniform(0.0, 0.4))
    child.kill()
    rest, errors = child.communicate()
    assert child.returncode == -9, f"writer ended on its own: {errors.decode()}"
    lines.extend(rest.decode().splitlines())
    return lines


async def test_no_acknowledged_write_is_lost_across_50_kills(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(20250101)
    acked: dict[str, set[int]] = defaultdict(set)
    for round_number in range(KILLS):
        first_key = 1 + round_number * KEYS_PER_RUN
        for line in run_and_kill(data_dir, first_key, rng):
            if line.startswith("ack "):
                _, kind, number = line.split()
                acked[kind].add(int(number))
    print(f"acknowledged writes: { {kind: len(keys) for kind, keys in acked.items()} }")
    assert len(acked["registration"]) >= KILLS, "too few writes happened to test anything"

    store = Store(data_dir)
    registrations = {r.user_id: r for r in await store.all_registrations()}
    for key in acked["registration"]:
        assert registrations[key] == registration(key)
    assert acked["subscriber"] <= set(await store.active_subscribers())
    await store.close()

    direct = open_database(data_dir / "direct.json").table("direct")
    assert acked["direct"] <= {document.doc_id for document in direct.all()}

    states = await StorePersistence(data_dir / "persistence.json").get_conversations("apply")
    for key in acked["conversation"]:
        assert states[(key, key)] == f"step {key}"
    assert sorted(data_dir.glob(".*.tmp")) == []


@pytest.mark.parametrize("name", ["registrations.json", "questions.json", "persistence.json"])
async def test_a_corrupt_file_at_start_is_reported_and_left_alone(
    tmp_path: Path, name: str
) -> None:
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    await store.save_registration(registration(1))
    await store.log_unanswered_question("q", "fallback", [])
    await store.close()
    await StorePersistence(data_dir / "persistence.json").update_user_data(1, {"step": "city"})
    bad = data_dir / name
    damaged = bad.read_bytes()[:-3]
    bad.write_bytes(damaged)
    with pytest.raises(StorageCorruptError) as caught:
        Store(data_dir)
        StorePersistence(data_dir / "persistence.json")
    assert caught.value.path == bad
    assert f"{bad} cannot be read (invalid JSON at byte" in str(caught.value)
    assert bad.read_bytes() == damaged
