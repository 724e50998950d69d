"""Fixed wording of the page, Japanese first. The findings, verdicts and classification use the
reports' labels (`engine.labels`); only what the page alone says is here."""

from __future__ import annotations

from itaku.engine.labels import LABELS

WEB_LABELS: dict[str, dict[str, str]] = {
    "title": {"ja": "委託審査 自己点検", "en": "Outsourcing review: self-check"},
    "lead": {
        "ja": "個人情報を扱う業務の委託について、審議会に諮る前に提案の内容を記入し、"
        "セキュリティアドバイザーの視点での指摘を確かめます。入力するたびに右の「審査の見通し」が更新されます。",
        "en": "Fill in an outsourcing proposal before it goes to the council and see the security advisor's view; "
        "the review on the right updates as you type.",
    },
    "privacy": {
        "ja": "入力した内容はこの画面の中だけで使われ、サーバには保存も記録もされません。"
        "ページを閉じると消えるため、続きは「提案書（YAML）」や「申請様式（Excel）」を保存して読み込んでください。",
        "en": "What you enter is used for this page only: the server neither stores nor logs it. It is gone when the "
        "page is closed; save the proposal (YAML) or the form (Excel) to continue later.",
    },
    "skip": {"ja": "入力欄へ移動", "en": "Skip to the form"},
    "nav.form": {"ja": "自己点検", "en": "Self-check"},
    "nav.rules": {"ja": "審査の観点（ルール一覧）", "en": "What is checked (rules)"},
    "toc": {"ja": "記入する区分", "en": "Sections"},
    "upload.title": {"ja": "記入済みの提案を読み込む", "en": "Load a filled proposal"},
    "upload.help": {
        "ja": "記入済みの申請様式（Excel .xlsx）、提案書（YAML）または JSON を選ぶと、この画面に読み込みます。",
        "en": "Choose a filled proposal form (Excel .xlsx), a YAML or a JSON proposal to fill this page.",
    },
    "upload.file": {"ja": "ファイル", "en": "File"},
    "upload.button": {"ja": "読み込む", "en": "Load"},
    "upload.done": {"ja": "「{name}」を読み込みました。", "en": "Loaded '{name}'."},
    "upload.failed": {"ja": "「{name}」を読み込めませんでした: {message}", "en": "Could not load '{name}': {message}"},
    "upload.none": {"ja": "ファイルが選ばれていません。", "en": "No file was chosen."},
    "download.title": {"ja": "保存・出力", "en": "Save and print"},
    "download.help": {
        "ja": "この画面の内容から作ります。コマンドで同じ提案から作ったものと同じファイルです。",
        "en": "Made from what this page holds; the same files the command line makes from the same proposal.",
    },
    "download.yaml": {"ja": "提案書（YAML）", "en": "Proposal (YAML)"},
    "download.form": {"ja": "申請様式（Excel）", "en": "Proposal form (Excel)"},
    "download.self-check": {"ja": "自己点検シート（Excel）", "en": "Self-check sheet (Excel)"},
    "download.report": {"ja": "審査報告（HTML）", "en": "Review report (HTML)"},
    "download.docx": {"ja": "意見案（Word）", "en": "Draft opinion (Word)"},
    "check.button": {"ja": "審査の見通しを更新", "en": "Update the review"},
    "pane.title": {"ja": "審査の見通し", "en": "The advisor's view"},
    "pane.waiting": {"ja": "更新中…", "en": "Updating…"},
    "pane.errors": {
        "ja": "入力に誤りがあるため、審査できません。赤で示した欄を直してください（{n}件）。",
        "en": "The review cannot run until the fields marked in red are corrected ({n}).",
    },
    "pane.first_error": {"ja": "最初の誤り", "en": "First error"},
    "pane.empty": {
        "ja": "必須の項目（資料番号、件名、担当課、区分）を記入すると、審査の見通しが表示されます。",
        "en": "Fill in the required fields (case number, title, department, kinds) to see the review.",
    },
    "pane.classification": {"ja": "区分", "en": "Classification"},
    "pane.counts": {"ja": "要対応 {blocker}件・助言 {advice}件・参考 {info}件", "en": "{blocker} blocker, {advice} advice, {info} info"},
    "pane.rule_link": {"ja": "この観点の説明", "en": "About this check"},
    "required": {"ja": "必須", "en": "required"},
    "applies": {"ja": "この区分は提案に該当しますか", "en": "Does this section apply to the proposal?"},
    "applies.list": {"ja": "該当するものはありますか", "en": "Are there any?"},
    "applies.help": {
        "ja": "「いいえ」にすると、この区分の入力欄は使われません。未記載のまま項目を記入すると「はい」とみなします。",
        "en": "'No' leaves this section's fields out; filling in a field counts as 'yes'.",
    },
    "yesno.true": {"ja": "はい", "en": "Yes"},
    "yesno.false": {"ja": "いいえ", "en": "No"},
    "yesno.none": {"ja": "未記載", "en": "Not stated"},
    "choice.none": {"ja": "（未記載）", "en": "(not stated)"},
    "choice.empty_list": {"ja": "なし（該当なし）", "en": "None"},
    "list.add": {"ja": "追加", "en": "Add"},
    "list.remove": {"ja": "削除", "en": "Remove"},
    "list.item": {"ja": "{label} {n}", "en": "{label} {n}"},
    "list.add_row": {"ja": "{label}を追加", "en": "Add to {label}"},
    "mapping.topic": {"ja": "論点", "en": "Topic"},
    "mapping.text": {"ja": "対応内容", "en": "Response"},
    "hint.date": {
        "ja": "令和元年9月9日、R1.9.9、2019/9/9 などの書き方で入力できます。",
        "en": "Write it as 2019/9/9, 令和元年9月9日, R1.9.9, …",
    },
    "hint.int": {"ja": "整数", "en": "A whole number"},
    "hint.int_min": {"ja": "{low}以上の整数", "en": "A whole number of at least {low}"},
    "hint.int_range": {"ja": "{low}〜{high}の整数", "en": "A whole number from {low} to {high}"},
    "hint.text_list": {"ja": "1欄に1つ。「追加」で欄を増やします。", "en": "One per box; 'Add' gives another box."},
    "hint.enum_list": {
        "ja": "当てはまるものをすべて選びます。該当がなければ「なし」、何も選ばなければ未記載です。",
        "en": "Tick all that apply; 'None' if none do; nothing ticked means not stated.",
    },
    "hint.enum_list_required": {"ja": "当てはまるものをすべて選びます。", "en": "Tick all that apply."},
    "read_as": {"ja": "{wareki}（{western}）として読み取りました", "en": "Read as {western} ({wareki})"},
    "error.section_marked_no": {
        "ja": "「いいえ」（該当しない）とされていますが、この区分の項目が記入されています。",
        "en": "Marked 'no' (does not apply), but fields of this section are filled in.",
    },
    "error.list_marked_no": {
        "ja": "「いいえ」とされていますが、一覧に記入があります。",
        "en": "Marked 'no', but the list has entries.",
    },
    "error.list_marked_yes_empty": {
        "ja": "「はい」とされていますが、一覧に記入がありません。",
        "en": "Marked 'yes', but the list is empty.",
    },
    "error.none_and_choice": {
        "ja": "「なし」と他の選択肢が両方選ばれています。",
        "en": "'None' and other choices are both ticked.",
    },
    "error.unknown_choice": {"ja": "選択肢にない値です（'{value}'）。", "en": "Not one of the choices ('{value}')."},
    "error.duplicate_topic": {"ja": "同じ論点が2回あります。", "en": "The same topic appears twice."},
    "error.missing_topic": {"ja": "論点を選んでください。", "en": "Choose a topic."},
    "error.too_large": {
        "ja": "送られた内容が大きすぎます（上限 {limit:,} バイト）。",
        "en": "What was sent is too large (the limit is {limit:,} bytes).",
    },
    "error.too_many_fields": {"ja": "入力欄が多すぎます（上限 {limit:,}）。", "en": "Too many fields (the limit is {limit:,})."},
    "error.forbidden": {
        "ja": "この画面以外からの送信は受け付けません。ページを開き直してから操作してください。",
        "en": "Requests from outside this page are refused. Reload the page and try again.",
    },
    "error.not_found": {"ja": "ページが見つかりません。", "en": "Page not found."},
    "error.internal": {
        "ja": "内部エラーが発生しました。入力内容は保存されていません。もう一度お試しください。",
        "en": "An internal error occurred. Nothing you entered was kept. Please try again.",
    },
    "error.method": {"ja": "この操作はできません。", "en": "This action is not allowed."},
    "error.bad_form": {"ja": "送られた内容を読み取れません。", "en": "What was sent cannot be read."},
    "error.back": {"ja": "自己点検の画面に戻る", "en": "Back to the self-check"},
    "rules.title": {"ja": "審査の観点（ルール一覧）", "en": "What is checked (the rules)"},
    "rules.lead": {
        "ja": "自己点検で確かめる観点を論点ごとに並べています。各観点の根拠、チェックリストでの問い、"
        "確認事項と契約書等への追記例を示します。",
        "en": "The checks by topic, each with its source, its checklist question, what to confirm and a clause to add.",
    },
    "rules.count": {"ja": "{n}件", "en": "{n}"},
    "rule.severity": {"ja": "指摘の重さ", "en": "Severity"},
    "rule.topic": {"ja": "論点", "en": "Topic"},
    "rule.source": {"ja": "根拠", "en": "Source"},
    "rule.checklist": {"ja": "チェックリストの問い", "en": "Checklist question"},
    "rule.ask": {"ja": "確認事項", "en": "To confirm"},
    "rule.clause": {"ja": "追記例", "en": "Clause to add"},
    "rule.message": {"ja": "指摘の文例", "en": "What the finding says"},
    "rule.effective": {"ja": "適用期間", "en": "In force"},
    "rule.effective_from": {"ja": "{date}から", "en": "from {date}"},
    "rule.effective_until": {"ja": "{date}の前日まで", "en": "until the day before {date}"},
    "rule.always": {"ja": "期間の定めなし", "en": "Always"},
    "rule.waivable": {"ja": "例外（適用除外）", "en": "Exception"},
    "rule.waivable.yes": {"ja": "審議会の決定により例外とできる", "en": "The council may waive it"},
    "rule.waivable.no": {"ja": "例外とできない", "en": "Cannot be waived"},
    "rule.back": {"ja": "ルール一覧に戻る", "en": "Back to the rules"},
    "footer": {
        "ja": "itaku による自動評価です。最終的な判断は審議会が行います。入力内容はサーバに保存されません。",
        "en": "An automated review by itaku; the council decides. Nothing you enter is kept on the server.",
    },
}


def t(key: str, lang: str = "ja", **values: object) -> str:
    """The page's label `key` in `lang`, else the reports' label of that name; `values` filled in."""
    entry = WEB_LABELS.get(key) or LABELS[key]
    text = entry.get(lang) or entry["ja"]
    return text.format(**values) if values else text
