/// Why a bank file could not be written or read: what kind of fault, where, and a sentence for
/// an operator in Chinese and in English.
///
/// The sentences name fields and lines, never their values: no name, card number or amount
/// reaches a log through ``description``.
public struct BankFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of fault.
    public enum Kind: String, Sendable {
        /// The bytes are in none of the formats: not a fixed-width file, not an XML document of
        /// a known namespace.
        case unknownFormat
        /// The header (fixed width) or the group header and the parts that head the document (XML)
        /// is missing, cut short or unreadable.
        case malformedHeader
        /// A line or transaction is cut short or too long, of an unknown record type, not UTF-8,
        /// or lacks an element it must have; also an XML document that is not well-formed.
        case malformedLine
        /// The trailer (fixed width) or the summary (XML) is missing, cut short, unreadable or
        /// followed by more lines.
        case malformedTrailer
        /// The trailer or summary states a count or sum that the lines do not add up to.
        case trailerMismatch
        /// A value is longer than its field allows.
        case fieldTooLong
        /// A value that fits its field is not one the field allows: a card number with a letter,
        /// a day that does not exist, a line out of sequence, a failed line without a reason.
        case invalidField
        /// There are no bytes at all.
        case emptyFile
        /// The file is larger than ``BankFileLimits/maximumBytes``.
        case tooLarge
    }

    /// The kind of fault.
    public var kind: Kind
    /// The 1-based physical line (fixed width) or transaction ordinal (XML) to blame, when one
    /// is to blame.
    public var line: Int?
    /// A sentence for an operator, in Chinese.
    public var zh: String
    /// The same sentence in English.
    public var en: String

    /// The English sentence: safe to log, it carries no values of the file.
    public var description: String { self.en }

    /// An error of `kind` at `line`, with its two sentences.
    public init(kind: Kind, line: Int?, zh: String, en: String) {
        self.kind = kind
        self.line = line
        self.zh = zh
        self.en = en
    }
}

/// The limits every reader applies before it looks at a byte.
public enum BankFileLimits {
    /// The largest file read: 256 MiB, about five million fixed-width return lines and far more
    /// than a batch of 50,000 payments in any format.
    public static let maximumBytes = 256 * 1024 * 1024

    /// Checks that there are bytes, and not too many.
    ///
    /// - Throws: ``BankFileError`` (emptyFile, tooLarge).
    static func check(_ bytes: [UInt8]) throws(BankFileError) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= Self.maximumBytes else { throw .tooLarge }
    }
}
