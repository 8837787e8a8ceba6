"""Clearance test helpers: registered parties, fileable orders, workers, and a stand-in for
customs that answers outbox messages with hand-built receipt files (CEB622/CEB604/CEB624…).
"""

from __future__ import annotations

import copy
import itertools
from datetime import datetime, timedelta
from pathlib import Path

from support import BASE_EXPORT_ORDER, REFERENCE, cbec_import_order, headers

from declarations import dxp

CEB_DIR = REFERENCE / "ceb-202205"
SELLER_PROFILE = {
    "customs_code": "1105910159",
    "customs_name": "示例科技有限公司",
    "dxp_id": "DXPENT0000000001",
}
BROKER_NAME = "broker-agent"
BROKER_PROFILE = {
    "customs_code": "1105980159",
    "customs_name": "示例报关有限公司",
    "dxp_id": "DXPENT0000000009",
}
DECLARING = {
    "OPERATOR_CODE": "4403180EMS",
    "OPERATOR_NAME": "示例国际快递有限公司",
    "OPERATOR_DXP_ID": "DXPLOG0000000001",
    "CUSTOMS_CODE": "5304",
    "PORT_CODE": "5304",
    "EXPORT_POD": "3040",
    "BROKER_NAME": BROKER_NAME,
    "CEB_XSD_DIR": str(CEB_DIR) if CEB_DIR.exists() else None,
}


def configure(app) -> None:
    app.config.update(DECLARING)


def parties(client, make_user) -> tuple[dict, dict]:
    """A seller and the broker who files for it, both registered with customs."""
    seller = make_user("seller")
    broker = make_user("broker", name=BROKER_NAME)
    assert (
        client.put("/api/v1/profile", json=SELLER_PROFILE, headers=headers(seller)).status_code
        == 200
    )
    assert (
        client.put("/api/v1/profile", json=BROKER_PROFILE, headers=headers(broker)).status_code
        == 200
    )
    return seller, broker


def _china_codes(body: dict) -> dict:
    for item in body["items"]:
        item["hs_code"] = item["hs_code"].replace(".", "").ljust(10, "0")
    return body


def resident_id(n: int) -> str:
    """A well-formed China resident identity number (GB 11643: ISO 7064 MOD 11-2 check
    character) for buyer ``n``: Shanghai Huangpu, born 1990-01-01 plus ``n // 1000`` days."""
    from datetime import date, timedelta

    born = date(1990, 1, 1) + timedelta(days=n // 1000)
    body = f"310101{born:%Y%m%d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def import_body(n: int, buyer: str = "310101199001011234", **changes) -> dict:
    payment = {
        "pay_code": "1101110323",
        "pay_name": "示例支付有限公司",
        "transaction_id": f"PAY-{n:06d}",
        "paid_at": "2026-11-20T10:16:30",
    }
    body = cbec_import_order(**{"order_no": f"IM-{n:04d}", "payment": payment, **changes})
    body["recipient"]["id_number"] = buyer
    body["items"][0]["description_local"] = "男士纯棉针织T恤"
    body["items"][1]["description_local"] = "瓷咖啡杯"
    return _china_codes(body)


def export_body(n: int, **changes) -> dict:
    """An export with the buyer's payment, which the receipt of payment (CEB403) states."""
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    payment = {
        "pay_code": "1101110323",
        "pay_name": "示例支付有限公司",
        "transaction_id": f"EXPAY-{n:06d}",
        "paid_at": "2026-11-20T09:00:00",
    }
    body.update({"order_no": f"EX-{n:04d}", "payment": payment, **changes})
    return _china_codes(body)


def create(client, seller, body) -> str:
    r = client.post("/api/v1/orders", json=body, headers=headers(seller))
    assert r.status_code == 201, r.json
    return r.json["id"]


def work(app) -> None:
    """Run every queued job in this process (a real RQ worker, in burst mode)."""
    from app.jobs.runner import make_worker

    make_worker(app, simple=True).work(burst=True, with_scheduler=False)


def case_of(client, who, case_id) -> dict:
    r = client.get(f"/api/v1/clearance/{case_id}", headers=headers(who))
    assert r.status_code == 200, r.json
    return r.json


def hand_over(client, seller, order_ids) -> list[str]:
    r = client.post("/api/v1/clearance", json={"order_ids": order_ids}, headers=headers(seller))
    assert r.status_code == 201, r.json
    assert r.json["refused"] == {}
    return [c["id"] for c in r.json["cases"]]


def post(client, who, case_id, action, body=None):
    return client.post(f"/api/v1/clearance/{case_id}/{action}", json=body, headers=headers(who))


# -- a stand-in for customs ----------------------------------------------------------------


class Customs:
    """Takes messages from the outbox (to outbox/sent) and writes receipts into the inbox,
    with return times from a clock that only moves forward."""

    INVENTORY = {"CEB621": "CEB622", "CEB603": "CEB604"}
    CANCEL = {"CEB623": "CEB624", "CEB605": "CEB606"}

    def __init__(self, root: Path):
        from app.gateway.filedrop import FileDrop

        self.root = FileDrop(Path(root)).root  # the folders exist from now on
        self.clock = datetime(2026, 11, 28, 10, 0, 0)
        self.names = itertools.count(1)
        self.taken: list[str] = []

    def now(self) -> str:
        self.clock += timedelta(seconds=7)
        return self.clock.strftime("%Y%m%d%H%M%S") + "000"

    def take(self) -> list[dxp.Envelope]:
        """The messages waiting in the outbox, moved to sent/ as a transfer client does."""
        outbox = self.root / "outbox"
        found = []
        for path in sorted(outbox.glob("CEB*.xml")):
            found.append(dxp.unwrap(path.read_bytes()))
            path.rename(outbox / "sent" / path.name)
            self.taken.append(path.name)
        return found

    def drop(self, content: bytes, name: str | None = None) -> str:
        name = name or f"receipt-{next(self.names):05d}.xml"
        inbox = self.root / "inbox"
        tmp = inbox / f".{name}.tmp"
        tmp.write_bytes(content)
        tmp.rename(inbox / name)
        return name

    def inventory_receipt(self, message: str, cop_no: str, *statuses, invt_no="") -> bytes:
        """An inventory (or cancel) receipt: one return node per status, times moving on."""
        receipt = self.INVENTORY.get(message) or self.CANCEL[message]
        node = "InventoryReturn" if message in self.INVENTORY else "InvtCancelReturn"
        nodes = "".join(
            f"<{node}><guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</guid>"
            f"<customsCode>5304</customsCode><ebpCode>1105910159</ebpCode>"
            f"<ebcCode>1105910159</ebcCode><agentCode>1105980159</agentCode>"
            f"<copNo>{cop_no}</copNo><preNo>B2026112800000{n}</preNo>"
            + (f"<invtNo>{invt_no}</invtNo>" if invt_no else "")
            + f"<returnStatus>{status}</returnStatus><returnTime>{self.now()}</returnTime>"
            f"<returnInfo>{info}</returnInfo></{node}>"
            for n, (status, info) in enumerate(statuses)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><{receipt}Message version="1.0" '
            f'xmlns="http://www.chinaport.gov.cn/ceb" '
            f'guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94">{nodes}</{receipt}Message>'
        ).encode()

    def answer(self, *statuses, invt_no="INVT0001") -> list[str]:
        """Answer every inventory (or cancel) taken from the outbox with ``statuses``
        (pairs of status and text), all of a message's receipts in one file."""
        names = []
        for env in self.take():
            message = env.msg_type.removesuffix("Message")
            if message not in self.INVENTORY and message not in self.CANCEL:
                continue
            cop_no = _cop_no(env.data)
            receipt = self.inventory_receipt(message, cop_no, *statuses, invt_no=invt_no)
            names.append(self.drop(receipt))
        return names


def _cop_no(message: bytes) -> str:
    from lxml import etree

    root = etree.fromstring(message)
    return root.findtext(".//{http://www.chinaport.gov.cn/ceb}copNo")


RELEASE = (("2", "declaring"), ("120", "accepted"), ("399", "decided"), ("800", "released"))


def approve(client, broker, case_id) -> None:
    r = post(client, broker, case_id, "approve")
    assert r.status_code == 200, r.json


def file_orders(app, client, seller, broker, order_ids) -> list[str]:
    """Hand the orders over, prepare, approve and file them; returns the case ids."""
    case_ids = hand_over(client, seller, order_ids)
    work(app)
    r = client.post(
        "/api/v1/clearance/approve", json={"case_ids": case_ids}, headers=headers(broker)
    )
    assert r.status_code == 200 and r.json["refused"] == {}, r.json
    work(app)
    return case_ids


class Simulator:
    """The customs simulator on the app's gateway folders, on a test clock (UTC) that only
    moves when the test says so."""

    def __init__(self, app, **changes):
        from datetime import UTC

        from app.gateway.simulator import loop
        from app.gateway.simulator.config import SimConfig

        self.loop = loop
        self.config = SimConfig.from_mapping(app.config, **{"delay_seconds": 1.0, **changes})
        self.sim, self.folders = loop.open_simulator(self.config)
        self.now = datetime(2026, 11, 28, 2, 0, 0, tzinfo=UTC)

    def tick(self, seconds: float = 0.0):
        """One round at the clock moved on by ``seconds``."""
        self.now += timedelta(seconds=seconds)
        return self.loop.tick(self.sim, self.folders, self.now)

    def drain(self) -> int:
        """Rounds until everything taken is answered, the clock 10 s further each round."""

        def clock():
            self.now += timedelta(seconds=10)
            return self.now

        return self.loop.drain(self.sim, self.folders, clock=clock)

    def close(self) -> None:
        self.sim.store.close()

    def sent(self) -> list[str]:
        return sorted(p.name for p in self.folders.sent.iterdir())


def released_exports(app, client, make_user, count: int) -> tuple:
    """``count`` export orders filed through the customs simulator and its receipts read:
    ``(seller, broker, simulator, order ids, case ids)``; the caller closes the simulator."""
    from app.services import inbox

    configure(app)
    seller, broker = parties(client, make_user)
    sim = Simulator(app)
    orders = [create(client, seller, export_body(n)) for n in range(1, count + 1)]
    case_ids = file_orders(app, client, seller, broker, orders)
    sim.drain()
    inbox.poll()
    return seller, broker, sim, orders, case_ids


def parcel_event_codes(client, seller, parcel_id) -> list[str]:
    """The codes of a parcel's tracking events, oldest first, as its seller reads them."""
    r = client.get(f"/api/v1/parcels/{parcel_id}/events", headers=headers(seller))
    assert r.status_code == 200, r.json
    return [e["code"] for e in r.json["events"]]


def settle(app, sim) -> None:
    """Run the queued jobs, let the simulator answer everything, read its receipts."""
    from app.services import inbox

    work(app)
    sim.drain()
    assert inbox.poll()["quarantined"] == 0
