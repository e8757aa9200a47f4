"""The command line's messages in the user's language (issue 17).

Every command takes ``--lang zh_CN|en`` (the ``common`` options of :mod:`center.cli`);
without it the setting ``lang`` decides (``CENTER_LANG`` or the config file), and the
default is Chinese, like the windows. What follows the language: error lines,
confirmations, summaries and the headers of readable tables. What never does: JSON
output, file contents, the ``FILE:LINE: column: message`` lines of a rejected import
(spec/interchange.md) and the codes a script reads from a last line (spec/office.md).

* :data:`MESSAGES` is the catalogue: key → (Chinese, English), ``str.format`` fields.
* :func:`say` words a message for ``args``; :func:`error` makes the
  :class:`~center.core.errors.UserError` that :mod:`center.cli` prints as one line.
* :func:`error_line` words any error a service raised: the kinds of
  :mod:`center.core.errors` (permission, not found, unknown user, refused login,
  conflict) and the messages of the database layer and the KPI periods that users meet
  first are worded in Chinese from their attributes; any other service message is
  printed as the service wrote it.

Only the standard library at module level (a fast start: ``tests/cli/``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any

LANGS = ("zh_CN", "en")
DEFAULT_LANG = "zh_CN"
LANG_HELP = (
    "language of the messages (and of the windows): zh_CN or en "
    "(else the setting lang: CENTER_LANG or the config file; default zh_CN)"
)

#: key → (zh_CN, en)
MESSAGES: dict[str, tuple[str, str]] = {
    # center/cli.py
    "prefix": ("center：错误：", "center: error: "),
    "interrupted": ("center：已中断", "center: interrupted"),
    "internal": (
        "center：`{command}` 内部错误，详情已写入 {path}",
        "center: internal error in `{command}`; details were written to {path}",
    ),
    # ... when the log could not be written (a full disk): never claim it was
    "internal_unlogged": (
        "center：`{command}` 内部错误；详情无法写入日志 {path}（{reason}）",
        "center: internal error in `{command}`; the details could not be written to the "
        "log {path} ({reason})",
    ),
    "bad_lang": (
        "语言 {lang!r}（设置 lang）无效：请用 {choices} 之一",
        "language {lang!r} (setting lang): use one of {choices}",
    ),
    # center/commands/_auth.py
    "needs_login": (
        "`center {what}` 需要登录：用 --user NAME 或 CENTER_USER 指定用户"
        "（密码来自 {env} 或提示输入）",
        "`center {what}` needs a login: name the user with --user NAME or CENTER_USER "
        "(the password comes from {env} or a prompt)",
    ),
    "no_password": (
        "没有密码：请设置 {env}，或在终端中运行命令以输入密码",
        "no password: set {env}, or run the command in a terminal to be asked",
    ),
    "password_prompt": ("{name} 的密码：", "password for {name}: "),
    # center/commands/kpi.py
    "as_of": ("--as-of：{detail}", "--as-of: {detail}"),
    "scope_required": (
        "缺少 --scope：可选 {choices}",
        "--scope is required: one of {choices}",
    ),
    "scope_invalid": (
        "--scope：无效范围 {value!r}：应为 {choices} 之一",
        "--scope: invalid scope {value!r}: expected one of {choices}",
    ),
    "trend_period": (
        "--trend 统计截至 --as-of 的 12 个月：请去掉 --period",
        "--trend covers the 12 months up to --as-of: leave out --period",
    ),
    "period_required": (
        "缺少 --period：YYYY-MM、YYYYQn 或 YYYY",
        "--period is required: YYYY-MM, YYYYQn or YYYY",
    ),
    "period_invalid": ("--period：{detail}", "--period: {detail}"),
    "period_not_started": (
        "统计期 {period} 在评估时刻 {as_of} 尚未开始（开始于 {starts}）：还没有可统计的数据；"
        "请选择 {current} 及以前的统计期，或更晚的评估时刻（--as-of）",
        "the period {period} has not started at the evaluation instant {as_of} "
        "(it starts on {starts}): there is nothing to measure yet; choose a period up to "
        "{current}, or a later instant (--as-of)",
    ),
    "one_of_quarter_year": (
        "请只给出 --quarter YYYYQn 或 --year YYYY 其中之一",
        "give exactly one of --quarter YYYYQn or --year YYYY",
    ),
    "quarter_invalid": (
        "--quarter：无效季度 {value!r}：应为 YYYYQn",
        "--quarter: invalid quarter {value!r}: expected YYYYQn",
    ),
    "year_invalid": (
        "--year：无效年份 {value!r}：应为 YYYY，例如 2026",
        "--year: invalid year {value!r}: expected YYYY, e.g. 2026",
    ),
    "year_detail": ("--year：{detail}", "--year: {detail}"),
    "kpi_title": (
        "{scope}指标  周期 {period}  截至 {as_of}",
        "KPIs by {scope}  period {period}  as of {as_of}",
    ),
    "kpi_code": ("代码", "code"),
    "kpi_name": ("名称", "name"),
    "kpi_target_row": ("目标", "target"),
    "trend_title": ("{code}  近{n}个月趋势", "{code}  trend of the last {n} months"),
    "trend_kpi": ("指标", "KPI"),
    "assess_quarter": ("{period}季度考核", "{period} quarterly assessment"),
    "assess_year": ("{period}年度评优", "{period} annual review"),
    "assess_title": (
        "{label}  {scope}  截至 {as_of}  （指标值，括号内为达成度）",
        "{label}  {scope}  as of {as_of}  (value, attainment in brackets)",
    ),
    "assess_headers": ("得分|等级|排名", "score|grade|rank"),
    "targets_headers": ("指标|名称|目标|修改时间", "KPI|name|target|changed"),
    "targets_default": ("默认", "default"),
    "target_set": (
        "{key}（{name}）的目标已设为 {target}",
        "{key} ({name}) target set to {target}",
    ),
    # center/commands/report.py
    "writing_pdfs": (
        "正在生成 PDF：{pct}%（{done}/{total}）",
        "writing PDFs: {pct}% ({done}/{total})",
    ),
    # every writer writes a temporary file and renames it when complete (issue 19)
    "cannot_write": (
        "{path}：无法写入（{detail}）；没有写入任何文件，原有的同名文件保持不变："
        "请检查文件夹和磁盘空间，然后重试",
        "{path}: cannot write ({detail}); no file was written and an earlier file of that "
        "name is unchanged: check the folder and the free disk space, then try again",
    ),
    "files_to": ("{n} 个文件，写入 {path}", "{n} files to {path}"),
    "report_note_as_of": (
        "注意：报告 {id} 已按 {approved} 的数据审批；本份按 {as_of} 计算（--as-of）",
        "note: report {id} was approved as of {approved}; this copy is evaluated as of "
        "{as_of} (--as-of)",
    ),
    "report_wrote_approved": (
        "已写入 {where}：{kind} {period}，已审批，文号 {number}（报告 {id}）",
        "wrote {where}: {kind} {period}, approved {number} (report {id})",
    ),
    "report_wrote_draft_again": (
        "已写入 {where}：{kind} {period}，已更新草稿（编号 {id}；审批：`center report approve "
        "{id} --user NAME`）",
        "wrote {where}: {kind} {period}, updated the DRAFT (report {id}; approve with "
        "`center report approve {id} --user NAME`)",
    ),
    "report_wrote_draft": (
        "已写入 {where}：{kind} {period}，草稿（报告 {id}；审批：`center report approve {id} "
        "--user NAME`）",
        "wrote {where}: {kind} {period}, DRAFT (report {id}; approve with `center report "
        "approve {id} --user NAME`)",
    ),
    "no_reports": (
        "还没有保存的报告：用 `center report monthly|quarterly|annual` 生成",
        "no reports saved yet: build one with `center report monthly|quarterly|annual`",
    ),
    "report_list_header": (
        "编号|类型|周期|范围|状态|文号|生成 / 审批",
        "ID|KIND|PERIOD|SCOPE|STATUS|NUMBER|CREATED / APPROVED",
    ),
    "report_approved": (
        "报告 {id}（{kind} {period}，范围 {scope}）已由 {by} 审批，文号 {number}；"
        "重新生成即可印上文号",
        "approved report {id} ({kind} {period}, scope {scope}) as {number} by {by}; "
        "build it again to print the number",
    ),
    "report_override": (
        "已在统计期结束前审批（提前审批已记入审计日志）",
        "approved before its period ended (override recorded in the audit log)",
    ),
    "minutes_approved": (
        "联席会议 {code}：会议纪要已审批",
        "joint meeting {code}: minutes approved",
    ),
    # center/commands/user.py
    "no_new_password": (
        "没有新密码：请设置 {env}、使用 --password-stdin，或在终端中运行命令以输入",
        "no new password: set {env}, pass --password-stdin, or run the command in a "
        "terminal to be asked",
    ),
    "new_password_prompt": (
        "{name} 的新密码（至少 10 个字符）：",
        "new password for {name} (at least 10 characters): ",
    ),
    "again_prompt": ("再输入一次：", "the same again: "),
    "passwords_differ": (
        "两次输入的密码不同：未做任何修改",
        "the two passwords differ: nothing was changed",
    ),
    "user_added": ("已添加 {who}", "added {who}"),
    "first_account": (
        "这是本数据库的第一个账号：此后请以 {name} 登录（--user 或 CENTER_USER）来管理账号",
        "the first account of this database: from now on log in as {name} "
        "(--user or CENTER_USER) to manage accounts",
    ),
    "password_set": ("{name} 的密码已设置", "password of {name} set"),
    "user_enabled": ("{name} 已启用", "{name} enabled"),
    "user_disabled": ("{name} 已停用", "{name} disabled"),
    "user_changed": ("已修改 {who}", "changed {who}"),
    "user_dept": ("部门 {code}", "dept {code}"),
    "user_grid": ("网格 {code}", "grid {code}"),
    "user_list_header": ("用户|角色|部门|网格|状态|姓名", "USER|ROLES|DEPT|GRID|STATE|NAME"),
    "state_disabled": ("已停用", "disabled"),
    "state_locked": ("已锁定", "locked"),
    "state_no_password": ("未设密码", "no passwd"),
    "state_active": ("正常", "active"),
    # center/commands/interchange.py
    "importing": ("正在导入 {kind}", "importing {kind}"),
    "warning": ("警告：{text}", "warning: {text}"),
    "import_counts": (
        "新增 {inserted}，更新 {updated}，未变 {unchanged}",
        "{inserted} inserted, {updated} updated, {unchanged} unchanged",
    ),
    "import_deleted": ("，删除 {n}", ", {n} deleted"),
    "import_related": ("，写入相关行 {n}", ", {n} related rows written"),
    "dry_run": (
        "试运行：{file}：{rows} 行均有效；将会{counts}；未写入任何数据",
        "dry run: {file}: {rows} rows valid; would be {counts}; nothing written",
    ),
    "imported": (
        "已从 {file} 导入 {kind}：{rows} 行（{counts}）",
        "imported {kind} from {file}: {rows} rows ({counts})",
    ),
    "deadlines": (
        "已重算案件期限：{n} 件有变化",
        "recomputed case deadlines: {n} changed",
    ),
    "cannot_write_file": (
        "{path}：无法写入文件（{detail}）；没有写入任何文件，原有的同名文件保持不变："
        "请检查文件夹和磁盘空间，然后重试",
        "{path}: cannot write the file ({detail}); no file was written and an earlier "
        "file of that name is unchanged: check the folder and the free disk space, then "
        "try again",
    ),
    "exported": (
        "已导出 {n} 行 {kind} 到 {file}{note}",
        "exported {n} {kind} rows to {file}{note}",
    ),
    "pi_masked": ("（个人信息已脱敏）", " (personal information masked)"),
    "year_range": ("年份 {year} 超出范围（1900–2100）", "year {year} is out of range (1900–2100)"),
    "holidays_official": (
        "官方日历（chinesecalendar 包）",
        "official calendar (chinesecalendar package)",
    ),
    "holidays_override": (
        "来自覆盖表（用 `center holidays import` 导入）",
        "from the override table (imported with `center holidays import`)",
    ),
    "holidays_missing": (
        "缺失：chinesecalendar 包和覆盖表都不含该年；周一至周五按工作日计算，该年的期限为暂定。"
        "请用 `center holidays import FILE` 导入该年的安排",
        "missing: neither the chinesecalendar package nor the override table covers it; "
        "Monday to Friday count as working days and deadlines in this year are provisional. "
        "Import the year's arrangement with `center holidays import FILE`",
    ),
    "holidays_overridden": (
        "{n} 个日期被覆盖表改写",
        "{n} date(s) overridden by the override table",
    ),
    "override_mark": ("  （覆盖）", "  (override)"),
    # center/commands/audit.py
    "since_invalid": (
        "--since：不是 ISO 8601 日期或时刻：{value!r}（例如 2026-10-01T08:00）",
        "--since: not an ISO 8601 date or instant: {value!r} (e.g. 2026-10-01T08:00)",
    ),
    "limit_min": ("--limit 至少为 1", "--limit must be at least 1"),
    "record_invalid": ("--record：{detail}", "--record: {detail}"),
    "chain_intact": (
        "审计链完整：{rows} 行（链头 {head}）",
        "audit chain intact: {rows} rows (head {head})",
    ),
    "chain_broken": (
        "审计链在第 {id} 行断开：{reason}",
        "audit chain broken at row {id}: {reason}",
    ),
    "no_audit_rows": ("没有符合条件的审计记录", "no audit rows match"),
    # center/commands/app.py, workstation.py, visits.py
    "size_format": (
        "--size {value!r}：应为 宽x高，例如 1920x1080",
        "--size {value!r}: expected WIDTHxHEIGHT, e.g. 1920x1080",
    ),
    "size_range": (
        "--size {value}：宽 320-16384、高 240-16384 像素",
        "--size {value}: width 320-16384 and height 240-16384 pixels",
    ),
    "pages_unknown": (
        "--pages：未知页面 {pages}：可用 {choices}",
        "--pages: unknown page {pages}: use {choices}",
    ),
    "as_of_iso": (
        "--as-of {value!r}：应为 ISO 8601 日期和时间",
        "--as-of {value!r}: expected an ISO 8601 date and time",
    ),
    "rotate_min": ("--rotate {value}：至少 3 秒", "--rotate {value}: at least 3 seconds"),
    "png_only": (
        "-o {path}：截图为 PNG 文件（请用 .png）",
        "-o {path}: the snapshot is a PNG file (use .png)",
    ),
    "wrote_png": ("已写入 {path}（{w}x{h}）", "wrote {path} ({w}x{h})"),
    "plan_suffix": (
        "-o {path}：请用 .pdf（打印）或 .csv（移动终端）",
        "-o {path}: name a .pdf (to print) or a .csv (mobile terminal)",
    ),
    "no_folder": (
        "-o {path}：文件夹 {folder} 不存在",
        "-o {path}: the folder {folder} does not exist",
    ),
    # center/commands/dbcmd.py
    "confirm": (
        "加上 --yes 以继续（会先自动备份）",
        "add --yes to go ahead (an automatic backup is taken first)",
    ),
    "db_revision": ("数据库版本 {revision}", "database at revision {revision}"),
    "db_base": ("base（空）", "base (empty)"),
    "downgrade_confirm": (
        "降级到 {revision} 会删除之后版本的表和列及其数据：{confirm}",
        "downgrading to {revision} drops the tables and columns of later revisions with "
        "their data: {confirm}",
    ),
    "backup_written": (
        "备份已写入 {path}：{rows:,} 行，{tables} 张表，版本 {revision}，{mb:.1f} MB，{s:.1f} 秒",
        "backup written to {path}: {rows:,} rows in {tables} tables, schema {revision}, "
        "{mb:.1f} MB, {s:.1f} s",
    ),
    "restore_confirm": (
        "数据库中已有数据（{rows}）：恢复会替换全部数据，包括审计日志；{confirm}",
        "the database holds data ({rows}): restoring replaces all of it, the audit log "
        "included; {confirm}",
    ),
    "restored": (
        "已从 {path} 恢复 {rows:,} 行，{tables} 张表（版本 {revision}，{created} 由 {source} "
        "备份），用时 {s:.1f} 秒",
        "restored {rows:,} rows in {tables} tables from {path} (schema {revision}, backup of "
        "{created} from {source}) in {s:.1f} s",
    ),
    "row_counts_match": (
        "全部 {tables} 张表的行数与备份一致",
        "row counts match the backup in all {tables} tables",
    ),
    "restored_chain_broken": (
        "center：恢复后的审计链在第 {id} 行断开：{reason}（备份在生成后被改动过）",
        "center: the restored audit chain is broken at row {id}: {reason} (the backup was "
        "altered after it was made)",
    ),
    "chain_intact_rows": ("审计链完整：{rows:,} 行", "audit chain intact: {rows:,} rows"),
    "key_adopted": (
        "该密钥能解密已存的个人信息（检查了 {n} 个值）：已登记",
        "the key decrypts the stored personal information ({n} values checked): recorded",
    ),
    "auto_backup_failed": (
        "{before}前的自动备份失败，未做任何操作：{detail}",
        "the automatic backup before {before} failed, nothing done: {detail}",
    ),
    "auto_backup": (
        "{before}前的自动备份：{path}（{rows:,} 行）；"
        "`center db restore {path} --db URL --yes` 可恢复数据",
        "automatic backup before {before}: {path} ({rows:,} rows); "
        "`center db restore {path} --db URL --yes` brings the data back",
    ),
    # center/commands/dbroles.py
    "role_password_prompt": (
        "数据库角色 {role} 的密码（留空：不变）：",
        "password for the database role {role} (empty: unchanged): ",
    ),
    "again_short": ("再输入一次：", "again: "),
    "role_passwords_differ": (
        "{role} 的两次密码不同：未做任何修改",
        "the two passwords for {role} differ: nothing was changed",
    ),
    "role_password_short": (
        "{role} 的密码至少需要 {n} 个字符",
        "the password for {role} needs at least {n} characters",
    ),
    "pg_only": (
        "数据库角色只存在于 PostgreSQL：请给出 --db postgresql://SUPERUSER@HOST/DB"
        "（SQLite 文件由文件系统权限保护）",
        "database roles exist only on PostgreSQL: give --db postgresql://SUPERUSER@HOST/DB "
        "(an SQLite file is protected by the file system's permissions)",
    ),
    "cannot_reach": ("无法连接数据库 {url}：{detail}", "cannot reach the database {url}: {detail}"),
    "roles_hint": (
        "工作站：--db postgresql://{app}:PASSWORD@HOST/DB；大屏：--db postgresql://{wall}:PASSWORD@HOST/DB",
        "workstations: --db postgresql://{app}:PASSWORD@HOST/DB; "
        "the wall: --db postgresql://{wall}:PASSWORD@HOST/DB",
    ),
    "wall_hint": (
        "大屏：--db postgresql://{wall}:PASSWORD@HOST/DB",
        "the wall: --db postgresql://{wall}:PASSWORD@HOST/DB",
    ),
    # center/commands/budget.py
    "year_option_range": (
        "--year {year} 超出范围（1900–2100）",
        "--year {year} is out of range (1900–2100)",
    ),
    "budget_settings": (
        "{year}：每户 {yuan} 元，分配 {split}（人员、活动、设备）{own}",
        "{year}: {yuan} yuan per household, split {split} (personnel, activities, equipment){own}",
    ),
    "budget_defaults": (
        "（默认值：该年没有单独设置）",
        " (the defaults: the year has no settings of its own)",
    ),
    "disclosure_wrote": (
        "已写入 {path}：{quarter} 公开明细",
        "wrote {path}: public disclosure {quarter}",
    ),
    "budget_title": ("{year} 年经费，截至 {as_of}", "budget {year} as of {as_of}"),
    "budget_standard": (
        "  {households} 户 × {per} = 标准 {standard}；已拨付 {funded}；缺口 {gap}（占标准 {rate}）",
        "  {households} households × {per} = standard {standard}; funded {funded}; gap {gap} "
        "({rate} of the standard)",
    ),
    "budget_spent": (
        "  已支出 {spent} = 拨付的 {rate}；年末预测 {forecast}",
        "  spent {spent} = {rate} of the funding; year-end forecast {forecast}",
    ),
    "budget_cat_header": (
        "类别|标准|已拨付|已支出|执行率|预测",
        "category|standard|funded|spent|exec.|forecast",
    ),
    "budget_src_header": ("来源|已拨付|已支出|执行率", "source|funded|spent|exec."),
    "at_risk": ("  有超支风险", "  AT RISK"),
    "overspent": ("  已超支", "  OVERSPENT"),
    "by_quarter": ("  各季度支出：", "  spent by quarter: "),
    "budget_line": (
        "  项目 {code} {category} {source} 拨付 {funded} 支出 {spent} {rate}{flag}",
        "  line {code} {category} {source} funded {funded} spent {spent} {rate}{flag}",
    ),
    "budget_value": (
        "  {code} 费用 {cost}；有效走访 {visits} 次（每次 {per_visit}）；"
        "办结案件 {cases} 件（每件 {per_case}）",
        "  {code} cost {cost}; {visits} met visits ({per_visit} each); {cases} closed cases "
        "({per_case} each)",
    ),
    "street_word": ("全街道", "street"),
    # center/commands/meeting.py
    "not_a_date": (
        "{option}：{value!r} 不是日期 YYYY-MM-DD",
        "{option}: {value!r} is not a date YYYY-MM-DD",
    ),
    "not_an_item": (
        "ITEM：{value!r} 不是事项编号（`center meeting propose` 或 `center meeting board --json` "
        "给出的数字）",
        "ITEM: {value!r} is not an item id (a number from `center meeting propose` or "
        "`center meeting board --json`)",
    ),
    "at_invalid": ("--at：{detail}", "--at: {detail}"),
    # center/commands/forecast.py
    "forecast_mode": (
        "请给出 --month YYYY-MM（某月的预测）或 --backtest --months N（回测），二者取一",
        "give --month YYYY-MM (a month's forecast) or --backtest --months N (the backtest), "
        "one of the two",
    ),
    "forecast_months": (
        "--months：{value!r} 不是正整数（回测的月数）",
        "--months: {value!r} is not a positive number of months",
    ),
    "map_kpi": (
        "--kpi：{value!r} 不是地图的指标（可选：{choices}）",
        "--kpi: {value!r} is not a map KPI (one of: {choices})",
    ),
    "map_layer": (
        "--layer：{value!r} 不是热力图层（可选：{choices}）",
        "--layer: {value!r} is not a heat layer (one of: {choices})",
    ),
    "map_category": (
        "--category：{value!r} 不是类别（可选：{choices}）",
        "--category: {value!r} is not a category (one of: {choices})",
    ),
    "map_output": (
        "请用 -o 指定要写入的 HTML 文件",
        "name the HTML file to write with -o",
    ),
    "map_suffix": (
        "{value}：地图只能写成 .html 文件",
        "{value}: the map is written to an .html file only",
    ),
    "map_written": ("已写入离线地图 {path}", "offline map written to {path}"),
    "forecast_month_invalid": (
        "--month：{value!r} 不是月份（YYYY-MM）",
        "--month: {value!r} is not a month (YYYY-MM)",
    ),
    "forecast_title": (
        "{month} 需求预测（截至 {as_of}）：展示 {shown}；模型 {model}",
        "Demand forecast for {month} (as of {as_of}): shown {shown}; model {model}",
    ),
    "forecast_fallback": (
        "模型在回测中的 wape 不优于较好的基线，改用基线 {baseline}",
        "the model's backtest wape is worse than the better baseline's: showing {baseline}",
    ),
    "forecast_headers": (
        "网格|类别|预测|下限(10%)|上限(90%)",
        "grid|category|forecast|lo (10%)|hi (90%)",
    ),
    "forecast_total": ("合计", "total"),
    "backtest_title": (
        "滚动回测 {first}—{last}（{n} 个月，截至 {as_of}）；模型 {model}；展示 {shown}",
        "Rolling-origin backtest {first}–{last} ({n} months, as of {as_of}); model {model}; "
        "shown: {shown}",
    ),
    "backtest_none": ("回测没有月份", "the backtest has no months"),
    "backtest_headers": (
        "方法|wape|准确率|热点命中率|区间覆盖率",
        "method|wape|accuracy|hotspot precision|interval coverage",
    ),
}

#: the scopes of `center kpi` / `center assess` in English (Chinese: center.core.vocab)
SCOPE_NAMES_EN = {
    "street": "street",
    "community": "community",
    "grid": "grid",
    "department": "department",
}

ROLE_NAMES_ZH = {
    "leader": "领导小组",
    "coordinator": "综合协调组",
    "department": "职能部门",
    "grid_worker": "网格员",
    "assessor": "督导考核组",
    "finance": "财务",
    "admin": "管理员",
    "wall": "大屏",
}

#: what each action of center.core.access.ACTION_ROLES lets a user do, in Chinese
ACTION_NAMES_ZH = {
    "intake": "登记诉求",
    "respond": "响应案件",
    "assign": "派单",
    "accept": "接单",
    "resolve": "办结案件",
    "confirm": "回访确认",
    "rate": "评价",
    "escalate": "提交联席会议",
    "not_our_remit": "退回非本部门职责",
    "no_action_needed": "标记无需处理",
    "reopen": "重新打开案件",
    "edit": "修改案件",
    "spot_check": "抽查",
    "visit": "登记走访",
    "plan_visits": "安排走访",
    "read_cases": "查看案件",
    "read_households": "查看住户档案",
    "lookup_pi": "按姓名或证件查找",
    "reveal_pii": "查看个人信息",
    "edit_household": "修改住户档案",
    "reveal_check_phone": "查看回访电话",
    "run_meetings": "组织联席会议",
    "ack_meeting_item": "认领会议事项",
    "report_meeting_item": "报告会议事项进展",
    "close_meeting_item": "办结会议事项",
    "read_meetings": "查看联席会议",
    "manage_budget": "管理经费",
    "budget_settings": "设置经费标准",
    "read_budget": "查看经费",
    "build_report": "生成报告",
    "approve_report": "审批报告",
    "approve_report_early": "提前审批报告",
    "build_minutes": "生成会议纪要",
    "approve_minutes": "审批会议纪要",
    "manage_accounts": "管理账号",
    "set_target": "设置指标目标",
    "set_holidays": "设置节假日",
    "change_settings": "修改设置",
    "manage_database": "管理数据库",
    "adopt_key": "登记个人信息密钥",
    "import": "导入数据",
    "export": "导出数据",
    "export_pi": "导出含个人信息的数据",
    "read_audit": "查看审计日志",
    "read_spot_checks": "查看抽查回访样本",
    "read_aggregates": "查看统计数据",
    "read_suggestions": "查看改进建议",
    "read_forecast": "查看需求预测",
}

#: NotFound's ``what`` in Chinese
THING_NAMES_ZH = {
    "case": "案件",
    "household": "住户",
    "grid": "网格",
    "community": "社区",
    "department": "部门",
    "staff": "工作人员",
    "user": "用户",
    "report": "报告",
    "meeting": "会议",
    "agenda item": "会议事项",
    "resident": "居民",
    "subcategory": "小类",
    "line": "经费项目",
    "expenditure": "支出",
    "visit": "走访",
}

#: service messages without a kind of their own that users meet first: English
#: pattern → Chinese (groups by name)
_PATTERNS_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"no database at (?P<path>.+?): check the path, or create one with "
            r"`center db upgrade` / `center demo`$"
        ),
        "没有数据库 {path}：请检查路径，或用 `center db upgrade` / `center demo` 新建",
    ),
    (
        re.compile(
            r"no folder (?P<folder>.+) for the new database (?P<name>[^:]+): check the path "
            r"\(a new database is created only in an existing folder\)$"
        ),
        "新数据库 {name} 的文件夹 {folder} 不存在：请检查路径（新数据库只建在已有的文件夹中）",
    ),
    (
        re.compile(r"not a database URL: (?P<url>'[^']*') \((?P<detail>.*)\)$"),
        "不是数据库地址：{url}（{detail}）",
    ),
    (
        re.compile(r"cannot open the database (?P<url>'[^']*'): (?P<detail>.*)$"),
        "无法打开数据库 {url}：{detail}",
    ),
)


#: a fault of the database or the disk (:func:`db.errors.classify`) in Chinese:
#: kind → (what happened, what to do); English: :data:`db.errors.FAULT_TEXT`
FAULTS_ZH: dict[str, tuple[str, str]] = {
    "connection_lost": (
        "与数据库服务器的连接已中断（服务器重启或结束了该连接）",
        "请确认服务器正在运行，然后重试：程序会自动重新连接",
    ),
    "no_answer": (
        "数据库服务器未能及时响应（网络或服务器故障），连接已关闭",
        "请检查网络并确认服务器正在运行，然后重试：程序会自动重新连接",
    ),
    "unreachable": ("无法连接数据库服务器", "请确认服务器正在运行、网络畅通，然后重试"),
    "timeout": (
        "数据库响应超时，本次操作已取消",
        "请重试；如再次发生，请管理员检查服务器负载",
    ),
    "busy": (
        "数据库正忙：另一个程序或工作站占用数据库的时间超过了等待时限",
        "请稍后重试；如一直繁忙，请检查是否有仍在运行的导入、备份或恢复",
    ),
    "conflict": ("另一个工作站在同一时刻修改了相同的数据", "请重试"),
    "disk_full": ("磁盘已满", "请清理磁盘空间（或请管理员清理），然后重试"),
    "nul": (
        "文本中含有数据库无法保存的空字符（\\x00）",
        "请删除该字符（它常随从其他程序复制的文本或转换过的文件带入），然后重试",
    ),
    "read_only": (
        "数据库不可写入（只读）",
        "请检查数据库文件及其所在文件夹的权限，或确认服务器允许写入",
    ),
    "corrupt": ("数据库文件已损坏", "请停止写入，并恢复最近的备份（`center db restore`）"),
    "io_error": ("磁盘读写出错", "请检查磁盘，然后重试"),
}

#: :data:`db.errors.SAVED_TEXT` in Chinese
SAVED_ZH: dict[str, str] = {
    "nothing_saved": "未保存任何内容",
    "maybe_saved": "更改可能已保存，也可能未保存：请先查看再重做",
}


def fault_text(fault: Any, lang: str) -> str:
    """A :class:`db.errors.Fault` worded in ``lang``: what happened, whether anything
    was saved, what to do."""
    from db.errors import fault_text as english
    from db.errors import saved_clause

    if lang == "en":
        return english(fault)
    what, todo = FAULTS_ZH[fault.kind]
    clause = saved_clause(fault)
    return f"{what}{'，' + SAVED_ZH[clause] if clause else ''}。{todo}。"


def fault_line(fault: Any, lang: str) -> str:
    """The one line ``center`` prints for a fault of the database or the disk."""
    return MESSAGES["prefix"][LANGS.index(lang)] + fault_text(fault, lang)


def lang_of(args: argparse.Namespace | None = None) -> str:
    """``--lang``, else the setting ``lang``, else zh_CN; a bad value is refused."""
    from center import config
    from center.core.errors import UserError

    lang = config.get("lang", getattr(args, "lang", None)) or DEFAULT_LANG
    if lang not in LANGS:
        raise UserError(
            MESSAGES["bad_lang"][0].format(lang=lang, choices=", ".join(LANGS))
            + " / "
            + MESSAGES["bad_lang"][1].format(lang=lang, choices=", ".join(LANGS))
        )
    return lang


def safe_lang(args: argparse.Namespace | None = None) -> str:
    """:func:`lang_of`, or zh_CN when the setting cannot be read or is wrong (for the
    messages about that very error)."""
    try:
        return lang_of(args)
    except Exception:
        return DEFAULT_LANG


def is_en(args: argparse.Namespace | str | None) -> bool:
    return (args if isinstance(args, str) else lang_of(args)) == "en"


def say(args: argparse.Namespace | str | None, key: str, /, **values: Any) -> str:
    """Message ``key`` in the language of ``args`` (or a language code)."""
    lang = args if isinstance(args, str) else lang_of(args)
    return MESSAGES[key][LANGS.index(lang)].format(**values)


def columns(args: argparse.Namespace | str | None, key: str) -> list[str]:
    """A ``|``-separated header message as a list."""
    return say(args, key).split("|")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a Chinese character takes two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``cols`` terminal columns."""
    gap = " " * max(0, cols - width(text))
    return gap + text if right else text + gap


def error(args: argparse.Namespace | str | None, key: str, /, **values: Any) -> Exception:
    """The :class:`~center.core.errors.UserError` of message ``key``."""
    from center.core.errors import UserError

    return UserError(say(args, key, **values))


def scope_name(args: argparse.Namespace | str | None, scope: str) -> str:
    from center.core.vocab import SCOPE_NAMES

    return SCOPE_NAMES_EN.get(scope, scope) if is_en(args) else SCOPE_NAMES[scope]


def scope_choices(args: argparse.Namespace | str | None, scopes: Sequence[str]) -> str:
    """The scopes one may give, each with its Chinese name in Chinese
    (``street（街道）、community（社区）…``)."""
    from center.core.vocab import SCOPE_NAMES

    if is_en(args):
        return ", ".join(scopes)
    return "、".join(f"{s}（{SCOPE_NAMES[s]}）" if s in SCOPE_NAMES else s for s in scopes)


def error_line(exc: BaseException, lang: str) -> str:
    """The one line ``center`` prints for a user error, in ``lang``."""
    return MESSAGES["prefix"][LANGS.index(lang)] + (
        str(exc) if lang == "en" else error_text_zh(exc)
    )


def error_text_zh(exc: BaseException) -> str:
    """A service's error in Chinese (its English text where it has no wording here)."""
    from center.core import errors as e

    if isinstance(exc, e.PermissionDenied):
        roles = "、".join(ROLE_NAMES_ZH.get(r, r) for r in sorted(exc.actor.roles))
        action = ACTION_NAMES_ZH.get(exc.action, exc.action.replace("_", " "))
        text = f"用户 “{exc.actor.name}”（角色：{roles or exc.actor.role}）无权{action}"
        return text + (f"：{exc.why}" if exc.why else "")
    fault = getattr(exc, "fault", None)  # db.errors.DatabaseFault
    if fault is not None:
        return fault_text(fault, "zh_CN")
    if isinstance(exc, e.InvalidInput) and exc.message == e.NUL_MESSAGE:
        return (
            f"{exc.field}：含有空字符（\\x00），任何文本都不能包含它：请删除该字符"
            "（它常随从其他程序复制的文本或转换过的文件带入）后重试"
        )
    if isinstance(exc, e.NotFound):
        return f"找不到编号为 {exc.code!r} 的{THING_NAMES_ZH.get(exc.what, exc.what)}"
    if isinstance(exc, e.UnknownUser):
        return (
            f"本数据库中没有启用的用户 {exc.name!r}：请用已有用户的 --user NAME 运行，"
            "或请管理员添加"
        )
    if isinstance(exc, e.AuthenticationFailed):
        if exc.reason == "locked":
            until = exc.until.strftime("%H:%M") if exc.until is not None else "—"
            return f"连续 5 次登录失败，账号已锁定至 {until}：请届时再试，或联系管理员"
        if exc.reason == "disabled":
            return "账号已停用：请联系管理员"
        if exc.reason == "no_password":
            return "账号尚未设置密码：请管理员设置"
        return "用户名或密码错误"
    # (an approval's refusal can only come once the reports are loaded)
    reports = sys.modules.get("center.reporting.snapshots")
    if reports is not None and isinstance(exc, reports.PeriodNotEnded):
        return (
            f"报告 {exc.report_id}（{reports.KIND_NAMES[exc.kind]} {exc.period}）暂不能审批："
            f"统计期未结束（{exc.ends:%Y-%m-%d %H:%M} 结束，"
            f"现在是 {exc.at:%Y-%m-%d %H:%M}），数字还会变化。"
            "请在统计期结束后审批，或由管理员用 --override-reason 说明理由提前审批"
        )
    if isinstance(exc, e.ConflictError):
        who = "、".join(sorted({c.actor for c in exc.changes})) or "其他用户"
        thing = THING_NAMES_ZH.get(exc.entity, exc.entity)
        return (
            f"{thing} {exc.code} 在您打开后已被 {who} 修改（您的版本 {exc.expected_version}，"
            f"现为 {exc.current_version}）：请重新载入后再修改"
        )
    text = str(exc)
    for pattern, zh in _PATTERNS_ZH:
        m = pattern.match(text)
        if m:
            return zh.format(**m.groupdict())
    return text
