"""Services: the only place that opens transactions, loads/saves models and enqueues jobs."""
