"""Error messages in the user's language (ja by default, en with --lang en)."""

from __future__ import annotations

from contextvars import ContextVar

language: ContextVar[str] = ContextVar("language", default="ja")

MESSAGES: dict[str, dict[str, str]] = {
    "is_directory": {"ja": "ファイルではなくフォルダです", "en": "is a directory, not a file"},
    "not_found": {"ja": "ファイルが見つかりません", "en": "file not found"},
    "unreadable": {"ja": "読み込めません（{error}）", "en": "cannot be read ({error})"},
    "too_large": {
        "ja": "ファイルが大きすぎます（{size:,} バイト、上限 {limit:,} バイト）",
        "en": "file too large ({size:,} bytes; the limit is {limit:,} bytes)",
    },
    "encoding": {
        "ja": "文字コードが UTF-8 ではありません（{encoding} と思われます）。UTF-8 で保存し直してください",
        "en": "not UTF-8 (looks like {encoding}); save the file as UTF-8",
    },
    "binary": {"ja": "テキストファイルではありません（バイナリ）", "en": "not a text file (binary data)"},
    "empty": {"ja": "ファイルが空です", "en": "the file is empty"},
    "bad_suffix": {
        "ja": "対応していない種類のファイルです（{suffixes} のいずれか）",
        "en": "unsupported kind of file (expected one of {suffixes})",
    },
    "json_syntax": {"ja": "JSON の構文エラー: {error}", "en": "JSON syntax error: {error}"},
    "duplicate_key": {"ja": "キー '{key}' が重複しています", "en": "duplicate key '{key}'"},
    "not_mapping": {
        "ja": "提案書は項目名と値の組（マッピング）である必要があります",
        "en": "a proposal must be a mapping of field names to values",
    },
    "list_too_long": {
        "ja": "一覧の要素が多すぎます（上限 {limit} 件）",
        "en": "list too long (the limit is {limit} items)",
    },
    "unknown_field": {"ja": "未知の項目 '{name}' です", "en": "unknown field '{name}'"},
    "missing_field": {"ja": "必須の項目がありません", "en": "required field is missing"},
    "bad_choice": {
        "ja": "'{value}' は選択肢にありません（{expected}）",
        "en": "'{value}' is not one of the choices ({expected})",
    },
    "bad_yesno": {
        "ja": "'{value}' は はい/いいえ/未記載（true/false/null）ではありません",
        "en": "'{value}' is not yes/no/not stated (true/false/null)",
    },
    "bad_type": {"ja": "'{value}' は {kind} として読めません", "en": "'{value}' is not a valid {kind}"},
    "bad_mapping": {
        "ja": "項目の組（マッピング）が必要ですが {value} です",
        "en": "expected a mapping of fields, got {value}",
    },
    "bad_list": {"ja": "一覧（リスト）が必要ですが {value} です", "en": "expected a list, got {value}"},
    "register_not_list": {
        "ja": "例外登録簿は例外の一覧（リスト）である必要があります",
        "en": "an exception register must be a list of exceptions",
    },
    "output_is_input": {
        "ja": "出力先が入力ファイルと同じです。上書きしません",
        "en": "the output is one of the input files; refusing to overwrite it",
    },
    "output_is_directory": {"ja": "出力先がフォルダです", "en": "the output path is a directory"},
    "output_dir_missing": {"ja": "出力先のフォルダがありません", "en": "the output folder does not exist"},
    "yaml_syntax": {"ja": "YAML の構文エラー: {detail}", "en": "YAML syntax error: {detail}"},
    "yaml_documents": {
        "ja": "1つのファイルに複数の YAML 文書があります。提案書は1ファイルに1つにしてください",
        "en": "the file holds several YAML documents; put one proposal in each file",
    },
    "yaml_expansion": {
        "ja": "文書を展開すると {limit:,} ノードを超えます（エイリアスの多用）。読み込みを中止しました",
        "en": "the document expands to more than {limit:,} nodes (aliases?); refused",
    },
    "yaml_depth": {
        "ja": "入れ子が {limit} 段を超えています。読み込みを中止しました",
        "en": "nesting deeper than {limit} levels; refused",
    },
    "yaml_merge": {"ja": "マージキー（<<）は使えません", "en": "merge keys (<<) are not accepted"},
    "yaml_duplicate": {
        "ja": "キー '{key}' が重複しています（最初は {first} 行目）",
        "en": "duplicate key '{key}' (first at line {first})",
    },
    "document": {"ja": "文書全体", "en": "document"},
    "line": {"ja": "行", "en": "line"},
}


def lookup(table: dict[str, dict[str, str]], key: str, /, **values: object) -> str:
    """Message `key` of `table` in the current language (Japanese when missing), `values` filled in."""
    entry = table[key]
    return entry.get(language.get(), entry["ja"]).format(**values)


def msg(key: str, /, **values: object) -> str:
    """The engine's message `key` in the current language, with `values` filled in."""
    return lookup(MESSAGES, key, **values)
