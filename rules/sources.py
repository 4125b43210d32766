"""Where each rule comes from, as the chat layer cites it."""

from __future__ import annotations

GUIDE_2017 = "2017년도 신용평가 업무안내"
QNA = "조합업무 Q&A"

RATING_WINDOW = f"{GUIDE_2017} 제2절 2 (신용평가 신청기간 및 유효기간)"
RATING_LATE = f"{GUIDE_2017} Q&A 신용평가 절차 개요 1"
EVALUATION_EXCLUSIONS = f"{GUIDE_2017} 제2절 3 (신용평가 제외대상)"
NO_RATING = f"{GUIDE_2017} Q&A 신용평가 절차 개요 2·3"
REQUIRED_DOCUMENTS = f"{GUIDE_2017} ① 필수 제출서류"
OTHER_DOCUMENTS = f"{GUIDE_2017} ② 기타 평가서류"
CONSENT_QNA = f"{GUIDE_2017} Q&A 신용평가용 동의서"
PROPERTY_TAX_QNA = f"{GUIDE_2017} Q&A 작성방법 3 (대표자 개인 재산현황)"
SUPPLEMENT_QNA = f"{GUIDE_2017} Q&A 신용평가 절차 개요 5 (부속명세서)"
RELEASE_NOTICE = f"{QNA} 보증해제대상 정보 문자메시지"
MILEAGE = f"{QNA} 문자메시지 마일리지"

#: Said wherever a date is computed for a year the 2017 guide did not print.
RULE_APPLIED_NOTE = "2017년도 업무안내의 규칙을 해당 연도에 그대로 적용해 계산한 날짜입니다."
GUIDE_TABLE_NOTE = "2017년도 업무안내 표에 그대로 나와 있는 날짜입니다."
