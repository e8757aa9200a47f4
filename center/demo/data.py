"""Vocabulary and weights of the demo street (all invented; no real person is described).

Plain data only: names, place-name parts, case summaries, subcategory weights and the
per-department behaviour the generator in :mod:`center.demo.build` draws from.
"""

from __future__ import annotations

STREET_NAME = "东湖街道"
# Centre of the tessellation (Hangzhou, Xihu district) and the size of one grid tile.
CENTER_LON = 120.16
CENTER_LAT = 30.27
TILE_W_M = 260.0
TILE_H_M = 230.0
# Area codes of Hangzhou districts for identity numbers (first six digits), with weights.
AREA_CODES = (("330106", 70), ("330105", 10), ("330102", 8), ("330108", 6), ("330110", 6))
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
)  # fmt: skip

# Surnames with rough relative frequencies (per mille of the population).
SURNAMES = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 52), ("杨", 31), ("黄", 21),
    ("赵", 20), ("吴", 22), ("周", 21), ("徐", 18), ("孙", 15), ("马", 13), ("朱", 14),
    ("胡", 12), ("郭", 11), ("何", 10), ("林", 10), ("高", 10), ("罗", 9), ("郑", 9),
    ("梁", 7), ("谢", 6), ("宋", 6), ("唐", 6), ("许", 6), ("韩", 5), ("冯", 5), ("邓", 5),
    ("曹", 5), ("彭", 4), ("曾", 4), ("肖", 4), ("田", 4), ("董", 4), ("袁", 4), ("潘", 4),
    ("于", 3), ("蒋", 5), ("蔡", 4), ("余", 4), ("杜", 3), ("叶", 5), ("程", 3), ("苏", 3),
    ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 6), ("姚", 3), ("卢", 3), ("姜", 3),
    ("崔", 2), ("钟", 2), ("谭", 2), ("陆", 3), ("汪", 3), ("范", 2), ("金", 4), ("石", 2),
    ("廖", 2), ("贾", 2), ("夏", 2), ("方", 3), ("邹", 2), ("孟", 2), ("秦", 2), ("邱", 2),
    ("江", 2), ("薛", 2), ("顾", 2), ("毛", 2), ("邵", 2), ("钱", 2), ("严", 2), ("俞", 2),
    ("戴", 2), ("孔", 1), ("汤", 1), ("楼", 1), ("应", 1), ("章", 2), ("欧阳", 1),
)  # fmt: skip

# Given names by birth cohort and gender: (born before, male names, female names).
GIVEN_NAMES: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        1960,
        (
            "建国",
            "国强",
            "德明",
            "志刚",
            "文华",
            "春生",
            "根宝",
            "富贵",
            "永福",
            "金福",
            "荣华",
            "树林",
            "长林",
            "世昌",
            "宝林",
            "国庆",
            "振华",
            "福根",
            "阿三",
            "炳南",
            "兴发",
            "水根",
            "国平",
            "仁德",
            "家祥",
        ),
        (
            "秀英",
            "桂英",
            "玉兰",
            "秀兰",
            "凤英",
            "秀珍",
            "桂兰",
            "玉珍",
            "美华",
            "彩娣",
            "杏娟",
            "阿娣",
            "丽华",
            "金凤",
            "月英",
            "翠英",
            "素芬",
            "桂花",
            "雪琴",
            "菊英",
            "兰芳",
            "巧云",
            "淑贞",
            "美娟",
            "爱珍",
        ),
    ),
    (
        1986,
        (
            "伟",
            "勇",
            "军",
            "斌",
            "强",
            "建华",
            "建平",
            "卫东",
            "海涛",
            "志强",
            "晓东",
            "建军",
            "国华",
            "明",
            "平",
            "杰",
            "涛",
            "峰",
            "刚",
            "辉",
            "磊",
            "俊",
            "立新",
            "红兵",
            "永刚",
            "文斌",
            "海军",
            "晓峰",
        ),
        (
            "丽",
            "红",
            "敏",
            "静",
            "艳",
            "燕",
            "芳",
            "娟",
            "霞",
            "玲",
            "丽萍",
            "海燕",
            "晓燕",
            "红梅",
            "雪梅",
            "慧",
            "琴",
            "萍",
            "丽娟",
            "春燕",
            "美玲",
            "晓红",
            "彩霞",
            "玉梅",
            "建英",
            "亚萍",
        ),
    ),
    (
        2006,
        (
            "浩",
            "宇",
            "鹏",
            "超",
            "俊杰",
            "浩然",
            "志远",
            "文博",
            "子豪",
            "晨",
            "宇航",
            "天宇",
            "博文",
            "家豪",
            "凯",
            "一帆",
            "嘉诚",
            "思远",
            "振宇",
            "明轩",
            "俊",
            "昊",
            "睿",
            "晓宇",
        ),
        (
            "婷",
            "倩",
            "雪",
            "颖",
            "琳",
            "佳",
            "欣怡",
            "梦瑶",
            "雨婷",
            "思佳",
            "佳琪",
            "诗琪",
            "晶",
            "瑶",
            "蕾",
            "嘉怡",
            "晓雯",
            "心怡",
            "静怡",
            "雅琪",
            "梦洁",
            "佳怡",
            "怡然",
        ),
    ),
    (
        9999,
        (
            "子轩",
            "浩宇",
            "宇轩",
            "一鸣",
            "梓睿",
            "俊熙",
            "沐阳",
            "睿泽",
            "子墨",
            "宸",
            "奕辰",
            "皓轩",
            "铭泽",
            "梓豪",
            "嘉懿",
            "煜祺",
            "承泽",
            "思源",
            "景行",
            "逸飞",
        ),
        (
            "梓涵",
            "欣怡",
            "子涵",
            "可馨",
            "雨桐",
            "诗涵",
            "一诺",
            "语嫣",
            "若汐",
            "梓萱",
            "依诺",
            "芷若",
            "思彤",
            "可欣",
            "沐晴",
            "安琪",
            "语桐",
            "知夏",
            "星辰",
            "悦溪",
        ),
    ),
)

COMMUNITY_BASES = (
    "翠苑", "文新", "古荡", "嘉绿", "学院", "益乐", "西溪", "求是", "桂花", "金都", "星洲",
    "府苑", "华星", "紫荆", "莲花", "北山", "东岳", "南都", "湖畔", "蒋村", "文鼎", "丰潭",
    "申花", "和睦", "德胜", "朝晖", "潮鸣", "米市", "大关", "拱宸", "长庆", "锦绣", "枫华",
    "阳光", "绿园", "春江", "明珠", "新安", "百合", "丹桂",
)  # fmt: skip
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
COMPOUND_PREFIXES = (
    "翠苑", "文新", "古荡", "嘉绿", "学院", "益乐", "西溪", "求是", "桂花", "金都", "星洲",
    "府苑", "华星", "紫荆", "莲花", "北山", "东岳", "南都", "湖畔", "蒋村", "文鼎", "丰潭",
    "申花", "和睦", "德胜", "朝晖", "潮鸣", "米市", "大关", "拱宸", "长庆", "锦绣", "枫华",
    "阳光", "绿园", "春江", "明珠", "新安", "百合", "丹桂", "骆家庄", "白荡海", "教工",
    "保俶", "松木场", "留下", "杨家牌楼", "竞舟", "振华", "香樟", "梧桐", "玉泉", "灵峰",
)  # fmt: skip
COMPOUND_SUFFIXES = (
    "新村", "花园", "小区", "家园", "公寓", "苑", "雅苑", "名苑", "府", "人家", "新苑",
    "一区", "二区", "三区", "东区", "西区", "北区", "南区", "华庭", "嘉园",
)  # fmt: skip

# Subcategory weights (relative frequency of cases at street scale).
SUB_WEIGHTS: dict[str, float] = {
    "P01": 8.0, "P02": 7.0, "P03": 3.0, "P04": 2.5, "P05": 2.5,
    "L01": 9.0, "L02": 6.0, "L03": 8.0, "L04": 4.0, "L05": 1.5, "L06": 2.0, "L07": 9.0,
    "L08": 8.0, "M01": 6.0, "M02": 6.0, "M03": 2.5, "M04": 1.5,
    "E01": 2.0, "E02": 1.0, "E03": 0.6,
}  # fmt: skip
# Months (1-12) where a subcategory is more (> 1) or less (< 1) frequent: summer heat
# (elderly illness, unanswered solo elderly, overloaded e-bike batteries, rubbish),
# school enrolment in early summer, complaints to the property company (heating in winter,
# lifts and water in summer), the medical-insurance payment season, job seeking after the
# Spring Festival.
SEASONAL: dict[str, dict[int, float]] = {
    "E01": {6: 1.4, 7: 2.4, 8: 2.3, 9: 1.2, 12: 1.2, 1: 1.4, 2: 1.2},
    "E02": {6: 1.2, 7: 1.6, 8: 1.6, 12: 1.3, 1: 1.4},
    "E03": {7: 2.0, 8: 2.0, 1: 1.3},
    "L03": {6: 1.2, 7: 1.6, 8: 1.6, 9: 1.2},
    "L01": {7: 1.3, 8: 1.3},
    "L08": {5: 1.2, 6: 1.5, 7: 1.8, 8: 1.8, 9: 1.3, 2: 1.3},
    "L06": {3: 1.3, 7: 1.6, 8: 1.3, 9: 1.6},
    "M02": {11: 1.9, 12: 2.6, 1: 2.8, 2: 2.1, 3: 1.1, 6: 1.2, 7: 1.4, 8: 1.4},
    "M01": {7: 1.3, 8: 1.3, 2: 1.3},
    "P04": {4: 1.5, 5: 2.2, 6: 3.2, 7: 3.6, 8: 3.0, 9: 1.3, 12: 0.5, 1: 0.5},
    "P02": {10: 1.3, 11: 1.9, 12: 2.2, 1: 1.4},
    "P05": {2: 1.5, 3: 1.8, 7: 1.4},
    "P03": {3: 1.3, 8: 1.3},
}
# Winter months' property complaints are mostly about heating (the share above 1 in
# SEASONAL["M02"]); their summaries say so.
HEATING_SUB = "M02"
HEATING_SUMMARIES = ("冬季室内供暖温度不达标", "暖气片不热，物业推诿不修", "供暖费收取标准争议")
# Yearly trend of each category (cases grow or shrink by this share a year): an ageing
# street asks for more life services, settled policies are asked about less.
CATEGORY_TREND: dict[str, float] = {"P": -0.12, "L": 0.12, "M": 0.04, "E": 0.06}
# Requests (hotline, online) on a day off relative to a working day: a weekend, a
# public holiday (a run of 3+ days off in the product's calendar), the Spring Festival.
DAY_OFF = {"weekend": 0.8, "holiday": 0.5, "spring": 0.3}
# Kinds of grid by their housing: (kind, share of grids, share of floating (renting)
# households, chance that a local household is an elderly one).
GRID_HOUSING: tuple[tuple[str, float, float, float], ...] = (
    ("old", 0.3, 0.05, 0.55),  # old walk-ups of a former factory: the elderly stayed
    ("rental", 0.25, 0.4, 0.05),  # flats let to migrant workers
    ("mixed", 0.45, 0.12, 0.18),
)
GRID_ACTIVITY_SIGMA = 0.18  # log-normal spread of how much a grid's residents ask
# Disputes per grid rise with its renting households (landlord, neighbour, property
# quarrels): a grid's dispute cases are multiplied by 1 + this × its floating share.
RENTAL_DISPUTES = 3.0
# Problems emerging in a few grids over the last months: subcategory, summary, extra
# cases per household a month at the end of the ramp.
EMERGING: tuple[tuple[str, str, float], ...] = (
    ("E02", "楼道电动车飞线充电增多，存在火灾隐患", 0.07),
    ("M02", "物业公司拟撤场，电梯故障无人维修", 0.08),
    ("L07", "小区新建商铺占用车位，夜间停车矛盾突出", 0.08),
)
EMERGING_SHARE = 0.025  # of the grids (at least one)
EMERGING_MONTHS = 5  # the ramp's length in months before the as-of month (then at full)

# Chance that a visit-sourced case of the subcategory is resolved on the spot.
ON_THE_SPOT: dict[str, float] = {
    "P01": 0.95, "P02": 0.88, "P03": 0.82, "P04": 0.78, "P05": 0.82,
    "L01": 0.62, "L02": 0.66, "L03": 0.6, "L04": 0.4, "L05": 0.05, "L06": 0.45, "L07": 0.4,
    "L08": 0.55, "M01": 0.66, "M02": 0.33, "M03": 0.7, "M04": 0.18,
    "E01": 0.38, "E02": 0.28, "E03": 0.66,
}  # fmt: skip
# Chance that a case of the subcategory is referred to the joint meeting.
ESCALATE: dict[str, float] = {
    "M02": 0.012,
    "M04": 0.02,
    "L07": 0.006,
    "L05": 0.012,
    "M01": 0.003,
    "E02": 0.01,
    "L08": 0.002,
}
# Closure duration from receipt: ("h", lo, hi) hours or ("wd", lo, hi) working days.
CLOSURE: dict[str, tuple[str, float, float]] = {
    "P01": ("wd", 1, 5), "P02": ("wd", 1, 7), "P03": ("wd", 1, 8), "P04": ("wd", 2, 9),
    "P05": ("wd", 1, 8), "L01": ("wd", 1, 5), "L02": ("h", 4, 48), "L03": ("wd", 1, 6),
    "L04": ("wd", 1, 7), "L05": ("wd", 5, 14), "L06": ("wd", 2, 10), "L07": ("wd", 3, 14),
    "L08": ("h", 3, 36), "M01": ("wd", 1, 10), "M02": ("wd", 3, 14), "M03": ("wd", 1, 10),
    "M04": ("wd", 3, 14), "E01": ("h", 0.5, 6), "E02": ("h", 2, 72), "E03": ("h", 0.3, 4),
}  # fmt: skip
# Another department a coordinator sometimes routes the subcategory to.
ALT_DEPT: dict[str, tuple[str, ...]] = {
    "P01": ("D12",), "P02": ("D01",), "P03": ("D12",), "P04": ("D12",), "P05": ("D12",),
    "L01": ("D12",), "L02": ("D11", "D01"), "L03": ("D01",), "L04": ("D01",), "L05": ("D07",),
    "L06": ("D12",), "L07": ("D07", "D02"), "L08": ("D11",), "M01": ("D02",),
    "M02": ("D08", "D11"), "M03": ("D02", "D01"), "M04": ("D08",), "E01": ("D10",),
    "E02": ("D07", "D06"), "E03": ("D03",),
}  # fmt: skip

SUMMARIES: dict[str, tuple[str, ...]] = {
    "P01": ("咨询高龄津贴申领条件", "咨询居家养老服务补贴政策", "了解临时救助申请流程"),
    "P02": ("咨询城乡居民医保缴费", "反映医保异地备案问题", "咨询养老保险待遇资格认证"),
    "P03": ("咨询居住证办理所需材料", "居住证到期续签", "咨询积分落户政策"),
    "P04": ("咨询子女就近入学政策", "随迁子女入学材料准备", "咨询幼儿园报名时间"),
    "P05": ("咨询灵活就业社保补贴", "求职登记及岗位推荐", "咨询职业技能培训报名"),
    "L01": ("申请社区食堂助餐服务", "希望送餐上门", "反映助餐点菜品口味偏咸"),
    "L02": ("代购生活用品", "代办医保卡补办", "代缴水电燃气费"),
    "L03": ("预约上门健康体检", "慢性病随访及用药指导", "申请家庭医生签约"),
    "L04": ("申请助洁服务", "申请助浴服务", "居家环境清洁整理"),
    "L05": ("申请卫生间扶手加装", "楼道无障碍坡道改造", "申请居家适老化改造"),
    "L06": ("申请四点半课堂辅导", "希望志愿者一对一学业辅导", "咨询暑期托管服务"),
    "L07": ("小区夜间停车难", "消防通道被车辆占用", "申请增设非机动车充电桩"),
    "L08": ("垃圾清运不及时", "楼道堆放杂物", "反映绿化带卫生死角"),
    "M01": ("楼上噪音扰民", "邻里之间漏水纠纷", "公共区域占用纠纷"),
    "M02": ("物业服务质量投诉", "物业费收费争议", "电梯维修不及时"),
    "M03": ("家庭赡养纠纷", "夫妻矛盾调解", "子女抚养问题"),
    "M04": ("反映工资拖欠", "劳动合同纠纷咨询", "工伤赔偿争议"),
    "E01": ("老人突发身体不适", "居民突发疾病需协助就医", "独居居民摔倒求助"),
    "E02": ("楼道燃气异味", "电动车楼道充电火灾隐患", "外墙瓷砖脱落隐患"),
    "E03": ("独居老人电话无人接听", "独居老人多日未出门", "家属联系不上独居老人"),
}
STATUS_REASONS = {
    "not_our_remit": ("属商业纠纷，已告知通过法律途径解决", "不属本街道辖区事项，已告知对应街道"),
    "no_action_needed": ("居民已自行解决", "经核实情况不存在，已向居民说明"),
}
VISIT_NOTES = {
    "met": (
        "身体状况良好", "已宣传惠民政策", "反映楼道灯不亮，已现场记录", "了解近期生活情况",
        "已登记服务需求", "提醒注意用电用气安全", "家属在场，情况稳定", "已更新联系方式",
    ),
    "not_home": ("家中无人，已留联系卡", "敲门无应答，改日再访", "邻居告知外出"),
    "refused": ("住户不愿配合", "住户表示不需要走访", "隔门交流，未入户"),
}  # fmt: skip
MEETING_TOPICS = (
    ("老旧小区加装电梯协调推进", "D07"),
    ("背街小巷环境综合整治", "D06"),
    ("独居老人智能手环配发", "D01"),
    ("社区食堂扩点选址", "D12"),
    ("电动自行车集中充电设施建设", "D10"),
    ("农贸市场周边占道经营治理", "D11"),
    ("学校周边交通秩序整治", "D02"),
    ("出租房屋安全隐患排查", "D10"),
)
DECISION_TEXTS = (
    "由{dept}牵头，会同社区制定整改方案，限期办结并反馈居民",
    "{dept}负责现场核查，相关部门配合，办理结果报联席会议",
    "{dept}牵头协调各方，明确责任分工，按期办结",
)
EXPENSE_TEXTS: dict[str, tuple[str, ...]] = {
    "personnel": ("网格员走访补贴", "楼栋长履职补贴", "志愿者服务补贴", "专业社工服务费"),
    "activities": (
        "敲门义诊活动物资", "政策宣传资料印制", "志愿者积分兑换物品", "邻里议事会场地布置",
        "敲门行动业务培训", "四点半课堂活动耗材",
    ),
    "equipment": ("网格员智能终端采购", "独居老人智能手环", "一键呼叫设备安装", "应急物资箱配置"),
}  # fmt: skip
