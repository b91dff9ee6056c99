/// The type of an uploaded scan told by its first bytes, not by the name or the declared type.
public enum FileSignature {
    // JPEG: the SOI marker and the first byte of the next marker (ISO/IEC 10918-1 Annex B).
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
    // PNG signature (ISO/IEC 15948 §5.2).
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    // "%PDF-" header (ISO 32000-1 §7.5.2).
    static let pdf: [UInt8] = Array("%PDF-".utf8)

    /// The media type of the formats scans may have: `image/jpeg`, `image/png` or
    /// `application/pdf`; nil for anything else.
    public static func contentType(of bytes: some Collection<UInt8>) -> String? {
        if bytes.starts(with: Self.jpeg) { return "image/jpeg" }
        if bytes.starts(with: Self.png) { return "image/png" }
        if bytes.starts(with: Self.pdf) { return "application/pdf" }
        return nil
    }
}
