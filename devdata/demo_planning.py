"""The demo's planned next issue (planning desk): pitches, assignments and a half-filled budget (稿单).

The issue after the newest demo issue, on the demo's publication weekday, far enough ahead for the coming days'
deadlines; its pages are named like the other demo issues'. Every story goes through planning/services.py
(pitch, accept, assign, kill, start_article) and every article through articles/workflow.py, so statuses, logs
and mail are the ones the newsroom would have made. Three events of the coming days: two covered by stories,
one left without coverage for the calendar to mark.

Idempotent: events are found by name, the issue by number, stories by title; a story that exists is left as it
is. Dates are relative to the day the demo is first loaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import reversion
from django.utils import timezone

from articles import workflow
from articles.models import Article, Event, Issue, IssuePage, Section
from people.models import Author, Organization
from planning import services
from planning.models import AssignmentRole, Story, StoryKind

# How the stories of the plan end up: pitched (waiting for the editor), accepted (assigned, no article yet),
# started (assigned, a draft under way), filed (the draft submitted), killed (accepted, then dropped).
PITCHED, ACCEPTED, STARTED, FILED, KILLED = "pitched", "accepted", "started", "filed", "killed"
REPORTER, PHOTOGRAPHER = AssignmentRole.REPORTER, AssignmentRole.PHOTOGRAPHER
NEWS, FEATURE, PHOTO, OPINION = StoryKind.NEWS, StoryKind.FEATURE, StoryKind.PHOTO, StoryKind.OPINION

# The planned issue is at least this many days ahead: the deadlines of the coming days fall before it.
LEAD_DAYS = 5

# The demo users' author profiles (their bylines): the reporter's and the editor's are made by demo.py's AUTHORS
# and only linked here when they exist unlinked; the administrator writes the paper's commentary.
PROFILES = {
    "reporter": ("江远舟", Author.Kind.STAFF, "本报记者"),
    "editor": ("陆晓岚", Author.Kind.EDITOR, "要闻版编辑"),
    "admin": ("沈观澜", Author.Kind.STAFF, "本报评论员"),
}

EVENTS = [
    # name, first day and last day (days from today), place, organizers, description
    ("青岚冬季科普大讲堂·首讲", 2, None, "青岚省科技馆报告厅", ["青岚省科学技术协会", "青岚省科普服务中心"],
     "今冬八场公益讲座的第一场：气候学者讲解寒潮、暴雨等极端天气的变化趋势。"),
    ("青岚省智慧农业装备展", 3, 5, "云川国际会展中心", ["青岚省科学技术厅", "青岚农业大学"],
     "集中展示植保无人机、智能温室控制系统和农机北斗导航等装备。"),
    ("青岚省科技馆冬季观星夜", 5, 6, "青岚省科技馆天文台", ["青岚省科技馆"],
     "天文台望远镜向公众开放，观测冬季星座、月面和行星。"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoStory:
    title: str
    brief: str
    kind: str
    page: int
    length: int
    due: tuple[int, str]  # days from today, local time; a negative day: accepted earlier, now late
    plan: str
    pitched_by: str = "reporter"
    assignees: list[tuple[str, str]] = field(default_factory=list)  # (username, role); the first starts it
    section: str = ""  # the page's name when empty
    event: str = ""
    body: list[str] = field(default_factory=list)
    kill_reason: str = ""


STORIES = [
    DemoStory(
        title="耐盐碱水稻新品系“青盐3号”通过田间测产",
        brief="青岚农业大学在滨海县盐碱地试种的新品系，经专家组现场测产亩产超过500公斤。采访育种团队和试种农户，写清测产方法和推广计划。",
        kind=NEWS, page=1, length=600, due=(1, "17:00"), plan=FILED, assignees=[("reporter", REPORTER)],
        body=[
            "日前，青岚农业大学选育的耐盐碱水稻新品系“青盐3号”在滨海县盐碱地试验田通过专家组田间测产。专家组随机选取3个地块，按照实收测产办法收割、脱粒、称重，折合亩产512.6公斤。",
            "试验田土壤含盐量在千分之三到千分之四之间，过去多为荒滩，只能零星种些耐盐牧草。育种团队负责人介绍，团队从2019年开始以本地耐盐种质为亲本开展杂交选育，经过连续6个世代的盐胁迫筛选，才得到性状稳定的新品系。",
            "“最难的是兼顾耐盐和产量。”团队成员说，耐盐性强的材料往往植株矮小、结实率不高，团队借助分子标记辅助选择，在早期世代就淘汰不理想的单株，大大缩短了育种周期。",
            "专家组认为，“青盐3号”在中度盐碱地上表现出较好的丰产性和稳产性，稻米品质检测结果达到优质稻谷标准，具备进一步示范推广的条件。",
            "参与试种的农户告诉记者，今年试验田只在插秧前用淡水洗了一次盐，整个生长季没有出现明显盐害。据悉，该品系明年将在沿海三个县扩大示范面积，并申请品种审定。",
            "我省沿海现有盐碱地约百万亩，其中相当一部分具备改造种稻的条件。育种团队表示，下一步将与农技推广部门合作，总结配套的洗盐、施肥和水分管理技术，形成可复制的种植模式。",
        ],
    ),
    DemoStory(
        title="冬季科普大讲堂开讲 气候学者谈极端天气为何增多",
        brief="大讲堂首讲的现场报道：讲座要点、听众提问，配一段对主讲人的简短采访。当晚交稿。",
        kind=NEWS, page=1, length=1000, due=(2, "21:00"), plan=STARTED, assignees=[("reporter", REPORTER)],
        event="青岚冬季科普大讲堂·首讲",
        body=[
            "由省科协、省科普服务中心联合主办的青岚冬季科普大讲堂今冬共安排8场公益讲座，主讲人均为省内高校和科研院所的一线科研人员。首讲邀请气候学者，围绕近年来寒潮、暴雨等极端天气的变化趋势，介绍气候变暖与极端天气之间的关系。",
            "（待补：讲座要点、现场提问、听众采访）",
        ],
    ),
    DemoStory(
        title="初雪中的云川气象观测站",
        brief="如遇降雪，拍摄观测员清晨测量雪深、观测能见度的场景，一组三张，图片说明200字左右。",
        kind=PHOTO, page=1, length=600, due=(3, "12:00"), plan=ACCEPTED, section="图片新闻",
        assignees=[("reporter", PHOTOGRAPHER)],
    ),
    DemoStory(
        title="省科技厅拟面向青年科研人员设立揭榜项目",
        brief="省科技厅正在征求意见，拟面向35岁以下科研人员设立“揭榜挂帅”项目。建议采访厅里负责人和两三位青年科研人员，正式文件发布后见报。",
        kind=NEWS, page=1, length=800, due=(4, "17:00"), plan=PITCHED,
    ),
    DemoStory(
        title="云川新一代X波段天气雷达投入业务运行",
        brief="市气象局新雷达填补城区西部的低空探测盲区。写清它比原有雷达多看到了什么，对短时强降水预警有什么帮助。",
        kind=NEWS, page=2, length=600, due=(1, "12:00"), plan=FILED, assignees=[("reporter", REPORTER)],
        body=[
            "云川市气象局新建的X波段双偏振天气雷达近日通过验收，投入业务运行。这部雷达架设在城区西部的青峰山上，与原有的S波段雷达组网观测，填补了城区西部低空的探测盲区。",
            "与S波段雷达相比，X波段雷达波长较短，对小雨滴和云中粒子更加敏感，一分钟左右即可完成一次体积扫描。双偏振技术则能帮助预报员区分雨、雪、冰雹等不同的降水粒子。",
            "市气象局预报员介绍，过去城区西部出现的局地短时强降水，在雷达上往往“看不清、看得晚”。新雷达运行后，预警信号有望提前10至20分钟发布，为排水、交通等部门争取更多准备时间。",
            "记者在雷达站看到，机房的监控屏幕上实时显示着周边数十公里范围内的回波图像，不同颜色代表不同强度的降水。值班人员介绍，雷达全天候自动运行，数据每隔几分钟便传回市气象台。",
            "据了解，这是我省在城市中心区布设的第一部X波段业务雷达。与大型雷达相比，它体积小、建设周期短，适合在地形复杂或高楼密集的区域补充布点。",
            "据悉，市气象局还将把新雷达的资料接入城市内涝风险预警系统，逐步实现按街道发布降水预报。",
        ],
    ),
    DemoStory(
        title="在大棚里过第十个冬天——一位科技特派员的田间日志",
        brief="跟随农大一位科技特派员在白沙镇蹲点两天：看苗、诊病、答疑，以及十年来种植户的变化。配照片两张。",
        kind=FEATURE, page=2, length=2500, due=(4, "18:00"), plan=ACCEPTED, pitched_by="editor",
        assignees=[("reporter", REPORTER), ("editor", PHOTOGRAPHER)],
    ),
    DemoStory(
        title="省农科院发布冬小麦冻害防御技术指导意见",
        brief="寒潮过后，省农科院专家提出镇压保墒、适时追肥、清沟排渍等措施。指导意见已经发布，稿子要尽快跟上。",
        kind=NEWS, page=2, length=800, due=(-1, "17:00"), plan=ACCEPTED, assignees=[("reporter", REPORTER)],
    ),
    DemoStory(
        title="明澈光电红外芯片生产线投产",
        brief="明澈光电年产20万片红外探测芯片的生产线计划本月投产，报道投产仪式和芯片在电力巡检、森林防火中的应用。",
        kind=NEWS, page=2, length=700, due=(3, "17:00"), plan=KILLED, assignees=[("reporter", REPORTER)],
        kill_reason="企业通知生产线投产推迟到明年一季度，本期撤下；正式投产后重新报题。",
    ),
    DemoStory(
        title="冬夜观星指南：冬天的星空为什么格外通透",
        brief="结合省科技馆冬季观星夜，讲讲冬季大气透明度、猎户座等冬季星座的辨认方法和观星装备常识。",
        kind=FEATURE, page=3, length=1800, due=(-1, "20:00"), plan=STARTED, assignees=[("reporter", REPORTER)],
        event="青岚省科技馆冬季观星夜",
        body=[
            "每到冬季，不少天文爱好者会说：“冬天的星星更亮。”这并不完全是错觉。冬季气温低，空气中的水汽少，大气透明度往往比夏季高；冬夜来得早、持续时间长，可供观测的时间也更充裕。",
            "冬季夜空中最容易辨认的星座是猎户座。它“腰带”上的三颗亮星排成一条直线，顺着这条直线向东南方向延伸，就能找到全天最亮的恒星天狼星。",
            "（待补：科技馆天文台的开放安排，给新手的装备建议）",
        ],
    ),
    DemoStory(
        title="暖气片为什么会“咕咚”作响",
        brief="供暖季读者来信问得最多的问题之一。请供热专家讲清原因和放气的正确做法，提醒防烫伤。",
        kind=FEATURE, page=3, length=600, due=(2, "12:00"), plan=FILED, assignees=[("reporter", REPORTER)],
        body=[
            "入冬供暖后，不少市民发现家里的暖气片时常发出“咕咚咕咚”的声响，有时还伴有流水声，夜深人静时格外明显。这是怎么回事？需要找人来修吗？",
            "供热工程专家解释，最常见的原因是管道里积存了空气。供暖系统刚开始运行时，水中溶解的空气会随着温度升高逐渐析出，聚集在暖气片顶部或管道高处，热水流过时推动气泡，便会发出声音。空气积得多了，还会让暖气片“上凉下热”，甚至整体不热。",
            "解决办法并不复杂：大多数暖气片上方一侧装有放气阀，用螺丝刀或专用钥匙缓慢拧开，听到“嘶嘶”的排气声，等有水流出时再拧紧即可。放气前要在阀门下方放好容器，注意防止烫伤。",
            "如果放气后声响依旧，或者暖气片出现渗漏，可能是阀门或管道本身有问题，应及时联系供热单位检修，不要自行拆卸。",
            "专家还提醒，供暖期间不要在暖气片上覆盖湿衣物，也不要随意关闭进水阀，以免管道局部受冻。一些老旧住宅的暖气片装在窗下、紧贴外墙，可以在暖气片背后的墙面贴一层反射膜，让更多热量散向室内。对于暖气片里的“小脾气”，多数情况下自己动手就能解决，不必过于担心。",
        ],
    ),
    DemoStory(
        title="走进省科技馆化石修复室",
        brief="科技馆新开放的化石修复室，观众可以隔着玻璃看修复师工作。想做一组图片：修复工具、正在修复的恐龙股骨化石。",
        kind=PHOTO, page=3, length=600, due=(3, "17:00"), plan=PITCHED, section="图片新闻",
    ),
    DemoStory(
        title="科普不能只在活动周里热闹",
        brief="本报评论员文章。活动周期间场馆人气旺，活动周一过又冷清下来；从常态化科普谈场馆、学校和科研单位如何接力。",
        kind=OPINION, page=4, length=1500, due=(3, "17:00"), plan=ACCEPTED, pitched_by="editor",
        assignees=[("admin", REPORTER)],
    ),
    DemoStory(
        title="对话气象专家：人工智能能否取代天气预报员",
        brief="整版访谈。大模型天气预报近来进展很快，请市气象局首席预报员谈它擅长什么、还缺什么，以及预报员的工作会怎样变化。",
        kind=FEATURE, page=4, length=3000, due=(4, "12:00"), plan=ACCEPTED, pitched_by="editor",
        assignees=[("reporter", REPORTER)],
    ),
]  # fmt: skip


def _local(day: datetime.date, clock: str) -> datetime.datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


class PlanningDemo:
    """Builds the planned issue once; `created` counts the rows it made."""

    def __init__(self, users: dict, log=None):
        self.users = users
        self.log = log
        self.created = 0
        self.today = timezone.localdate()

    def build(self, newest: Issue) -> int:
        self.profiles()
        events = self.events()
        issue, pages = self.issue(newest)
        sections = {section.name: section for section in Section.objects.all()}
        made = [spec for spec in STORIES if not Story.objects.filter(title=spec.title).exists()]
        for spec in made:
            self.story(spec, pages, sections, events)
        if made and self.log:
            self.log(f"Planned issue {issue.number} ({issue.date}): {len(made)} stories.")
        return self.created

    def profiles(self) -> None:
        """Every demo user gets an author profile (a byline): assignments need one."""
        for username, (name, kind, position) in PROFILES.items():
            user = self.users[username]
            if Author.objects.filter(user=user).exists():
                continue
            author = Author.objects.filter(name=name, user__isnull=True).first()
            if author is None:
                author = Author.objects.create(
                    name=name, kind=kind, position=position, bio=f"{name}，{position}。"
                )
                self.created += 1
            author.user = user
            author.save(update_fields=["user"])
            if not (user.first_name or user.last_name):  # the desk names colleagues, not logins
                user.last_name, user.first_name = name[0], name[1:]
                user.save(update_fields=["first_name", "last_name"])

    def events(self) -> dict[str, Event]:
        events = {}
        for name, first, last, place, organizers, description in EVENTS:
            event = Event.objects.filter(name=name).first()
            if event is None:
                event = Event.objects.create(
                    name=name,
                    start_date=self.today + datetime.timedelta(days=first),
                    end_date=self.today + datetime.timedelta(days=last) if last is not None else None,
                    place=place,
                    description=description,
                )
                event.organizers.set(Organization.objects.filter(name__in=organizers))
                self.created += 1
            events[name] = event
        return events

    def issue(self, newest: Issue) -> tuple[Issue, dict[int, IssuePage]]:
        """The issue after `newest`, a whole number of weeks later and at least LEAD_DAYS ahead, with its pages
        named like the newest issue's."""
        issue = Issue.objects.filter(number=newest.number + 1).first()
        if issue is None:
            date = newest.date + datetime.timedelta(days=7)
            earliest = self.today + datetime.timedelta(days=LEAD_DAYS)
            while date < earliest or Issue.objects.filter(date=date).exists():
                date += datetime.timedelta(days=7)
            issue = Issue.objects.create(number=newest.number + 1, date=date)
            self.created += 1
        pages = {}
        for number, name in newest.pages.order_by("number").values_list("number", "name"):
            pages[number], created = IssuePage.objects.get_or_create(
                issue=issue, number=number, defaults={"name": name}
            )
            self.created += int(created)
        return issue, pages

    def story(self, spec: DemoStory, pages, sections, events) -> None:
        """Take one story from the pitch to its demo state, as the desk would."""
        editor = self.users["editor"]
        page = pages[spec.page]
        days, clock = spec.due
        # The services refuse a due time in the past: a late story was accepted with a time ahead (below).
        due_at = _local(self.today + datetime.timedelta(days=max(days, 1)), clock)
        story = services.pitch(
            self.users[spec.pitched_by],
            spec.title,
            spec.brief,
            kind=spec.kind,
            section=sections.get(spec.section or page.name),
            page=page,
            target_length=spec.length,
            due_at=due_at,
            event=events.get(spec.event),
        )
        self.created += 1
        if spec.plan == PITCHED:
            return
        (first, role), *others = spec.assignees
        services.accept(story, editor, self.users[first], role=role)
        for username, other_role in others:
            services.assign(story, editor, self.users[username], other_role)
        if days < 0:
            # Accepted days ago, due yesterday, still no copy: the budget marks it overdue.
            late = _local(self.today + datetime.timedelta(days=days), clock)
            Story.objects.filter(pk=story.pk).update(due_at=late)
        if spec.plan == KILLED:
            services.kill(story, editor, spec.kill_reason)
        elif spec.plan in (STARTED, FILED):
            self.write(story, self.users[first], spec)

    def write(self, story: Story, writer, spec: DemoStory) -> Article:
        """The assignee starts the article from the assignment, writes (a revision of theirs) and, for a filed
        story, submits it: the story follows (planning/signals.py)."""
        article = services.start_article(story, writer)
        self.created += 1
        with reversion.create_revision():
            article.body = "".join(f"<p>{paragraph}</p>" for paragraph in spec.body)
            article.dateline = "" if spec.kind == OPINION else "本报讯"
            article.updated_by = writer
            article.save()
            reversion.set_user(writer)
        if spec.plan == FILED:
            workflow.submit(article, writer)
        return article


def build(users: dict, newest: Issue, log=None) -> int:
    """Plan the issue after `newest` (the demo's last issue). Returns how many rows it made."""
    return PlanningDemo(users, log=log).build(newest)
