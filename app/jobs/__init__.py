"""The app's background work: named RQ queues, the jobs on them, and the worker classes.

Each job takes ids, runs inside an app context (see :mod:`app.jobs.runner`) and calls a
service; none holds business rules. ``worker`` (the process entry point) only builds the
app and runs these workers.
"""
