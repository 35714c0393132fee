"""Names of people and customer companies by country, so each plant's staff and order book look
like the place it stands in."""

from __future__ import annotations

import random

FIRST = {
    "DE": "Lukas Anna Jonas Lea Felix Laura Maximilian Sophie Tobias Julia Jan Katharina Stefan "
    "Sabine Thomas Andrea Michael Petra Markus Claudia Florian Nicole Sebastian Sandra Daniel "
    "Melanie Alexander Christina Matthias Heike Dominik Jana Kevin Svenja Timo Carina Mehmet "
    "Ayse Dragan Marta",
    "US": "James Maria Robert Jennifer Michael Linda David Patricia William Elizabeth Richard "
    "Susan Joseph Jessica Thomas Sarah Christopher Karen Daniel Lisa Matthew Nancy Anthony "
    "Ashley Mark Kimberly Donald Emily Steven Donna Andrew Michelle Joshua Carol Kevin Amanda "
    "Brian Melissa Jose Guadalupe",
    "CN": "Wei Fang Min Jing Lei Na Jun Li Qiang Yan Tao Hui Yong Xia Jie Ping Gang Ying Bin Hong "
    "Chao Juan Peng Lan Hao Mei Kai Xiu Long Yu Feng Lin Bo Qing Chen Yun Zhen Rui Xin Ning",
}
LAST = {
    "DE": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Bauer "
    "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange "
    "Schmitt Werner Krause Maier Lehmann Huber Kaya Yilmaz Nowak Kovacs Petrović Lorenz Frank "
    "Baumann Vogel Jäger",
    "US": "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Wilson "
    "Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson "
    "Walker Young Allen King Wright Scott Nguyen Hill Green Adams Baker Nelson Carter Mitchell "
    "Kowalski Schultz",
    "CN": "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo "
    "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu "
    "Du",
}

COMPANY = {
    "DE": (
        "Krüger|Baumann|Hoffmann|Lindner|Brandt|Vogt|Seidel|Keller|Hahn|Roth|Ziegler|Franke|"
        "Kuhn|Engel|Winter|Sommer|Graf|Busch|Pohl|Arnold",
        "Landtechnik|Fördertechnik|Maschinenbau|Anlagenbau|Hydraulik|Baumaschinen|Antriebstechnik"
        "|Lagertechnik|Kranbau|Verpackungsmaschinen",
        "GmbH|GmbH & Co. KG|AG|KG",
    ),
    "US": (
        "Great Lakes|Midwest|Prairie|Lakeshore|Keystone|Summit|Badger|Heartland|Northstar|"
        "River City|Cornerstone|Pioneer|Liberty|Granite|Frontier|Tri-State|Iron Range|Bluestem",
        "Material Handling|Equipment|Machinery|Industrial Systems|Ag Equipment|Automation|"
        "Fluid Power|Conveyor Systems|Lift Trucks|Packaging",
        "Inc.|LLC|Corp.|Co.",
    ),
    "CN": (
        "Suzhou|Kunshan|Wuxi|Changzhou|Shanghai|Ningbo|Hangzhou|Nanjing|Jiaxing|Nantong|"
        "Qingdao|Tianjin",
        "Hengli|Dongfang|Xinhua|Huaxing|Jinlong|Tianrui|Zhongcheng|Haitian|Sanyuan|Baoli|"
        "Kaida|Ruifeng",
        "Machinery Co., Ltd.|Heavy Industry Co., Ltd.|Automation Co., Ltd.|Logistics Equipment "
        "Co., Ltd.|Hydraulics Co., Ltd.",
    ),
}


def person_names(rng: random.Random, country: str, count: int) -> list[str]:
    """`count` distinct full names in the country's order (family name first in China)."""
    first, last = FIRST[country].split(), LAST[country].split()
    pairs = [(f, surname) for f in first for surname in last]
    chosen = rng.sample(pairs, min(count, len(pairs)))
    while len(chosen) < count:  # more people than name pairs: initials keep them apart
        f, surname = pairs[len(chosen) % len(pairs)]
        chosen.append((f"{f} {chr(65 + len(chosen) // len(pairs) % 26)}.", surname))
    if country == "CN":
        return [f"{surname} {given}" for given, surname in chosen]
    return [f"{given} {surname}" for given, surname in chosen]


def company_names(rng: random.Random, country: str, count: int) -> list[str]:
    firsts, trades, legals = (part.split("|") for part in COMPANY[country])
    pairs = [(a, b) for a in firsts for b in trades]
    chosen = rng.sample(pairs, min(count, len(pairs)))
    names = [f"{a} {b} {rng.choice(legals)}" for a, b in chosen]
    for index in range(len(names), count):  # more customers than combinations: branches
        a, b = pairs[index % len(pairs)]
        names.append(f"{a} {b} {legals[0]}, branch {index // len(pairs) + 1}")
    return names
