"""`cchc verify SAVED.json`: run a saved result again and say "giống hệt", or which file or rule changed.

Exit 0 identical, 1 different, 2 the saved file or its case cannot be used.
"""

from __future__ import annotations

import argparse

from engine.cli.common import EXIT_OK, EXIT_PROBLEMS, print_problems
from engine.locations import shown


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        description="Chấm lại một kết quả JSON đã lưu (cchc assess --save hoặc --format json) từ hồ sơ của nó, "
                    "cùng mốc, bộ so khớp và đơn vị, rồi nói \"giống hệt\" hoặc tệp hồ sơ, tệp luật nào đã đổi và "
                    "số liệu nào khác. Mã thoát: 0 giống hệt, 1 khác, 2 tệp hoặc hồ sơ không dùng được.",
    )
    p.add_argument("saved", metavar="TỆP_JSON", help="kết quả đã lưu, vd cases/<hồ sơ>/lich-su/2024-09-30.json")
    p.add_argument("--case", metavar="HỒ_SƠ",
                   help="hồ sơ để chấm lại (mặc định: hồ sơ chứa thư mục lich-su/ của tệp, hoặc hồ sơ ghi trong tệp)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from engine.cli.startup import loading_libraries

    with loading_libraries():
        from engine.verify import verify

    verdict = verify(Path(args.saved), args.case)
    print_problems(verdict.warnings)
    if verdict.identical:
        print(f"Giống hệt: chấm lại từ {shown(verdict.case_folder)} cho đúng kết quả đã lưu.")
        return EXIT_OK
    print(f"Khác: chấm lại từ {shown(verdict.case_folder)} không cho kết quả đã lưu.")
    for line in verdict.differences:
        print(f"  - {line}")
    return EXIT_PROBLEMS
