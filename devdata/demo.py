"""Demo content: three printed issues of a regional science weekly and the plan of the next one
(devdata/demo_planning.py), written for this project; its pictures and the 图片新闻 photo story's photos are in
devdata/demo_photos.py.

Used by `manage.py demo_data`. Idempotent: every row is found by its natural key before it is made, and an
article is driven to its target state through articles/workflow.py only when it is first created.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleStatus, Byline, Event, Issue, IssuePage, Section
from articles.policy import EDITORS, REPORTERS
from people.models import Author, Organization

from . import demo_edition, demo_photos, demo_planning, demo_printed

DEMO_USERS = [
    # username, password, group, is_superuser
    ("reporter", "reporter-demo-2026", REPORTERS, False),
    ("editor", "editor-demo-2026", EDITORS, False),
    ("admin", "admin-demo-2026", None, True),
]
# The demo users' names (given, family): the desk, lists and mail name colleagues, not logins.
DEMO_NAMES = {"reporter": ("远舟", "江"), "editor": ("晓岚", "陆")}

SECTIONS = [
    ("要闻", 1, False),
    ("综合", 2, False),
    ("科普", 3, False),
    ("图片新闻", 4, False),
    ("观点", 5, True),
]

ORGANIZATIONS = [
    # name, short name, aliases, kind, parent
    ("青岚省科学技术协会", "省科协", "青岚省科协", "association", None),
    ("青岚省科技馆", "省科技馆", "", "centre", "青岚省科学技术协会"),
    ("青岚省科普服务中心", "省科普中心", "科普服务中心", "centre", "青岚省科学技术协会"),
    ("青岚省科学技术厅", "省科技厅", "青岚省科技厅", "government", None),
    ("青岚农业大学", "青岚农大", "", "university", None),
    ("云川市气象局", "", "", "government", None),
    ("明澈光电科技有限公司", "明澈光电", "", "company", None),
]

AUTHORS = [
    # name, kind, organization, position, username
    ("江远舟", "staff", None, "本报记者", "reporter"),
    ("顾清禾", "staff", None, "本报记者", None),
    ("孟可欣", "correspondent", "青岚农业大学", "宣传部干事", None),
    ("邵子航", "photographer", None, "本报摄影记者", None),
    ("方知微", "contributor", "青岚农业大学", "植物保护学院教授", None),
    ("谭一鸣", "contributor", "青岚省科普服务中心", "科普作家", None),
    ("陆晓岚", "editor", None, "要闻版编辑", "editor"),
]

EVENTS = [
    ("2026青岚科技活动周", datetime.date(2026, 11, 2), datetime.date(2026, 11, 8), "云川市青岚省科技馆",
     ["青岚省科学技术协会", "青岚省科学技术厅"], "以“科技点亮生活”为主题的全省科技活动周。"),
    ("第三届青岚青少年机器人挑战赛", datetime.date(2026, 11, 14), datetime.date(2026, 11, 15), "青岚省科技馆",
     ["青岚省科技馆"], "面向全省中小学生的机器人设计与编程赛事。"),
    ("乡村科技特派员冬季培训班", datetime.date(2026, 11, 18), None, "青岚农业大学",
     ["青岚农业大学", "青岚省科学技术厅"], "为基层科技特派员开设的设施农业与病虫害防治培训。"),
]  # fmt: skip

ISSUES = [
    (1201, datetime.date(2026, 11, 6), [(1, "要闻"), (2, "综合"), (3, "科普"), (4, "观点")]),
    (1202, datetime.date(2026, 11, 13), [(1, "要闻"), (2, "综合"), (3, "科普"), (4, "观点")]),
    (1203, datetime.date(2026, 11, 20), [(1, "要闻"), (2, "综合"), (3, "科普"), (4, "观点")]),
]


@dataclass
class DemoArticle:
    title: str
    paragraphs: list[str]
    status: str
    issue: int | None = None
    page: int | None = None
    position: int = 0
    section: str = "要闻"
    kicker: str = ""
    subtitle: str = ""
    summary: str = ""
    dateline: str = "本报讯"
    author_note: str = ""
    bylines: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    scheduled_in_days: int = 0
    withdraw_comment: str = ""
    send_back_comment: str = ""


R, C, P, A, E = "reporter", "correspondent", "photographer", "author", "editor"
PUB, REV, DRAFT, WD = (
    ArticleStatus.PUBLISHED,
    ArticleStatus.REVIEW,
    ArticleStatus.DRAFT,
    ArticleStatus.WITHDRAWN,
)

ARTICLES = [
    DemoArticle(
        title="2026青岚科技活动周开幕 百余项互动展项走进云川",
        kicker="科技点亮生活",
        summary="为期一周的科技活动周在省科技馆开幕，设置六大主题展区。",
        paragraphs=[
            "11月2日，以“科技点亮生活”为主题的2026青岚科技活动周在云川市青岚省科技馆开幕。本届活动周由省科协、省科技厅共同主办，设置智能制造、生命健康、绿色能源等六大主题展区，展出互动展项130余项。",
            "开幕当天，不少家长带着孩子在“会思考的机器”展区排起长队。一台能够识别手势的机械臂吸引了众多小观众，孩子们挥一挥手，机械臂便能把积木摆成相应的形状。",
            "据省科协有关负责人介绍，活动周期间还将举办院士报告会、科学之夜等40余场活动，并首次在全省设立12个分会场，让县城和乡镇的群众同样能够参与其中。",
        ],
        status=PUB, issue=1201, page=1, position=1, section="要闻",
        bylines=[("江远舟", R), ("邵子航", P)],
        tags=["科技活动周", "科普"], organizations=["青岚省科学技术协会", "青岚省科技馆"],
        events=["2026青岚科技活动周"],
    ),
    DemoArticle(
        title="省科技厅发布首批概念验证中心名单",
        subtitle="12家单位入选，将获三年滚动支持",
        summary="首批12家省级概念验证中心名单公布，覆盖新材料、生物医药等领域。",
        paragraphs=[
            "近日，省科技厅公布首批省级概念验证中心名单，青岚农业大学等12家单位入选。概念验证中心主要为高校和科研院所的早期成果提供技术验证、样品试制和市场评估服务。",
            "根据相关办法，入选单位将获得为期三年的滚动支持，并需每年完成不少于20项成果的概念验证。省科技厅将对运行情况开展年度评估，评估结果与后续支持挂钩。",
        ],
        status=PUB, issue=1201, page=1, position=2, section="要闻",
        bylines=[("顾清禾", R)], tags=["成果转化"], organizations=["青岚省科学技术厅", "青岚农业大学"],
    ),
    DemoArticle(
        title="农大科技特派员把“课堂”搬到大棚里",
        summary="青岚农业大学组织科技特派员深入设施农业基地开展现场指导。",
        paragraphs=[
            "入冬以来，青岚农业大学先后组织30余名科技特派员深入全省设施农业基地，围绕大棚保温、病虫害绿色防控等问题开展现场指导。",
            "在白沙镇一处蔬菜基地，特派员一边查看番茄叶片，一边向种植户讲解灰霉病的早期症状。“以前只能凭经验打药，现在知道什么时候该防、用什么防。”种植户老周说。",
        ],
        status=PUB, issue=1201, page=2, position=1, section="综合",
        bylines=[("孟可欣", C), ("江远舟", R)], tags=["乡村振兴", "科技特派员"], organizations=["青岚农业大学"],
    ),
    DemoArticle(
        title="寒潮来袭，手机上的气象预警怎么看",
        summary="云川市气象局专家解读蓝、黄、橙、红四色预警的含义。",
        dateline="",
        paragraphs=[
            "气象预警信号分为蓝色、黄色、橙色和红色四级，颜色越靠后，表示可能造成的影响越严重。收到寒潮预警后，应关注最低气温和大风等级，提前做好防寒准备。",
            "云川市气象局专家提醒，预警信息以当地气象部门发布的为准，不要轻信来源不明的转发内容。",
        ],
        status=PUB, issue=1201, page=3, position=1, section="科普",
        bylines=[("顾清禾", R)], tags=["气象", "防灾减灾"], organizations=["云川市气象局"],
    ),
    DemoArticle(
        title="让田间的数据长出新的知识",
        author_note="作者系青岚农业大学植物保护学院教授",
        dateline="",
        paragraphs=[
            "无人机、传感器和手机应用正在把农田变成一座数据的富矿。然而，数据多了，并不意味着知识自然就多了。如何让这些数据真正服务于一线种植户，是农业科研人员需要认真回答的问题。",
            "在我看来，关键在于把数据分析的结果翻译成农民听得懂、用得上的建议。一张病害风险地图，如果不能告诉种植户明天该不该打药、打什么药，就很难发挥作用。",
            "科研人员走出实验室、走进田间，与种植户一起校验模型、修正参数，数据才能真正长出新的知识。",
        ],
        status=PUB, issue=1201, page=4, position=1, section="观点",
        bylines=[("方知微", A)], tags=["智慧农业"], organizations=["青岚农业大学"],
    ),
    DemoArticle(
        title="全省青少年机器人挑战赛落幕",
        subtitle="86支队伍同台竞技，云川七中获高中组冠军",
        paragraphs=[
            "11月15日，第三届青岚青少年机器人挑战赛在青岚省科技馆落幕。来自全省的86支队伍围绕“智慧物流”主题，完成了货物识别、路径规划和自动分拣等任务。",
            "经过两天角逐，云川市第七中学代表队获得高中组冠军。赛事评委表示，今年参赛作品在传感器融合和算法优化方面进步明显，一些队伍已能自主设计机械结构。",
        ],
        status=PUB, issue=1202, page=1, position=1, section="要闻",
        bylines=[("江远舟", R), ("邵子航", P)], tags=["机器人", "青少年科技教育"],
        organizations=["青岚省科技馆"], events=["第三届青岚青少年机器人挑战赛"],
    ),
    DemoArticle(
        title="明澈光电新型红外芯片通过成果鉴定",
        summary="专家组认为该芯片在低温环境下的灵敏度达到国内先进水平。",
        paragraphs=[
            "日前，明澈光电科技有限公司自主研发的非制冷红外探测芯片通过省科技厅组织的成果鉴定。专家组认为，该芯片在零下30摄氏度环境中的灵敏度达到国内先进水平。",
            "据介绍，该芯片可用于电力巡检、森林防火和夜间安防等场景。公司计划明年建成年产20万片的生产线。",
        ],
        status=PUB, issue=1202, page=2, position=1, section="综合",
        bylines=[("顾清禾", R)], tags=["芯片", "成果转化"],
        organizations=["明澈光电科技有限公司", "青岚省科学技术厅"],
    ),
    DemoArticle(
        title="初冬银杏为什么一夜变黄",
        dateline="",
        paragraphs=[
            "每到初冬，银杏叶常常在几天之内由绿转黄。这是因为气温降低后，叶片中的叶绿素分解速度加快，原本被掩盖的类胡萝卜素显现出来。",
            "银杏叶变黄的早晚与昼夜温差、光照和土壤水分都有关系。同一条街上的银杏，向阳的一侧往往先黄。",
        ],
        status=PUB, issue=1202, page=3, position=1, section="科普",
        bylines=[("谭一鸣", A)], tags=["植物", "科普"], organizations=["青岚省科普服务中心"],
    ),
    DemoArticle(
        title="科普讲解员也需要“继续教育”",
        author_note="作者系青岚省科普服务中心科普作家",
        dateline="",
        paragraphs=[
            "科技发展日新月异，科普讲解员的知识储备同样需要不断更新。一些场馆的讲解词多年不变，讲的还是几年前的“最新成果”，难免让观众失去兴趣。",
            "建议有关部门把讲解员培训纳入常态化安排，鼓励讲解员走进实验室、跟随科研团队学习，让讲解始终与科研前沿同步。",
        ],
        status=PUB, issue=1202, page=4, position=1, section="观点",
        bylines=[("谭一鸣", A)], tags=["科普"], organizations=["青岚省科普服务中心"],
    ),
    DemoArticle(
        title="科技特派员冬季培训班开班",
        paragraphs=[
            "11月18日，乡村科技特派员冬季培训班在青岚农业大学开班，来自全省的120名科技特派员参加为期五天的集中培训。",
            "培训内容涵盖设施农业环境调控、病虫害绿色防控和农产品电商等方面，并安排两天时间到示范基地现场教学。",
        ],
        status=REV, issue=1203, page=1, position=1, section="要闻",
        bylines=[("江远舟", R)], tags=["科技特派员"], organizations=["青岚农业大学", "青岚省科学技术厅"],
        events=["乡村科技特派员冬季培训班"],
    ),
    DemoArticle(
        title="省科普服务中心上线“流动科技馆”预约平台",
        paragraphs=[
            "省科普服务中心近日上线“流动科技馆”预约平台，全省中小学和社区可在线预约展品巡展和科普讲座。",
            "平台上线首周即收到预约申请60余份。中心表示，今后将根据预约情况动态调整巡展线路，优先安排偏远地区。",
        ],
        status=PUB, issue=1203, page=2, position=1, section="综合", scheduled_in_days=2,
        bylines=[("顾清禾", R)], tags=["科普"], organizations=["青岚省科普服务中心"],
    ),
    DemoArticle(
        title="冬季用电高峰前，如何安全使用取暖设备",
        dateline="",
        paragraphs=[
            "使用电暖器时，应远离窗帘、被褥等可燃物，不要与大功率电器共用一个插线板。",
        ],
        status=DRAFT, issue=1203, page=3, position=1, section="科普",
        bylines=[("江远舟", R)], tags=["安全"],
        send_back_comment="请补充消防部门的提示，并核实取暖设备起火的统计数据。",
    ),
    DemoArticle(
        title="省种质资源库完成今年新收种子入库",
        summary="今年新收集的1200余份农作物种质资源完成检测、干燥和包装，进入长期库保存。",
        paragraphs=[
            "近日，青岚省农作物种质资源库完成今年新收种子的入库工作。1200余份种子经过发芽率检测、低温干燥和密封包装后，被送进零下18摄氏度的长期库。",
            "据青岚农业大学种质资源团队介绍，入库种子中有不少是科研人员从偏远山区农户手中收集的地方老品种。在长期库里，这些种子可以保存50年以上，为今后的育种研究留下“底牌”。",
        ],
        status=PUB, issue=1201, page=3, position=2, section="图片新闻",
        bylines=[("邵子航", P), ("孟可欣", C)], tags=["种质资源", "农业"], organizations=["青岚农业大学"],
    ),
    DemoArticle(
        title=demo_photos.PHOTO_STORY,
        kicker="组图",
        subtitle="走进青岚山射电天文观测站",
        summary="海拔2100米的青岚山上，40米口径射电望远镜每晚连续工作十几个小时，记录来自银河深处的微弱信号。",
        dateline="",
        paragraphs=[
            "11月下旬的青岚山，入夜后气温降到零下15摄氏度。海拔2100米的青岚山射电天文观测站里，40米口径的射电望远镜缓缓转向银河方向，开始当晚的脉冲星计时观测。",
            "射电望远镜“看”的不是可见光，而是天体发出的无线电波。为了避开手机、微波炉等设备的电磁干扰，观测站周边5公里划为无线电宁静区，记者一进站就被要求关闭手机。",
            "值班工程师介绍，馈源舱里的接收机要用制冷机降到零下260摄氏度左右，才能把自身的噪声压到最低。“我们收到的信号非常微弱，一点点干扰都可能把它淹没。”",
            "天亮时分，望远镜停止跟踪，转回停放位置。一夜采集的数据将通过专线传回省天文数据中心，供多家科研单位分析使用。",
        ],
        status=PUB, issue=1202, page=3, position=2, section="图片新闻",
        bylines=[("邵子航", P), ("顾清禾", R)], tags=["天文", "射电望远镜"],
    ),
    DemoArticle(
        title="冰川观测站开始冬季值守",
        paragraphs=[
            "随着第一场大雪落下，位于青岚山北坡海拔3900米的冰川观测站进入冬季值守期。两名科研人员将在站里轮流值守，维护自动气象站和冰川测量设备。",
            "观测站负责人介绍，过去十年间，这条冰川的末端后退了约120米。持续、完整的观测数据，是研究气候变化对高山冰川影响的基础。",
        ],
        status=PUB, section="图片新闻",
        bylines=[("顾清禾", R)], tags=["冰川", "气候变化"],
    ),
    DemoArticle(
        title="省科协发布年度科普资源目录",
        paragraphs=[
            "省科协近日发布年度科普资源目录，收录科普展品、课程和讲座资源400余项，供各地免费选用。",
        ],
        status=PUB, section="综合",
        bylines=[("顾清禾", R)], tags=["科普"], organizations=["青岚省科学技术协会"],
    ),
    DemoArticle(
        title="某地“量子水杯”宣传涉嫌夸大",
        paragraphs=["有读者反映，市面上一款“量子水杯”宣称能够改善睡眠。"],
        status=WD, section="综合", bylines=[("江远舟", R)],
        withdraw_comment="核实后发现信息来源不可靠，先行撤稿。",
    ),
    DemoArticle(
        title="青岚省启动科技馆之城建设调研",
        paragraphs=["省科协近日启动“科技馆之城”建设调研，将在三个市开展试点。"],
        status=DRAFT, section="要闻", bylines=[("江远舟", R)], organizations=["青岚省科学技术协会"],
    ),
]  # fmt: skip


class DemoBuilder:
    def __init__(self, log=print):
        self.log = log
        self.created = 0

    def _count(self, created: bool) -> None:
        self.created += int(created)

    def users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, password, group, superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@newsroom.example",
                    "is_staff": True,
                    "is_superuser": superuser,
                    "first_name": DEMO_NAMES.get(username, ("", ""))[0],
                    "last_name": DEMO_NAMES.get(username, ("", ""))[1],
                },
            )
            if created:
                user.set_password(password)
                user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            self._count(created)
            users[username] = user
        return users

    @transaction.atomic
    def build(self) -> int:
        users = self.users()
        sections = {}
        for name, order, opinion in SECTIONS:
            sections[name], created = Section.objects.get_or_create(
                name=name, defaults={"order": order, "is_opinion": opinion}
            )
            self._count(created)
        orgs = {}
        for name, short, aliases, kind, parent in ORGANIZATIONS:
            orgs[name], created = Organization.objects.get_or_create(
                name=name,
                defaults={"short_name": short, "aliases": aliases, "kind": kind, "parent": orgs.get(parent)},
            )
            self._count(created)
        authors = {}
        for name, kind, org, position, username in AUTHORS:
            authors[name], created = Author.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "organization": orgs.get(org),
                    "position": position,
                    "user": users.get(username),
                    "bio": f"{name}，{position}。",
                },
            )
            self._count(created)
        events = {}
        for name, start, end, place, organizers, description in EVENTS:
            events[name], created = Event.objects.get_or_create(
                name=name,
                defaults={"start_date": start, "end_date": end, "place": place, "description": description},
            )
            if created:
                events[name].organizers.set([orgs[o] for o in organizers])
            self._count(created)
        pages = {}
        for number, date, page_list in ISSUES:
            issue, created = Issue.objects.get_or_create(number=number, defaults={"date": date})
            self._count(created)
            for page_number, page_name in page_list:
                pages[number, page_number], created = IssuePage.objects.get_or_create(
                    issue=issue, number=page_number, defaults={"name": page_name}
                )
                self._count(created)
        for index, spec in enumerate(ARTICLES):
            self.article(index, spec, users, sections, orgs, authors, events, pages)
        # The printed issues (数字报) imported from their own page PDFs: PDFs, images, areas found in them; the
        # issue still being made gets pages drawn for the preview (demo_edition).
        printed = [(number, date) for number, date, _pages in ISSUES[:2]]
        self.created += demo_printed.build(printed, users["editor"], log=self.log)
        self.created += demo_edition.build(pages, log=self.log)
        # The next issue as the planning desk sees it: pitches, assignments, a half-filled budget (no files).
        self.created += demo_planning.build(users, pages[ISSUES[-1][0], 1].issue, log=self.log)
        return self.created

    def article(self, index, spec: DemoArticle, users, sections, orgs, authors, events, pages) -> None:
        if Article.objects.filter(title=spec.title).exists():
            return
        page = pages.get((spec.issue, spec.page)) if spec.issue else None
        article = Article.objects.create(
            title=spec.title,
            kicker=spec.kicker,
            subtitle=spec.subtitle,
            summary=spec.summary,
            dateline=spec.dateline,
            body="".join(f"<p>{p}</p>" for p in spec.paragraphs),
            author_note=spec.author_note,
            issue=page.issue if page else None,
            page=page,
            position=spec.position,
            section=sections[spec.section],
            **demo_photos.lead_fields(spec.title),  # caption, credit, alt text, focal point
            created_by=users["reporter"],
        )
        self._count(True)
        self.created += demo_photos.attach(article, index)  # its pictures, drawn (devdata/pictures.py)
        for order, (name, role) in enumerate(spec.bylines):
            Byline.objects.create(article=article, author=authors[name], role=role, order=order)
        article.tags.add(*spec.tags)
        article.organizations.set([orgs[o] for o in spec.organizations])
        article.events.set([events[e] for e in spec.events])
        self.drive(article, spec, users)

    def drive(self, article, spec: DemoArticle, users) -> None:
        """Bring a new article to its demo state through the workflow, as the newsroom would."""
        reporter, editor, admin = users["reporter"], users["editor"], users["admin"]
        approver = (
            admin
            if workflow.may_take(admin, "approve", article)
            and not workflow.may_take(editor, "approve", article)
            else editor
        )
        if spec.send_back_comment:
            workflow.submit(article, reporter)
            workflow.send_back(article, editor, spec.send_back_comment)
        if spec.status == DRAFT:
            return
        workflow.submit(article, reporter)
        if spec.status == REV:
            return
        publish_at = (
            timezone.now() + datetime.timedelta(days=spec.scheduled_in_days)
            if spec.scheduled_in_days
            else None
        )
        workflow.approve(article, approver, publish_at=publish_at)
        if spec.status == WD:
            workflow.withdraw(article, editor, spec.withdraw_comment)
