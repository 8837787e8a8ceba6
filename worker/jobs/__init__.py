"""RQ jobs. Each takes ids, runs inside an app context (see ``worker.main``) and calls a
service; none holds business rules."""
