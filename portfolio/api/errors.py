"""The API's error answers: JSON with a Chinese message, for its own refusals and the app's HTTP errors."""

from flask import jsonify

API_PREFIX = "/api/v1"

# Messages for HTTP errors raised outside the API's own views (unknown URL, wrong method, bad request).
API_MESSAGES = {
    400: "请求有误，请检查参数后重试。",
    404: "接口地址或记录不存在，或您无权查看。",
    405: "此接口不支持该请求方式，只读接口只接受 GET 请求。",
    413: "请求内容过大。",
    500: "系统内部错误，请稍后重试或联系管理员。",
}


def api_error(status: int, message: str, error=None):
    """A JSON error answer; 401 names the Bearer scheme, 405 keeps the allowed methods."""
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response
