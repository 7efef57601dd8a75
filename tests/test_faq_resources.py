"""What the FAQ's start-up leaves behind: babel's locale cache, and numpy's BLAS threads."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from babel import Locale, localedata
from threadpoolctl import threadpool_info

from faq import countries, semantic


def test_country_index_leaves_babel_only_the_locales_it_had() -> None:
    countries._index.cache_clear()
    cache = localedata._cache
    cache.pop("fr", None)
    before = set(cache)
    countries.warm_up()
    # English names come from Locale("en"), merged with its root; no other locale stays.
    assert set(cache) - before <= {"en", "root"}
    # The raw data read for the index must not stand in for the merged locale afterwards.
    assert Locale("fr").territories["DE"] == "Allemagne"
    assert countries.match_country("Allemagne").code == "DE"


def test_blas_runs_on_one_thread_once_the_model_is_loaded() -> None:
    semantic.model()
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas, "numpy's BLAS library was not found by threadpoolctl"
    assert all(pool["num_threads"] == 1 for pool in blas)


def test_country_index_memory_is_given_back() -> None:
    # A fresh process: other tests' imports would blur the figure.
    script = textwrap.dedent(
        """
        from faq import countries

        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
            raise SystemExit("no VmRSS")

        before = rss()
        countries.warm_up()
        print(rss() - before)
        """
    )
    grown = float(subprocess.check_output([sys.executable, "-c", script], text=True))
    # Babel's data for every locale was ~150 MiB resident when kept; the index itself is ~20.
    assert grown < 100, f"building the country index left {grown:.0f} MiB resident"


def test_the_tokenizer_encodes_on_the_calling_thread() -> None:
    # A fresh process without the setting: a thread pool, once started, stays for good.
    script = textwrap.dedent(
        """
        import os
        from faq import semantic

        os.environ.pop("TOKENIZERS_PARALLELISM", None)
        semantic.model()
        before = len(os.listdir("/proc/self/task"))
        semantic.embed([f"how do we apply, question {n}" for n in range(64)])
        print(before, len(os.listdir("/proc/self/task")))
        """
    )
    before, after = subprocess.check_output([sys.executable, "-c", script], text=True).split()
    assert after == before, f"embedding started {int(after) - int(before)} tokenizer threads"
