"""The demo's pictures: each illustrated article's lead picture with its caption, credit, alt text and focal point,
and the photo story's photos (组图), each with its own caption, credit and alt text.

The pictures are drawn by devdata/pictures.py (seeded: the same demo gives the same files) and stored the way an
editor's upload is, so their renditions are made as they are saved (core/renditions.py). Sizes vary as
cameras' do: the photo story opens with a 4000×3000 picture and has landscape and portrait photos; the other
pictures are smaller, so that `make demo` stays quick.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile

from articles.models import Article, ArticlePhoto

from .pictures import photo

# The photo story of the 图片新闻 section (its text is in devdata/demo.py).
PHOTO_STORY = "射电望远镜旁的一夜"
SHAO, GU = "本报摄影记者 邵子航 摄", "本报记者 顾清禾 摄"


@dataclass(frozen=True)
class Lead:
    """An article's lead picture. `focal` is the spot a listing's crop keeps in frame, in per cent."""

    scene: str
    size: tuple[int, int]
    caption: str
    credit: str
    alt: str
    focal: tuple[int, int] = (50, 50)
    seed: int = 1


@dataclass(frozen=True)
class Photo:
    """One photo of a photo story, in the order it is shown."""

    scene: str
    size: tuple[int, int]
    caption: str
    credit: str
    alt: str
    seed: int = 1


LEADS = {
    PHOTO_STORY: Lead(
        "telescope_dusk", (4000, 3000), "暮色中的青岚山40米口径射电望远镜，天边的晚霞还未褪尽，第一批星星已经亮起。",
        SHAO, "傍晚的山脊上，一台大型抛物面射电望远镜的黑色剪影立在深蓝色天空下，天边一抹橙红，几颗星星已经亮起。",
        focal=(34, 40),
    ),
    "省种质资源库完成今年新收种子入库": Lead(
        "seed_vault", (2000, 1333), "零下18摄氏度的长期库里，一排排种子样本盒整齐码放。", SHAO,
        "冷库通道两侧的货架向远处延伸，架上码满黄色、橙色的种子样本盒，灯光偏冷。",
    ),
    "冰川观测站开始冬季值守": Lead(
        "glacier", (2000, 1333), "位于青岚山北坡的冰川观测站，自动气象站的桅杆立在冰碛垄上。", GU,
        "蓝天下覆盖白雪的山峰和淡蓝色的冰川，近处褐色的冰碛垄上立着一根气象桅杆和一间红色小屋。",
        focal=(70, 66),
    ),
    "2026青岚科技活动周开幕 百余项互动展项走进云川": Lead(
        "science_hall", (1080, 720), "小观众在省科技馆体验手势识别机械臂。", "邵子航 摄",
        "展厅里，一台橙色机械臂立在白色展台上，几名观众围在展台前观看。",
        focal=(50, 42),
    ),
    "全省青少年机器人挑战赛落幕": Lead(
        "science_hall", (1080, 720), "参赛队员调试机器人。", "邵子航 摄",
        "比赛场馆里，橙色机械臂架在白色赛台上，参赛队员和观众站在赛台周围。",
        focal=(50, 42), seed=2,
    ),
    "初冬银杏为什么一夜变黄": Lead(
        "ginkgo", (1080, 720), "初冬的云川街头，一排银杏几天之内由绿转黄。", SHAO,
        "一排银杏树的树冠金黄，树下的人行道铺满落叶，天空淡蓝。",
    ),
}  # fmt: skip

PHOTOS = {
    PHOTO_STORY: [
        Photo(
            "star_trails", (3000, 2000), "长时间曝光下，群星绕北天极划出一道道同心圆弧，望远镜正对准银河方向观测。",
            SHAO, "深蓝色夜空里布满以北天极为中心的同心星轨，右下方山脊上是望远镜的黑色剪影。",
        ),
        Photo(
            "truss", (2400, 3200), "工作灯照亮望远镜背架的钢结构。每晚观测前，工程师要逐一检查上千个节点。",
            SHAO, "从下往上仰视望远镜背面，放射状的钢梁和环形桁架在暖黄色灯光中交错，上方是星空。",
        ),
        Photo(
            "valley_dawn", (3000, 2000), "清晨，云雾漫过观测站所在的山谷，望远镜结束了一夜的观测。",
            GU, "黎明时分，层层山峦隐没在白色云雾中，近处的山脊上立着一台小小的射电望远镜。",
        ),
    ],
}  # fmt: skip


def lead_fields(title: str) -> dict:
    """The picture fields (but the file) of the demo article titled `title`; empty when it has no picture."""
    lead = LEADS.get(title)
    if lead is None:
        return {}
    return {
        "image_caption": lead.caption,
        "image_credit": lead.credit,
        "image_alt": lead.alt,
        "image_focal_x": lead.focal[0],
        "image_focal_y": lead.focal[1],
    }


def attach(article: Article, index: int) -> int:
    """Store a new demo article's lead picture and photos, if it has any; returns how many photo rows it made."""
    lead = LEADS.get(article.title)
    if lead is not None:
        article.image.save(
            f"demo-{index}.jpg", ContentFile(photo(lead.scene, lead.seed, lead.size)), save=True
        )
    made = 0
    for order, spec in enumerate(PHOTOS.get(article.title, []), 1):
        item = ArticlePhoto(
            article=article, caption=spec.caption, credit=spec.credit, alt=spec.alt, order=order
        )
        item.image.save(
            f"demo-{index}-{order}.jpg", ContentFile(photo(spec.scene, spec.seed, spec.size)), save=True
        )
        made += 1
    return made
