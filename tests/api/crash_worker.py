"""Child process for the crash test: propose, accept, complete in a tight loop until killed."""

from __future__ import annotations

import sys

from matcher import propose
from matcher.store import ConflictError, Store


def main(db: str, district: str) -> None:
    store = Store.open(db)
    i = 0
    while True:
        with store.read() as tx:
            snap = tx.snapshot(district)
        p = propose(
            snap.case,
            excluded=snap.excluded,
            used_capacity=snap.used_capacity,
            filled_slots=snap.filled_slots,
        )
        pairs = [(a.cadre, a.demand) for a in p.assignments]
        try:
            with store.write() as tx:
                pid = tx.add_proposal(
                    district, {}, p.model_dump(mode="json"), snap.basis(pairs), pairs
                )
                if pairs:
                    tx.accept(district, pid)
        except ConflictError:
            pass
        with store.write() as tx:
            active, _ = tx.list_dispatches(district, status="active", limit=3)
            for d in active[: 1 + i % 3]:
                tx.close_dispatch(district, d.id, "complete" if i % 2 else "cancel")
        i += 1
        print(i, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
