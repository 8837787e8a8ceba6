"""Pure risk rules of the broker review: each takes frozen facts and returns ``Risk`` records.

No database and no Flask here: ``app.services.risk.assess`` gathers what the rules need
(stored statistics, the quota ledger, other orders) and calls them. One module per concern:
``record`` (the Risk record), ``lines`` (HS digits, wording, restricted goods), ``tax_ids``,
``values`` (unit value against what the service has seen), ``limits`` (CBEC single-order
limit and annual quota), ``wording`` (the description/heading word match).
"""

from .record import SEVERITIES, Risk

__all__ = ["Risk", "SEVERITIES"]
