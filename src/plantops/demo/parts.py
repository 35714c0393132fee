"""The demo company's part catalogue: what it buys, makes and sells, as templates.

A template names a family of items ("Drive shaft Ø{a}x{b}"); the generator fills in sizes. Made
parts say how they are made (`form`), assemblies and products which templates they are built
from, so every BOM reads like one a design engineer would have drawn."""

from __future__ import annotations

from dataclasses import dataclass

Values = tuple[tuple[object, ...], ...]  # choices for {a}, {b}, {c}


@dataclass(frozen=True)
class Bought:
    """A raw material (`stock` set) or purchased part."""

    key: str
    pattern: str
    values: Values
    uom: str
    price: tuple[float, float]  # EUR per uom, smallest and largest size
    lot: str  # "fixed:500" (a box), "minmax:50:25" (min, multiple), "l4l"
    lead: tuple[int, int]  # days
    shared: bool = False  # one site-wide pool (fasteners, packaging) instead of per product range
    stock: str = ""  # raw material: "form/material" it supplies, e.g. "bar/steel"


@dataclass(frozen=True)
class Made:
    key: str
    pattern: str
    values: Values
    form: str  # bar, block, cast, sheet, tube, welded: decides material and routing
    material: str  # cast iron, steel, aluminium, stainless
    painted: bool
    size: float  # work content against a reference part (1.0)


@dataclass(frozen=True)
class Built:
    """A sub-assembly or finished good and the templates it is built from."""

    key: str
    pattern: str
    values: Values
    line: str  # hydraulics, drives, conveying
    parts: tuple[tuple[str, tuple[int, ...]], ...]  # template key, quantities to choose from
    size: float


DIAMETERS = (20, 25, 30, 35, 40, 45, 50, 60, 70, 80)
RANGE = tuple(range(4, 40))  # series numbers

STOCK = (
    Bought("bar-st", "Round bar 42CrMo4 Ø{a} mm", (DIAMETERS,), "m", (3.2, 52), "minmax:20:5",
           (5, 12), stock="bar/steel"),
    Bought("bar-ss", "Round bar 1.4305 Ø{a} mm", (DIAMETERS,), "m", (11, 160), "minmax:10:5",
           (8, 20), stock="bar/stainless"),
    Bought("bar-al", "Round bar EN AW-6082 Ø{a} mm", (DIAMETERS,), "m", (3.5, 48), "minmax:20:5",
           (5, 12), stock="bar/aluminium"),
    Bought("flat-st", "Flat bar S355 {a}x{b} mm", ((60, 80, 100, 120, 150), (20, 30, 40, 50)), "m",
           (9, 60), "minmax:24:6", (5, 12), stock="block/steel"),
    Bought("flat-al", "Flat bar EN AW-5083 {a}x{b} mm", ((60, 80, 100, 120), (20, 30, 40)), "m",
           (11, 48), "minmax:12:3", (6, 14), stock="block/aluminium"),
    Bought("sheet-st", "Sheet S235JR {a} mm", ((2, 3, 4, 5, 6, 8, 10),), "kg", (1.05, 1.25),
           "minmax:500:250", (4, 10), stock="sheet/steel"),
    Bought("sheet-ss", "Sheet 1.4301 {a} mm", ((1.5, 2, 3, 4),), "kg", (3.7, 4.2), "minmax:200:100",
           (8, 15), stock="sheet/stainless"),
    Bought("sheet-al", "Sheet EN AW-5754 {a} mm", ((2, 3, 4, 5),), "kg", (4.1, 4.6),
           "minmax:200:100", (6, 14), stock="sheet/aluminium"),
    Bought("tube-st", "Honed tube E355 Ø{a}x{b} mm", ((40, 50, 63, 80, 100, 125), (5, 7.5, 10)),
           "m", (24, 120), "minmax:12:6", (10, 25), stock="tube/steel"),
    Bought("profile-st", "Square tube S355 {a}x{a}x{b} mm", ((40, 50, 60, 80, 100), (3, 4, 5)), "m",
           (5.5, 28), "minmax:36:6", (5, 12), stock="profile/steel"),
)  # fmt: skip

# Paint is a raw material too; one per colour, shared by the whole site.
POWDER = Bought("powder", "Powder coating {a} {b}", (), "kg", (9.5, 14), "minmax:100:25", (7, 14),
                shared=True)  # fmt: skip

PURCHASED = (
    Bought("bolt", "Hex bolt ISO 4017 M{a}x{b} 8.8", ((6, 8, 10, 12, 16), (16, 20, 25, 30, 40, 50)),
           "pc", (0.04, 0.45), "fixed:500", (3, 7), shared=True),
    Bought("nut", "Hex nut ISO 4032 M{a} 8", ((6, 8, 10, 12, 16, 20, 24),), "pc", (0.02, 0.3),
           "fixed:1000", (3, 7), shared=True),
    Bought("oring", "O-ring {a}x{b} NBR 70", ((12, 16, 20, 25, 32, 40, 50, 63), (2, 2.5, 3, 3.5)),
           "pc", (0.08, 0.6), "fixed:200", (5, 10), shared=True),
    Bought("bearing", "Deep groove ball bearing {a}-2RS", ((6203, 6204, 6205, 6206, 6207, 6208),),
           "pc", (2.1, 9.5), "minmax:20:10", (5, 15), shared=True),
    Bought("carton", "Shipping carton {a}x{b}x{c} mm", ((400, 600, 800), (300, 400), (300, 400)),
           "pc", (1.8, 6.5), "fixed:50", (4, 8), shared=True),
    Bought("pallet", "Euro pallet {a}", (("1200x800", "1200x1000 (heat-treated)"),), "pc",
           (11, 18), "fixed:20", (3, 6), shared=True),
    Bought("plate", "Nameplate, anodised aluminium {a}", (("50x30", "80x40"),), "pc", (0.6, 1.1),
           "fixed:250", (6, 12), shared=True),
    Bought("motor", "Electric motor {a} kW IE3 4-pole", ((1.5, 2.2, 3, 4, 5.5, 7.5, 11, 15),), "pc",
           (180, 950), "l4l", (15, 35)),
    Bought("gearmotor", "Geared motor {a} kW, {b} rpm",
           ((0.37, 0.55, 0.75, 1.1, 1.5), (28, 45, 70)), "pc", (260, 640), "l4l", (20, 40)),
    Bought("pump", "Internal gear pump {a} cm³/rev", ((8, 13, 16, 20, 25, 32),), "pc", (240, 620),
           "l4l", (20, 35)),
    Bought("valve", "Solenoid directional valve NG{a} {b}", ((6, 10), ("24 V DC", "230 V AC")),
           "pc", (95, 240), "minmax:4:2", (10, 25)),
    Bought("relief", "Pressure relief valve NG{a}, {b} bar", ((6, 10), (160, 250, 315)), "pc",
           (48, 110), "minmax:4:2", (10, 20)),
    Bought("filter", "Return line filter {a} µm", ((10, 25),), "pc", (32, 55), "minmax:10:5",
           (8, 15)),
    Bought("gauge", "Pressure gauge 0-{a} bar, glycerine filled", ((100, 160, 250, 400),), "pc",
           (14, 26), "minmax:10:10", (5, 10)),
    Bought("hose", "Hydraulic hose 2SN DN{a} x {b} mm", ((10, 12, 16, 20), (500, 800, 1200)), "pc",
           (16, 48), "minmax:10:10", (5, 10)),
    Bought("sealkit", "Piston seal kit Ø{a}", ((40, 50, 63, 80, 100),), "pc", (12, 38),
           "minmax:10:5", (10, 20)),
    Bought("wiper", "Rod wiper Ø{a}", ((20, 25, 28, 36, 45, 56),), "pc", (2.2, 6.5), "fixed:50",
           (8, 15)),
    Bought("taper", "Tapered roller bearing {a}", ((30205, 30206, 30207, 30208, 30210),), "pc",
           (6, 19), "minmax:20:10", (8, 20)),
    Bought("shaftseal", "Radial shaft seal {a}x{b}x{c}", ((25, 30, 35, 40), (47, 52, 62), (7, 8)),
           "pc", (1.6, 4.8), "fixed:100", (5, 12)),
    Bought("ring", "Retaining ring DIN 471 {a}", ((25, 30, 35, 40, 45),), "pc", (0.05, 0.25),
           "fixed:1000", (3, 8)),
    Bought("key", "Parallel key DIN 6885 {a}x{b}x{c}", ((8, 10, 12), (7, 8), (28, 36, 45)), "pc",
           (0.12, 0.6), "fixed:200", (3, 8)),
    Bought("glass", "Oil sight glass M{a}x1.5", ((16, 20, 27),), "pc", (3.5, 7), "fixed:50",
           (5, 10)),
    Bought("breather", "Breather plug M{a}x1.5", ((12, 16, 20),), "pc", (2.2, 4.5), "fixed:50",
           (5, 10)),
    Bought("sensor", "Inductive proximity sensor M{a} PNP", ((12, 18),), "pc", (18, 34),
           "minmax:10:10", (5, 12)),
    Bought("chain", "Roller chain 08B-1, {a} links", ((60, 80, 100, 120),), "pc", (14, 32),
           "minmax:10:5", (8, 15)),
    Bought("sprocket", "Chain sprocket 08B-1 z{a}", ((15, 17, 19, 21, 25),), "pc", (7, 16),
           "minmax:10:5", (8, 15)),
)  # fmt: skip

MADE = (
    Made("valvebody", "Hydraulic valve body NG{a}-{b:02d}", ((6, 10, 16), RANGE), "block", "steel",
         False, 1.6),
    Made("manifold", "Manifold block, {a} stations, type {b:02d}", ((2, 3, 4, 5, 6), RANGE),
         "block", "aluminium", False, 1.4),
    Made("shaft", "Drive shaft Ø{a}x{b}", ((25, 30, 35, 40, 45), tuple(range(180, 820, 20))), "bar",
         "steel", False, 1.0),
    Made("pinion", "Pinion shaft m{a} z{b}", ((2, 2.5, 3, 4), tuple(range(12, 25))), "bar", "steel",
         False, 1.3),
    Made("gear", "Gear wheel m{a} z{b}", ((2, 2.5, 3, 4), tuple(range(38, 96))), "bar", "steel",
         False, 1.5),
    Made("rod", "Piston rod Ø{a}x{b}", ((20, 25, 28, 36, 45, 56), tuple(range(150, 1050, 50))),
         "bar", "steel", False, 1.1),
    Made("piston", "Piston Ø{a}, version {b}", ((40, 50, 63, 80, 100), RANGE), "bar", "steel",
         False, 0.8),
    Made("tube", "Cylinder tube {a}x{b}", ((40, 50, 63, 80, 100), tuple(range(150, 1050, 50))),
         "tube", "steel", False, 1.2),
    Made("endcap", "End cap Ø{a}, version {b}", ((40, 50, 63, 80, 100), RANGE), "bar", "steel",
         False, 0.7),
    Made("cover", "Bearing cover Ø{a}, version {b}", ((47, 52, 62, 72, 80), RANGE), "bar",
         "aluminium", False, 0.5),
    Made("hub", "Coupling hub Ø{a}, bore {b}", ((24, 28, 38, 42, 48), (14, 19, 24, 28, 32)), "bar",
         "steel", False, 0.6),
    Made("pumphousing", "Pump housing size {a}, type {b:02d}", ((1, 2, 3), RANGE), "cast",
         "cast iron", True, 1.8),
    Made("gearhousing", "Gearbox housing size {a}, type {b:02d}", ((1, 2, 3, 4), RANGE), "cast",
         "cast iron", True, 2.2),
    Made("bell", "Motor bell housing IEC {a}, type {b:02d}", ((90, 100, 112, 132, 160), RANGE),
         "cast", "aluminium", False, 1.0),
    Made("bracket", "Mounting bracket MB-{a}{b}", (("A", "B", "C", "D"), tuple(range(10, 99))),
         "sheet", "steel", True, 0.5),
    Made("flange", "Flange plate DN{a}, type {b:02d}", ((25, 32, 40, 50, 65), RANGE), "sheet",
         "steel", False, 0.6),
    Made("sideplate", "Side plate {a} mm", (tuple(range(300, 1500, 25)),), "sheet", "steel", True,
         0.8),
    Made("guard", "Guard panel {a}x{b}", ((400, 500, 600, 800), tuple(range(300, 900, 50))),
         "sheet", "stainless", False, 0.7),
    Made("coverplate", "Cover plate {a}x{b}", ((200, 250, 300, 400), (150, 200, 250, 300)), "sheet",
         "aluminium", False, 0.5),
    Made("frame", "Base frame weldment {a}x{b}",
         ((600, 800, 1000, 1200), tuple(range(400, 1000, 50))), "welded", "steel", True, 2.5),
    Made("tank", "Tank weldment {a} l, type {b:02d}", ((40, 63, 100, 160, 250), RANGE), "welded",
         "steel", True, 2.8),
    Made("crossmember", "Cross member {a} mm", (tuple(range(400, 1400, 50)),), "welded", "steel",
         True, 0.9),
    Made("roller", "Conveyor roller tube Ø{a}x{b}", ((50, 60, 80), tuple(range(300, 1300, 50))),
         "tube", "steel", False, 0.6),
    Made("arm", "Lifting arm {a} mm", (tuple(range(500, 1500, 50)),), "welded", "steel", True, 1.6),
    Made("drum", "Cable drum Ø{a}x{b}", ((160, 200, 250, 315), (200, 250, 300, 400)), "welded",
         "steel", True, 2.0),
)  # fmt: skip

SUBASSEMBLIES = (
    Built("pumpmotor", "Pump-motor group {a} kW", ((2.2, 4, 5.5, 7.5, 11),), "hydraulics",
          (("bell", (1,)), ("hub", (2,)), ("motor", (1,)), ("pump", (1,)), ("bolt", (4, 8))), 1.0),
    Built("tankassy", "Tank assembly {a} l", ((40, 63, 100, 160, 250),), "hydraulics",
          (("tank", (1,)), ("coverplate", (1,)), ("filter", (1,)), ("gauge", (1,)),
           ("bolt", (8, 12)), ("oring", (2,))), 1.2),
    Built("manifoldassy", "Valve manifold assembly, {a} stations", ((2, 3, 4, 5, 6),), "hydraulics",
          (("manifold", (1,)), ("valvebody", (1, 2)), ("valve", (2, 3, 4)), ("relief", (1,)),
           ("oring", (4, 8)), ("bolt", (4, 8))), 1.1),
    Built("pistonassy", "Piston assembly Ø{a}", ((40, 50, 63, 80, 100),), "hydraulics",
          (("piston", (1,)), ("rod", (1,)), ("sealkit", (1,)), ("nut", (1,))), 0.6),
    Built("barrel", "Cylinder barrel assembly {a}x{b}",
          ((40, 50, 63, 80, 100), (200, 300, 400, 500)), "hydraulics",
          (("tube", (1,)), ("endcap", (2,)), ("oring", (2,)), ("wiper", (1,))), 0.7),
    Built("gearset", "Gear set i={a}", ((3.15, 4, 5, 6.3, 8, 10),), "drives",
          (("gear", (1,)), ("pinion", (1,)), ("key", (1,)), ("ring", (2,))), 0.8),
    Built("outshaft", "Output shaft assembly Ø{a}", ((30, 35, 40, 45),), "drives",
          (("shaft", (1,)), ("cover", (1,)), ("taper", (2,)), ("shaftseal", (1,)), ("ring", (1,))),
          0.7),
    Built("inshaft", "Input shaft assembly Ø{a}", ((25, 30, 35),), "drives",
          (("pinion", (1,)), ("bearing", (2,)), ("shaftseal", (1,))), 0.5),
    Built("housingassy", "Gearbox housing assembly size {a}", ((1, 2, 3, 4),), "drives",
          (("gearhousing", (1,)), ("coverplate", (1,)), ("glass", (1,)), ("breather", (1,)),
           ("bolt", (6, 8))), 0.9),
    Built("frameassy", "Conveyor frame assembly {a} mm", ((600, 800, 1000, 1200),), "conveying",
          (("frame", (1,)), ("crossmember", (2, 3, 4)), ("sideplate", (2,)), ("bolt", (12, 16))),
          1.2),
    Built("rollerset", "Roller set {a} mm, pitch {b}", ((600, 800, 1000), (75, 100, 125)),
          "conveying", (("roller", (6, 8, 10)), ("shaft", (1,)), ("bearing", (12, 16, 20))), 1.0),
    Built("chaindrive", "Chain drive unit {a} kW", ((0.37, 0.55, 0.75, 1.1, 1.5),), "conveying",
          (("gearmotor", (1,)), ("sprocket", (2,)), ("chain", (1,)), ("bracket", (1,)),
           ("bolt", (4,))), 0.8),
    Built("guardset", "Guard set {a} mm", ((600, 800, 1000, 1200),), "conveying",
          (("guard", (2, 3, 4)), ("bracket", (2, 4)), ("bolt", (8,))), 0.6),
    # assemblies of assemblies: a product built from these has a four-level BOM
    Built("powerpack", "Power pack {a} kW, {b} l", ((4, 5.5, 7.5, 11), (63, 100, 160)),
          "hydraulics", (("pumpmotor", (1,)), ("tankassy", (1,)), ("hose", (2, 3))), 1.4),
    Built("gearcore", "Gearbox core i={a}", ((4, 5, 6.3, 8, 10, 12.5),), "drives",
          (("gearset", (1,)), ("outshaft", (1,)), ("inshaft", (1,))), 1.2),
    Built("lift", "Lift mechanism {a} kg", ((500, 1000, 1500, 2000),), "conveying",
          (("arm", (2,)), ("shaft", (1,)), ("pistonassy", (1,)), ("barrel", (1,))), 1.5),
)  # fmt: skip

FINISHED = (
    Built("hpu", "Hydraulic power unit HPU {a} kW, {b} l", ((4, 5.5, 7.5, 11), (63, 100, 160)),
          "hydraulics", (("powerpack", (1,)), ("manifoldassy", (1,)), ("frame", (1,)),
                         ("hose", (2, 4)), ("plate", (1,)), ("pallet", (1,))), 2.0),
    Built("cylinder", "Hydraulic cylinder CD {a}/{b}x{c}", ((40, 50, 63, 80, 100), (25, 28, 36, 45),
          (200, 300, 400, 500)), "hydraulics", (("pistonassy", (1,)), ("barrel", (1,)),
                                                ("plate", (1,)), ("carton", (1,))), 1.0),
    Built("compact", "Compact power pack CPP {a} kW", ((2.2, 4, 5.5),), "hydraulics",
          (("pumpmotor", (1,)), ("tankassy", (1,)), ("relief", (1,)), ("plate", (1,)),
           ("carton", (1,))), 1.4),
    Built("gearbox", "Helical gearbox size {a}, i={b}", ((1, 2, 3, 4), (4, 5, 6.3, 8, 10, 12.5)),
          "drives", (("housingassy", (1,)), ("gearcore", (1,)), ("plate", (1,)), ("carton", (1,))),
          1.3),
    Built("gearmotorfg", "Geared motor GM {a} kW, i={b}", ((1.5, 2.2, 3, 4), (5, 8, 12.5)),
          "drives", (("gearcore", (1,)), ("housingassy", (1,)), ("bell", (1,)), ("motor", (1,)),
                     ("plate", (1,)), ("carton", (1,))), 1.5),
    Built("winch", "Electric winch {a} kg", ((500, 1000, 2000, 3200),), "drives",
          (("gearset", (1,)), ("outshaft", (1,)), ("drum", (1,)), ("frame", (1,)), ("motor", (1,)),
           ("pallet", (1,))), 1.8),
    Built("conveyor", "Roller conveyor module {a}x{b} mm", ((600, 800, 1000), (1500, 2000, 3000)),
          "conveying", (("frameassy", (1,)), ("rollerset", (1, 2)), ("chaindrive", (1,)),
                        ("guardset", (1,)), ("sensor", (2, 4)), ("pallet", (1,))), 1.6),
    Built("lifttable", "Pallet lifting table {a} kg", ((500, 1000, 1500, 2000),), "conveying",
          (("lift", (1,)), ("frameassy", (1,)), ("guardset", (1,)), ("sensor", (2,)),
           ("pallet", (1,))), 1.8),
    Built("transfer", "Chain transfer unit {a} mm", ((600, 800, 1000, 1200),), "conveying",
          (("chaindrive", (1,)), ("frameassy", (1,)), ("sensor", (2,)), ("carton", (1,))), 1.1),
)  # fmt: skip

TEMPLATES: dict[str, Bought | Made | Built] = {
    t.key: t for t in (*STOCK, POWDER, *PURCHASED, *MADE, *SUBASSEMBLIES, *FINISHED)
}
