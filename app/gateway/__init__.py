"""The customs gateway: the outbox/inbox folders signed messages and receipts travel through,
and the customs simulator that answers on them (``app.gateway.simulator``)."""
