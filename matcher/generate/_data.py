"""Static tables behind the synthetic generator: places, names, demand scenarios.

Kept apart from the sampling code so the numbers that shape an instance (who
is common, which certs are rare, where old housing is) can be read and tuned
in one place. Place names are plausible, not an authoritative map of Gulou.
"""

from __future__ import annotations

from typing import NamedTuple

# The 13 streets (街道) of Nanjing's Gulou district: approximate centre, an
# old-housing index in [0, 1] (drives renovation/elevator demand) and a few
# plausible community names (road or landmark + 社区).
GULOU_STREETS: tuple[tuple[str, float, float, float, str], ...] = (
    ("宁海路街道", 32.0585, 118.7670, 0.70, "颐和路 江苏路 琅琊路 宁海路 北京西路 西康路 青岛路"),
    ("华侨路街道", 32.0520, 118.7770, 0.80, "华侨路 五台山 龙池庵 慈悲社 广州路 汉口路"),
    ("湖南路街道", 32.0680, 118.7800, 0.75, "湖南路 马台街 高云岭 山西路 云南路 中山北路"),
    ("中央门街道", 32.0860, 118.7880, 0.80, "中央门 福建路 工人新村 丁家桥 黄家圩 新门口"),
    ("挹江门街道", 32.0790, 118.7560, 0.60, "挹江门 定淮门 姜家圩 察哈尔路 西流湾 三步两桥"),
    ("江东街道", 32.0490, 118.7400, 0.30, "草场门 龙江 清凉门 江东北路 南湖"),
    ("凤凰街道", 32.0640, 118.7420, 0.50, "凤凰西街 清江 古平岗 石头城 虎踞北路"),
    ("阅江楼街道", 32.0950, 118.7400, 0.40, "阅江楼 天妃宫 静海寺 狮子山 三汊河"),
    ("热河南路街道", 32.0990, 118.7530, 0.85, "热河南路 大马路 商埠街 惠民桥 龙江里"),
    ("幕府山街道", 32.1140, 118.7820, 0.35, "幕府山 燕山路 上元门 和燕路 五塘"),
    ("建宁路街道", 32.0950, 118.7660, 0.70, "建宁路 金川河 盐仓桥 南祖师庵 邮电新村"),
    ("宝塔桥街道", 32.1150, 118.7630, 0.60, "宝塔桥 东井亭 金陵新村 老虎山 大桥南路"),
    ("小市街道", 32.1000, 118.7900, 0.65, "小市 南瑞路 五所村 萨家湾 三牌楼"),
)
GULOU_BOX = (32.040, 32.130, 118.710, 118.800)  # lat_min, lat_max, lon_min, lon_max
CITY_BOX = (31.925, 32.195, 118.620, 118.940)  # ~30 x 30 km around central Nanjing
COMMUNITIES_PER_SYNTHETIC_STREET = 9
SCATTER_DEG = (0.0060, 0.0070)  # ~0.65 km sd in lat and lon

# Pieces for generated names: "<A><B>" + suffix (社区) and "<A><B>街道".
NAME_HEAD = (
    "金银春和安福瑞兴华新龙凤清河山湖阳明德仁宁泰康平乐"
    "嘉祥丰盛锦翠桂梅兰竹松柏桃杏荷枫石玉云天月星虹晨"
)
NAME_TAIL = "园苑庭湾岭坊巷里桥门塘港村城林亭台岗洲滨景泉池井楼阁溪"
NAME_SUFFIX = ("社区", "新村社区", "花园社区", "家园社区", "东社区", "西社区", "南社区", "北社区")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟"
    "熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红建文辉力林国云峰海燕"
    "晨宇浩欣怡佳婷雪琳晓思雨俊鹏斌宁颖梅慧志新亮凯健波丹倩蕾彤瑶璐悦博昊睿哲"
    "宏良荣春兰琴蓉薇嘉晗子涵轩诚毅"
)

# How cadres' main specialisms are spread (unknown categories get the mean).
CATEGORY_WEIGHT = {
    "party": 0.22,
    "governance": 0.20,
    "livelihood": 0.24,
    "urban": 0.14,
    "emergency": 0.10,
    "digital": 0.10,
}

# Cert -> (base rate, related tags). Holding a related tag at a high level
# makes the cert far more likely; rare certs make some demands unfillable.
CERT_MODEL: dict[str, tuple[float, tuple[str, ...]]] = {
    "social_worker": (
        0.10,
        (
            "livelihood.social_assistance",
            "livelihood.disability_assistance",
            "livelihood.child_youth_services",
            "livelihood.elderly_care",
        ),
    ),
    "red_cross_first_aider": (
        0.08,
        ("emergency.first_aid", "livelihood.health_promotion", "emergency.flood_control"),
    ),
    "people_mediator": (
        0.08,
        ("governance.neighbourhood_mediation", "governance.property_dispute_mediation"),
    ),
    "safety_engineer": (0.012, ("emergency.emergency_drills", "urban.construction_supervision")),
    "elderly_care_worker": (0.06, ("livelihood.elderly_care",)),
    "constructor": (0.015, ("urban.construction_supervision", "urban.old_housing_renovation")),
    "psychological_counsellor": (
        0.03,
        ("livelihood.child_youth_services", "governance.petition_handling"),
    ),
    "it_professional": (0.03, ("digital.community_cloud", "digital.data_management")),
    "fire_facility_operator": (0.04, ("emergency.fire_safety",)),
    "legal_professional": (0.012, ("governance.legal_aid",)),
    "property_manager": (0.03, ("urban.property_management",)),
}


class Scenario(NamedTuple):
    """A demand template: titles, core and optional needs, an optional cert."""

    titles: str  # alternatives separated by "|"
    core: str  # "tag:level ..." always needed
    extra: str  # "tag:level ..." zero to two of these are added
    cert: str  # "slug:probability" or ""
    old: float  # extra pull toward old-housing communities (0-1)
    weight: float  # relative frequency
    priority: int  # typical priority, 5 = most urgent
    duty: bool  # rota-type work: larger headcounts


# fmt: off
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("老旧小区改造缺工程协调人员|老旧小区改造居民意见征集|老旧小区改造施工现场协调",
             core="urban.old_housing_renovation:4 urban.construction_supervision:3",
             extra="party.mass_work:3 governance.resident_consultation:3",
             cert="constructor:0.21", old=1.0, weight=8, priority=4, duty=False),
    Scenario("加装电梯意见征集与协调|既有住宅加装电梯协调推进",
             core="urban.elevator_retrofit:4 governance.resident_consultation:3",
             extra="governance.neighbourhood_mediation:3 urban.construction_supervision:2",
             cert="constructor:0.11", old=1.0, weight=7, priority=3, duty=False),
    Scenario("物业纠纷积案化解|物业服务费纠纷调解",
             core="governance.property_dispute_mediation:4 urban.property_management:3",
             extra="governance.legal_aid:3 governance.petition_handling:3",
             cert="people_mediator:0.49", old=0.5, weight=6, priority=4, duty=False),
    Scenario("邻里矛盾纠纷排查调处",
             core="governance.neighbourhood_mediation:3 governance.grid_management:2",
             extra="party.mass_work:3",
             cert="people_mediator:0.35", old=0.3, weight=5, priority=3, duty=False),
    Scenario("信访积案包案化解|重点信访对象帮扶稳控",
             core="governance.petition_handling:4 governance.legal_aid:3",
             extra="livelihood.social_assistance:2 governance.neighbourhood_mediation:3",
             cert="legal_professional:0.28", old=0.2, weight=3, priority=5, duty=False),
    Scenario("高龄独居老人关爱服务|社区助餐点运营协助",
             core="livelihood.elderly_care:3 party.volunteer_mobilization:2",
             extra="livelihood.health_promotion:2",
             cert="elderly_care_worker:0.35", old=0.7, weight=7, priority=3, duty=False),
    Scenario("居家养老服务站运营管理",
             core="livelihood.elderly_care:4 livelihood.health_promotion:3",
             extra="digital.data_management:2",
             cert="elderly_care_worker:0.63", old=0.5, weight=3, priority=3, duty=False),
    Scenario("汛期防汛值守|防汛物资清点与转移演练",
             core="emergency.flood_control:3 emergency.emergency_drills:2",
             extra="emergency.first_aid:2 governance.grid_management:2",
             cert="red_cross_first_aider:0.49", old=0.3, weight=5, priority=5, duty=True),
    Scenario("高层住宅消防安全隐患排查|电动自行车充电消防隐患整治",
             core="emergency.fire_safety:4 urban.property_management:2",
             extra="emergency.emergency_drills:3",
             cert="fire_facility_operator:0.42", old=0.4, weight=5, priority=4, duty=False),
    Scenario("居民急救技能培训",
             core="emergency.first_aid:4 livelihood.health_promotion:2",
             extra="party.policy_publicity:2",
             cert="red_cross_first_aider:0.8", old=0.0, weight=3, priority=2, duty=False),
    Scenario("社区应急预案修订与演练",
             core="emergency.emergency_drills:4 emergency.fire_safety:2",
             extra="governance.grid_management:3",
             cert="safety_engineer:0.28", old=0.0, weight=3, priority=3, duty=False),
    Scenario("公共卫生事件应急值守|流感季健康监测与宣教",
             core="emergency.epidemic_prevention:3 livelihood.health_promotion:3",
             extra="digital.data_management:2 party.volunteer_mobilization:2",
             cert="", old=0.0, weight=3, priority=3, duty=True),
    Scenario("智慧社区平台上线运营|社区云平台数据治理",
             core="digital.community_cloud:4 digital.data_management:3",
             extra="governance.grid_management:2",
             cert="it_professional:0.35", old=0.0, weight=5, priority=3, duty=False),
    Scenario("垃圾分类督导|垃圾分类桶站值守与宣传",
             core="urban.waste_sorting:3 party.volunteer_mobilization:2",
             extra="party.policy_publicity:2 urban.environmental_improvement:2",
             cert="", old=0.5, weight=7, priority=2, duty=True),
    Scenario("背街小巷环境整治|楼道堆物清理与人居环境提升",
             core="urban.environmental_improvement:3 party.mass_work:2",
             extra="urban.waste_sorting:2",
             cert="", old=0.8, weight=5, priority=2, duty=False),
    Scenario("党员冬训与主题党日组织|小区党支部建设",
             core="party.member_education:4 party.organization_building:3",
             extra="party.policy_publicity:3 digital.new_media:2",
             cert="", old=0.0, weight=5, priority=2, duty=False),
    Scenario("志愿服务队伍组建与招募|新时代文明实践站活动组织",
             core="party.volunteer_mobilization:4 digital.cultural_activities:2",
             extra="party.mass_work:3",
             cert="", old=0.0, weight=4, priority=2, duty=False),
    Scenario("社区公众号与短视频宣传|惠民政策宣传材料制作",
             core="digital.new_media:4 party.policy_publicity:3",
             extra="digital.cultural_activities:2",
             cert="", old=0.0, weight=3, priority=1, duty=False),
    Scenario("邻里节与社区文化活动策划",
             core="digital.cultural_activities:4 party.volunteer_mobilization:2",
             extra="livelihood.child_youth_services:2",
             cert="", old=0.0, weight=3, priority=1, duty=False),
    Scenario("青少年暑期托管与四点半课堂|困境儿童关爱帮扶",
             core="livelihood.child_youth_services:4 party.volunteer_mobilization:2",
             extra="livelihood.social_assistance:3",
             cert="psychological_counsellor:0.28", old=0.0, weight=4, priority=3, duty=False),
    Scenario("低保与困难家庭入户核查|困难群众帮扶台账整理",
             core="livelihood.social_assistance:4 digital.data_management:3",
             extra="livelihood.disability_assistance:2",
             cert="social_worker:0.42", old=0.3, weight=4, priority=3, duty=False),
    Scenario("残疾人康复与就业帮扶",
             core="livelihood.disability_assistance:4 livelihood.employment_services:3",
             extra="livelihood.health_promotion:2",
             cert="social_worker:0.49", old=0.0, weight=2, priority=3, duty=False),
    Scenario("就业困难人员帮扶与招聘对接|社区创业指导服务",
             core="livelihood.employment_services:4 livelihood.social_assistance:2",
             extra="digital.data_management:2",
             cert="", old=0.0, weight=3, priority=2, duty=False),
    Scenario("网格员队伍补充与网格巡查|人口信息采集与网格走访",
             core="governance.grid_management:3 digital.data_management:3",
             extra="party.mass_work:2",
             cert="", old=0.2, weight=5, priority=3, duty=False),
    Scenario("居民议事会组织与协商|小区业主委员会组建指导",
             core="governance.resident_consultation:4 party.organization_building:3",
             extra="urban.property_management:3 governance.legal_aid:2",
             cert="", old=0.5, weight=4, priority=3, duty=False),
    Scenario("社区法律咨询与普法宣传",
             core="governance.legal_aid:4 party.policy_publicity:2",
             extra="",
             cert="legal_professional:0.56", old=0.0, weight=2, priority=2, duty=False),
    Scenario("特殊人群心理疏导与关爱",
             core="livelihood.social_assistance:3 governance.neighbourhood_mediation:3",
             extra="livelihood.health_promotion:2",
             cert="psychological_counsellor:0.8", old=0.0, weight=2, priority=4, duty=False),
    Scenario("无物业小区托管与物业监督",
             core="urban.property_management:4 governance.resident_consultation:2",
             extra="urban.old_housing_renovation:2",
             cert="property_manager:0.35", old=0.8, weight=4, priority=3, duty=False),
)
# fmt: on
