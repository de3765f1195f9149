"""`cchc evidence …`: tools for the evidence units keep (templates, scanning, checks)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evidence", help="công cụ cho tài liệu kiểm chứng của đơn vị",
                       description="Mẫu sổ đăng ký Excel, quét thư mục tài liệu, kiểm tra hồ sơ.")
    p.add_subparsers(dest="evidence_command", required=True, metavar="LỆNH")
