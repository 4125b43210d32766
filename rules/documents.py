"""Which credit-rating documents a member submits (2017년도 신용평가 업무안내 ① and ② tables)."""

from __future__ import annotations

from dataclasses import dataclass

from rules.errors import RuleInputError
from rules.formatting import format_won
from rules.sources import (
    CONSENT_QNA,
    OTHER_DOCUMENTS,
    PROPERTY_TAX_QNA,
    REQUIRED_DOCUMENTS,
    SUPPLEMENT_QNA,
)

CONSENT_ASSET_THRESHOLD = 12_000_000_000
PROPERTY_TAX_THRESHOLD = 500_000

CONSENT_FORM = "개인(신용)정보 수집·이용·제공(조회) 동의서(신용평가용)"
PROPERTY_TAX_CERTIFICATE = "세목별 과세(납세)증명서"


@dataclass(frozen=True)
class DocumentFacts:
    """What the member told us; None means not said yet."""

    externally_audited: bool | None = None
    total_assets_won: int | None = None
    consent_submitted_last_year: bool | None = None
    ceo_changed_since: bool | None = None
    ceo_net_property_tax_won: int | None = None
    has_awards: bool | None = None
    has_patents: bool | None = None


@dataclass(frozen=True)
class DocumentItem:
    """One document with why it is (or is not) on the list and where the guide says so."""

    name: str
    reason: str
    source: str


@dataclass(frozen=True)
class DocumentList:
    """Documents sorted by what the facts settle; `undetermined` names what is still to be asked."""

    required: tuple[DocumentItem, ...]
    optional: tuple[DocumentItem, ...]
    not_needed: tuple[DocumentItem, ...]
    undetermined: tuple[DocumentItem, ...]
    notes: tuple[str, ...]
    source: str = f"{REQUIRED_DOCUMENTS}; {OTHER_DOCUMENTS}"


_SUBSTITUTE = (
    "반드시 작성하되, 어려우면 결산보고서(세무조정계산서) 책자나 계정별 명세서로 대신할 수 있습니다."
)
_FORMS = (
    DocumentItem("신용평가 신청서(조합서식 1)", "모든 신청 조합원이 제출합니다.", REQUIRED_DOCUMENTS),
    DocumentItem("조합원 실태현황(조합서식 2)", "모든 신청 조합원이 제출합니다.", REQUIRED_DOCUMENTS),
    DocumentItem("재무상태표 부속명세서(조합서식 4)", _SUBSTITUTE, f"{REQUIRED_DOCUMENTS}; {SUPPLEMENT_QNA}"),
    DocumentItem("손익계산서 부속명세서(조합서식 5)", _SUBSTITUTE, f"{REQUIRED_DOCUMENTS}; {SUPPLEMENT_QNA}"),
)
_STATEMENTS = DocumentItem(
    "최근 결산 재무제표(재무상태표, 손익계산서, 원가명세서, 이익잉여금처분(또는 결손금처리)계산서)",
    "세무대리인 확인이 필요하며, 세무대리인의 온라인 전송이 원칙입니다.",
    REQUIRED_DOCUMENTS,
)
_INSTEAD = "외부감사를 받은 경우 재무제표 대신 제출하며, 온라인 전송 절차는 생략합니다."
_AUDITED = tuple(
    DocumentItem(name, _INSTEAD, REQUIRED_DOCUMENTS)
    for name in ("외부감사인의 감사보고서", "원가명세서", "결산보고서(세무조정계산서)")
)
_NOTES = (
    "법인세 신고자료는 2012년도 신용평가부터 필수 제출서류에서 빠졌습니다. "
    "다만 평가에 필요하면 조합이 추가로 요청할 수 있습니다.",
)


def _check(facts: DocumentFacts) -> None:
    """Refuse negative amounts."""
    if facts.total_assets_won is not None and facts.total_assets_won < 0:
        raise RuleInputError("총자산은 0원 이상으로 알려 주세요.")
    if facts.ceo_net_property_tax_won is not None and facts.ceo_net_property_tax_won < 0:
        raise RuleInputError("재산세 금액은 0원 이상으로 알려 주세요.")


def _consent(facts: DocumentFacts) -> tuple[str, DocumentItem]:
    """The consent form's bucket: required, not_needed or undetermined."""
    audited, assets = facts.externally_audited, facts.total_assets_won
    if audited and assets is not None and assets >= CONSENT_ASSET_THRESHOLD:
        reason = f"총자산 120억원 이상({format_won(assets)})의 외감법인은 제출하지 않습니다."
        return "not_needed", DocumentItem(CONSENT_FORM, reason, REQUIRED_DOCUMENTS)
    if facts.consent_submitted_last_year and facts.ceo_changed_since is False:
        reason = "작년에 제출한 뒤 대표이사 변경이 없으면 다시 제출하지 않습니다."
        return "not_needed", DocumentItem(CONSENT_FORM, reason, CONSENT_QNA)
    size_fails = audited is False or (assets is not None and assets < CONSENT_ASSET_THRESHOLD)
    renewal_fails = facts.consent_submitted_last_year is False or facts.ceo_changed_since is True
    if size_fails and renewal_fails:
        why_size = "비외감법인" if audited is False else "총자산 120억원 미만"
        changed = facts.ceo_changed_since is True
        why_renewal = "대표이사가 바뀌었으므로" if changed else "작년에 제출하지 않았으므로"
        reason = f"{why_size}이고 {why_renewal} 대표자 명의로 제출해야 합니다."
        return "required", DocumentItem(CONSENT_FORM, reason, REQUIRED_DOCUMENTS)
    reason = (
        "총자산 120억원 이상의 외감법인이거나, 작년에 제출한 뒤 대표이사 변경이 없으면 제출하지 않습니다. "
        "그 밖에는 제출해야 합니다."
    )
    return "undetermined", DocumentItem(CONSENT_FORM, reason, REQUIRED_DOCUMENTS)


def _property_tax(facts: DocumentFacts) -> tuple[str, DocumentItem]:
    """The property-tax certificate's bucket: optional (earns points) or not_needed."""
    source = f"{OTHER_DOCUMENTS}; {PROPERTY_TAX_QNA}"
    tax = facts.ceo_net_property_tax_won
    if facts.externally_audited:
        reason = "비외감법인만 해당하는 서류입니다."
        return "not_needed", DocumentItem(PROPERTY_TAX_CERTIFICATE, reason, source)
    if tax is not None and tax < PROPERTY_TAX_THRESHOLD:
        reason = f"대표자 순재산세가 50만원 미만({format_won(tax)})이면 개인 재산현황을 작성하지 않습니다."
        return "not_needed", DocumentItem(PROPERTY_TAX_CERTIFICATE, reason, source)
    points = (
        "임의 제출서류로, 제출하면 비재무항목 평가에 가점이 됩니다(재산세 납세고지서겸영수증 사본도 됩니다)."
    )
    if tax is not None and facts.externally_audited is False:
        reason = f"비외감법인 대표자 순재산세가 50만원 이상({format_won(tax)})입니다. {points}"
    else:
        reason = (
            "비외감법인 대표자가 순재산세(도시계획세·공동시설세·지방교육세 등 제외)를 "
            f"50만원 이상 냈다면 제출합니다. {points}"
        )
    return "optional", DocumentItem(PROPERTY_TAX_CERTIFICATE, reason, source)


def _evidence(facts: DocumentFacts) -> list[DocumentItem]:
    """Award and technology papers, unless the member said it has none."""
    items: list[DocumentItem] = []
    if facts.has_awards is not False:
        reason = "전년도 정기평가 이후의 우수시공 지정·포상·표창만 제출합니다(감사패 제외)."
        items.append(DocumentItem("우수시공, 포상, 표창 근거서류", reason, OTHER_DOCUMENTS))
    if facts.has_patents is not False:
        reason = "평가일 현재 권리가 남아 있는 것으로, 신기술·특허 등 종류별로 1개씩만 제출합니다."
        items.append(DocumentItem("신기술, 특허, 실용신안권 등 근거서류", reason, OTHER_DOCUMENTS))
    return items


def required_documents(facts: DocumentFacts) -> DocumentList:
    """Sort the guide's documents into required, optional, not needed and still undetermined."""
    _check(facts)
    buckets: dict[str, list[DocumentItem]] = {
        "required": list(_FORMS),
        "optional": [],
        "not_needed": [],
        "undetermined": [],
    }
    if facts.externally_audited is None:
        reason = (
            "외부감사를 받았다면 감사보고서·원가명세서·결산보고서(세무조정계산서)를, "
            "아니면 세무대리인이 확인한 결산 재무제표를 제출합니다."
        )
        buckets["undetermined"].append(DocumentItem("재무제표 또는 감사보고서", reason, REQUIRED_DOCUMENTS))
    else:
        buckets["required"].extend(_AUDITED if facts.externally_audited else (_STATEMENTS,))
    for bucket, item in (_consent(facts), _property_tax(facts)):
        buckets[bucket].append(item)
    buckets["optional"].extend(_evidence(facts))
    return DocumentList(
        tuple(buckets["required"]),
        tuple(buckets["optional"]),
        tuple(buckets["not_needed"]),
        tuple(buckets["undetermined"]),
        _NOTES,
    )
