/// Where in a file an error is: nowhere in particular, a physical line of a fixed-width file or a
/// transaction of an XML document.
enum Place: Sendable, Equatable {
    case file
    case line(Int)
    case transaction(Int)

    var number: Int? {
        switch self {
        case .file: nil
        case .line(let number), .transaction(let number): number
        }
    }
}

extension BankFileError {
    /// An error whose sentences start with the place: `第 3 行：…。` and `Line 3: ….`
    ///
    /// - Parameters:
    ///   - kind: The kind of fault.
    ///   - place: Where it is.
    ///   - zh: The Chinese clause, without the place and the final 。.
    ///   - en: The English clause, lower case, without the place and the final period.
    init(_ kind: Kind, _ place: Place, zh: String, en: String) {
        let (zhPlace, enPlace) =
            switch place {
            case .file: ("", "")
            case .line(let number): ("第 \(number) 行：", "Line \(number): ")
            case .transaction(let number): ("第 \(number) 笔交易：", "Transaction \(number): ")
            }
        let english = enPlace.isEmpty ? en.prefix(1).uppercased() + en.dropFirst() : enPlace + en
        self.init(kind: kind, line: place.number, zh: zhPlace + zh + "。", en: english + ".")
    }

    /// A value longer than `field` allows.
    static func tooLong(_ field: BankField, _ place: Place) -> Self {
        Self(
            .fieldTooLong,
            place,
            zh: "\(field.zh)过长（应为\(field.rule.zh)）",
            en: "the \(field.en) is too long (\(field.rule.en) expected)"
        )
    }

    /// A value that `field` does not allow.
    static func invalid(_ field: BankField, _ place: Place) -> Self {
        Self(
            .invalidField,
            place,
            zh: "\(field.zh)不符合要求（应为\(field.rule.zh)）",
            en: "the \(field.en) is not valid (\(field.rule.en) expected)"
        )
    }

    /// A field that is absent where the format requires it.
    static func missing(_ field: BankField, _ kind: Kind, _ place: Place) -> Self {
        Self(kind, place, zh: "缺少\(field.zh)", en: "the \(field.en) is missing")
    }

    /// A file with no bytes.
    static let empty = Self(.emptyFile, .file, zh: "文件为空", en: "the file is empty")

    /// A file larger than the readers accept.
    static let tooLarge = Self(
        .tooLarge,
        .file,
        zh: "文件超过 \(BankFileLimits.maximumBytes / 1024 / 1024) MiB 的上限",
        en: "the file is larger than the limit of \(BankFileLimits.maximumBytes / 1024 / 1024) MiB"
    )

    /// Bytes in none of the formats `expected` names.
    static func unknownFormat(zh expectedZh: String, en expectedEn: String) -> Self {
        Self(
            .unknownFormat,
            .file,
            zh: "无法识别文件格式（应为\(expectedZh)）",
            en: "the file is in none of the known formats (\(expectedEn))"
        )
    }

    /// A trailer or summary whose `field` is not what the lines add up to.
    static func mismatch(_ field: BankField, _ place: Place) -> Self {
        Self(
            .trailerMismatch,
            place,
            zh: "汇总的\(field.zh)与明细合计不符，整个文件不予接收",
            en: "the \(field.en) stated does not match the lines; the whole file is refused"
        )
    }
}
