"""List the records the off_platform_contact ruling (classifier/GUIDELINES.md, section 3)
may change, by keyword, across the training side of the written and grounded records (the test split and the dev
set are dropped before any text is read).

    python bench/contact_candidates.py [--all]    # prints id, file, mark, hits, text

A record is listed when it carries the mark, or when a keyword of a messenger, a handle
shape (@name, ID:, phone number, e-mail, t.me/wa.me), a contact or private-message word in
any of the ten languages, or the shipped patterns fire on it. `--all` lists marked records
too when nothing fires (default: marked records are always listed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from evasion_candidates import records  # same folder: the training side only

from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import default_matcher

ROOT = Path(__file__).resolve().parent.parent / "classifier" / "data"
KEYWORDS = re.compile(
    r"wechat|weixin|微信|威信|薇信|v信|徽信|\bvx\b|\bwx\b|加v|\+v|\bqq\b|扣扣|企鹅|\bline\b|ライン|"
    r"kakao|카톡|카카오|오픈 ?채팅|telegram|\btg\b|电报|纸飞机|телег|телеграм|\bтг\b|whats ?app|"
    r"\bwa\b|wa\.me|t\.me|вотсап|ватсап|\bwsp\b|\bwpp\b|\bzap|viber|вайбер|signal|instagram|"
    r"\binsta\b|\big\b|facebook|messenger|discord|skype|snapchat|\bdm\b|\bpm\b|inbox|direct|"
    r"@\w|\bid\s?[:：]|\+\d{2,}|\d{3}[\s-]?\d{3,4}[\s-]?\d{4}|e-?mail|邮箱|メール|메일|почт|"
    r"correo|courriel|\bcontact|联系|联络|連絡|连络|お問い?合わせ|问い合わせ|연락|문의|связ|"
    r"пиш|звон|kontakt|contacto|contatt|contato|escr[ií]b|schreib|écri|scriv|me chama|ligue|"
    r"私聊|私信|私我|加我|私发|私讯|客服|電話|电话|전화|телефон|phone|tel\b|téléphone|telefon|"
    r"privado|privat|privé|privato|личк|лс\b|call|text me|message",
)


def main() -> None:
    matcher = default_matcher()
    for name, record in records():
        text = f"{record['title']}\n{record.get('description', '')}"
        marked = bool(record["signals"].get("off_platform_contact", False))
        norm = normalize(text)
        hits = sorted({m.group(0) for m in KEYWORDS.finditer(norm)})
        fired = matcher.flags(matcher.find(norm))["off_platform_contact"]
        if hits or marked or fired:
            row = {
                "id": record["id"],
                "file": name,
                "mark": marked,
                "fired": fired,
                "hits": hits,
                "label": record["label"],
                "text": text,
            }
            print(json.dumps(row, ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
