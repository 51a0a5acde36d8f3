"""Property-based API tests from /openapi.json (schemathesis): no 5xx, responses match schemas.

Bounded: ``EXAMPLES`` generated requests per operation, derandomised, as an admin
(so that generated requests reach the handlers rather than stopping at 401/404).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api import Settings, create_app
from matcher import load_case
from matcher.store import Store

EXAMPLES = 12


@pytest.fixture(scope="module")
def app_and_token(
    tmp_path_factory: pytest.TempPathFactory, tiny_case_dir: Path
) -> Iterator[tuple[object, str]]:
    tmp = tmp_path_factory.mktemp("st")
    store = Store.open(tmp / "st.db")
    with store.write() as tx:
        tx.import_case("d1", load_case(tiny_case_dir))
        token, _ = tx.create_token("admin")
    yield (
        create_app(Settings(db=str(tmp / "unused.db"), max_body_bytes=256 * 1024), store=store),
        token,
    )
    store.close()


def test_openapi_fuzz(app_and_token: tuple[object, str]) -> None:
    app, token = app_and_token
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    checks = [not_a_server_error, response_schema_conformance]
    codes: Counter[int] = Counter()
    operations = 0
    for result in schema.get_all_operations():
        op = result.ok()  # type: ignore[union-attr]
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def run(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            response = case.call(headers=headers)
            codes[response.status_code] += 1
            case.validate_response(response, checks=checks, headers=headers)

        run()
    assert operations >= 30
    assert codes[200] + codes[201] > 50, codes  # requests reach the handlers
    assert not any(code >= 500 for code in codes)
    print(f"schemathesis: {operations} operations, {codes.total()} examples, {dict(codes)}")
