/// The language of an answer a person reads: Chinese unless the client prefers English.
public enum ResponseLanguage: String, Sendable, Hashable {
    /// Simplified Chinese, the default.
    case zh = "zh-CN"
    /// English.
    case en

    /// The `Content-Language` value (RFC 9110 §8.5).
    public var tag: String { self.rawValue }
}
