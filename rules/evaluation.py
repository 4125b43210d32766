"""Who cannot be credit-rated (2017년도 신용평가 업무안내 제2절 3, 신용평가 제외대상)."""

from __future__ import annotations

from dataclasses import dataclass

from rules.errors import RuleInputError
from rules.sources import EVALUATION_EXCLUSIONS, NO_RATING

MIN_YEARS_OF_STATEMENTS = 2
OVERDUE_DAYS_LIMIT = 90
DISCLAIMER = "의견거절"


@dataclass(frozen=True)
class EvaluationFacts:
    """What a member says about itself; None means not stated (and so not held against it)."""

    years_of_statements: int | None = None
    has_sales: bool | None = None
    audit_opinion: str | None = None
    falsified: bool = False
    n3: bool = False
    checking_suspended: bool = False
    rehabilitation_filed: bool = False
    loan_overdue_days: int | None = None
    subrogation_paid: bool = False
    provisionally_allowed: bool = False


@dataclass(frozen=True)
class EvaluationResult:
    """Whether the stated facts allow a credit rating, each exclusion with the rule it hits."""

    can_evaluate: bool
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    source: str = EVALUATION_EXCLUSIONS


def _check(facts: EvaluationFacts) -> None:
    """Refuse counts a member cannot have (negative years or days)."""
    if facts.years_of_statements is not None and facts.years_of_statements < 0:
        raise RuleInputError("재무제표 연수는 0 이상으로 알려 주세요.")
    if facts.loan_overdue_days is not None and facts.loan_overdue_days < 0:
        raise RuleInputError("연체일수는 0일 이상으로 알려 주세요.")


def _default_signals(facts: EvaluationFacts) -> tuple[list[str], list[str]]:
    """Signs of a de facto default, and notes on the 잠정허용 exception."""
    waived = facts.provisionally_allowed
    signals: list[str] = []
    notes: list[str] = []
    # 잠정허용 only lifts N3 and 회생신청; the guide names no exception for the other signs.
    waivable = ((facts.n3, "신용불량정보관리기준 N3 분류"), (facts.rehabilitation_filed, "회생절차 신청"))
    for present, label in waivable:
        if present and waived:
            notes.append(f"{label}이지만 조합이 업무거래를 잠정허용했으므로 제외대상에서 빠집니다.")
        elif present:
            signals.append(label)
    if facts.checking_suspended:
        signals.append("금융결제원 당좌거래정지 처분")
    if facts.loan_overdue_days is not None and facts.loan_overdue_days >= OVERDUE_DAYS_LIMIT:
        signals.append(f"조합융자금 연체 {facts.loan_overdue_days}일(90일 이상)")
    if facts.subrogation_paid:
        signals.append("보증대급금 발생")
    if waived and signals:
        notes.append("잠정허용 예외는 N3 분류와 회생신청에만 적용됩니다.")
    return signals, notes


def assess(facts: EvaluationFacts) -> EvaluationResult:
    """Apply 제2절 3: each exclusion the facts meet becomes one reason."""
    _check(facts)
    exclusions: list[str] = []
    notes: list[str] = []
    years = facts.years_of_statements
    if years is not None and years < MIN_YEARS_OF_STATEMENTS:
        exclusions.append(
            f"최근 결산일 기준 2개 사업연도의 결산재무제표가 없는 경우에 해당합니다({years}개 연도)."
        )
        if years == 1:
            notes.append("1개 연도 재무제표만 있으면 다음 해 정기 신청기간에 신청해 주세요.")
        notes.append(
            "분할 법인이나 신규조합원도 종전 사업으로 2개 사업연도 재무제표를 낼 수 있으면 "
            "평가받을 수 있습니다."
        )
    if facts.has_sales is False:
        exclusions.append("최근 결산일 기준 매출액이 없는 경우에 해당합니다.")
    if facts.audit_opinion is not None and DISCLAIMER in facts.audit_opinion.replace(" ", ""):
        exclusions.append("외부감사보고서의 감사의견이 “의견거절”인 경우에 해당합니다.")
    if facts.falsified:
        exclusions.append("재무제표의 분식 또는 신용평가 자료의 허위제출에 해당합니다.")
    signals, signal_notes = _default_signals(facts)
    if signals:
        exclusions.append(f"실질적으로 채무불이행(부도) 상태인 경우에 해당합니다: {', '.join(signals)}.")
    notes.extend(signal_notes)
    if not exclusions:
        reason = "말씀하신 내용 중 신용평가 제외대상에 해당하는 것은 없습니다."
        return EvaluationResult(True, (reason,), tuple(notes))
    # Q&A 2 and 3: being unrated is not being shut out.
    notes.append("신용평가를 받지 못해도 최하위등급(D등급)으로 조합과 업무거래는 하실 수 있습니다.")
    return EvaluationResult(False, tuple(exclusions), tuple(notes), f"{EVALUATION_EXCLUSIONS}; {NO_RATING}")
