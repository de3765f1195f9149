"""Every message a person reads, in Vietnamese, keyed by a stable code.

Code ranges by area (append only; never reuse a code):
R001–R014 scheme schema and checks · R015–R049 rule-author tools (check, cases, docs, diff)
E001–E014 case loading · E015–E049 registers as kept (Excel, folders, exports, scanned files)
E050–E059, W040–W044 reading files people keep safely (YAML limits, merged cells, memory)
C001–C009 assess CLI · C010–C029 other commands · W001–W005 assess · W010–W019 rules · W020–W039 evidence
E060–E069, W045–W049 values and rows that would change a score unseen (out-of-range inputs, repeated rows…)
E070–E074, W056–W058, C026–C027 calibration against the official appraisal, the remediation plan

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
    "E010": "{what} không có trong bộ tiêu chí{hint}",
    "E011": "dòng thiếu cả hạn, ngày hoàn thành và tình trạng: không xác định được đúng hạn hay không",
    "E012": "tỷ lệ không đọc được: {value!r} (cột {header!r}); cần dạng 39,1%, 0.391, 1/27 hoặc <100%",
    "E013": "tệp không đọc được: {detail}",
    "E014": "giá trị nhập ngoài {key!r} không hợp lệ: {detail}",
    # registers as units keep them: Excel, folders of registers, scanned files (E015–E029)
    "E015": "tệp quá lớn hoặc quá nhiều dữ liệu: {detail}",
    "E016": "tệp Excel không đọc được: {detail}",
    "E017": "ô chứa {what} {value!r}: cchc không tính công thức Excel; hãy chép rồi dán giá trị "
            "(Dán đặc biệt → Giá trị) hoặc gõ trực tiếp",
    "E018": "cột {header!r} có hai lần (cột {first} và cột {second}); mỗi tiêu đề chỉ được một cột",
    "E019": "cùng số, ký hiệu {reference!r} nhưng khác ngày ban hành: {first_date} ở {first}, {second_date} ở đây",
    "E020": "cùng một tệp (SHA-256 giống nhau) nhưng khác số, ký hiệu: {first_reference!r} ở {first}, "
            "{second_reference!r} ở đây",
    "E021": "giá trị SHA-256 không hợp lệ: {value!r}; cần 64 chữ số thập lục phân (0–9, a–f) hoặc để trống",
    "E022": "không ghi được sổ đăng ký {path!r}: {detail}",
    "E023": "hàng có {cells} ô, nhiều hơn {headers} cột tiêu đề (ô thừa: {extra!r}); "
            "ô có dấu phẩy phải đặt trong dấu ngoặc kép",
    "E024": "thư mục sổ đăng ký {path!r} không có tệp .csv hoặc .xlsx nào",
    # files people keep, read safely (E050–E059, W040–W044)
    "E050": "khóa {key!r} ghi hai lần trong cùng một bảng: dòng {first} và dòng {second}; "
            "giá trị sau sẽ đè giá trị trước, hãy giữ một dòng",
    "E051": "YAML quá phức tạp, không đọc: {detail}",
    "E052": "{value!r} là số viết có dấu gạch dưới (kiểu YAML 1.1): cchc không đọc nó là số, kể cả trong dấu nháy; "
            "ghi số liền, vd 1000",
    "E053": "ô gộp {range} ở dòng tiêu đề: mỗi cột cần một ô tiêu đề riêng; hãy bỏ gộp ô (Merge & Center → "
            "Unmerge Cells) và ghi tiêu đề cho từng cột",
    "E054": "{what} quá lớn để đọc trong bộ nhớ máy này; hãy tách thành nhiều tệp nhỏ hơn (vd theo quý, "
            "theo đơn vị) rồi chạy lại",
    "E055": "ô gộp {range} trải qua nhiều cột trong vùng dữ liệu: không biết giá trị {value!r} thuộc cột nào; "
            "hãy bỏ gộp ô và ghi giá trị vào đúng cột",
    # command line
    "C001": "ngày --as-of không hợp lệ: {detail}",
    "C002": "không tìm thấy hồ sơ (case) {name!r}{hint}",
    # warnings
    "W001": "tiêu chí chưa được đối chiếu văn bản gốc (verified: false): {points} điểm",
    "W002": "hồ sơ được lập cho phiên bản {case_version!r} của bộ tiêu chí, đang dùng phiên bản {scheme_version!r}",
    "W003": "durable-rules không dùng được ({detail}); dùng bộ so khớp Python thuần có cùng ngữ nghĩa",
    "W004": "tài liệu ghi ngày sau mốc đánh giá {as_of}, không tính: {what}",
    "W005": "tình trạng ghi {declared!r} khác tình trạng tính từ ngày tháng {derived!r}; dùng tình trạng tính từ ngày",
    # evidence registers and scanning (W020–W029)
    "W020": "ô gõ bằng phông {font} ({example}); cchc đọc thành {converted!r}; hãy chuyển ô sang Unicode "
            "(công cụ chuyển mã của Unikey)",
    "W021": "ô kiểu số {value} được hiểu là số ngày của Excel: {day}; hãy định dạng ô là ngày (Date) "
            "hoặc gõ dạng 26/8/2023",
    "W022": "tài liệu {what} trùng với {first}: {action}",
    "W023": "không tìm thấy tệp {path!r} ghi ở cột Tệp",
    "W024": "tệp {path!r} đã thay đổi sau khi đăng ký (SHA-256 khác giá trị ghi trong sổ)",
    "W025": "cột {header} không phải cột của sổ đăng ký nên không được đọc ({count} ô có dữ liệu)",
    "W026": "bỏ qua {path!r} trong thư mục sổ đăng ký: {reason}",
    "W027": "tệp {path!r} không được thêm vào sổ đăng ký: {reason}",
    "W028": "hàng có tệp {path!r} nhưng chưa có số, ký hiệu và ngày: coi là tài liệu chưa có",
    "W029": "tệp {path!r} khác với hàng đã khai trong sổ: {detail}; giữ nguyên hàng, hãy kiểm tra lại",
    "W040": "ô gộp {range}: các ô dưới được đọc bằng giá trị của ô đầu {value!r}",
    # datasets and system exports read through a mapping (E030–E049, W030–W039)
    "E030": "không có bảng ánh xạ {name!r}{hint}; bảng ánh xạ có sẵn: {known} "
            "(hoặc ghi đường dẫn tới tệp .yaml trong thư mục hồ sơ)",
    "E031": "bảng ánh xạ không hợp lệ: {detail}",
    "E032": "tệp xuất không có cột {header!r} mà bảng ánh xạ {mapping!r} cần{hint}; các cột đang có: {columns}",
    "E033": "bảng ánh xạ {mapping!r} dành cho bộ dữ liệu {expected!r}, không dùng được cho bộ dữ liệu {dataset!r}",
    "E034": "hồ sơ thiếu cả trạng thái và ngày hẹn trả: không xác định được đúng hạn hay không; "
            "ghi trạng thái hoặc ngày hẹn trả",
    "E035": "{later} {later_date} trước {earlier} {earlier_date}: ngày tháng không hợp lý "
            "(kiểm tra ô này, hoặc cột được ánh xạ có đúng không)",
    "E036": "còn {count} ô khác có cùng lỗi [{kind}] ở cột {header!r} (hàng {rows}…); "
            "sửa các ô đã nêu rồi chạy lại để xem tiếp",
    "E037": "số lượng {value!r} quá lớn (cột {header!r}); tối đa {limit}",
    "E038": "ngày {value!r} không đúng định dạng {format!r} mà bảng ánh xạ khai báo",
    "W030": "trạng thái ghi {declared!r} khác trạng thái tính từ ngày tháng {derived!r}; dùng trạng thái tính từ ngày",
    "W031": "tệp xuất có {count} cột mà bảng ánh xạ {mapping!r} không nhắc tới nên không dùng: {headers}; "
            "thêm vào columns nếu cần, hoặc vào ignore nếu cố ý bỏ qua",
    "W032": "còn {count} cảnh báo [{kind}] khác tương tự (hàng {rows}…)",
    "W033": "mã hồ sơ {id!r} lặp lại ở {count} hàng ({rows}): mỗi hàng được đếm là một hồ sơ",
    # rule-author tools (R015–R026, W010–W012, C010–C012): rules check, criterion cases, docs, diff
    "R015": "bộ dữ liệu không có: {name!r}{hint}; có: {known}",
    "R016": "bộ dữ liệu {dataset!r} không có cột lọc được {field!r}{hint}; có: {known}",
    "R017": "giá trị {value!r} không có trong danh mục cột {field!r} của bộ dữ liệu {dataset!r}{hint}; "
            "dùng một trong: {allowed}",
    "R018": "loại văn bản không có trong danh mục: {kind!r}{hint}; dùng mã theo Nghị định 30/2020/NĐ-CP "
            "(KH, BC, QĐ, TB, TTr…)",
    "R019": "tệp ca kiểm thử nêu tiêu chí không có trong bộ tiêu chí: {crit!r}{hint}",
    "R020": "tệp ca kiểm thử phải đặt tên theo mã tiêu chí: {name!r} chứa tiêu chí {crit!r}, cần tên {expected!r}",
    "R021": "ca {case!r}: yêu cầu {req!r} {detail}{hint}",
    "R022": "ca {case!r} cho kết quả khác mong đợi: {detail}",
    "R023": "tiêu chí chưa có ca kiểm thử {what}",
    "R024": "yêu cầu {id!r} chưa có ca kiểm thử nào ở trạng thái {what}",
    "R025": "tiêu chí chưa có tệp ca kiểm thử (cần {path})",
    "R026": "ca {case!r} không chấm được: {detail}",
    "W010": "bộ tiêu chí chưa nêu quyết định ban hành (decision)",
    "W011": "{what} {value} không thuộc năm {year} của bộ tiêu chí (quên chuyển sang năm mới?)",
    "W012": "thư mục bộ tiêu chí không có units.yaml: chưa kiểm tra được mã đơn vị trong owners, owner",
    # impossible scoring numbers (R030–R039, helper C of issue 7)
    "R030": "per_item {per_item} × {count} mục = {total} điểm, khác điểm tối đa {cap}: {detail}",
    "R031": "{key}: {value} không dùng được: {detail}",
    "W013": "thư mục hiện tại không có rules/: đang dùng bộ tiêu chí cài sẵn cùng cchc ({path}); để kiểm tra "
            "bộ đang sửa, chạy lệnh trong thư mục chứa rules/ hoặc nêu đường dẫn",
    "C010": "không tìm thấy bộ tiêu chí {name!r}{hint}",
    "C011": "tài liệu chưa cập nhật theo bộ tiêu chí: {path} (chạy: cchc rules docs)",
    "C012": "bộ tiêu chí {scheme!r} không có tiêu chí {crit!r}{hint}",
    # cchc report (C020–C029)
    "C020": "loại tài liệu {kind!r} không ghi được tệp {path!r}; đuôi tệp cần là: {allowed}",
    "C021": "không biết xuất tệp {path!r} thành tài liệu gì; đuôi tệp cần là một trong: {allowed}",
    "C022": "hồ sơ {case!r} là hồ sơ mẫu cài cùng cchc, không lưu lịch sử vào đó được: chép ra thư mục của bạn "
            "(cp -r) rồi chấm thư mục ấy với --save",
    # nothing scored quietly (issue 7, part B): E060–E069, W045–W049
    "E060": "giá trị nhập ngoài {key!r} là {value}, vượt điểm tối đa {max} của {what}; "
            "điểm nhập không được lớn hơn điểm tối đa (cchc không tự cắt bớt)",
    "E061": "tử số {numerator} lớn hơn mẫu số {denominator}: tỷ lệ sẽ vượt 100%; "
            "cần tử số (số trường hợp đạt) không lớn hơn mẫu số",
    "E062": "tỷ lệ {value!r} vượt 100% (cột {header!r}); cần tỷ lệ từ 0 đến 100%, vd 39,1% hoặc 1/27",
    "W045": "bộ dữ liệu {name} ({path}) chỉ có dòng tiêu đề, không có hàng dữ liệu nào: các yêu cầu dùng "
            "bộ dữ liệu này là thiếu số liệu (0 điểm) cho tới khi tệp có dữ liệu",
    "W046": "hàng này giống hệt hàng {first} (mọi ô): cả hai hàng đều được đếm; xóa một hàng nếu khai trùng",
    # scenarios, history, run manifest (issue 8, helper I): C028–C029, E075–E079, W059
    "C028": "đã có kết quả lưu cho mốc {as_of} ({path}), khác kết quả vừa chấm; không ghi đè lặng lẽ: thêm "
            "--ghi-de để thay, hoặc chấm với --as-of khác",
    "C029": "tệp {path!r} không dùng được để kiểm lại: {detail}",
    "E075": "kịch bản không hợp lệ: {detail}",
    "E076": "kịch bản nêu bộ dữ liệu {name!r} mà hồ sơ không khai trong case.yaml{hint}; có: {known}",
    "E077": "tệp lịch sử chấm thử không đọc được: {detail}; sửa hoặc chuyển tệp này ra khỏi thư mục lịch sử",
    "E078": "tệp {name!r} trong thư mục lịch sử không phải kết quả chấm thử của hồ sơ này: {detail}; "
            "chuyển tệp này ra khỏi thư mục lịch sử",
    "E079": "tài liệu dự kiến chưa có ngày: ghi Ngày ban hành hoặc Ngày gửi dự kiến (thiếu cả số, ký hiệu lẫn "
            "ngày thì là tài liệu còn thiếu, không phải tài liệu sẽ có)",
    "W059": "kết quả đã lưu được tạo bởi cchc {saved}, đang chạy cchc {current}: khác biệt có thể do phiên bản",
    # calibration against the official appraisal (issue 8, part H): E070–E074, W056–W058, C026–C027
    "E070": "điểm thẩm định của tiêu chí {crit_id} là {value}, ngoài khoảng từ 0 đến {max} (điểm tối đa của "
            "tiêu chí); ghi đúng điểm Hội đồng chấm",
    "W056": "điểm thẩm định từng tiêu chí (official.criteria) cộng lại {sum}, khác tổng điểm chính thức "
            "official.total {total}: kiểm tra lại điểm từng tiêu chí",
    # durable-rules on Python >= 3.13 (issue 11): cchc doctor, C040–C044, W070–W072
    "C040": "không dựng được durable-rules trên máy này: thiếu {what}; bộ so khớp Python thuần vẫn chạy, "
            "kết quả chấm như nhau",
    "C041": "gói nguồn durable-rules tải về có SHA-256 {got}, khác giá trị cchc ghim {expected}: "
            "từ chối dựng và cài (gói trên kho gói đã bị thay đổi hoặc tải hỏng)",
    "C042": "không tải được gói nguồn durable-rules từ kho gói (mất mạng hoặc không tới được kho gói): {detail}; "
            "bộ so khớp Python thuần vẫn chạy",
    "C043": "dựng durable-rules thất bại ở bước {step}: {detail}; chưa cài gì, bộ so khớp Python thuần vẫn chạy",
    "C044": "cài durable-rules đã vá thất bại: {detail}",
    "W070": "để dùng bộ máy luật durable-rules trên Python {version}, chạy một lần: {command} "
            "(cần gcc và mạng; xem docs/durable-rules.md)",
    # many cases in one run, and the ranking (issue 9, helper L): C030–C034, W065–W066 (its E088–E089, unused,
    # went to the mock appraisal below)
    "C030": "hồ sơ {case}: không chấm được ({count} lỗi nêu ở trên); các hồ sơ khác vẫn được chấm và xếp hạng",
    "C031": "{option} chỉ dùng khi chấm một hồ sơ; lệnh này chấm {count} hồ sơ: bỏ {option}, hoặc chấm riêng "
            "từng hồ sơ",
    "W065": "các hồ sơ được chấm theo {count} bộ tiêu chí khác nhau ({schemes}): mỗi bộ xếp hạng riêng, "
            "không so điểm giữa các bộ",
    # TCCB's mock appraisal, tham-dinh-thu.yaml (issue 10, helper AP): E085–E089, W075–W076
    "E085": "thẩm định thử {key!r} sai cấu trúc: {detail}",
    "E086": "điểm thẩm định thử của tiêu chí {key} là «{value}»: cần số không âm, tối đa 2 chữ số thập phân "
            "(vd 0.5 hoặc 1.25)",
    "E087": "thẩm định thử tiêu chí {key} thiếu ghi chú (note): ghi rõ vì sao chấm điểm này, ghi chú là bắt buộc",
    "E088": "thời điểm thẩm định thử (at) của tiêu chí {key} là «{value}»: cần ngày giờ dạng 2026-11-30T10:15:00",
    "E089": "điểm thẩm định thử của tiêu chí {crit_id} là {value}, lớn hơn điểm tối đa {max} của tiêu chí; "
            "cần từ 0 đến {max}",
    "W075": "tiêu chí {crit_id} không áp dụng cho hồ sơ này (not_applicable trong case.yaml): điểm thẩm định thử "
            "{value} được liệt kê nhưng không tính vào tổng",
    # the counted datasets on Dask (issue 9, helpers M and 9A): C035–C039, W071
    "C035": "--engine dask dừng: tệp dữ liệu có ô hoặc hàng không dùng được, lỗi đầu tiên gặp: [{first}] {detail}; "
            "đường Dask không liệt kê mọi lỗi: chạy `cchc evidence check` để có từng hàng, cột và cách sửa",
    "C036": "--engine dask đọc các bộ dữ liệu tính tỷ lệ từ tệp CSV; tệp này không phải CSV: lưu thành CSV (UTF-8) "
            "hoặc bỏ --engine dask",
    "C037": "--engine dask cần gói dask: pip install 'cchc[dask]' (hoặc bỏ --engine dask)",
    "C038": "không nối được vào cụm Dask {address!r}: {detail}",
    "C039": "--engine dask không dùng cùng {option}: kịch bản thêm hàng vào bộ dữ liệu, mà đường Dask chỉ giữ tổng "
            "số; chạy kịch bản bằng đường mặc định",
    "W071": "tệp có cảnh báo theo hàng {codes}; --engine dask không liệt kê từng hàng: chạy `cchc evidence check` "
            "để xem từng hàng",
    # the web workspace's data side (issue 10, helper WA): C100–C139, W100–W109, E100–E119
    "C100": "tên đăng nhập hoặc mật khẩu không đúng",
    "C101": "đăng nhập sai quá nhiều lần; thử lại sau {minutes} phút",
    "C102": "không có quyền: {detail}",
    "C103": "không tìm thấy {what}",
    "C104": "tên đăng nhập {username!r} đã có",
    "C105": "tên đăng nhập {username!r} không hợp lệ: chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới "
            "(2–64 ký tự)",
    "C106": "mật khẩu cần ít nhất {minimum} ký tự",
    "C107": "tài khoản đơn vị cần mã đơn vị có trong units.yaml: {unit!r}{hint}",
    "C108": "kho dữ liệu đã có hồ sơ {case!r}: không nhập đè; dùng một thư mục dữ liệu khác",
    "C109": "kho dữ liệu chưa có hồ sơ: nhập một hồ sơ trước (cchc workspace import <thư mục hồ sơ>)",
    "C110": "tệp {name!r} nặng {size}, quá giới hạn {limit}",
    "C111": "tệp {name!r} không phải {expected} theo nội dung tệp{detail}",
    "C112": "không đọc được đầu văn bản của {name!r}: {detail}",
    "C113": "mục này không nhận tệp tải lên: {detail}",
    "C114": "số, ký hiệu {value!r} không hợp lệ: {detail}",
    "C115": "ngày ban hành {value!r} không hợp lệ: {detail}",
    "C116": "loại văn bản {value!r} không có trong danh mục{hint}",
    "C117": "trích yếu không được để trống",
    "C118": "bộ dữ liệu {name!r} không có trong hồ sơ{hint}",
    "C119": "giá trị nhập ngoài {key}: {detail}",
    "C120": "điểm thẩm định thử của tiêu chí {crit}: {detail}",
    "C121": "thẩm định thử tiêu chí {crit}: phải ghi nhận xét (lý do chấm)",
    "C122": "không có tiêu chí {crit!r} trong bộ tiêu chí{hint}",
    "C123": "sổ đăng ký của hồ sơ là một tệp {path!r} dạng {suffix}: kho dữ liệu cần sổ .csv hoặc thư mục sổ",
    "C124": "mật khẩu nhập lại không khớp",
    "C125": "thư mục {path} đã có và không rỗng: chọn thư mục mới",
    "C126": "sổ đăng ký {name!r} không có dòng tài liệu nào",
    "C127": "hồ sơ mới nhập không chấm được ({count} lỗi): {first}",
    "C129": "mật khẩu không được để trống; không có mật khẩu mặc định",
    "C130": "đơn vị {unit!r} không có trong units.yaml{hint}",
    "C131": "hàng của đơn vị {unit!r}: sổ tải lên ở trang của đơn vị {own!r} chỉ nhận tài liệu của đơn vị ấy",
    "E100": "không mở được cơ sở dữ liệu {url}: {detail}",
    "E101": "cơ sở dữ liệu ở phiên bản {found}, mới hơn bản cchc này biết ({known}): hãy cài cchc mới hơn",
    "E102": "bản sao lưu {path} không dùng được: {detail}",
    "W100": "đã xóa {count} tệp không còn dòng nào dùng trong {folder} (một lần ghi bị ngắt giữa chừng)",
    # the web workspace (issue 10, helper WB): C140–C179, W110–W119
    "C140": "biểu mẫu không mang mã chống giả mạo của phiên này (trang mở đã lâu, hoặc gửi từ nơi khác): "
            "mở lại trang rồi gửi lại; chưa có gì thay đổi",
    "C141": "phiên làm việc đã hết hạn hoặc chưa đăng nhập: đăng nhập lại; chưa có gì thay đổi",
    "C142": "tệp tải lên lớn hơn giới hạn {limit} MB: chưa ghi gì",
    "C143": "tài khoản {user} ({role}) không được dùng trang này",
    "C144": "không có trang hay mục này, hoặc tài khoản không được xem nó",
    "C145": "đăng nhập sai quá nhiều lần: đợi {wait} rồi thử lại",
    "C146": "chưa chọn tệp để tải lên",
    "C147": "không mở được cổng {port} trên {host}: {detail}; cổng có thể đang được chương trình khác dùng, "
            "chọn cổng khác bằng --port",
    "C148": "địa chỉ cơ sở dữ liệu --db {url} không dùng được: {detail}; dạng đúng: "
            "postgresql://người_dùng:mật_khẩu@máy:5432/tên_csdl hoặc sqlite:///đường/dẫn.db",
    "C149": "không gian làm việc {data} chưa có tài khoản nào: tạo tài khoản TCCB đầu tiên bằng "
            "`cchc workspace create-admin` (hoặc chạy thử với --demo)",
    "C150": "--demo cần một thư mục dữ liệu mới: {data} đã có dữ liệu; bỏ --demo, hoặc chọn --data khác",
    "C151": "{field}: {detail}",
    "C152": "lỗi nội bộ của cchc ({detail}): chưa có gì thay đổi; hãy báo lỗi kèm việc vừa làm",
    "C153": "không gian làm việc {data} chưa có hồ sơ nào: nêu thư mục hồ sơ để nhập, vd `cchc serve "
            "cases/ha-giang-sonnptnt-2023`",
    "C154": "--host {host} không phải địa chỉ máy dùng được: {detail}",
    "W110": "không gian làm việc đã có hồ sơ «{title}»: không nhập lại {case}; để bắt đầu từ hồ sơ khác, "
            "dùng --data với thư mục mới",
    "W111": "máy chủ đang mở cho mọi địa chỉ ({host}) qua http: mật khẩu và phiên đi qua mạng không mã hóa; "
            "đặt cchc sau một máy chủ https, hoặc dùng --host 127.0.0.1",
    # the web workspace's follow-ups (issue 10, helper WC): C180–C189, W120–W121
    "W120": "Văn bản này chưa đáp ứng yêu cầu: nếu xác nhận, mục được chấm là không đạt (không còn là thiếu) "
            "và tổng điểm không tăng",
    "W121": "chưa xem trước được kết quả: {detail}",
}


def render(code: str, **fields: object) -> str:
    fields.setdefault("hint", "")
    return MESSAGES[code].format(**fields)


# What a YAML value is wrong with, by pydantic's error type: the `detail` of R002 problems.
# Anything not listed keeps pydantic's own (English) text rather than be lost.
SCHEMA_DETAILS: dict[str, str] = {
    "missing": "thiếu khóa bắt buộc",
    "extra_forbidden": "khóa không hợp lệ",
    "string_type": "cần chữ",
    "decimal_parsing": "cần một số (dùng dấu chấm thập phân, vd 0.5)",
    "decimal_type": "cần một số (dùng dấu chấm thập phân, vd 0.5)",
    "int_parsing": "cần số nguyên",
    "int_type": "cần số nguyên",
    "float_parsing": "cần một số",
    "bool_parsing": "cần true hoặc false",
    "bool_type": "cần true hoặc false",
    "list_type": "cần danh sách, vd [a, b]",
    "dict_type": "cần bảng khóa: giá trị",
    "model_type": "cần bảng khóa: giá trị",
    "model_attributes_type": "cần bảng khóa: giá trị",
    "date_parsing": "cần ngày dạng 2024-11-09",
    "date_type": "cần ngày dạng 2024-11-09",
    "date_from_datetime_parsing": "cần ngày có thật, dạng 2024-11-09",
    "literal_error": "phải là một trong: {expected}",
    "union_tag_invalid": "{discriminator} {tag!r} không có; dùng một trong: {expected_tags}",
    "union_tag_not_found": "thiếu khóa {discriminator}",
    "string_pattern_mismatch": "không đúng dạng mã: chữ không dấu, số, dấu chấm, gạch ngang, không khoảng trắng",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "too_short": "cần ít nhất {min_length} mục",
    "too_long": "nhiều nhất {max_length} mục",
}
