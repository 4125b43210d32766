"""Evaluation exclusions (제2절 3) and the 잠정허용 exception."""

from __future__ import annotations

import pytest

from rules.errors import RuleInputError
from rules.evaluation import EvaluationFacts, assess

EXCLUDED = [
    pytest.param(EvaluationFacts(years_of_statements=1), "2개 사업연도", id="one-year"),
    pytest.param(EvaluationFacts(years_of_statements=0), "2개 사업연도", id="no-statements"),
    pytest.param(EvaluationFacts(has_sales=False), "매출액", id="no-sales"),
    pytest.param(EvaluationFacts(audit_opinion="의견거절"), "의견거절", id="disclaimer"),
    pytest.param(EvaluationFacts(audit_opinion="의견 거절"), "의견거절", id="disclaimer-spaced"),
    pytest.param(EvaluationFacts(falsified=True), "분식", id="falsified"),
    pytest.param(EvaluationFacts(n3=True), "N3", id="n3"),
    pytest.param(EvaluationFacts(checking_suspended=True), "당좌거래정지", id="checking"),
    pytest.param(EvaluationFacts(rehabilitation_filed=True), "회생절차", id="rehabilitation"),
    pytest.param(EvaluationFacts(loan_overdue_days=90), "90일", id="overdue-90"),
    pytest.param(EvaluationFacts(subrogation_paid=True), "보증대급금", id="subrogation"),
    pytest.param(
        EvaluationFacts(checking_suspended=True, provisionally_allowed=True), "당좌거래정지", id="no-waiver"
    ),
    pytest.param(
        EvaluationFacts(subrogation_paid=True, provisionally_allowed=True), "보증대급금", id="no-waiver-2"
    ),
]

ALLOWED = [
    pytest.param(EvaluationFacts(), id="nothing-said"),
    pytest.param(EvaluationFacts(years_of_statements=2, has_sales=True, audit_opinion="적정"), id="clean"),
    pytest.param(EvaluationFacts(audit_opinion="한정"), id="qualified"),
    pytest.param(EvaluationFacts(loan_overdue_days=89), id="overdue-89"),
    pytest.param(EvaluationFacts(n3=True, provisionally_allowed=True), id="n3-waived"),
    pytest.param(EvaluationFacts(rehabilitation_filed=True, provisionally_allowed=True), id="rehab-waived"),
]


@pytest.mark.parametrize(("facts", "fragment"), EXCLUDED)
def test_excluded(facts: EvaluationFacts, fragment: str) -> None:
    result = assess(facts)
    assert not result.can_evaluate
    assert any(fragment in reason for reason in result.reasons)
    assert "제2절 3" in result.source


@pytest.mark.parametrize("facts", ALLOWED)
def test_allowed(facts: EvaluationFacts) -> None:
    result = assess(facts)
    assert result.can_evaluate
    assert len(result.reasons) == 1


def test_waiver_is_explained() -> None:
    result = assess(EvaluationFacts(n3=True, provisionally_allowed=True))
    assert any("잠정허용" in note for note in result.notes)


def test_waiver_covers_only_n3_and_rehabilitation() -> None:
    result = assess(EvaluationFacts(n3=True, checking_suspended=True, provisionally_allowed=True))
    assert not result.can_evaluate
    assert "N3" not in result.reasons[0]
    assert any("N3 분류와 회생신청에만" in note for note in result.notes)


def test_every_exclusion_is_reported() -> None:
    facts = EvaluationFacts(years_of_statements=1, has_sales=False, falsified=True, n3=True)
    assert len(assess(facts).reasons) == 4


def test_one_year_gets_next_year_hint() -> None:
    notes = assess(EvaluationFacts(years_of_statements=1)).notes
    assert any("다음 해" in note for note in notes)
    assert any("D등급" in note for note in notes)


@pytest.mark.parametrize(
    "facts", [EvaluationFacts(years_of_statements=-1), EvaluationFacts(loan_overdue_days=-3)]
)
def test_negative_input_is_refused(facts: EvaluationFacts) -> None:
    with pytest.raises(RuleInputError):
        assess(facts)
