"""off_platform_contact decisions (classifier/GUIDELINES.md, section 3, ruling of
2026-12-06), one by one from bench/contact_candidates.py: D = {id: (now, why)}."""

PLATFORM = (
    "only the platform's own channel or customer service (客服, message button, contact form)"
)
BARE = "a bare inquiry or price note, no channel, handle or addressed contact verb"
ORDER = "e-mail as a step of an order already placed, or an after-sale notice"
USE = "a messenger, phone or contact word named as something else (use, spec, product line)"
INVITE = (
    "addressed invitation to contact the seller privately for the deal (message/DM/私信/write/call)"
)
CHANNEL = (
    "names a channel outside the marketplace for the deal (e-mail, phone, messenger, social DM)"
)
INPERSON = "meeting in person on its own, no channel or invitation"

D = {}


def mark(ids: str, now: bool, why: str) -> None:
    for i in ids.split():
        D[i] = (now, why)


# unmarked records the ruling marks
mark("en-a-0033 en-a-0011 en-a-0204 g-en-0007 r13-en-0017 r9-es-0004 r4-ko-0011", True, INVITE)
mark("mx-e-0007 zh-b-0072 r3-zh-0031", True, INVITE)
mark("r12-en-0006 r6-es-0020 r7-es-0002", True, CHANNEL)
# marked records the ruling unmarks
mark(
    "en-b-0143 zh-a-0015 zh-a-0132 zh-a-0136 g-en-0097 zh-a-0102 zh-a-0112 zh-a-0153 "
    "zh-a-0180 zh-a-0243 en-b-0145 r4-zh-0011",
    False,
    PLATFORM,
)
mark(
    "g-de-0079 g-de-0087 r4-de-0004 g-en-0127 g-en-0174 g-en-0198 g-en-0199 g-en-0243 "
    "g-fr-0039 g-it-0056 g-ja-0015 g-ja-0055 g-ja-0075 r10-ja-0001 g-ja-r2-0004 g-ko-0014 "
    "g-ko-0032 g-ko-0048 g-ko-0069 g-ko-0072 r10-ko-0018 g-pt-r2-0013 g-ru-0020 r4-ru-0012 "
    "r3-zh-0013 en-b-0151 g-en-r2-0132",
    False,
    BARE,
)
mark(
    "en-c-0222 r4-ja-0020 en-b-0142 en-b-0150 en-c-0088 en-c-0270 r10-en-0018 r3-it-0002 g-es-0080 "
    "r9-en-0006 g-en-0046 r4-en-0011 en-b-0230 en-c-0169",
    False,
    ORDER,
)
mark("r3-en-0028", False, USE)
mark("g-fr-0001 g-it-0007", True, CHANNEL)
# marked records kept (listed so the log shows they were decided)
mark(
    "r4-ko-0009 r4-ko-0010 r4-ko-0047 r4-ko-0018 g-zh-0144 g-it-0009 g-it-0044 g-en-0226 "
    "r11-en-0038 g-en-r2-0013 r11-ja-0002 g-de-0002 g-de-0036 g-de-0038 r10-de-0005 "
    "r4-de-0005 r4-de-0016 r9-de-0002 r9-de-0018 g-en-0091 r10-en-0025 r3-en-0020 r3-en-0029 "
    "r4-en-0004 r4-es-0009 r4-es-0013 r4-ru-0005 r4-ru-0006 r4-ru-0007 r4-ru-0010 "
    "zh-f-0104 zh-g-0331 zh-f-0019 zh-g-0214 zh-b-0052 en-d-0235",
    True,
    CHANNEL,
)
mark("g-en-0278 r3-en-0079", False, INPERSON)
