import Domain
import Testing

struct FileSignatureTests {
    @Test(arguments: [
        ([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] as [UInt8], "image/jpeg"), ([0xFF, 0xD8, 0xFF], "image/jpeg"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00], "image/png"),
        (Array("%PDF-1.7\n".utf8), "application/pdf"),
        (Array("%PDF-".utf8), "application/pdf"),
    ])
    func scansAreKnownByTheirFirstBytes(bytes: [UInt8], type: String) {
        #expect(FileSignature.contentType(of: bytes) == type)
        #expect(FileSignature.contentType(of: bytes[...]) == type)
    }

    @Test(arguments: [
        [] as [UInt8], [0xFF, 0xD8], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A], Array("%PDF".utf8),
        Array("GIF89a".utf8),
        Array(" %PDF-1.7".utf8), Array("<html>".utf8), [0x00, 0xFF, 0xD8, 0xFF], Array("%pdf-1.7".utf8),
    ])
    func anythingElseIsUnknown(bytes: [UInt8]) {
        #expect(FileSignature.contentType(of: bytes) == nil)
    }

    @Test func anyCollectionOfBytesWillDo() {
        #expect(FileSignature.contentType(of: "%PDF-1.4".utf8) == "application/pdf")
        #expect(FileSignature.contentType(of: Array("xx%PDF-1.4".utf8).dropFirst(2)) == "application/pdf")
    }
}
