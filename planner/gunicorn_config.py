"""Gunicorn's settings for `make serve` (`gunicorn -c python:planner.gunicorn_config`); the command line
gives the rest (workers, threads, bind, timeouts)."""
import gc


def post_worker_init(worker):
    """Once a web worker has loaded the app, move what start-up made (modules, mappers, templates,
    Babel's locale data: about 200,000 objects that live as long as the worker) out of the cycle
    collector's way. A full collection otherwise walks them all, and one falls inside a request
    every few page views: on the 6,000-village kabupaten page it added up to 0.1 s to one request
    in several (docs/performance.md). Objects made later are collected as usual."""
    gc.collect()
    gc.freeze()
