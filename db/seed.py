"""Reference data the product ships (`spec/taxonomy.md`, `spec/kpi.md` targets)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from db.kpi_defaults import DEFAULT_TARGETS
from db.models import Category, ChangeCounter, Department, KpiTarget, Setting, Subcategory

CATEGORIES = [
    ("policy", "政策咨询", "policy", 1),
    ("life", "生活服务", "life", 2),
    ("dispute", "矛盾调解", "dispute", 3),
    ("emergency", "应急求助", "emergency", 4),
]

# code, category, zh, en, default priority, default department
SUBCATEGORIES = [
    ("P01", "policy", "惠民政策咨询", "benefit policy enquiry", "3wd", "D01"),
    ("P02", "policy", "社保医保", "social & medical insurance", "3wd", "D04"),
    ("P03", "policy", "居住证办理", "residence permit", "3wd", "D02"),
    ("P04", "policy", "子女入学", "school enrolment", "3wd", "D05"),
    ("P05", "policy", "就业指导", "employment guidance", "3wd", "D04"),
    ("L01", "life", "老年助餐", "meals for the elderly", "24h", "D01"),
    ("L02", "life", "代购代办", "errands and proxy services", "24h", "D12"),
    ("L03", "life", "健康服务", "health checks and care", "24h", "D03"),
    ("L04", "life", "助洁助浴", "cleaning and bathing help", "3wd", "D12"),
    ("L05", "life", "无障碍改造", "accessibility retrofit", "3wd", "D09"),
    ("L06", "life", "学业辅导", "tutoring for children", "3wd", "D05"),
    ("L07", "life", "停车管理", "parking", "3wd", "D06"),
    ("L08", "life", "环境卫生", "refuse and sanitation", "24h", "D06"),
    ("M01", "dispute", "邻里纠纷", "neighbour dispute", "24h", "D08"),
    ("M02", "dispute", "物业纠纷", "property-management dispute", "24h", "D07"),
    ("M03", "dispute", "家庭矛盾", "family conflict", "24h", "D08"),
    ("M04", "dispute", "劳资纠纷", "wage and labour dispute", "24h", "D04"),
    ("E01", "emergency", "突发疾病", "sudden illness", "immediate", "D03"),
    ("E02", "emergency", "安全隐患", "fire, gas or structural hazard", "immediate", "D10"),
    ("E03", "emergency", "独居老人失联", "solo elderly unreachable", "immediate", "D02"),
]

DEPARTMENTS = [
    ("D01", "民政", "civil affairs"),
    ("D02", "公安派出所", "police station"),
    ("D03", "卫健（社区卫生服务中心）", "health (community health centre)"),
    ("D04", "人社", "human resources & social security"),
    ("D05", "教育", "education"),
    ("D06", "城管", "urban management"),
    ("D07", "住建（物业监管）", "housing & property oversight"),
    ("D08", "司法所（人民调解）", "justice office (mediation)"),
    ("D09", "残联", "disabled persons' federation"),
    ("D10", "应急管理", "emergency management"),
    ("D11", "市场监管", "market regulation"),
    ("D12", "街道社区服务中心", "street community service centre"),
]

SPECIAL_GROUP_NAMES = {
    "solo_elderly": ("独居老人", "solo elderly"),
    "disabled": ("残障人士", "disabled"),
    "child_in_difficulty": ("困境儿童", "child in difficulty"),
    "low_income": ("低保/困难家庭", "low income"),
    "other": ("其他", "other"),
}

PRIORITY_NAMES = {
    "immediate": ("即时响应", "immediate"),
    "24h": ("24小时", "24 hours"),
    "3wd": ("3个工作日", "3 working days"),
}


DEFAULT_SETTINGS = {
    "budget.yuan_per_household": "20",
    "budget.split": "personnel=0.60;activities=0.30;equipment=0.10",
}

CHANGE_DOMAINS = ("cases", "visits", "households", "meetings", "budget", "calendar", "targets")


def seed_reference(conn: Connection) -> None:
    """Insert the shipped reference rows that are missing (idempotent)."""
    have = set(conn.scalars(select(Department.code)))
    rows: list[dict[str, object]] = [
        {"code": c, "name": n, "name_en": e} for c, n, e in DEPARTMENTS if c not in have
    ]
    if rows:
        conn.execute(insert(Department), rows)
    have = set(conn.scalars(select(Category.code)))
    rows = [
        {"code": c, "name": n, "name_en": e, "sort_order": o}
        for c, n, e, o in CATEGORIES
        if c not in have
    ]
    if rows:
        conn.execute(insert(Category), rows)
    cat_ids = {c: i for c, i in conn.execute(select(Category.code, Category.id))}
    dept_ids = {c: i for c, i in conn.execute(select(Department.code, Department.id))}
    have = set(conn.scalars(select(Subcategory.code)))
    rows = [
        {
            "code": code,
            "category_id": cat_ids[cat],
            "name": zh,
            "name_en": en,
            "default_priority": prio,
            "default_dept_id": dept_ids.get(dept),
        }
        for code, cat, zh, en, prio, dept in SUBCATEGORIES
        if code not in have
    ]
    if rows:
        conn.execute(insert(Subcategory), rows)
    have = set(conn.scalars(select(KpiTarget.key)))
    rows = [
        {"key": k, "value": v, "higher_is_better": hib}
        for k, (v, hib) in DEFAULT_TARGETS.items()
        if k not in have
    ]
    if rows:
        conn.execute(insert(KpiTarget), rows)
    have = set(conn.scalars(select(Setting.key)))
    rows = [{"key": k, "value": v} for k, v in DEFAULT_SETTINGS.items() if k not in have]
    if rows:
        conn.execute(insert(Setting), rows)
    have = set(conn.scalars(select(ChangeCounter.domain)))
    rows = [{"domain": d, "counter": 0} for d in CHANGE_DOMAINS if d not in have]
    if rows:
        conn.execute(insert(ChangeCounter), rows)
