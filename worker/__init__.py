"""The worker process: builds the app and runs its RQ workers (``python -m worker``).

Queues, jobs and the worker classes belong to the app (:mod:`app.jobs`); nothing here
holds jobs or rules.
"""
