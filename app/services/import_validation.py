"""Validating groups of import rows, in this process or in a pool of processes.

Validation is pure (rows in, loaded orders or row errors out) and is most of an import's
CPU time, so large imports spread it over the machine's cores while the main process
writes the previous chunk. The pool workers import no app and touch no database.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date

from marshmallow import ValidationError

from tariff_tables import Tariff

from ..errors import flatten_errors
from ..schemas import orders as order_schemas
from . import order_files, quoting
from .orders import Precomputed, body_hash
from .process_lifetime import die_with_parent

log = logging.getLogger(__name__)

Problem = tuple[int, str | None, str]  # (row, column, message)


@dataclass
class Checked:
    """One order group after validation: the loaded data (with its body digest and, where
    it needs no database, its quote), or its row problems."""

    group: order_files.OrderGroup
    data: dict | None
    problems: list[Problem]
    precomputed: Precomputed | None = None


def validate_groups(
    groups: Sequence[order_files.OrderGroup],
    as_of: date | None = None,
    table: Tariff | None = None,
) -> list[Checked]:
    """Validate, digest and (with a table, and unless the buyer's quota ledger is needed)
    quote each group: all pure work, safe to run in a helper process."""
    schema = order_schemas.OrderIn()
    out = []
    for group in groups:
        problems: list[Problem] = list(group.errors)
        data = None
        try:
            data = schema.load(group.payload)
        except ValidationError as exc:
            for path, messages in flatten_errors(exc.messages).items():
                row, column = order_files.locate_error(group, path)
                problems.extend((row, column, m) for m in messages)
        if problems:
            problems.sort(key=lambda p: (p[0], p[1] or ""))
            out.append(Checked(group, None, problems))
            continue
        pre = Precomputed(body_hash(data))
        if table is not None and as_of is not None and quoting.buyer_of(data) is None:
            quote, error = quoting.frozen_quote(data, as_of, table)
            pre = Precomputed(pre.digest, quote, error, quoted=True)
        out.append(Checked(group, data, problems, pre))
    return out


_HELPER: dict = {}


def _init_worker(
    parent: int,
    phone_required: tuple[str, ...],
    fx_rates_file: str | None,
    as_of: date,
    ecb_file: str | None,
) -> None:
    die_with_parent(parent)  # a killed import leaves no helper behind
    order_schemas.DEFAULT_PHONE_REQUIRED = phone_required
    _HELPER["table"] = quoting.build_tariff(fx_rates_file, ecb_file)
    _HELPER["as_of"] = as_of


def _validate_in_helper(groups: Sequence[order_files.OrderGroup]) -> list[Checked]:
    return validate_groups(groups, _HELPER["as_of"], _HELPER["table"])


def validated_chunks(
    chunks: Iterable[Sequence[order_files.OrderGroup]],
    phone_required: tuple[str, ...],
    processes: int,
    *,
    as_of: date | None = None,
    table: Tariff | None = None,
    fx_rates_file: str | None = None,
    ecb_file: str | None = None,
) -> Iterator[list[Checked]]:
    """Validated chunks in input order, taking chunks from ``chunks`` only as needed.

    With ``processes`` ≥ 1, that many pool workers validate ahead while the caller stores
    earlier chunks (one worker already overlaps the two halves of the work on two cores);
    at most two chunks per worker are in flight, so memory does not grow with the file.
    With 0, validation runs inline.
    """
    if processes < 1:
        for chunk in chunks:
            yield validate_groups(chunk, as_of, table)
        return
    # "spawn": the caller may be a forked RQ work horse with open sockets and threads.
    context = multiprocessing.get_context("spawn")
    pending = iter(chunks)
    window: deque = deque()  # (chunk, future), oldest first
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=context,
        initializer=_init_worker,
        initargs=(os.getpid(), tuple(phone_required), fx_rates_file, as_of, ecb_file),
    ) as pool:
        try:
            while True:
                while len(window) < 2 * processes and (chunk := next(pending, None)) is not None:
                    window.append((chunk, pool.submit(_validate_in_helper, chunk)))
                if not window:
                    return
                yield window[0][1].result()
                window.popleft()
        except BrokenProcessPool:
            # A helper died (killed, out of memory): finish inline rather than fail the import.
            log.warning("validation helper process died; validating the rest inline")
        finally:
            for _, future in window:
                future.cancel()
    for chunk in itertools.chain((c for c, _ in window), pending):
        yield validate_groups(chunk, as_of, table)
