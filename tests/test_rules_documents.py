"""Required and optional credit-rating documents (① 필수 제출서류, ② 기타 평가서류)."""

from __future__ import annotations

import pytest

from rules.documents import (
    CONSENT_FORM,
    PROPERTY_TAX_CERTIFICATE,
    DocumentFacts,
    DocumentList,
    required_documents,
)
from rules.errors import RuleInputError

BILLION = 100_000_000  # 1억원


def bucket_of(result: DocumentList, name: str) -> str | None:
    """Which list a document landed in, or None when absent."""
    for bucket in ("required", "optional", "not_needed", "undetermined"):
        if any(item.name == name for item in getattr(result, bucket)):
            return bucket
    return None


CONSENT_CASES = [
    pytest.param(
        DocumentFacts(externally_audited=True, total_assets_won=120 * BILLION), "not_needed", id="big"
    ),
    pytest.param(
        DocumentFacts(externally_audited=True, total_assets_won=300 * BILLION), "not_needed", id="bigger"
    ),
    pytest.param(
        DocumentFacts(
            externally_audited=True, total_assets_won=119 * BILLION, consent_submitted_last_year=False
        ),
        "required",
        id="audited-small-new",
    ),
    pytest.param(
        DocumentFacts(
            externally_audited=False, total_assets_won=500 * BILLION, consent_submitted_last_year=False
        ),
        "required",
        id="not-audited-large",
    ),
    pytest.param(
        DocumentFacts(externally_audited=False, consent_submitted_last_year=True, ceo_changed_since=False),
        "not_needed",
        id="renewed",
    ),
    pytest.param(
        DocumentFacts(externally_audited=False, consent_submitted_last_year=True, ceo_changed_since=True),
        "required",
        id="ceo-changed",
    ),
    pytest.param(DocumentFacts(externally_audited=False), "undetermined", id="ask-last-year"),
    pytest.param(DocumentFacts(externally_audited=True), "undetermined", id="ask-assets"),
    pytest.param(DocumentFacts(), "undetermined", id="nothing-known"),
]


@pytest.mark.parametrize(("facts", "bucket"), CONSENT_CASES)
def test_consent_form(facts: DocumentFacts, bucket: str) -> None:
    assert bucket_of(required_documents(facts), CONSENT_FORM) == bucket


def test_consent_reason_cites_the_exemption() -> None:
    result = required_documents(DocumentFacts(externally_audited=True, total_assets_won=150 * BILLION))
    (item,) = result.not_needed[:1]
    assert "120억원" in item.reason


def test_audited_submit_audit_report_instead_of_statements() -> None:
    names = [item.name for item in required_documents(DocumentFacts(externally_audited=True)).required]
    assert "외부감사인의 감사보고서" in names
    assert "원가명세서" in names
    assert "결산보고서(세무조정계산서)" in names
    assert not any(name.startswith("최근 결산 재무제표") for name in names)


def test_non_audited_submit_statements() -> None:
    names = [item.name for item in required_documents(DocumentFacts(externally_audited=False)).required]
    assert any(name.startswith("최근 결산 재무제표") for name in names)
    assert "외부감사인의 감사보고서" not in names


def test_forms_always_required() -> None:
    names = [item.name for item in required_documents(DocumentFacts()).required]
    assert names[:4] == [
        "신용평가 신청서(조합서식 1)",
        "조합원 실태현황(조합서식 2)",
        "재무상태표 부속명세서(조합서식 4)",
        "손익계산서 부속명세서(조합서식 5)",
    ]


def test_unknown_audit_status_is_undetermined() -> None:
    assert bucket_of(required_documents(DocumentFacts()), "재무제표 또는 감사보고서") == "undetermined"


PROPERTY_TAX_CASES = [
    pytest.param(
        DocumentFacts(externally_audited=False, ceo_net_property_tax_won=500_000), "optional", id="50"
    ),
    pytest.param(
        DocumentFacts(externally_audited=False, ceo_net_property_tax_won=2_000_000), "optional", id="200"
    ),
    pytest.param(
        DocumentFacts(externally_audited=False, ceo_net_property_tax_won=499_999), "not_needed", id="low"
    ),
    pytest.param(
        DocumentFacts(externally_audited=True, ceo_net_property_tax_won=3_000_000), "not_needed", id="aud"
    ),
    pytest.param(DocumentFacts(), "optional", id="conditional"),
]


@pytest.mark.parametrize(("facts", "bucket"), PROPERTY_TAX_CASES)
def test_property_tax_certificate(facts: DocumentFacts, bucket: str) -> None:
    assert bucket_of(required_documents(facts), PROPERTY_TAX_CERTIFICATE) == bucket


def test_property_tax_earns_points() -> None:
    result = required_documents(DocumentFacts(externally_audited=False, ceo_net_property_tax_won=800_000))
    (item,) = [i for i in result.optional if i.name == PROPERTY_TAX_CERTIFICATE]
    assert "가점" in item.reason
    assert "작성방법 3" in item.source


@pytest.mark.parametrize(
    ("awards", "patents", "count"), [(True, True, 2), (None, None, 2), (False, True, 1), (False, False, 0)]
)
def test_award_and_patent_papers_are_optional(awards: bool | None, patents: bool | None, count: int) -> None:
    facts = DocumentFacts(externally_audited=True, has_awards=awards, has_patents=patents)
    optional = [item for item in required_documents(facts).optional if "근거서류" in item.name]
    assert len(optional) == count
    assert all("② 기타 평가서류" in item.source for item in optional)


def test_every_item_names_its_source() -> None:
    result = required_documents(DocumentFacts())
    items = result.required + result.optional + result.not_needed + result.undetermined
    assert all(item.source.startswith("2017년도 신용평가 업무안내") for item in items)


@pytest.mark.parametrize(
    "facts", [DocumentFacts(total_assets_won=-1), DocumentFacts(ceo_net_property_tax_won=-500)]
)
def test_negative_amount_is_refused(facts: DocumentFacts) -> None:
    with pytest.raises(RuleInputError):
        required_documents(facts)
