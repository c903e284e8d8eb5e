"""Click's own messages in Chinese, for every command of the app's CLI.

Click builds its usage errors ("Error: Missing option", "Invalid value", "No such option") and help
headings with gettext, which picks a catalogue from the LANG/LANGUAGE variables of whoever runs the
command, so a catalogue file would only work on servers that happen to run in a Chinese locale. Instead
`install()` points the gettext functions click's modules imported at this table, once per process and
before any command is declared (a Path option names its kind, "file", when it is built): every command,
its options, its argument types and the `flask` group's "No such command" answer the same way.
A test checks that each message click marks for translation has an entry here, so an upgrade of click
that adds a message fails loudly instead of printing English.
"""

import importlib

# The click modules that import gettext's functions (as `_` and `ngettext`).
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)

MESSAGES = {
    # exceptions.py: how every usage error is shown
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看用法。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少必填选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    # core.py: parsing and help
    "Aborted!": "已中止。",
    "Missing command.": "缺少子命令。",
    "Options": "选项",
    "Positional arguments": "位置参数",
    "Commands": "命令",
    "deprecated": "已弃用",
    "required": "必填",
    "(dynamic)": "（动态）",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "Value must be an iterable.": "值必须是一组值。",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "注意：命令 {name!r} 已弃用。{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "注意：{name!r} 已弃用。{extra_message}"
    ),
    "Could not determine name for option with declarations {decls!r}": "无法确定选项 {decls!r} 的名称",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": "未定义选项却给出了名称（{name}）：是要定义参数，还是 '--{name}'？",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "参数只能有一个声明，实际有 {length} 个：{decls}。"
    ),
    "Name '{name}' defined twice": "名称 '{name}' 定义了两次",
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "开关选项 {decl!r} 的“是”和“否”不能用同一个写法。"
    ),
    # decorators.py: the standard options
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不再询问，直接确认。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Show the version and exit.": "显示版本并退出。",
    "Show this message and exit.": "显示此帮助并退出。",
    # formatting.py
    "Usage:": "用法：",
    # parser.py
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    # types.py: argument types
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "可选（{choices}）",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的开关值，可用：{states}"
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    # termui.py, _termui_impl.py, shell_completion.py, utils.py
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Unknown color {colour!r}": "未知颜色 {colour!r}",
    "d": "天",  # progress bar: days left
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "无法识别 Bash 版本，不支持命令补全。"
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Bash 4.4 以下版本不支持命令补全。"
    ),
    "Unknown standard stream '{name}'": "未知的标准流 '{name}'",
}

# Plural messages: (singular, plural) -> (Chinese for one, Chinese for several).
PLURALS = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "多余的参数（{args}）",
        "多余的参数（{args}）",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "需要 {nargs} 个值，实际给了 1 个。",
        "需要 {nargs} 个值，实际给了 {len} 个。",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "是不是 {possibility}？",
        "（是不是其中之一：{possibilities}？）",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "选项 {name!r} 需要一个值。",
        "选项 {name!r} 需要 {nargs} 个值。",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} 不是可选值 {choice}。",
        "{value!r} 不是可选值之一：{choices}。",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} 不符合格式 {format}。",
        "{value!r} 不符合以下任一格式：{formats}。",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): ("需要 {len_type} 个值，实际给了 {len_value} 个。", "需要 {len_type} 个值，实际给了 {len_value} 个。"),
}


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    one, several = PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else several


def install() -> None:
    """Make click speak Chinese in this process (idempotent: every create_app calls it)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
