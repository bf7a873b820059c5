"""The escaping every `playbook` output goes through: no forged lines, no terminal control."""

from markdown_it import MarkdownIt

from playbooks.terminal import md_cell, md_code, md_text, plural, text, wrap

HOSTILE = "orders\n0 checks, 0 findings\x1b[2K\r\x1b]0;title\x07\u202eevil\x9b31m"


def test_text_keeps_a_value_on_one_line_with_every_control_visible() -> None:
    out = text(HOSTILE)
    assert "\n" not in out and "\r" not in out and "\x1b" not in out and "\x07" not in out
    assert "\u202e" not in out and "\x9b" not in out
    assert out == ("orders\\n0 checks, 0 findings\\x1b[2K\\r\\x1b]0;title\\x07\\u202eevil\\x9b31m")
    assert text("plain — text, ünïcode") == "plain — text, ünïcode"


def _cells(markdown: str) -> list[list[str]]:
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(markdown)
    rows, row = [], None
    for i, t in enumerate(tokens):
        if t.type == "tr_open":
            row = []
        elif t.type in ("td_open", "th_open"):
            row.append(tokens[i + 1].content if tokens[i + 1].type == "inline" else "")
        elif t.type == "tr_close":
            rows.append(row)
    return rows


def test_a_markdown_table_keeps_its_shape_whatever_the_values() -> None:
    values = ["a|b", "x`|`y", "<script>", "*bold* [link](http://e)", HOSTILE]
    table = "| text | code |\n|---|---|\n" + "".join(
        f"| {md_cell(v)} | {md_code(v, cell=True)} |\n" for v in values
    )
    rows = _cells(table)
    assert len(rows) == 1 + len(values) and all(len(r) == 2 for r in rows)
    html = MarkdownIt("commonmark").enable("table").render(table)
    assert "<script>" not in html and "<em>" not in html and "<a " not in html
    assert "<code>x`|`y</code>" in html


def test_markdown_text_renders_as_the_literal_value() -> None:
    value = "R&D *note* <b> `x` _y_ ~z~ [l](u)"
    html = MarkdownIt("commonmark").renderInline(md_text(value))
    assert html == "R&amp;D *note* &lt;b&gt; `x` _y_ ~z~ [l](u)"
    assert MarkdownIt("commonmark").renderInline(md_code("``")) == "<code>``</code>"


def test_wrap_breaks_at_word_boundaries(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    lines = wrap("word " * 30 + "a-very-long-hyphenated-identifier-kept-whole", "  ").splitlines()
    assert all(len(line) <= 40 for line in lines[:-1])
    assert lines[-1].strip().endswith("a-very-long-hyphenated-identifier-kept-whole")
    assert all(line.startswith("  ") for line in lines)


def test_plural() -> None:
    assert [plural(n, "item") for n in (0, 1, 2)] == ["0 items", "1 item", "2 items"]
