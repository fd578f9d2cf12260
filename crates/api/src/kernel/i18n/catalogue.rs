//! The message catalogue: every text a problem document carries, in zh-CN and en, as tables.
//! The spec's closed sets (problem types, rule ids, field error codes) are generated from
//! these same tables, so what the server renders and what the spec lists cannot drift apart.

/// A problem kind: the last segment of its `type` URI, its status, its titles and what it means.
pub struct ProblemType {
    pub slug: &'static str,
    pub status: u16,
    pub zh: &'static str,
    pub en: &'static str,
    pub meaning: &'static str,
}

const fn problem(
    slug: &'static str,
    status: u16,
    zh: &'static str,
    en: &'static str,
    meaning: &'static str,
) -> ProblemType {
    ProblemType {
        slug,
        status,
        zh,
        en,
        meaning,
    }
}

/// Every problem type the server sends, sorted by slug.
pub const PROBLEM_TYPES: &[ProblemType] = &[
    problem(
        "bad-request",
        400,
        "请求格式错误",
        "Malformed request",
        "the request cannot be read: malformed JSON, a wrong type, an unknown field or query parameter, a bad cursor or header",
    ),
    problem(
        "conflict",
        409,
        "状态冲突",
        "Conflict",
        "the record's state does not allow the command (`rule` names the rule, e.g. TKT-3), or another record has a unique value (`errors` with code `duplicate`)",
    ),
    problem(
        "forbidden",
        403,
        "无权限",
        "Forbidden",
        "the caller's roles or the record's visibility (ORG-5) do not allow the command; `rule` names the rule reserving it, when one does",
    ),
    problem(
        "idempotency-in-progress",
        409,
        "相同幂等键的请求正在处理",
        "Request in progress",
        "a request with the same Idempotency-Key is still running; retry after `Retry-After`",
    ),
    problem(
        "idempotency-key-reused",
        422,
        "幂等键已被其他请求使用",
        "Idempotency key reused",
        "the Idempotency-Key was used before with a different request",
    ),
    problem(
        "idempotency-outcome-lost",
        409,
        "请求已执行，响应已丢失",
        "Request carried out, response lost",
        "the first request with the Idempotency-Key was carried out but its response was lost; `entity_type`/`entity_id` name what it wrote",
    ),
    problem(
        "internal",
        500,
        "服务器内部错误",
        "Internal server error",
        "an unexpected error; quote `request_id`",
    ),
    problem(
        "method-not-allowed",
        405,
        "方法不允许",
        "Method not allowed",
        "the path does not support the method; `Allow` lists those it does",
    ),
    problem(
        "not-found",
        404,
        "资源不存在",
        "Not found",
        "no such record or path, or the record is not visible to the caller",
    ),
    problem(
        "overloaded",
        503,
        "服务繁忙",
        "Service busy",
        "password hashing stayed busy too long; retry after `Retry-After`",
    ),
    problem(
        "password-change-required",
        403,
        "须先修改密码",
        "Password change required",
        "the account holds a temporary (generated or reset) password: only `POST /api/v1/me/password`, `GET /api/v1/me` and logout are allowed until it is changed",
    ),
    problem(
        "payload-too-large",
        413,
        "请求体过大",
        "Payload too large",
        "the body or file exceeds its size limit",
    ),
    problem(
        "precondition-failed",
        412,
        "版本不匹配",
        "Precondition failed",
        "the record changed since it was read; `current_version` is its version now",
    ),
    problem(
        "precondition-required",
        428,
        "缺少 If-Match",
        "Precondition required",
        "a change to an existing record needs `If-Match`",
    ),
    problem(
        "rate-limited",
        429,
        "请求过于频繁",
        "Too many requests",
        "a rate limit or login lock-out applies; retry after `Retry-After`",
    ),
    problem(
        "rule-violation",
        422,
        "违反业务规则",
        "Business rule violated",
        "a rule of the domain refused the command; `rule` names it",
    ),
    problem(
        "sync-reset",
        410,
        "须重新完整同步",
        "Sync must start over",
        "what the caller may see shrank after `updated_since`: read the list again in full, then continue from `resync_since`",
    ),
    problem(
        "unauthenticated",
        401,
        "未认证",
        "Authentication required",
        "no, invalid or expired credentials, or a wrong password",
    ),
    problem(
        "unavailable",
        503,
        "服务暂不可用",
        "Service unavailable",
        "the database is unavailable; retry after `Retry-After`",
    ),
    problem(
        "unsupported-media-type",
        415,
        "不支持的媒体类型",
        "Unsupported media type",
        "the body's or file's media type is not one the operation takes",
    ),
    problem(
        "validation",
        422,
        "输入校验失败",
        "Validation failed",
        "fields break their rules; `errors` lists each, and `rule` names the one rule they all cite, if they do",
    ),
];

/// A field error code: its message in each language and what it means.
pub struct FieldCode {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn code(code: &'static str, zh: &'static str, en: &'static str) -> FieldCode {
    FieldCode { code, zh, en }
}

/// Every field error code (`kefu_core::FIELD_CODES`), sorted; `en` is also the code's meaning
/// in the spec.
pub const FIELD_CODE_TEXTS: &[FieldCode] = &[
    code(
        "above_list",
        "高于标价，须经理批准",
        "above the list price: needs a manager's approval",
    ),
    code("above_unit_price", "高于单价", "above the unit price"),
    code(
        "before_install_date",
        "早于安装日期",
        "before the installation date",
    ),
    code(
        "before_instruction",
        "早于指令日期",
        "before the instruction's date",
    ),
    code("before_sent", "早于寄出日期", "before the day it was sent"),
    code(
        "before_status_since",
        "早于当前状态的开始时间",
        "before the current status began",
    ),
    code("check_failed", "检查未通过", "a required check failed"),
    code(
        "condition_not_met",
        "条件未满足",
        "a required condition is not met",
    ),
    code(
        "duplicate",
        "与已有记录重复",
        "already used by another record (or given twice)",
    ),
    code("email", "不是有效的邮箱地址", "not a valid e-mail address"),
    code(
        "forbidden_target",
        "不允许的目标地址",
        "a target address webhooks may not reach",
    ),
    code("format", "格式不正确", "not in the required format"),
    code(
        "future",
        "不能晚于当前时间",
        "in the future, where it may not be",
    ),
    code("invalid", "取值无效", "not a valid value"),
    code(
        "invalid_type",
        "类型或取值不正确",
        "of the wrong type, or not one of the allowed values",
    ),
    code("invalid_url", "不是有效的网址", "not a valid URL"),
    code("kind", "类型不符", "of the wrong kind for this record"),
    code("length", "长度不符合要求", "of the wrong length"),
    code(
        "measured",
        "该项由系统计算，不能手工录入",
        "measured by the system, not entered by hand",
    ),
    code(
        "mismatch",
        "与其他数据不一致",
        "does not agree with the other values",
    ),
    code("missing", "缺失", "missing"),
    code(
        "not_a_supervisor",
        "不是该班组的主管",
        "not a supervisor of the team",
    ),
    code("not_allowed", "此处不允许该取值", "not allowed here"),
    code(
        "not_covered",
        "不在合同覆盖范围内",
        "not covered by the contract",
    ),
    code(
        "not_found",
        "引用的记录不存在或不可见",
        "the record it refers to does not exist or is not visible",
    ),
    code(
        "not_of_customer",
        "不属于该客户",
        "does not belong to the customer",
    ),
    code(
        "not_of_ticket",
        "不属于该工单",
        "does not belong to the ticket",
    ),
    code("not_present", "不在该处", "not present there"),
    code(
        "not_serialised",
        "该备件不按序列号管理",
        "the part is not tracked by serial number",
    ),
    code(
        "not_service_centre",
        "不是故障服务中心",
        "not the fault-service centre",
    ),
    code(
        "one_of",
        "只能填写其中之一",
        "only one of these may be given",
    ),
    code("order", "顺序不正确", "in the wrong order"),
    code(
        "other_customer",
        "属于其他客户",
        "belongs to another customer",
    ),
    code("other_target", "指向其他对象", "refers to another target"),
    code("range", "超出允许范围", "out of the allowed range"),
    code("required", "必填", "required"),
    code("rule", "违反业务规则", "breaks a rule of the domain"),
    code(
        "same_location",
        "来源与去向相同",
        "the same location on both sides",
    ),
    code("same_serial", "序列号相同", "the same serial number"),
    code("sum", "合计不符", "the parts do not add up"),
    code("unexpected", "不应出现", "not expected here"),
    code("unique", "须唯一", "must be unique"),
    code("unknown", "未知的取值", "unknown value"),
    code("unknown_city", "未知的城市", "unknown city"),
    code("unknown_county", "未知的区县", "unknown county"),
    code("unknown_event_type", "未知的事件类型", "unknown event type"),
    code("unknown_field", "不认识的字段", "unknown field"),
    code("unknown_loan", "未知的借用记录", "unknown loan"),
    code(
        "weak",
        "密码强度不足：须包含小写、大写、数字、符号中的至少两类",
        "too weak: use at least two of lower case, upper case, digits and symbols",
    ),
];

/// How a field error's limits read: `(name, zh, en)`.
pub const PARAM_TEXTS: &[(&str, &str, &str)] = &[
    ("actual", "实际", "actual"),
    ("allowed", "可选值", "one of"),
    ("equal", "须为", "exactly"),
    ("max", "最多", "at most"),
    ("min", "最少", "at least"),
];

/// Every rule id of domain.md the server names in a `rule` member, sorted, with its name.
pub const RULES: &[(&str, &str, &str)] = &[
    ("BIL-1", "收费标准", "fee schedule"),
    (
        "BIL-10",
        "调试提成月度系数",
        "monthly commissioning multiplier",
    ),
    ("BIL-11", "提成拆分与发放", "commission split and payment"),
    ("BIL-12", "内勤提成", "clerk's share"),
    ("BIL-12a", "维保提成", "maintenance commission"),
    ("BIL-12b", "维修人工提成", "repair labour commission"),
    ("BIL-12c", "年终奖", "year-end bonus"),
    ("BIL-13", "月度工资单", "monthly payroll statement"),
    (
        "BIL-14",
        "出差申请须事先批准",
        "travel approved before the trip",
    ),
    ("BIL-15", "出差天数与报销", "travel days and claims"),
    ("BIL-16", "借支", "cash advances"),
    ("BIL-17", "话费补贴", "phone allowance"),
    ("BIL-2", "维修报价", "repair quote"),
    (
        "BIL-3",
        "远程客户差旅费",
        "travel costs of remote customers",
    ),
    ("BIL-4", "维修先付全款", "repairs paid in full first"),
    ("BIL-5", "发票与红字发票", "invoices and credit notes"),
    ("BIL-7", "用户返款", "customer rebates"),
    ("BIL-8", "应收账款与催收", "receivables and chasing"),
    ("BIL-9", "调试提成", "commissioning commission"),
    ("CAL-1", "工作日历", "work calendar"),
    ("CON-1", "服务合同", "service contract"),
    (
        "CON-10",
        "报警主机数据修改须有指令",
        "controller data changed only on instruction",
    ),
    ("CON-2", "合同付款期限", "contract payment due"),
    ("CON-3", "合同到期提醒", "contract expiry reminder"),
    (
        "CON-4",
        "软件授权与序列号",
        "software licence and serial number",
    ),
    ("CON-5", "维保承接条件", "maintenance agreement acceptance"),
    (
        "CON-6",
        "维保签约后的测试与计划",
        "tests and programme after signing",
    ),
    ("CON-7", "工程调试", "commissioning job"),
    (
        "CON-8",
        "纯报警主机点数",
        "points of a pure alarm controller",
    ),
    ("CON-9", "维修保修期", "repair warranty"),
    ("HR-A1", "考勤打卡", "clock-in"),
    ("HR-A2", "迟到罚款", "lateness fines"),
    ("HR-A3", "请假审批", "leave approval"),
    ("HR-C1", "有效投诉罚款", "valid complaint fines"),
    ("HR-F0", "罚款记录", "fine records"),
    (
        "HR-F10",
        "现场未解决且未上报",
        "unresolved on site and not escalated",
    ),
    (
        "HR-F12",
        "无指令修改报警主机数据",
        "controller data changed without instruction",
    ),
    (
        "HR-F14",
        "备品遗留公共区域",
        "parts left in the public area",
    ),
    (
        "HR-F2",
        "客户在空白服务单上签字",
        "customer signed a blank form",
    ),
    ("HR-F20", "收款未上交", "money not handed in"),
    ("HR-F21", "私自接活", "private jobs"),
    ("HR-F3", "签字后涂改", "altered after signing"),
    ("HR-F4", "资料迟交", "documents late"),
    ("HR-F5", "格式不符", "wrong format"),
    ("HR-F6", "伪造客户签名", "forged signature"),
    ("HR-F7", "非授权人签字", "wrong signer"),
    ("HR-F8", "服务反馈单迟交", "feedback form late"),
    ("HR-F9", "内勤当日未回访", "callback not done the same day"),
    ("HR-S1", "考核卡模板", "scorecard template"),
    ("HR-S2", "其他考核事件", "other score events"),
    ("HR-S3", "考核窗口", "scoring window"),
    ("HR-S4", "考核等级", "grades"),
    ("HR-S5", "星级评定", "star rating"),
    ("HR-S6", "扣分须有证据", "deductions with evidence"),
    ("HR-T1", "新员工培训与考试", "new hires' training and exam"),
    ("HR-T2", "年度考试", "annual exam"),
    ("HR-T3", "晋升组长条件", "promotion to team lead"),
    ("INV-1", "备件目录", "parts catalogue"),
    ("INV-2", "备品外借", "part loans"),
    ("INV-3", "外借备品不得出售", "loaned parts not sold"),
    ("INV-4", "库存不得为负", "stock never negative"),
    ("INV-5", "维修登记", "repair intake"),
    ("INV-6", "返修", "RMA"),
    ("INV-7", "每日盘点", "daily count"),
    ("KB-1", "知识库", "knowledge base"),
    ("ORG-2", "工程师与班组", "engineers and teams"),
    ("ORG-5", "数据可见范围", "record visibility"),
    ("TKT-1", "工单受理", "ticket intake"),
    ("TKT-10", "投诉", "complaints"),
    ("TKT-11", "内部工作单", "internal work orders"),
    ("TKT-12", "程序修改流程", "program change requests"),
    ("TKT-13", "满意度", "satisfaction"),
    ("TKT-2", "工单时限", "ticket deadlines"),
    ("TKT-3", "工单生命周期", "ticket lifecycle"),
    ("TKT-4", "派工", "dispatch"),
    ("TKT-5", "上门服务须经批准", "on-site visits approved first"),
    ("TKT-6", "服务记录", "service record"),
    ("TKT-7", "服务反馈单", "feedback form"),
    ("TKT-8", "现场无法解决须上报", "escalation from the site"),
    ("TKT-9", "回访", "callbacks"),
];

/// Why a request is unauthenticated: `(reason, zh, en)`.
pub const UNAUTHENTICATED: &[(&str, &str, &str)] = &[
    ("account_disabled", "账号已停用", "The account is disabled"),
    (
        "invalid_api_key",
        "API 密钥无效、已过期或已吊销",
        "The API key is invalid, expired or revoked",
    ),
    (
        "invalid_credentials",
        "用户名或密码错误",
        "Wrong username or password",
    ),
    (
        "invalid_refresh_token",
        "刷新令牌无效、已过期或已吊销",
        "The refresh token is invalid, expired or revoked",
    ),
    (
        "invalid_token",
        "访问令牌无效或已过期",
        "The access token is invalid or expired",
    ),
    (
        "missing_credentials",
        "缺少凭证：请发送 Authorization: Bearer <token>",
        "No credentials: send Authorization: Bearer <token>",
    ),
    (
        "refresh_token_reused",
        "该刷新令牌已被使用过，本次登录的所有会话均已终止",
        "This refresh token was already used; all sessions of this login were ended",
    ),
    (
        "session_ended",
        "该访问令牌所属的会话已结束（已登出或已改密码），请刷新令牌或重新登录",
        "The session this access token belongs to has ended (logout, password change); refresh it or log in again",
    ),
    (
        "wrong_password",
        "当前密码错误",
        "The current password is wrong",
    ),
];

/// Fixed English details of malformed requests, with their zh-CN text.
pub const BAD_REQUEST_DETAILS: &[(&str, &str)] = &[
    (
        "Idempotency-Key must be 1 to 255 visible ASCII characters",
        "Idempotency-Key 须为 1 到 255 个可见 ASCII 字符",
    ),
    (
        "If-Match must be a strong ETag returned by this API, e.g. \"3\" (not W/\"3\")",
        "If-Match 须为本 API 返回的强 ETag，例如 \"3\"（不能是 W/\"3\"）",
    ),
    (
        "strings must not contain NUL characters",
        "字符串不能包含 NUL 字符",
    ),
    (
        "the CSV file contains a NUL character",
        "CSV 文件包含 NUL 字符",
    ),
    ("the CSV file is not UTF-8", "CSV 文件不是 UTF-8 编码"),
];
