"""Write small case folders for tests, one file at a time so each test breaks one thing."""

from __future__ import annotations

from pathlib import Path

COMMUNITIES = """id,name,street,lat,lon
C1,颐和路社区,宁海路街道,32.0600,118.7700
C2,山西路社区,湖南路街道,32.0700,118.7700
C3,幕府山社区,幕府山街道,32.1200,118.7900
"""
CADRES = """id,name,home,skills,certs,capacity,status,max_travel_km
P1,张三,C1,urban.elevator_retrofit:4;urban.old_housing_renovation:2,constructor,2,green,
P2,李四,C2,governance.property_dispute_mediation:5,people_mediator,1,yellow,5
P3,王五,C1,livelihood.elderly_care:3,,1,red,
P4,赵六,C3,livelihood.elderly_care:4;emergency.first_aid:3,red_cross_first_aider,1,green,3
"""
DEMANDS = """id,community,title,needs,requires,certs,headcount,priority
D1,C1,加装电梯协调,urban.elevator_retrofit:3;governance.resident_consultation:2,urban.elevator_retrofit:2,,2,5
D2,C2,物业纠纷调解,governance.property_dispute_mediation:4,,people_mediator,1,4
D3,C2,养老服务,livelihood.elderly_care:3,,,1,3
"""


def write_case(root: Path, **overrides: str) -> Path:
    """Write the small valid case, replacing any file given as ``cadres=...`` etc."""
    root.mkdir(parents=True, exist_ok=True)
    files = {"communities": COMMUNITIES, "cadres": CADRES, "demands": DEMANDS, **overrides}
    for name, text in files.items():
        if text is not None:
            (root / f"{name}.csv").write_text(text, encoding="utf-8")
    return root


#: one broken file per kind of mistake: (file stem, its text, the file, row and column the
#: error must name)
BAD = {
    "missing column": (
        "cadres",
        CADRES.replace(",max_travel_km", ""),
        "cadres.csv",
        None,
        "max_travel_km",
    ),
    "duplicate id": ("cadres", CADRES + "P1,重复,C1,,,1,green,\n", "cadres.csv", 6, "id"),
    "unknown community": (
        "demands",
        DEMANDS.replace("D3,C2", "D3,C9"),
        "demands.csv",
        4,
        "community",
    ),
    "level outside 1-5": (
        "cadres",
        CADRES.replace("elevator_retrofit:4", "elevator_retrofit:7"),
        "cadres.csv",
        2,
        "skills",
    ),
    "malformed tag:level": (
        "demands",
        DEMANDS.replace("elderly_care:3,,,", "elderly_care=3,,,"),
        "demands.csv",
        4,
        "needs",
    ),
    "unknown tag": (
        "cadres",
        CADRES.replace("livelihood.elderly_care:3", "livelihood.eldercare:3"),
        "cadres.csv",
        4,
        "skills",
    ),
    "negative capacity": (
        "cadres",
        CADRES.replace(",2,green", ",-1,green"),
        "cadres.csv",
        2,
        "capacity",
    ),
    "bad headcount": ("demands", DEMANDS.replace(",,1,3", ",,0,3"), "demands.csv", 4, "headcount"),
    "bad status": ("cadres", CADRES.replace("yellow", "orange"), "cadres.csv", 3, "status"),
    "non-numeric coordinate": (
        "communities",
        COMMUNITIES.replace("32.0700", "北纬32"),
        "communities.csv",
        3,
        "lat",
    ),
    "priority outside 1-5": (
        "demands",
        DEMANDS.replace(",2,5", ",2,6"),
        "demands.csv",
        2,
        "priority",
    ),
    "unknown cert": (
        "demands",
        DEMANDS.replace("people_mediator", "mediator"),
        "demands.csv",
        3,
        "certs",
    ),
    "wrong field count": ("cadres", CADRES + "P9,多余,C1\n", "cadres.csv", 6, None),
}
