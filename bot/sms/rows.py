"""The register's rows read as the model's values (bot.sms.model), and how they are ordered and
compared: shared by the store and the reports built on it."""

from __future__ import annotations

from typing import Any

from bot.sms.model import ROLES, Member, Recipient


def member_of(row: dict[str, Any]) -> Member:
    return Member(row["member_no"], row["brn"], row["company"], row["ceo_name"], row["ceo_mobile"],
                  row["branch"])


def recipient_of(row: dict[str, Any]) -> Recipient:
    return Recipient(
        member_no=row["member_no"], company=row["company"], recipient_id=row["id"], name=row["name"],
        role=row["role"], phone=row["phone"], verification=row["verification"], status=row["status"],
        consent_at=row["consent_at"], consent_version=row["consent_version"],
        erased=row["erased_at"] is not None, approved_by=row["approved_by"],
        created_at=row["requested_at"] or row["created_at"],
    )


def ceo_recipient_of_row(row: dict[str, Any]) -> Recipient:
    return ceo_recipient_of(member_of(row))


def ceo_recipient_of(member: Member) -> Recipient:
    return Recipient(member.member_no, member.company, None, member.ceo_name, "대표이사", member.ceo_mobile,
                     "member_list", "active")


def list_order(entry: Recipient) -> tuple[str, int, int]:
    return entry.member_no, ROLES.index(entry.role) if entry.role in ROLES else 9, entry.recipient_id or 0


def changed_fields(old: Member, new: Member) -> list[str]:
    names = ["brn", "company", "ceo_name", "ceo_mobile", "branch"]
    return [n for n in names if getattr(old, n) != getattr(new, n)]
