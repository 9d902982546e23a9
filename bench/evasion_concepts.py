"""Concept patterns for evasion_claim (classifier/GUIDELINES.md section 3, points 1 and 2),
written from word lists, not from records: in one sentence, an identification check
(camera, face recognition, ID check, gate...) with a defeat verb, either order; people
around the wearer with a negated noticing verb; "nobody" with a noticing verb.

    python bench/evasion_concepts.py            # print the patterns as JSON
    python bench/evasion_concepts.py --write    # put them in patterns/signals.json

Every word goes through normalize() first (simplified Chinese, Japanese kanji as
normalised text spells them). In the pattern file they follow the hand-written
patterns of each language, marked by CONCEPT_MARK so a rewrite replaces them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from maskscreen.classifier.normalize import normalize

PATTERNS = Path(__file__).resolve().parent.parent / "classifier" / "patterns" / "signals.json"
CONCEPT_MARK = "(?#concept)"
LATIN_GAP = r"[^.!?;\n]{0,40}?"
CJK_GAP = r"[^。！？!?;；\n]{0,14}?"

# language: (checks, defeat verbs before a check, outcomes after a check,
#            people, negated noticing after people, nobody words, noticing after nobody)
CONCEPTS = {
    "en": (
        r"cameras?|cctv|surveillance|face ?id|face (?:recognition|unlock|scan\w*|check\w*)|"
        r"facial recognition|biometric\w*|id checks?|passport control|border (?:control|guards?|"
        r"checks?)|security (?:checks?|guards?)|checkpoints?|turnstiles?|access control|"
        r"door (?:access|locks?)|clock-?in \w+|time clock|kyc|liveness|selfie (?:check|"
        r"verification)|video (?:verification|ident\w*)|"
        r"face (?:readers?|verification)|attendance (?:machines?|terminals?|systems?)|e-?gates?|airport (?:checks?|security)|identity (?:checks?|verification)|id verification|door (?:entry|readers?)|doorm[ae]n|receptionists?",
        r"fool\w*|trick\w*|deceiv\w*|beat(?:s|ing)?|bypass\w*|defeat\w*|get(?:s|ting)? "
        r"(?:past|through)|got (?:past|through)|slip\w* (?:past|through)|evad\w*|dodg\w*|"
        r"confus\w*|spoof\w*|outsmart\w*|"
        r"walk\w* (?:past|through)|sail\w* through|sneak\w* (?:past|through)|breez\w* (?:past|through)|"
        r"pass(?:es|ed|ing)?|ma(?:de|ke|kes|king) it (?:past|through)",
        r"(?:was|were|got|get|gets|be|is|are) (?:\w+ )?(?:fooled|tricked|deceived|beaten|"
        r"bypassed|defeated|confused|spoofed)|(?:can'?t|cannot|couldn'?t|could not|won'?t|"
        r"didn'?t|did not|never|fail(?:s|ed)? to) (?:\w+ )?(?:recogni[sz]e|identify|detect|"
        r"flag|spot|tell)",
        r"family|wife|husband|parents|mum|mom|dad|friends|colleagues|co-?workers|boss|"
        r"neighbou?rs|guards?|police|cops|staff|cashiers?|bouncers?|teachers?|classmates|"
        r"strangers|passers-?by|onlookers|relatives|in-?laws|partner|girlfriend|boyfriend|kids|"
        r"mothers?|fathers?|spouse|children|roommates?|flatmates?|doorm[ae]n|receptionists?",
        r"(?:didn'?t|did not|don'?t|won'?t|will not|wouldn'?t|couldn'?t|could not|can'?t|"
        r"cannot|never|failed to)(?: \w+){0,2} (?:notice|recogni[sz]e|tell|suspect|spot|"
        r"realis\w*|realiz\w*|guess|clock|see through|figure\w* (?:it )?out|work\w* (?:it )?out|caught on)",
        r"nobody|no ?one|no-one|not a (?:single )?(?:soul|person)",
        r"(?:notic|recogni[sz]|suspect|spott|realis|realiz|guess|clock|twig)\w*|figured (?:it )?out|worked (?:it )?out|caught on",
    ),
    "es": (
        r"c[aá]maras?|cctv|videovigilancia|reconocimiento facial|face ?id|desbloqueo facial|"
        r"biom[eé]tric\w*|control(?:es)? de (?:identidad|pasaportes?|seguridad|acceso)|"
        r"aduanas?|torniquetes?|verificaci[oó]n (?:facial|de identidad)|prueba de vida|"
        r"control(?:es)? (?:de (?:migraci[oó]n|fronteras?)|fronterizos?|horarios?)|fichaje|reloj checador",
        r"engañ\w*|burl\w*|enga[nñ]\w*|evad\w*|evit\w*|esquiv\w*|super\w*|pas\w* "
        r"(?:el|los|la|las)|sortea\w*|confund\w*|despist\w*",
        r"(?:no|nunca|jam[aá]s) (?:te |lo |la |le )?(?:reconoce|reconocen|reconoci[oó]|detect\w*|identifica\w*|"
        r"distingu\w*)|(?:fue|fueron|queda|quedan) (?:\w+ )?(?:engañad\w*|burlad\w*)",
        r"familia|esposa|marido|padres|madre|padre|amigos|colegas|compañeros|jefe|vecinos|"
        r"guardias?|polic[ií]as?|personal|cajer\w*|desconocidos|transeúntes|la gente|"
        r"hijos|conocidos|novi[oa]|pareja|parientes",
        r"no (?:\w+ )?(?:not\w*|reconoc\w*|se dier\w* cuenta|sospech\w*|distingu\w*|adivin\w*)",
        r"nadie|ni una persona",
        r"not\w*|reconoc\w*|se da cuenta|se dio cuenta|sospech\w*|distingu\w*|sabr[aá]",
    ),
    "pt": (
        r"c[aâ]meras?|cctv|videovigil[aâ]ncia|reconhecimento facial|face ?id|desbloqueio facial|"
        r"biom[eé]tri\w*|controle de (?:identidade|passaporte|seguran[cç]a|acesso)|catracas?|"
        r"verifica[cç][aã]o facial|prova de vida|valida[cç][aã]o facial|"
        r"ponto (?:eletr[oô]nico|biom[eé]trico)|controle de ponto|portaria|imigra[cç][aã]o|alf[aâ]ndega",
        r"engan\w*|burl\w*|dribl\w*|evit\w*|escap\w* (?:d[aoe]s?)|passa\w* (?:pel[oa]s?|n[oa]s?)|"
        r"confund\w*|fur\w*",
        r"n[aã]o (?:te |o |a |l?he )?(?:reconhece\w*|detecta\w*|identifica\w*|distingu\w*)|"
        r"(?:foi|foram|fica|ficam) (?:\w+ )?(?:enganad\w*|burlad\w*)",
        r"fam[ií]lia|esposa|marido|pais|m[aã]e|pai|amigos|colegas|chefe|vizinhos|guardas?|"
        r"pol[ií]cia|funcion[aá]rios|caixas?|estranhos|as pessoas|"
        r"conhecidos|parentes|namorad[oa]|filhos",
        r"n[aã]o (?:\w+ )?(?:percebe\w*|reconhece\w*|notou|notaram|desconfi\w*|distingu\w*)",
        r"ningu[eé]m",
        r"perceb\w*|reconhec\w*|not\w*|desconfi\w*|distingu\w*|saber[aá]",
    ),
    "fr": (
        r"cam[eé]ras?|vid[eé]osurveillance|cctv|reconnaissance faciale|face ?id|d[eé]verrouillage "
        r"facial|biom[eé]tri\w*|contr[oô]les? d'identit[eé]|douane|portiques?|v[eé]rification "
        r"(?:faciale|d'identit[eé])|"
        r"pointeuses?|badgeuses?|contr[oô]les? (?:aux fronti[eè]res|des passeports)",
        r"tromp\w*|duper|dup[eé]\w*|d[eé]jou\w*|contourn\w*|berner|berne\w*|[eé]chapp\w* (?:aux?|à)|"
        r"passer (?:les|le|la)|franchi\w*|leurr\w*",
        r"ne (?:vous |le |la |l')?(?:reconna[iî]\w*|d[eé]tect\w*|identifi\w*|distingu\w*)|"
        r"(?:est|sont|a [eé]t[eé]|ont [eé]t[eé]) (?:\w+ )?(?:tromp[eé]\w*|dup[eé]\w*|bern[eé]\w*)",
        r"famille|femme|mari|parents|m[eè]re|p[eè]re|amis|coll[eè]gues|patron|voisins|gardiens?|"
        r"police|policiers|personnel|caissi[eè]re?s?|inconnus|passants|les gens|"
        r"proches|connaissances|enfants|conjoint\w*",
        r"(?:ne|n') ?(?:\w+ )?(?:remarqu\w*|reconna[iî]\w*|devin\w*|soup[cç]onn\w*|s'aper[cç]\w*|"
        r"verr?\w*) (?:\w+ )?(?:rien|pas|jamais)",
        r"personne|aucun passant",
        r"ne (?:\w+ )?(?:remarqu\w*|reconna[iî]\w*|devin\w*|soup[cç]onn\w*|s'aper[cç]\w*|verra)",
    ),
    "de": (
        r"kameras?|überwachungskamera\w*|videoüberwachung|gesichtserkennung\w*|face ?id|"
        r"biometri\w*|ausweiskontrolle\w*|passkontrolle\w*|grenzkontrolle\w*|sicherheitskontrolle\w*|"
        r"zugangskontrolle\w*|drehkreuz\w*|video-?ident\w*|einlasskontrolle\w*|"
        r"zeiterfassung\w*|stempeluhr\w*|gesichtsscanner\w*|türsteher\w*|pförtner\w*|"
        r"grenzer\w*|grenzbeamt\w*|zöllner\w*",
        r"täusch\w*|austrick\w*|trickst\w*|überlist\w*|umgeh\w*|umgang\w*|überwind\w*|"
        r"passier\w*|durch(?:kommen|gekommen|kommt)|(?:kam|kamen|komm\w*) (?:\w+ ){0,3}durch|narr\w*",
        r"(?:erkennt|erkennen|erkannte|bemerkt|bemerken|identifiziert) (?:\w+ )?(?:nicht|nichts|"
        r"niemand|keinen)|(?:wird|wurde|werden|wurden) (?:\w+ )?(?:getäuscht|ausgetrickst|"
        r"überlistet|umgangen)|(?<!nicht )(?<!kein )(?:getäuscht|ausgetrickst|überlistet|umgangen|genarrt|hereingelegt)\b",
        r"familie|frau|mann|eltern|mutter|vater|freunde|kollegen|chef|nachbarn|wachleute|"
        r"wachmann|polizei|personal|kassierer\w*|fremde|passanten|die leute|"
        r"verwandte\w*|bekannte\w*|kinder|türsteher\w*|pförtner\w*",
        r"(?:merk|bemerk|erkann|erkenn|ahn|durchschau)\w* (?:\w+ ){0,2}(?:nicht|nichts)",
        r"niemand|keiner|kein mensch",
        r"(?:merk|bemerk|erkenn|erkann|ahn|durchschau|verdacht)\w*",
    ),
    "it": (
        r"telecamer\w*|videosorveglianza|cctv|riconoscimento facciale|face ?id|sblocco facciale|"
        r"biometric\w*|controlli? (?:d'identità|dei documenti|di sicurezza|di frontiera|accessi)|"
        r"tornell\w*|verifica (?:facciale|dell'identità)|"
        r"controllo (?:passaporti|frontiera|documenti)|marcatempo|rilevazione presenze",
        r"ingann\w*|frega\w*|elud\w*|evit\w*|aggir\w*|supera\w*|passa\w* (?:i|il|la|le|lo)|"
        r"confond\w*|bypass\w*",
        r"non (?:ti |lo |la |li )?(?:riconosc\w*|rilev\w*|identific\w*|distingu\w*)|"
        r"(?:viene|vengono|è stat[oa]|sono stat[ie]) (?:\w+ )?(?:ingannat\w*|fregat\w*|aggirat\w*)",
        r"famiglia|moglie|marito|genitori|madre|padre|amici|colleghi|capo|vicini|guardie|polizia|"
        r"personale|cassier\w*|sconosciuti|passanti|la gente|"
        r"parenti|conoscenti|fidanzat[oa]|figli|portier\w*|portinai\w*",
        r"non (?:\w+ )?(?:si (?:è|sono) accort\w*|accorg\w*|riconosc\w*|nota\w*|sospett\w*|capi\w*)",
        r"nessuno",
        r"(?:si )?accorg\w*|riconosc\w*|nota\w*|sospett\w*|capir[aà]|distingu\w*",
    ),
    "ru": (
        r"камер\w*|видеонаблюдени\w*|распознавани\w* лиц\w*|face ?id|биометри\w*|"
        r"паспортн\w* контрол\w*|пограничн\w*|контрол\w* доступа|турникет\w*|проходн\w*|"
        r"видеоверификаци\w*|верификаци\w*|охран\w*|"
        r"кпп|пункт\w* пропуска|пропускн\w* систем\w*",
        r"обман\w*|обхо\w*|обойти|провест\w*|провод\w*|пройти|проход\w*|прош[её]л|прошла|"
        r"минова\w*|уйти от|скры\w* от|обвест\w*|обхитр\w*|перехитр\w*|одурач\w*",
        r"не (?:\w+ )?(?:узна\w*|распозна\w*|отличи\w*|замети\w*|определи\w*|заметя\w*)",
        r"семь\w*|жена|муж|родител\w*|мама|папа|друз\w*|коллег\w*|начальни\w*|сосед\w*|"
        r"охранни\w*|полици\w*|персонал|кассир\w*|прохож\w*|незнаком\w*|люди|"
        r"родн\w*|близки\w*|знакомы\w*|мать|отец|дети",
        r"не (?:\w+ )?(?:замет\w*|узна\w*|догада\w*|отлич\w*|заподозр\w*|раскус\w*|понял\w*)",
        r"никто|ни один человек|ни одна душа",
        r"не (?:\w+ )?(?:замет\w*|узна\w*|догада\w*|отлич\w*|заподозр\w*|раскус\w*|поймет|поймёт)",
    ),
    "zh": (
        "摄像头|监控|人脸识别|面部识别|刷脸|门禁|闸机|安检|边检|海关|考勤机|打卡机|身份验证|"
        "实名认证|活体检测|视频认证|人脸验证|指纹锁|人脸锁|面容id|face ?id|"
        "辨识|监视器|天眼|考勤|人证核验|刷脸支付|闸口|门岗",
        "骗过|绕过|躲过|避开|逃过|混过|糊弄|蒙混|破解|骗了|瞒过|蒙过|混进|躲开|规避|躲避|逃避",
        "(?:认|识别|检测|发现|看|分辨)不出|没(?:有)?(?:认|识别|检测|发现|看)出|"
        "(?:都|也)(?:能|可以)?(?:过|通过|刷开|打开|解锁)",
        "家人|家里人|老婆|老公|爸妈|父母|爸|妈|朋友|同事|领导|老板|邻居|保安|警察|门卫|"
        "收银员|店员|服务员|员工|路人|熟人|亲戚|对象|男朋友|女朋友|同学|老师|孩子|"
        "亲妈|老妈|老爸|媳妇|闺蜜|室友|舍友|前台|物业|街坊",
        "(?:都|也|根本|完全|愣是|竟然)?(?:没|没有|不会|不能|无法|看不|认不)(?:\\S{0,2})?"
        "(?:认出|认得|发现|察觉|看出|怀疑|识破|分辨|出来)|(?:都|只会|还)?(?:以为|当成|当作|觉得)"
        "(?:你|我|他|她)(?:是|为)",
        "没人|没有人|谁都|谁也|无人|没一个人",
        "(?:认|看|发现|察觉|怀疑|识破|分辨)(?:不)?出|(?:不会|没)(?:发现|察觉|怀疑|识破)|认得",
    ),
    "ja": (
        "防犯カメラ|监视カメラ|カメラ|颜认证|颜认识|颜识别|生体认证|入国审查|保安检查|"
        "セキュリティゲート|ゲート|改札|本人确认|ekyc|顔认证|フェイスid|face ?id|"
        "勤怠|タイムカード|入馆",
        "骗|欺|すり抜け|通り抜け|突破|かいくぐ|くぐり抜け|ごまか|误魔化",
        "(?:を|も|に)?(?:通过|突破|解除|すり抜け|骗|欺|ごまか|パス)(?:でき|し|され|する|れ)|"
        "(?:见破|认识|识别|检知|特定)(?:でき|され)(?:ない|ません|ず)",
        "家族|妻|夫|両亲|親|母|父|友人|友达|同僚|上司|近所|警备员|警察|店员|通行人|周り|"
        "周囲|知り合い|恋人|彼氏|彼女|"
        "親戚|知人|ご近所|受付|守衛",
        "(?:も|にも|でさえ|すら)?(?:気づ|気付|见破|わから|分から|バレ|ばれ|见抜|疑わ)"
        "(?:かな|かれな|ない|なかった|れなかった|ません|ず)|(?:に|から)(?:\\S{0,8})と(?:思われ|间违われ)",
        "誰も|谁も|だれも|誰一人|谁一人",
        "(?:気づ|気付|见破|わから|分から|见抜|疑わ|気が付)",
    ),
    "ko": (
        "cctv|감시 ?카메라|보안 ?카메라|방범 ?카메라|카메라|얼굴 ?인식|안면 ?인식|페이스 ?id|"
        "face ?id|생체 ?인증|출입 ?통제|출입문|게이트|검색대|출입국 ?심사|신분 ?확인|본인 ?인증|"
        "얼굴 ?인증|안면 ?인증|"
        "출퇴근|근태|무인 ?매장|얼굴 ?결제|자동 ?출입국",
        "속이|속여|속였|뚫|통과|우회|피하|피해|피했|무력화|따돌",
        "(?:을|를|도|이|가)? ?(?:(?:통과|뚫|우회) ?(?:했|됐|됨|되더|가능|할 수)|속(?:였|여|아|이))|(?:인식|식별|감지)(?:하지 못|을 못|이 안|"
        "못 ?하|되지 않|이 되지 않)",
        "가족|아내|남편|부모님?|엄마|아빠|친구|동료|상사|이웃|경비원?|경찰|직원|점원|행인|"
        "지나가는 사람|사람들|지인|애인|남친|여친|"
        "와이프|남자 ?친구|여자 ?친구|친척|선생님",
        "(?:도|조차|들도|들은|은|는)? ?(?:전혀 |아무도 |하나도 )?(?:못 ?알아|알아보지 못|"
        "눈치 ?(?:를 )?못|눈치채지 못|모르|몰라|몰랐|의심하지 않|의심 안)",
        "아무도|누구도|그 누구도|한 명도",
        "(?:못 ?알아|알아보지 못|눈치|모르|몰라|몰랐|의심)",
    ),
}
LATIN = {"en", "es", "pt", "fr", "de", "it", "ru"}
# The people and nobody patterns begin with common words (family, staff, 同事, 路人), so the
# signal gate passes more listings on to the alternations; measured with both sides pinned
# (bench/evasion_speed.py) the cost is within the noise. --no-people leaves them out.
PEOPLE_PATTERNS = "--no-people" not in sys.argv


def norm(words: str) -> str:
    """The words as normalised text spells them (simplified Chinese, lower case...);
    the expression syntax (ASCII) is left as it is."""
    return "".join(normalize(c) if ord(c) > 127 else c for c in words)


def patterns(language: str) -> list[str]:
    checks, defeat, outcome, people, unnoticed, nobody, notice = map(norm, CONCEPTS[language])
    if language in LATIN:
        gap, b = LATIN_GAP, r"\b"
    else:
        gap, b = CJK_GAP, ""
    out = [
        f"{b}(?:{defeat}){b}{gap}{b}(?:{checks}){b}",
        f"{b}(?:{checks}){b}{gap}{b}(?:{outcome})",
    ]
    if PEOPLE_PATTERNS:
        out += [
            f"{b}(?:{people}){b}{gap}(?:{unnoticed})",
            f"{b}(?:{nobody}){b}{gap}(?:{notice})",
        ]
    return [CONCEPT_MARK + p for p in out]


def main() -> None:
    generated = {language: patterns(language) for language in CONCEPTS}
    if "--write" not in sys.argv:
        print(json.dumps(generated, ensure_ascii=False, indent=1))  # noqa: T201
        return
    data = json.loads(PATTERNS.read_text("utf-8"))
    section = data["signals"]["evasion_claim"]
    for language, new in generated.items():
        own = [p for p in section[language] if not p.startswith(CONCEPT_MARK)]
        section[language] = own + new
    PATTERNS.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
