"""The demo signing pair is made once per data dir, even by processes starting together."""

import multiprocessing

from app.services import signing_keys


def _certificate(data_dir: str, start, out) -> None:
    from flask import Flask

    app = Flask("signer")
    app.config["SILKPOST_DATA_DIR"] = data_dir
    start.wait()
    with app.app_context():
        out.put(signing_keys.signer()._cert_b64)


def test_workers_starting_together_sign_with_one_demo_key(tmp_path):
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_certificate, args=(str(tmp_path), start, out)) for _ in range(6)]
    for p in procs:
        p.start()
    start.set()
    certificates = {out.get(timeout=60) for _ in procs}
    for p in procs:
        p.join(timeout=30)
    assert len(certificates) == 1
    assert [p.name for p in (tmp_path / "signing").iterdir()] == ["demo"]  # no staging left
