"""`cchc workspace …`: the web workspace's data from the command line (docs/workspace.md).

    cchc workspace create-admin [--username tccb] [--password-stdin]   the first TCCB account
    cchc workspace import HỒ_SƠ        start a workspace from a case folder
    cchc workspace export THƯ_MỤC      write the workspace's case folder (`cchc assess` reads it)
    cchc workspace backup THƯ_MỤC      a consistent copy of the database and the files
    cchc workspace restore BẢN_SAO     a workspace rebuilt from such a copy

Every command takes --data DIR (default ./cchc-workspace) and --db URL (default: SQLite in DIR). The
workspace package is imported here only, lazily: nothing else in engine/ knows of it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from engine.cli.common import EXIT_INPUT, EXIT_OK, print_problems
from engine.locations import find_case
from evidence.formatting import points
from evidence.problems import Problem

if TYPE_CHECKING:
    from workspace.service import Workspace

DEFAULT_DATA = "cchc-workspace"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workspace",
                       description="Quản lý kho dữ liệu của trang làm việc chung (cchc serve) từ dòng lệnh. "
                                   "Xem docs/workspace.md.")
    commands = p.add_subparsers(dest="workspace_command", required=True, metavar="VIỆC")

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--data", default=DEFAULT_DATA, metavar="THƯ_MỤC",
                            help=f"thư mục dữ liệu: workspace.db và files/ (mặc định: ./{DEFAULT_DATA})")
        parser.add_argument("--db", metavar="URL",
                            help="cơ sở dữ liệu, vd postgresql://user@host/cchc (mặc định: SQLite trong --data)")

    admin = commands.add_parser("create-admin", help="tạo tài khoản Phòng TCCB đầu tiên (không có mật khẩu mặc định)",
                                description="Tạo một tài khoản Phòng TCCB. Mật khẩu được hỏi hai lần (không hiện "
                                            "trên màn hình), hoặc đọc một dòng từ đầu vào chuẩn với --password-stdin.")
    common(admin)
    admin.add_argument("--username", default="tccb", metavar="TÊN", help="tên đăng nhập (mặc định: tccb)")
    admin.add_argument("--full-name", "--ho-ten", dest="full_name", default="Phòng Tổ chức cán bộ", metavar="TÊN",
                       help="tên hiển thị")
    admin.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn")
    admin.set_defaults(run=run_create_admin)

    imp = commands.add_parser("import", help="bắt đầu kho dữ liệu từ một thư mục hồ sơ",
                              description="Nhập một thư mục hồ sơ vào kho dữ liệu còn trống.")
    imp.add_argument("case", metavar="HỒ_SƠ", help="thư mục hồ sơ hoặc tên hồ sơ có sẵn")
    common(imp)
    imp.set_defaults(run=run_import)

    exp = commands.add_parser("export", help="xuất hồ sơ của kho dữ liệu thành thư mục hồ sơ (cchc assess đọc được)",
                              description="Ghi toàn bộ hồ sơ của kho dữ liệu vào một thư mục mới: case.yaml, sổ "
                                          "đăng ký, bộ dữ liệu, giá trị nhập ngoài, thẩm định thử, tài liệu, lịch sử.")
    exp.add_argument("target", metavar="THƯ_MỤC", help="thư mục đích (mới hoặc rỗng)")
    common(exp)
    exp.set_defaults(run=run_export)

    bak = commands.add_parser("backup", help="sao lưu nhất quán cơ sở dữ liệu và các tệp",
                              description="Sao lưu cơ sở dữ liệu (một ảnh chụp nhất quán) và các tệp vào thư mục mới.")
    bak.add_argument("target", metavar="THƯ_MỤC", help="thư mục đích (mới hoặc rỗng)")
    common(bak)
    bak.set_defaults(run=run_backup)

    res = commands.add_parser("restore", help="dựng lại kho dữ liệu từ một bản sao lưu",
                              description="Dựng lại kho dữ liệu từ bản sao lưu vào --data mới (và --db là một cơ "
                                          "sở dữ liệu PostgreSQL rỗng, nếu bản sao lưu lấy từ PostgreSQL).")
    res.add_argument("source", metavar="BẢN_SAO", help="thư mục bản sao lưu (cchc workspace backup)")
    common(res)
    res.set_defaults(run=run_restore)


def _fail(error: Exception) -> int:
    """A WorkspaceError as the CLI prints any input problem: one line each, exit 2."""
    problems = getattr(error, "problems", None) or [Problem(error.code, error.message)]  # type: ignore[attr-defined]
    print_problems(problems)
    print(f"({len(problems)} lỗi; dừng.)", file=sys.stderr)
    return EXIT_INPUT


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from workspace.service import Workspace

    ws = Workspace.open(Path(args.data), args.db)
    print_problems(ws.warnings)
    return ws


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        from workspace.errors import Invalid

        raise Invalid("C124")
    return first


def _in_workspace(args: argparse.Namespace, work: Callable[[Workspace], str]) -> int:
    """Open the workspace, do the work, close it: one line saying what was done, or its problems (exit 2)."""
    from workspace.service import WorkspaceError

    try:
        ws = _open(args)
        try:
            done = work(ws)
        finally:
            ws.close()
    except WorkspaceError as exc:
        return _fail(exc)
    print(done)
    return EXIT_OK


def run_create_admin(args: argparse.Namespace) -> int:
    from workspace.service import Role, WorkspaceError

    try:
        password = _password(args)  # asked before the workspace is opened (and migrated)
    except WorkspaceError as exc:
        return _fail(exc)

    def create(ws: Workspace) -> str:
        account = ws.create_account(None, args.username, args.full_name, Role.TCCB, None, password)
        return f"Đã tạo tài khoản Phòng TCCB «{account.username}» trong {args.db or args.data}."

    return _in_workspace(args, create)


def run_import(args: argparse.Namespace) -> int:
    folder = find_case(args.case)

    def start(ws: Workspace) -> str:
        ws.import_case(folder)
        return (f"Đã nhập hồ sơ «{ws.title()}» vào {args.db or args.data}: "
                f"{points(ws.assessment().total)} điểm.")

    return _in_workspace(args, start)


def run_export(args: argparse.Namespace) -> int:
    def export(ws: Workspace) -> str:
        target = ws.export_case(Path(args.target))
        return f"Đã xuất hồ sơ vào {target}; chấm: cchc assess {target}"

    return _in_workspace(args, export)


def run_backup(args: argparse.Namespace) -> int:
    def backup(ws: Workspace) -> str:
        target = ws.backup(Path(args.target))
        return f"Đã sao lưu vào {target}; khôi phục: cchc workspace restore {target} --data <thư mục mới>"

    return _in_workspace(args, backup)


def run_restore(args: argparse.Namespace) -> int:
    from workspace.backup import restore
    from workspace.service import WorkspaceError

    try:
        restore(Path(args.source), Path(args.data), args.db)
        _open(args).close()  # brought to the newest schema, leftovers swept
    except WorkspaceError as exc:
        return _fail(exc)
    print(f"Đã khôi phục kho dữ liệu vào {args.db or args.data}.")
    return EXIT_OK
