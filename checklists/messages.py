"""Messages of the Excel form reader and the checklist commands, in the user's language.

They follow engine.messages: the language is the one the CLI set (`--lang`), Japanese by default.
Messages for a bad cell read `'<what is expected>' expected（入力値: '<what was found>'）`, so that
the place (`申請様式!C14`) and the expectation come first, as the issue asks.
"""

from __future__ import annotations

from itaku.engine.messages import lookup

MESSAGES: dict[str, dict[str, str]] = {
    "expected": {"ja": "'{expected}' expected（入力値: '{value}'）", "en": "'{expected}' expected (got '{value}')"},
    "expected.yesno": {"ja": "はい/いいえ/未記載", "en": "yes/no/not stated"},
    "expected.date": {
        "ja": "日付（2020-01-06、2020/1/6、令和2年1月6日、R2.1.6 など）",
        "en": "a date (2020-01-06, 2020/1/6, 令和2年1月6日, R2.1.6, ...)",
    },
    "expected.int": {"ja": "整数", "en": "a whole number"},
    "expected.int_range": {"ja": "{low}〜{high} の整数", "en": "a whole number from {low} to {high}"},
    "expected.int_min": {"ja": "{low} 以上の整数", "en": "a whole number of at least {low}"},
    "expected.text": {"ja": "文字列", "en": "text"},
    "formula_no_value": {
        "ja": "数式が入力されていますが、計算結果が保存されていません。値を直接入力してください",
        "en": "holds a formula with no saved result; type the value itself",
    },
    "formula_used": {
        "ja": "数式が入力されています。保存されている計算結果 '{value}' を使いました",
        "en": "holds a formula; its saved result '{value}' was used",
    },
    "not_workbook": {
        "ja": "Excel ブック（.xlsx）ではありません",
        "en": "not an Excel workbook (.xlsx)",
    },
    "encrypted": {
        "ja": "パスワードで保護（暗号化）されたブックは読めません。パスワードを解除して保存し直してください",
        "en": "a password-protected (encrypted) workbook cannot be read; save it without a password",
    },
    "old_xls": {
        "ja": "古い形式（.xls）のブックは読めません。.xlsx 形式で保存し直してください",
        "en": "an old-format (.xls) workbook cannot be read; save it as .xlsx",
    },
    "too_large": {
        "ja": "ファイルが大きすぎます（{size:,} バイト、上限 {limit:,} バイト）",
        "en": "file too large ({size:,} bytes; the limit is {limit:,} bytes)",
    },
    "zip_total": {
        "ja": "展開後の大きさが上限を超えます（宣言 {size:,} バイト、上限 {limit:,} バイト）。展開せずに中止しました",
        "en": "would inflate past the limit ({size:,} bytes declared; the limit is {limit:,}); refused before inflating",
    },
    "zip_ratio": {
        "ja": "圧縮率が異常です（{name}: {ratio:,.0f} 倍、上限 {limit} 倍）。展開せずに中止しました",
        "en": "absurd compression ratio ({name}: {ratio:,.0f}x; the limit is {limit}x); refused before inflating",
    },
    "zip_members": {
        "ja": "ブックの部品が多すぎます（{count:,} 個、上限 {limit:,} 個）",
        "en": "too many parts in the workbook ({count:,}; the limit is {limit:,})",
    },
    "no_version": {
        "ja": "itaku の申請様式ではありません（版の目印 itaku_form_version がありません）。"
        "`itaku template` で作成した様式に記入してください",
        "en": "not an itaku proposal form (no itaku_form_version marker); fill in a form made by `itaku template`",
    },
    "wrong_version": {
        "ja": "申請様式の版が違います（この様式: {found}、読める版: {expected}）。`itaku template` で作り直してください",
        "en": "form of another version ({found}); this itaku reads {expected}; make a new one with `itaku template`",
    },
    "no_sheet": {"ja": "シート「{sheet}」がありません", "en": "no sheet '{sheet}'"},
    "too_many_rows": {
        "ja": "行が多すぎます（{rows:,} 行、上限 {limit:,} 行）",
        "en": "too many rows ({rows:,}; the limit is {limit:,})",
    },
    "macros_ignored": {
        "ja": "マクロ付きブックです。マクロは読み込まず無視し、セルの値だけを読みました",
        "en": "macro-enabled workbook: the macros were ignored; only cell values were read",
    },
    "merged_input": {
        "ja": "入力欄が結合されています（{range}）。セルの結合を解除してください",
        "en": "input cells are merged ({range}); unmerge them",
    },
    "section_marked_no": {
        "ja": "「いいえ」（この区分は該当しない）とされていますが、区分内の項目が記入されています（{cell}）",
        "en": "marked 'no' (the section does not apply) but fields in it are filled in ({cell})",
    },
    "table_marked_yes_empty": {
        "ja": "「はい」とされていますが、シート「{sheet}」に記入がありません",
        "en": "marked 'yes' but sheet '{sheet}' has no rows",
    },
    "table_marked_no_rows": {
        "ja": "「いいえ」とされていますが、シート「{sheet}」に記入があります",
        "en": "marked 'no' but sheet '{sheet}' has rows",
    },
    "unknown_topic": {
        "ja": "'{value}' は論点ではありません（「選択肢」シートの論点から選んでください）",
        "en": "'{value}' is not a finding topic (pick one from the Choices sheet)",
    },
    "duplicate_key": {"ja": "'{value}' が重複しています（{other} にもあります）", "en": "'{value}' appears twice (also at {other})"},
    "missing_key": {"ja": "論点が入力されていません", "en": "no topic given"},
    "text_too_long": {
        "ja": "文字数が多すぎて Excel のセルに入りません（{n:,} 文字、上限 {limit:,} 文字）",
        "en": "too long for an Excel cell ({n:,} characters; the limit is {limit:,})",
    },
    "line_break_in_item": {
        "ja": "一覧の要素に改行が含まれていて、様式の1つのセルに書けません（'{item}'）",
        "en": "a list item contains a line break and cannot be written into one cell of the form ('{item}')",
    },
    "output_suffix": {
        "ja": "出力ファイルの拡張子は .xlsx にしてください",
        "en": "the output file must end in .xlsx",
    },
    "hidden_cell": {
        "ja": "非表示の行又は列にある値を読み込みました",
        "en": "read a value from a hidden row or column",
    },
    "no_bulk_send": {
        "ja": "一斉メール送信（email.bulk_send: はい）の提案がないため、メール送信前チェックリストは作れません",
        "en": "no proposal sends bulk mail (email.bulk_send: yes), so there is no pre-send checklist to make",
    },
    "skipped_no_bulk_send": {
        "ja": "一斉メール送信の提案ではないため、メール送信前チェックリストから除きました",
        "en": "sends no bulk mail; left out of the pre-send checklist",
    },
}


def fmsg(key: str, /, **values: object) -> str:
    """The message `key` in the current language, with `values` filled in."""
    return lookup(MESSAGES, key, **values)


def expected(what: str, value: object, **values: object) -> str:
    """`'<what>' expected（入力値: '<value>'）`, `what` being a key of MESSAGES or a text."""
    text = fmsg(what, **values) if what in MESSAGES else what
    shown = str(value)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return fmsg("expected", expected=text, value=shown)
