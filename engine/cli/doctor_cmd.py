"""`cchc doctor [--build-durable]`: which matcher runs on this Python, and a patched durable-rules for 3.13+.

Exit 0 when durable-rules loads (or has just been built and loads), 1 when the plain matcher runs,
2 when the build cannot be done here (no compiler, hash mismatch, no network: one line says which).
"""

from __future__ import annotations

import argparse

from engine.cli.common import EXIT_OK, EXIT_PROBLEMS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor",
        description="Cho biết phiên bản Python, durable-rules có nạp được không, bộ so khớp nào đang chạy và cần làm "
                    "gì. Trên Python 3.13 trở lên, durable-rules 2.0.28 không nạp được; --build-durable tải gói "
                    "nguồn từ kho gói bằng pip, kiểm SHA-256, vá, dựng và cài vào môi trường đang chạy (cần gcc "
                    "và mạng). Mã thoát: 0 durable-rules chạy, 1 bộ so khớp Python thuần chạy, 2 không dựng được.",
    )
    p.add_argument("--build-durable", action="store_true",
                   help="dựng và cài durable-rules 2.0.28 đã vá cho Python đang chạy")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    import tempfile
    from pathlib import Path

    from engine import doctor

    state = doctor.status()
    print(f"Python {state.python}")
    if args.build_durable and state.durable_error is not None:
        print(f"Đang dựng durable-rules {doctor.DURABLE_VERSION} có vá (tải bằng pip, kiểm SHA-256, "
              "biên dịch C; mất khoảng một phút)…")
        with tempfile.TemporaryDirectory(prefix="cchc-durable-") as work:
            wheel = doctor.build_durable(Path(work))
        print(f"Đã cài {wheel.name} vào {sys.prefix}.")
        state = doctor.status()
    if state.durable_error is None:
        print(f"durable-rules: nạp được. Bộ so khớp: {state.matcher}.")
        return EXIT_OK
    print(f"durable-rules: không nạp được ({state.durable_error}).")
    print(f"Bộ so khớp: {state.matcher} (Python thuần, cùng ngữ nghĩa, kết quả chấm như nhau).")
    if doctor.needs_patch():
        print(f"Cần làm: chạy `{doctor.BUILD_COMMAND}` (cần gcc và mạng) để dựng durable-rules có vá "
              "cho Python này.")
    else:
        print(f"Cần làm: cài lại cchc (`pip install cchc`) để có durable-rules, hoặc chạy `{doctor.BUILD_COMMAND}`.")
    return EXIT_PROBLEMS
