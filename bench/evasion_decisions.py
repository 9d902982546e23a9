"""The evasion ruling's decisions (classifier/GUIDELINES.md section 3), one a candidate
bench/evasion_candidates.py listed: bench/evasion_relabel.py applies them and logs why."""

D = {}


def put(ids, now, why):
    for i in ids.split():
        D[i] = (now, why)


put(
    "zh-c-0159 zh-d-0005 zh-d-0142 g-de-0078 g-en-r2-0148 r9-ko-0013",
    False,
    "doll taken for a real baby: object realism, not a person passing (ruling: dolls)",
)
put(
    "en-b-0202 en-d-0134 en-d-0188 en-d-0190 en-d-0242 mx-h-0048 zh-b-0122 zh-b-0135 zh-c-0187 zh-c-0188 zh-c-0190 zh-d-0013 zh-d-0075 zh-g-0035 zh-g-0050 zh-g-0162 zh-g-0330 g-de-0022 g-en-0166 g-en-0167 g-en-0168 g-en-0170 g-en-r2-0072 g-ko-0024 g-ko-0061",
    False,
    "hair product nobody can tell is a wig/hairpiece: the wearer is still themselves (ruling: hair products)",
)
put(
    "mx-e-0131 mx-e-0158 mx-e-0159 zh-a-0004 zh-a-0013 zh-a-0018 zh-a-0040 zh-a-0049 zh-a-0116 zh-b-0196 zh-c-0002 zh-f-0171 zh-g-0101 zh-g-0175 g-it-r2-0002",
    False,
    "变装/crossdress or costume word only, no claim of passing (ruling: cross-dressing for fun; 变装 alone is dress-up)",
)
put(
    "zh-b-0198 zh-g-0044 zh-g-0263 r5-zh-0028",
    False,
    "realism only (looks like a real person, natural), no observer fooled (ruling: realism)",
)
put(
    "zh-f-0167 zh-f-0174",
    False,
    "cross-dressing transformation for oneself, no claim of passing (ruling: cross-dressing for fun)",
)
put(
    "mx-e-0180 g-pt-0028",
    False,
    "likeness only ('looks exactly like them', 'from afar looks 90%'): realism, no one fooled (ruling: realism)",
)
put(
    "zh-a-0105",
    False,
    "replica head for display in a car or window: object realism, no claim of anyone fooled (ruling: figures on display)",
)
put(
    "zh-b-0201 g-it-0002 g-it-0077 g-pt-0076 g-zh-0226 r6-en-0021 zh-f-0189",
    False,
    "realism or coverage only (hidden seams, looks real, identical): no observer fooled, no disguise purpose (ruling: realism)",
)
put(
    "zh-c-0123 zh-c-0186",
    False,
    "novelty print (mouth on a cloth mask, open eyes on a sleep mask): not a person passing as someone or defeating identification",
)
put(
    "r9-es-0012 g-ja-0096",
    False,
    "android double taken for the real person: object on display (ruling: robots)",
)
put(
    "r7-es-0006",
    False,
    "cross-dressing set to look like a woman in photos and outings, no claim of passing (ruling: cross-dressing for fun)",
)
put(
    "en-a-0001 en-a-0025 r4-ja-0016 r6-ja-0024 g-pt-0002 g-pt-0004",
    True,
    "face product offered as a disguise (disguise / ja 変装 / pt disfarce of a realistic face) (ruling: point 3)",
)
put(
    "r3-en-0086",
    True,
    "disguise prop that convinced a class the wearer was someone else (ruling: points 1 and 3)",
)
put(
    "g-ko-0031",
    True,
    "real-face mask offered for impersonation/disguise (사칭·변장) scenes (ruling: point 3, as 'disguise mask for stage and screen')",
)
put(
    "zh-f-0198 zh-g-0286 zh-a-0090",
    False,
    "changes face shape or features (beauty or look), not becoming another person or hiding identity (ruling: realism/appearance, point 1 needs another person)",
)
put("zh-b-0234", True, "disguise word (YIRONG = 易容) as the product's name (ruling: point 3)")
put(
    "g-en-0030 g-zh-0180 g-ko-0006 g-ru-r2-0008 r4-ru-0010",
    True,
    "turns the wearer into another person (young man into a pensioner, into a star, 变成另一个人) (ruling: point 1, become a different person)",
)
put(
    "r3-en-0001 g-zh-0270 g-zh-r2-0033",
    True,
    "onlookers took the wearer for the real person (ruling: point 1)",
)
put(
    "r3-en-0027 g-de-0068 g-ru-0048",
    True,
    "made to confuse or test face recognition systems (ruling: point 2)",
)
put(
    "g-ru-r2-0006",
    True,
    "'the neighbour won't recognise you': not recognised (ruling: point 1, as the other costume records that say so)",
)
put("g-zh-0128", True, "sold as a simple disguise (伪装) kit (ruling: point 3)")
put("g-es-r2-0019", True, "going out shopping 'as another person' (ruling: point 1; as g-pt-0040)")
put(
    "zh-a-0103 r9-zh-0001 r9-zh-0007",
    False,
    "life-size head or wax figure on display taken for the person: object realism (ruling: figures on display)",
)
put(
    "r9-en-0010 r9-zh-0010 r9-zh-0012",
    False,
    "android/robot double taken for the real person: object on display (ruling: robots)",
)
put(
    "en-c-0327 zh-d-0197",
    False,
    "hair product nobody can tell is a wig/hairpiece: the wearer is still themselves (ruling: hair products)",
)
