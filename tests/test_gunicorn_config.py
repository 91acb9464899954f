"""`make serve`'s gunicorn settings: a web worker, once it has loaded the app, takes what start-up made
out of the cycle collector's walks (planner/gunicorn_config.py)."""
import gc
from pathlib import Path

from planner import gunicorn_config


def test_a_loaded_worker_freezes_what_start_up_made():
    gc.unfreeze()
    try:
        gunicorn_config.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000      # the app's modules, mappers, templates…
    finally:
        gc.unfreeze()                               # the suite's own objects stay collectable


def test_make_serve_and_the_load_bench_start_gunicorn_with_these_settings():
    root = Path(__file__).resolve().parents[1]
    assert "gunicorn -c python:planner.gunicorn_config" in (root / "Makefile").read_text()
    assert '"-c", "python:planner.gunicorn_config"' in (root / "bench" / "load.py").read_text()
