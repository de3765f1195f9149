"""`cchc serve`: the web workspace for units and TCCB on one machine or a shared server.

    cchc serve [CASE] [--data DIR] [--db URL] [--host 127.0.0.1] [--port 8000] [--demo]

CASE is imported into an empty workspace. The server refuses to start with no account (create the first one
with `cchc workspace create-admin`), except with `--demo`, which imports the seed case into a new data folder
and creates a TCCB account `tccb` whose random password is printed once. The workspace package is imported
only here, inside the command: nothing else in engine/ depends on it.
"""

from __future__ import annotations

import argparse
import ipaddress
import secrets
import socket
import sys
import tempfile
from pathlib import Path

from engine.cli.common import EXIT_OK, print_problems
from engine.locations import DEFAULT_CASE, find_case
from evidence.problems import InputError, Problem

DEFAULT_DATA = "cchc-workspace"
DEMO_USER = "tccb"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        description="Mở trang web làm việc: mỗi đơn vị thấy danh sách việc của mình và nộp tài liệu; Phòng TCCB xem "
                    "điểm cả Sở, sổ đăng ký, bộ dữ liệu, thẩm định thử, tài khoản, nhật ký. Dữ liệu nằm trong thư mục "
                    "--data (SQLite) hoặc cơ sở dữ liệu PostgreSQL (--db). Chạy thử: cchc serve --demo.",
    )
    p.add_argument("case", nargs="?", default=None,
                   help="thư mục hồ sơ (hoặc tên hồ sơ có sẵn) để nhập khi không gian làm việc còn trống")
    p.add_argument("--data", metavar="THƯ_MỤC", default=None,
                   help=f"thư mục dữ liệu: cơ sở dữ liệu SQLite và các tệp đã tải lên (mặc định: ./{DEFAULT_DATA}; "
                        "với --demo: một thư mục mới trong thư mục tạm)")
    p.add_argument("--db", metavar="ĐỊA_CHỈ", default=None,
                   help="cơ sở dữ liệu dùng chung, vd postgresql://cchc:mật_khẩu@máy:5432/cchc "
                        "(mặc định: SQLite trong thư mục dữ liệu)")
    p.add_argument("--host", metavar="MÁY", default="127.0.0.1",
                   help="địa chỉ lắng nghe (mặc định: 127.0.0.1, chỉ máy này)")
    p.add_argument("--port", metavar="CỔNG", type=_port, default=8000, help="cổng (mặc định: 8000)")
    p.add_argument("--demo", action="store_true",
                   help="chạy thử: nhập hồ sơ mẫu vào thư mục dữ liệu mới, tạo tài khoản TCCB «tccb» với mật khẩu "
                        "ngẫu nhiên in ra một lần")
    p.set_defaults(run=run)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"cổng phải là số từ 1 đến 65535, không phải «{text}»")
    return int(text)


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else happens, so a port in use is a clear error (C147)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(Problem.of("C154", host=host, detail=exc.strerror)) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise InputError(Problem.of("C147", host=host, port=port, detail=exc.strerror or str(exc))) from None
    return sock


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _data_folder(args: argparse.Namespace) -> Path:
    if not args.demo:
        return Path(args.data or DEFAULT_DATA)
    if args.data is None:
        return Path(tempfile.mkdtemp(prefix="cchc-demo-"))
    data = Path(args.data)
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        raise InputError(Problem.of("C150", data=str(data)))
    return data


def _open(data: Path, db: str | None):  # -> workspace.service.Workspace
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from workspace.service import Workspace, WorkspaceError

    try:
        return Workspace.open(data, db)
    except (ArgumentError, SQLAlchemyError, ValueError) as exc:
        if db is None:
            raise
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise InputError(Problem.of("C148", url=_without_password(db), detail=detail)) from None
    except WorkspaceError as exc:  # E100/E101: the database cannot be opened; one line, as every problem
        raise InputError(Problem(exc.code, exc.message.strip().splitlines()[0])) from None


def _without_password(url: str) -> str:
    """The URL as it may be printed: never its password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from workspace.service import Role
    from workspace.web.app import create_app

    data = _data_folder(args)
    sock = _listen(args.host, args.port)
    try:
        workspace = _open(data, args.db)
    except BaseException:
        sock.close()
        raise
    try:
        password = _prepare(workspace, args, data, Role)
        if not _loopback(args.host):
            print_problems([Problem.of("W111", host=args.host)])
        shown_host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"cchc: không gian làm việc «{workspace.title()}» ({data}) đang chạy tại "
              f"http://{shown_host}:{args.port}/ — Ctrl+C để dừng.")
        if password:
            print(f"Tài khoản chạy thử: {DEMO_USER} / {password}  (mật khẩu chỉ in một lần này)")
        sys.stdout.flush()
        server = uvicorn.Server(uvicorn.Config(create_app(workspace), log_level="warning", proxy_headers=True,
                                               server_header=False))
        server.run(sockets=[sock])
    finally:
        sock.close()
        workspace.close()
    return EXIT_OK


def _prepare(workspace, args: argparse.Namespace, data: Path, role) -> str | None:
    """Import the case and, with --demo, create the demo account; refuse to serve with no case or no account.
    Returns the demo password (printed once) or None."""
    case = args.case or (DEFAULT_CASE if args.demo else None)
    if case is not None:
        if workspace.is_empty():
            workspace.import_case(find_case(case))
        else:
            print_problems([Problem.of("W110", title=workspace.title(), case=case)])
    if workspace.is_empty():
        raise InputError(Problem.of("C153", data=str(data)))
    if args.demo:
        password = secrets.token_urlsafe(12)
        workspace.create_account(None, DEMO_USER, "Phòng TCCB (chạy thử)", role.TCCB, None, password)
        return password
    if not workspace.has_accounts():
        raise InputError(Problem.of("C149", data=str(data)))
    return None
