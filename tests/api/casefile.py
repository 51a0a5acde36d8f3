"""A tiny case (3 communities, 6 cadres, 4 demands) written as files, for API and store tests."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CADRES", "COMMUNITIES", "DEMANDS", "write_tiny"]

COMMUNITIES = """id,name,street,lat,lon
C1,颐和路社区,宁海路街道,32.06,118.77
C2,山西路社区,湖南路街道,32.07,118.77
C3,凤凰街社区,江东街道,32.05,118.74
"""

CADRES = """id,name,home,skills,certs,capacity,status,max_travel_km
P1,张三,C1,urban.elevator_retrofit:4;urban.old_housing_renovation:2,constructor,2,green,
P2,李四,C2,governance.property_dispute_mediation:5,people_mediator,1,yellow,5
P3,王五,C1,livelihood.elderly_care:3,,1,red,
P4,赵六,C3,urban.elevator_retrofit:3;governance.resident_consultation:3,,1,green,
P5,钱七,C2,governance.property_dispute_mediation:3,people_mediator,1,green,
P6,孙八,C3,livelihood.elderly_care:4,elderly_care_worker,1,green,12.5
"""

DEMANDS = """id,community,title,needs,requires,certs,headcount,priority
D1,C1,加装电梯协调,urban.elevator_retrofit:3;governance.resident_consultation:2,urban.elevator_retrofit:2,,2,5
D2,C2,物业纠纷调解,governance.property_dispute_mediation:4,,people_mediator,1,4
D3,C2,养老服务,livelihood.elderly_care:3,,elderly_care_worker,1,3
D4,C3,老旧小区改造,urban.old_housing_renovation:2,,,1,2
"""


def write_tiny(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "communities.csv").write_text(COMMUNITIES, encoding="utf-8")
    (root / "cadres.csv").write_text(CADRES, encoding="utf-8")
    (root / "demands.csv").write_text(DEMANDS, encoding="utf-8")
    return root
