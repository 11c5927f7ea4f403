"""The benchmark archive's world: its vocabulary, and its organizations, people and events (`seed_bench`).

The paper is a regional science-and-technology weekly in a fictional province (青岚省), so the archive reads
like one: a provincial science association with its centres and city branches, government departments,
universities, institutes and companies; reporters, correspondents, photographers and opinion authors;
conferences, trainings and launches. Articles are written from the same words (devdata/benchtext.py).

Pure Python, no database access: devdata/entities.py turns these specs into rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

PROVINCE = "青岚省"
CITIES = [
    "云川市", "岚州市", "临江市", "白鹭市", "石门市", "清河市",
    "望川市", "金沙市", "南屏市", "北岭市", "松溪市", "安宁市",
]  # fmt: skip
COUNTIES = [
    "青石县", "龙泉县", "桃源县", "雁栖县", "柳营县", "梅岭县", "溪口县", "双河县", "云台县", "玉峰县",
]  # fmt: skip
VENUES = [
    "省科技馆", "云川国际会展中心", "青岚大学图书馆报告厅", "省科协学术交流中心", "岚州科技创新园",
    "临江市青少年活动中心", "白鹭湖科学城", "石门高新区孵化大厦", "清河农业科技园", "望川市民中心",
]  # fmt: skip

# Sections (栏目) and how often each occurs; the page names (版) of an issue are drawn from the same words.
SECTIONS = [
    # name, opinion section, weight
    ("要闻", False, 26),
    ("综合", False, 22),
    ("科普", False, 14),
    ("创新创业", False, 9),
    ("乡村振兴", False, 7),
    ("健康", False, 6),
    ("教育", False, 5),
    ("观点", True, 6),
    ("图片新闻", False, 5),
]
# The pages of a 4–8 page issue: page 1 is always 要闻; the rest follow in this order, some skipped.
PAGE_NAMES = ["要闻", "综合", "科普", "观点", "创新创业", "乡村振兴", "健康", "教育"]

TOPICS = [
    "人工智能", "大模型", "量子科技", "集成电路", "新能源汽车", "储能", "光伏", "氢能", "生物医药", "基因编辑",
    "中医药", "智慧农业", "种业振兴", "乡村振兴", "科技小院", "科普", "科学素质", "青少年科技教育",
    "科学家精神", "院士专家", "科技人才", "创新创业", "成果转化", "知识产权", "高新技术企业", "专精特新",
    "数字经济", "大数据", "算力", "工业互联网", "智能制造", "机器人", "无人机", "卫星遥感", "北斗导航",
    "航空航天", "气象科普", "防灾减灾", "地震科普", "应急科普", "生态保护", "碳达峰碳中和", "绿色低碳",
    "节能环保", "水资源", "生物多样性", "野生动物保护", "健康科普", "公共卫生", "医疗器械", "食品安全",
    "心理健康", "数字素养", "科技馆", "科普基地", "科技活动周", "全国科普日", "学术年会", "科技奖励",
    "自然科学基金", "重点实验室", "新材料", "稀土", "锂电池", "芯片", "传感器", "虚拟现实", "区块链",
    "网络安全", "数据安全", "科技金融", "科技特派员", "农技推广", "茶产业", "中药材", "畜牧兽医", "林草",
    "地质灾害", "天文科普", "古生物", "科技伦理", "科研诚信", "女科学家", "青年科技人才", "学会改革",
    "产学研合作", "科技园区", "孵化器", "众创空间", "技术经纪人", "科技成果评价", "低空经济", "脑科学",
    "合成生物", "精准医疗", "智慧城市", "智能网联汽车", "数字乡村", "高标准农田", "耕地保护", "节水灌溉",
]  # fmt: skip
AUDIENCES = [
    "中小学生", "科技工作者", "农技人员", "青少年", "社区居民", "企业代表", "高校师生", "科技辅导员",
    "基层医务人员", "科普志愿者", "返乡创业青年", "老年朋友", "家庭农场主", "一线工程师",
]  # fmt: skip
EVENT_KINDS = [
    "学术年会", "科普讲解大赛", "培训班", "成果发布会", "高峰论坛", "创新创业大赛", "科技活动周",
    "科普日主场活动", "院士专家行", "技术对接会", "研讨会", "青少年科技创新大赛",
]  # fmt: skip
FACILITIES = [
    "科普示范基地", "院士（专家）工作站", "科技小院", "重点实验室", "众创空间", "工程技术研究中心",
    "中试基地", "科普e站", "产业技术研究院", "新型研发机构",
]  # fmt: skip
ACTIONS = [
    "强化科技人才支撑", "加大科普资源供给", "深化产学研合作", "完善科技服务体系", "推进科技成果转化",
    "提升公民科学素质", "优化创新生态", "加强关键核心技术攻关", "做强基层科协组织", "拓展科普阵地",
]  # fmt: skip
GOALS = [
    "高质量发展", "乡村全面振兴", "产业转型升级", "全民科学素质提升", "县域经济发展", "科技自立自强",
    "美丽青岚建设", "民生改善", "新质生产力培育",
]  # fmt: skip
FORMATS = ["VR设备", "互动展项", "实验演示", "科普展板", "机器人表演", "显微观察", "天象投影", "科学秀"]
AWARDS = ["省科学技术进步奖", "省自然科学奖", "省技术发明奖", "省科普作品奖", "全国创新争先奖"]
POSITIONS = [
    "党组书记", "主任", "副主任", "副主席", "院长", "副院长", "教授", "研究员", "总工程师", "首席专家",
    "高级农艺师", "主任医师", "副教授", "所长", "董事长", "技术总监",
]  # fmt: skip
QUOTES = [
    "科普工作要沉下去，把科学知识送到群众身边",
    "关键核心技术是要不来、买不来、讨不来的",
    "我们要让更多孩子从小种下科学的种子",
    "科技成果只有走出实验室，才能真正产生价值",
    "基层最缺的不是设备，而是懂技术的人",
    "创新链、产业链、人才链要深度融合",
    "这项技术让农户每亩增收三百元以上",
    "要为青年科技人才挑大梁、当主角创造条件",
    "数据是新的生产要素，安全是发展的前提",
    "科学精神是一座城市最宝贵的气质",
]  # fmt: skip
NEEDS = ["久久为功", "打通最后一公里", "更多耐心资本", "制度保障", "全社会共同参与", "守正创新"]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余"
    "潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_CHARS = (
    "知远启航晓峰雨桐思源明哲嘉怡子涵浩然欣妍宇轩诗琪俊杰婉清志强丽华建国海燕文博佳琪晨曦一鸣若溪振宇"
    "梦瑶泽楠书瑶立新永红春梅秋实安然清扬少华德明晓东美玲天佑慧敏静怡云飞光辉"
)


@dataclass(frozen=True)
class OrganizationSpec:
    name: str
    short_name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None  # the parent's name
    description: str = ""


@dataclass(frozen=True)
class PersonSpec:
    name: str
    kind: str  # people.Author.Kind values
    position: str
    organization: str | None  # an organization's name
    bio: str


@dataclass(frozen=True)
class EventSpec:
    name: str
    start_date: date
    end_date: date | None
    place: str
    organizers: tuple[str, ...]
    description: str


def _city_stem(city: str) -> str:
    return city.removesuffix("市").removesuffix("县")


def organizations() -> list[OrganizationSpec]:
    """The organizations of the province, parents before their children."""
    a = "association"
    specs = [
        OrganizationSpec(
            f"{PROVINCE}科学技术协会",
            "省科协",
            a,
            ("青岚省科协", "省科协"),
            description="全省科技工作者的群众组织，科普工作的主要社会力量。",
        ),
        OrganizationSpec(f"{PROVINCE}科学技术厅", "省科技厅", "government", ("省科技厅",)),
        OrganizationSpec(f"{PROVINCE}教育厅", "省教育厅", "government"),
        OrganizationSpec(f"{PROVINCE}农业农村厅", "省农业农村厅", "government"),
        OrganizationSpec(f"{PROVINCE}卫生健康委员会", "省卫健委", "government", ("省卫健委",)),
        OrganizationSpec(f"{PROVINCE}经济和信息化厅", "省经信厅", "government", ("省经信厅",)),
        OrganizationSpec(f"{PROVINCE}生态环境厅", "省生态环境厅", "government"),
        OrganizationSpec(f"{PROVINCE}气象局", "省气象局", "government"),
        OrganizationSpec(f"{PROVINCE}地震局", "省地震局", "government"),
        OrganizationSpec(f"{PROVINCE}科学院", "省科学院", "institute", ("省科学院",)),
        OrganizationSpec(f"{PROVINCE}农业科学院", "省农科院", "institute", ("省农科院",)),
        OrganizationSpec(f"{PROVINCE}医学科学院", "省医科院", "institute"),
        OrganizationSpec(f"{PROVINCE}林业科学研究院", "省林科院", "institute"),
        OrganizationSpec("青岚大学", "岚大", "university", ("岚大",)),
        OrganizationSpec("青岚理工大学", "岚理工", "university", ("岚理工",)),
        OrganizationSpec("青岚农业大学", "岚农大", "university", ("岚农大",)),
        OrganizationSpec("青岚医科大学", "岚医大", "university"),
        OrganizationSpec("青岚师范大学", "岚师大", "university"),
        OrganizationSpec("云川交通大学", "云交大", "university", ("云交大",)),
        OrganizationSpec("云川电子科技大学", "云川电子科大", "university"),
        OrganizationSpec("青岚中医药大学", "岚中医大", "university"),
        OrganizationSpec("青岚广播电视台", "青岚台", "media"),
    ]
    centres = ["科技馆", "科协学会服务中心", "科普信息中心", "青少年科技教育中心", "科技工作者服务中心"]
    specs += [
        OrganizationSpec(f"{PROVINCE}{c}", f"省{c.removeprefix('科协')}", "centre", parent=specs[0].name)
        for c in centres
    ]
    societies = ["农学会", "医学会", "计算机学会", "科普作家协会", "气象学会", "青少年科技辅导员协会"]
    specs += [
        OrganizationSpec(f"{PROVINCE}{s}", f"省{s}", "association", parent=specs[0].name) for s in societies
    ]
    institutes = ["光电技术研究所", "生物研究所", "计算技术研究所", "新材料研究所"]
    specs += [
        OrganizationSpec(
            f"{PROVINCE}科学院{i}", i.removesuffix("研究所") + "所", "institute", parent=f"{PROVINCE}科学院"
        )
        for i in institutes
    ]
    schools = {
        "青岚大学": ["化学学院", "计算机学院", "生命科学学院"],
        "青岚理工大学": ["材料科学与工程学院", "机械工程学院"],
        "青岚农业大学": ["农学院", "动物科技学院"],
    }
    for university, names in schools.items():
        specs += [OrganizationSpec(f"{university}{n}", "", "centre", parent=university) for n in names]
    for city in CITIES:
        stem = _city_stem(city)
        specs.append(
            OrganizationSpec(
                f"{city}科学技术协会", f"{stem}市科协", a, (f"{stem}科协",), parent=specs[0].name
            )
        )
        specs.append(OrganizationSpec(f"{city}科学技术局", f"{stem}市科技局", "government"))
    companies = [
        ("云川智芯半导体有限公司", "智芯半导体"),
        ("岚州新能源汽车股份有限公司", "岚州新能源"),
        ("青岚数智科技集团有限公司", "青岚数智"),
        ("临江生物医药股份有限公司", "临江生物"),
        ("白鹭无人机科技有限公司", "白鹭无人机"),
        ("石门稀土新材料有限公司", "石门稀土"),
        ("清河储能科技有限公司", "清河储能"),
        ("望川卫星应用技术有限公司", "望川卫星"),
        ("金沙光伏科技有限公司", "金沙光伏"),
        ("南屏智能装备制造有限公司", "南屏智造"),
        ("北岭环保科技有限公司", "北岭环保"),
        ("松溪茶业科技有限公司", "松溪茶业"),
    ]
    specs += [OrganizationSpec(name, short, "company", (short,)) for name, short in companies]
    return specs


def person_name(rng: random.Random) -> str:
    given = (
        rng.choice(GIVEN_CHARS) if rng.random() < 0.25 else rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    )
    return rng.choice(SURNAMES) + given


def people(rng: random.Random, orgs: list[OrganizationSpec], count: int) -> list[PersonSpec]:
    """Reporters, correspondents, photographers, opinion authors and desk editors, in realistic proportions.

    Names are drawn at random, so two people may share one (as the model allows).
    """
    kinds = [
        ("staff", 0.12),
        ("correspondent", 0.48),
        ("photographer", 0.06),
        ("contributor", 0.30),
        ("editor", 0.04),
    ]
    result = []
    for kind, share in kinds:
        for _ in range(max(1, round(count * share))):
            name = person_name(rng)
            if kind in {"staff", "photographer", "editor"}:
                org, position = None, {"staff": "记者", "photographer": "摄影记者", "editor": "编辑"}[kind]
                bio = (
                    f"{name}，青岚科技报{position}，长期关注{rng.choice(TOPICS)}与{rng.choice(TOPICS)}报道。"
                )
            else:
                org = rng.choice(orgs)
                position = rng.choice(POSITIONS)
                org, bio = org.name, f"{name}，{org.name}{position}，研究方向为{rng.choice(TOPICS)}。"
            result.append(PersonSpec(name, kind, position, org, bio))
    return result


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (for 1–99)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def events(rng: random.Random, orgs: list[OrganizationSpec], days: list[date], count: int) -> list[EventSpec]:
    """Conferences, trainings, contests and launches, each in the few weeks before one of `days`."""
    result = []
    for _ in range(count):
        start = rng.choice(days) - timedelta(days=rng.randint(1, 20))
        organizer = rng.choice(orgs[:40])
        kind = rng.choice(EVENT_KINDS)
        topic = rng.choice(TOPICS)
        length = rng.choice([1, 1, 1, 2, 3, 5, 7])
        city = rng.choice(CITIES)
        edition = chinese_number(max(1, start.year - rng.randint(1995, 2012)))
        name = f"{start.year}年第{edition}届{_city_stem(city)}{topic}{kind}"
        organizers = tuple(dict.fromkeys([organizer.name, rng.choice(orgs).name]))
        description = (
            f"由{organizer.name}主办，围绕{topic}开展交流研讨、成果展示和科普活动，"
            f"邀请{rng.choice(AUDIENCES)}和{rng.choice(AUDIENCES)}参加。"
        )
        end = start + timedelta(days=length - 1) if length > 1 else None
        result.append(EventSpec(name, start, end, f"{city}{rng.choice(VENUES)}", organizers, description))
    return result
