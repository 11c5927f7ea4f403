"""Articles' text for the benchmark archive: titles, summaries and bodies in the paper's register.

News in the paper's register (本报讯 …), opinion pieces closed by an author note (作者系…), photo news, each
about one topic, made from the vocabulary of devdata/benchdata.py. Speed matters (`seed_bench` writes a large
archive in minutes: docs/performance.md), so bodies are assembled from pools of pre-generated sentences rather
than generated character by character, and devdata/benchsearch.py segments each sentence for search once.

Pure Python, no database access.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .benchdata import (
    ACTIONS,
    AUDIENCES,
    AWARDS,
    CITIES,
    COUNTIES,
    EVENT_KINDS,
    FACILITIES,
    FORMATS,
    GOALS,
    NEEDS,
    POSITIONS,
    QUOTES,
    TOPICS,
    VENUES,
    OrganizationSpec,
)


@dataclass
class ArticleText:
    """The text fields of one article, and what its search text is made of."""

    kicker: str
    title: str
    subtitle: str
    summary: str
    dateline: str
    body: str  # clean HTML: <p> only, no attributes, so the sanitizer keeps it as it is
    author_note: str
    sentences: list[str] = field(default_factory=list)  # the body's plain text, sentence by sentence
    topic: str = ""  # what the title is about: the article's first tag
    organization: str = ""  # the organization the title names, if any


# How the headline pool divides among kinds of article (roughly as the kinds occur).
TITLE_POOL_SHARE = {"news": 0.8, "opinion": 0.1, "photo": 0.1}


class TextGenerator:
    """Titles, summaries and bodies in the register of a regional science weekly.

    An article is about one topic (its title's, its first tag) and its body keeps to it: sentences come from
    that topic's pool (`per_topic` sentences, made the first time the topic is used), so a word like 量子 occurs
    in a few percent of the archive, as in a real one, not in every other article. Topics are not equally
    popular (`topics`, most popular first, with `topic_weights`). Headlines (title, kicker, subtitle) are new
    until `title_pool` of them exist, then reused. So a large archive costs seconds to write, and the search
    text of each sentence and headline is segmented once.
    """

    def __init__(
        self,
        rng: random.Random,
        orgs: list[OrganizationSpec],
        names: list[str],
        per_topic: int = 50,
        title_pool: int = 10000,
    ):
        self.rng = rng
        self.orgs = [o for o in orgs if o.short_name]
        self.names = names
        self.per_topic = per_topic
        self.title_pool = title_pool
        self.headlines: dict[str, list[tuple]] = {"news": [], "opinion": [], "photo": []}
        self.pools: dict[tuple[str, str], list[str]] = {}
        self.topics = TOPICS[:]
        rng.shuffle(self.topics)
        self.topic_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(self.topics))]

    # -- slots -------------------------------------------------------------------------------------------
    def _related_topic(self, topic: str) -> str:
        """A topic near `topic` in TOPICS, which lists related topics together."""
        i = TOPICS.index(topic)
        near = [t for t in TOPICS[max(0, i - 3) : i + 4] if t != topic]
        return self.rng.choice(near)

    def _slots(self, topic: str | None = None) -> dict:
        rng = self.rng
        org, org2 = rng.sample(self.orgs, 2)
        topic = topic or rng.choices(self.topics, self.topic_weights)[0]
        topic2 = self._related_topic(topic)
        return {
            "org": org.name,
            "org_short": org.short_name,
            "org2": org2.name,
            "org_short2": org2.short_name,
            "topic": topic,
            "topic2": topic2,
            "city": rng.choice(CITIES),
            "county": rng.choice(COUNTIES),
            "venue": rng.choice(VENUES),
            "audience": rng.choice(AUDIENCES),
            "ekind": rng.choice(EVENT_KINDS),
            "facility": rng.choice(FACILITIES),
            "action": rng.choice(ACTIONS),
            "goal": rng.choice(GOALS),
            "format": rng.choice(FORMATS),
            "award": rng.choice(AWARDS),
            "position": rng.choice(POSITIONS),
            "person": rng.choice(self.names),
            "quote": rng.choice(QUOTES),
            "need": rng.choice(NEEDS),
            "n": rng.choice([3, 5, 6, 8, 10, 12, 15, 20, 26, 30, 45, 60]),
            "n2": rng.choice([100, 120, 150, 200, 300, 500, 800, 1200, 3000]),
            "money": rng.choice(["1.2", "2.5", "3.8", "5", "8.6", "12", "20", "35"]),
            "pct": rng.choice(["6.5", "8.2", "10.3", "12.7", "15", "21.4", "30"]),
            "month": rng.randint(1, 12),
            "day": rng.randint(1, 28),
            "year": rng.randint(2011, 2026),
            "days": rng.choice([2, 3, 5, 7, 10]),
        }

    NEWS_SENTENCES = [
        "{month}月{day}日，{org}在{city}举办{topic}{ekind}，{n2}余名{audience}参加。",
        "记者从{org}获悉，今年以来，{city}已建成{topic}{facility}{n}个，覆盖{n2}个村（社区）。",
        "会上，{org_short}{position}{person}介绍了{topic}领域的最新进展。",
        "{person}表示：“{quote}。”",
        "据了解，该项目由{org}牵头，联合{org2}等单位共同实施，总投资{money}亿元。",
        "下一步，{org_short}将继续{action}，推动{topic}与{topic2}深度融合。",
        "活动现场，{audience}通过{format}近距离感受了{topic}的魅力。",
        "近年来，{city}坚持把{topic}作为{goal}的重要抓手，相关产业规模突破{money}百亿元。",
        "此次{ekind}为期{days}天，设置了{n}个专题分论坛和一个成果展区。",
        "专家指出，{topic}是推动{goal}的重要方向，需要{need}。",
        "{org_short}相关负责人介绍，全省{topic}相关企业数量同比增长{pct}%。",
        "{county}依托{facility}，组织专家开展{topic}技术培训{n}场次，培训{audience}{n2}人次。",
        "在{venue}，{audience}围坐在一起，听{person}讲解{topic}背后的科学原理。",
        "据统计，{year}年全省{topic}领域共有{n}项成果获得{award}。",
        "{org}与{org2}签署战略合作协议，双方将在{topic}、{topic2}等方面开展合作。",
        "“以前遇到技术难题只能靠经验，现在有专家手把手指导。”{county}一位{audience}说。",
        "目前，该{facility}已引进和培养高层次人才{n}名，攻克关键技术{n}项。",
        "为{action}，{city}出台了支持{topic}发展的若干措施，从资金、人才、用地等方面给予保障。",
        "活动期间，主办方还组织了{topic}主题展览，吸引{n2}余名市民参观。",
        "{org_short}将以此次活动为契机，{action}，为{goal}贡献科技力量。",
        "项目建成后，预计每年可新增产值{money}亿元，带动就业{n2}余人。",
        "{person}长期从事{topic}研究，主持完成国家和省级科研项目{n}项。",
        "与会专家围绕{topic}的技术路线、应用场景和产业前景进行了深入交流。",
        "{city}科协组织{n}支科普志愿服务队，深入{county}开展{topic}科普宣传。",
        "据悉，{year}年{org_short}共举办各类学术交流活动{n2}余场，服务科技工作者{n2}余人次。",
        "该成果填补了省内{topic}领域的空白，相关指标达到国内先进水平。",
        "{org_short}还发布了{topic}领域十大科技进展，{org2}等单位的成果入选。",
        "{county}的{facility}里，技术人员正指导{audience}使用{topic}设备采集数据。",
    ]
    OPINION_SENTENCES = [
        "{topic}既是科技问题，也是发展问题，更是民生问题。",
        "推动{topic}发展，关键在人，根本在制度。",
        "当前，{topic}正处在从“盆景”走向“风景”的关键阶段。",
        "要看到，一些地方在推进{topic}时仍存在重建设、轻运营的问题。",
        "只有{action}，才能让{topic}真正服务{goal}。",
        "科协组织作为党和政府联系科技工作者的桥梁纽带，理应在{topic}中有更大作为。",
        "{topic}需要{need}，不能急于求成，更不能一哄而上。",
        "从长远看，{topic}与{topic2}的融合将催生更多新业态、新模式。",
        "基层是科普的“最后一公里”，也是{topic}落地见效的“主战场”。",
        "让科学家精神在全社会蔚然成风，需要每一位科技工作者身体力行。",
        "我们应当把{topic}的评价权更多交给市场和用户。",
        "一项技术能否走得远，不仅取决于实验室，更取决于应用场景。",
    ]
    PHOTO_SENTENCES = [
        "{month}月{day}日，{audience}在{venue}体验{topic}互动展项。",
        "图为{county}农技人员在田间演示{topic}设备。",
        "{city}举办{topic}{ekind}，吸引众多市民驻足观看。",
        "在{ekind}现场，{audience}认真观察{format}。",
        "图为{org}科研人员在实验室开展{topic}试验。",
    ]
    TITLES = [
        "{city}举办{year}年{topic}{ekind}",
        "{org_short}召开{topic}工作推进会",
        "我省{n}项{topic}成果获{award}",
        "{topic}{facility}落户{city}",
        "{city}：{topic}助力{goal}",
        "{org_short}与{org_short2}签署{topic}合作协议",
        "全省{audience}{topic}培训班在{city}开班",
        "{topic}走进{county}",
        "“{topic}+{topic2}”打开{goal}新空间",
        "{city}{n}家企业入选{topic}示范名单",
        "{org_short}发布{year}年度{topic}十大进展",
        "{county}：{facility}里的{topic}故事",
        "{n2}余名{audience}共赴{topic}之约",
        "{topic}让{audience}尝到科技甜头",
    ]
    OPINION_TITLES = [
        "让{topic}更好服务{goal}",
        "以{topic}赋能{goal}",
        "{topic}需要{need}",
        "做好{topic}这篇大文章",
        "为{audience}搭好{topic}平台",
        "{topic}的“热”与“冷”",
    ]
    KICKERS = ["聚焦{topic}", "科技活动周特别报道", "{city}见闻", "一线调研", "科普进行时", "{org_short}动态"]
    SUBTITLES = [
        "{n2}余名{audience}参加",
        "总投资{money}亿元，预计明年建成",
        "覆盖{n}个乡镇{n2}余户",
        "{n}个项目现场签约",
        "省内首个{topic}{facility}",
    ]

    def _fill(self, template: str, slots: dict | None = None) -> str:
        return template.format(**(slots or self._slots()))

    def _pool(self, kind: str, topic: str) -> list[str]:
        """The sentences an article of `kind` about `topic` draws from (made on first use)."""
        pool = self.pools.get((kind, topic))
        if pool is None:
            templates, size = {
                "news": (self.NEWS_SENTENCES, self.per_topic),
                "opinion": (self.OPINION_SENTENCES, max(6, self.per_topic // 3)),
                "photo": (self.PHOTO_SENTENCES, max(3, self.per_topic // 6)),
            }[kind]
            made = (self._fill(self.rng.choice(templates), self._slots(topic)) for _ in range(size))
            # Templates without slots give the same sentence every time: keep each sentence once.
            pool = self.pools[(kind, topic)] = list(dict.fromkeys(made))
        return pool

    def _paragraphs(self, pool: list[str], paragraphs: int, per: tuple[int, int]) -> list[list[str]]:
        rng = self.rng
        return [rng.choices(pool, k=rng.randint(*per)) for _ in range(paragraphs)]

    def _headline(self, kind: str) -> tuple[str, str, str, str, str]:
        """(title, kicker, subtitle, topic, organization named in the title) for an article of `kind`."""
        rng, made = self.rng, self.headlines[kind]
        if len(made) >= self.title_pool * TITLE_POOL_SHARE[kind]:
            return rng.choice(made)
        slots = self._slots()
        template = rng.choice(self.OPINION_TITLES if kind == "opinion" else self.TITLES)
        kicker = subtitle = ""
        if kind == "news":
            if rng.random() < 0.3:
                kicker = self._fill(rng.choice(self.KICKERS), slots)
            if rng.random() < 0.35:
                subtitle = self._fill(rng.choice(self.SUBTITLES), slots)
        organization = slots["org"] if "{org" in template else ""
        headline = (self._fill(template, slots), kicker, subtitle, slots["topic"], organization)
        made.append(headline)
        return headline

    def article(self, kind: str) -> ArticleText:
        """One article's text. kind: "news", "opinion" or "photo"."""
        rng = self.rng
        title, kicker, subtitle, topic, organization = self._headline(kind)
        dateline = note = ""
        pool = self._pool(kind, topic)
        if kind == "opinion":
            paragraphs = self._paragraphs(pool, rng.randint(4, 7), (2, 4))
            note = f"作者系{rng.choice(self.orgs).name}{rng.choice(POSITIONS)}"
        elif kind == "photo":
            paragraphs = self._paragraphs(pool, 1, (1, 2))
        else:
            paragraphs = self._paragraphs(pool, rng.randint(5, 9), (2, 4))
            dateline = "本报讯" if rng.random() < 0.8 else f"本报{rng.choice(CITIES)}电"
        sentences = [s for paragraph in paragraphs for s in paragraph]
        return ArticleText(
            kicker=kicker,
            title=title,
            subtitle=subtitle,
            summary=sentences[0] if kind != "photo" else "",
            dateline=dateline,
            body="".join(f"<p>{''.join(paragraph)}</p>" for paragraph in paragraphs),
            author_note=note,
            sentences=sentences,
            topic=topic,
            organization=organization,
        )
