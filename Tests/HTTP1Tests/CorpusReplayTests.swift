import Foundation
import HTTP1
import Testing

/// Replays the fuzzer's seed corpus and every input it ever crashed on: whole, split and byte by byte
/// must agree, and nothing may read past the end of its buffer.
@Suite struct CorpusReplayTests {
    private static let fuzzTesting = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzTesting")

    private static func files(in folder: String) -> [URL] {
        let directory = self.fuzzTesting.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test func theSeedCorpusIsThere() {
        #expect(Self.files(in: "Corpus").count >= 10)
    }

    @Test func everyCorpusAndFailCaseInputGivesTheSameAnswerHoweverItArrives() throws {
        for file in Self.files(in: "Corpus") + Self.files(in: "FailCases") {
            let bytes = try [UInt8](Data(contentsOf: file))
            let head = Feeding.parseEveryWay(bytes)
            if case .complete(let parsed) = head {
                let target = Array(bytes[parsed.target]).withUnsafeBytes { RequestTarget.parse($0) }
                if case .success(let decoded) = target {
                    #expect(decoded.path.hasPrefix("/") || decoded.path == "*", "\(file.lastPathComponent)")
                    _ = decoded.queryItems()
                }
                if parsed.framing == .chunked {
                    _ = Feeding.decodeEveryWay(Array(bytes[parsed.length...]))
                }
            }
            _ = Feeding.decodeEveryWay(bytes)
            _ = bytes.withUnsafeBytes { RequestTarget.parse($0) }
        }
    }
}
