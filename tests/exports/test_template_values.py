"""An upload's problems quote each cell as the officer typed it (-5, not the reader's float -5.0)."""

from tests.exports.test_template import _fill, _setup, _template, _upload


def test_a_refused_cell_is_quoted_as_typed(app, users, role_client):
    data = _setup()
    client = role_client("officer")
    filled = _fill(
        _template(client, data["period"]),
        {"温县一号工程": {"本期完成投资（万元）": -5, "累计完成比例（%）": 35, "形象进度": "主体完工"}},
    )
    page = _upload(client, data["period"], filled).get_data(as_text=True)
    assert "<td>-5</td>" in page and "-5.0" not in page
