public import HTTP1

/// The titles of problem documents.
public enum StatusTitle {
    /// The reason phrase of `status` in `language`, the `title` of a problem document: the status
    /// line's in English, its usual rendering in Chinese. One table for the server's own answers
    /// and the application's.
    public static func text(_ status: Int, _ language: ResponseLanguage) -> String {
        switch language {
        case .en:
            return HTTPResponseWriter.reasonPhrase(status)
        case .zh:
            switch status {
            case 400: return "请求格式错误"
            case 401: return "未登录或会话已失效"
            case 403: return "无权办理此项业务"
            case 404: return "未找到"
            case 405: return "不支持此请求方法"
            case 408: return "请求超时"
            case 409: return "与当前状态冲突"
            case 412: return "数据已被他人修改，请刷新后重试"
            case 413: return "请求内容过大"
            case 414: return "请求地址过长"
            case 415: return "不支持的文件类型"
            case 417: return "无法满足期望"
            case 422: return "数据校验未通过"
            case 428: return "缺少版本条件（If-Match）"
            case 429: return "请求过于频繁"
            case 431: return "请求头字段过大"
            case 500: return "系统内部错误"
            case 501: return "未实现"
            case 503: return "服务暂不可用"
            case 505: return "不支持此 HTTP 版本"
            default: return status >= 500 ? "服务器错误" : "请求无法处理"
            }
        }
    }
}
