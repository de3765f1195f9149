"""Every message a person reads, in Vietnamese, keyed by a stable code.

Code ranges by area (append only; never reuse a code):
R001–R014 scheme schema and checks · R015–R049 rule-author tools (check, cases, docs, diff)
E001–E014 case loading · E015–E049 registers as kept (Excel, folders, exports, scanned files)
C001–C009 assess CLI · C010–C029 other commands · W001–W005 assess · W010–W019 rules · W020–W039 evidence

Codes never change meaning once released; docs/error-codes.md lists them all and
a test checks that list against this catalogue.
- R… rule sets (schemes), E… evidence (case folders, registers, datasets),
- C… command line, W… warnings (reported, never fatal).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # rules
    "R001": "YAML không đọc được: {detail}",
    "R002": "sai cấu trúc: {detail}",
    "R003": "khóa không hợp lệ {key!r}{hint}",
    "R004": "mã trùng {id!r} (đã có ở {other})",
    "R005": "đơn vị không có trong danh sách đơn vị: {unit!r}{hint}",
    "R006": "các mức xếp loại có khoảng trống hoặc chồng lấn: {detail}",
    "R007": "ngưỡng {value} nằm ngoài [0, 1]",
    "R008": "tổng điểm tối đa không khớp: {detail}",
    "R009": "yêu cầu {id!r} không được phương pháp chấm điểm nào dùng",
    "R010": "phương pháp chấm điểm dùng yêu cầu không tồn tại {id!r}{hint}",
    "R011": "không tìm thấy bộ tiêu chí {name!r}{hint}",
    "R012": "bộ tiêu chí không có tiêu chí nào",
    "R013": "phương pháp {method!r} cần {detail}",
    "R014": "mức điểm không hợp lệ: {detail}",
    # evidence
    "E001": "không tìm thấy tệp hoặc thư mục: {path}",
    "E002": "thiếu cột {header!r}{hint}; các cột đang có: {columns}",
    "E003": "{detail}",
    "E004": "đơn vị không có trong units.yaml: {unit!r}{hint}",
    "E005": "đường dẫn ra ngoài thư mục hồ sơ: {path!r}",
    "E006": "giá trị không phải số: {value!r} (cột {header!r})",
    "E007": "số, ký hiệu không đọc được: {value!r}; {detail}",
    "E008": "giá trị {value!r} không có trong danh mục của cột {header!r}; dùng một trong: {allowed}",
    "E009": "hồ sơ không hợp lệ: {detail}",
    "E010": "tiêu chí {crit!r} hoặc yêu cầu {req!r} không có trong bộ tiêu chí{hint}",
    "E011": "dòng thiếu cả hạn, ngày hoàn thành và tình trạng: không xác định được đúng hạn hay không",
    "E012": "tỷ lệ không đọc được: {value!r} (cột {header!r}); cần dạng 39,1%, 0.391, 1/27 hoặc <100%",
    "E013": "tệp không đọc được: {detail}",
    "E014": "giá trị nhập ngoài {key!r} không hợp lệ: {detail}",
    # command line
    "C001": "ngày --as-of không hợp lệ: {detail}",
    "C002": "không tìm thấy hồ sơ (case) {name!r}{hint}",
    # warnings
    "W001": "tiêu chí chưa được đối chiếu văn bản gốc (verified: false): {points} điểm",
    "W002": "hồ sơ được lập cho phiên bản {case_version!r} của bộ tiêu chí, đang dùng phiên bản {scheme_version!r}",
    "W003": "durable-rules không dùng được ({detail}); dùng bộ so khớp Python thuần có cùng ngữ nghĩa",
    "W004": "tài liệu ghi ngày sau mốc đánh giá {as_of}, không tính: {what}",
    "W005": "tình trạng ghi {declared!r} khác tình trạng tính từ ngày tháng {derived!r}; dùng tình trạng tính từ ngày",
}


def render(code: str, **fields: object) -> str:
    fields.setdefault("hint", "")
    return MESSAGES[code].format(**fields)
