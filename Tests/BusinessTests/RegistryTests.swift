import Business
import Domain
import Postgres
import Store
import TestSupport
import Testing

/// The registry's reads and the document upload, in-process.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct RegistryTests {
    /// A person registered through an approved application, and its ID.
    func registered(_ scope: BusinessScope, _ number: Int) throws -> Int64 {
        let record = try scope.run(as: scope.clerk) { context in
            let record = try ApplicationWorkflow.create(scope.registration(number), context)
            return try ApplicationWorkflow.submit(record.id, expecting: nil, context)
        }
        return try #require(
            try scope.run(as: scope.reviewer) { try ApplicationWorkflow.approve(record.id, expecting: nil, $0) }
                .personID
        )
    }

    @Test func aSearchMasksAndAReadingShowsInFullAndIsAudited() throws {
        let scope = try BusinessScope()
        let person = try self.registered(scope, 20)
        let page = try scope.run(as: scope.reviewer) { context in
            try Registry.searchPersons(RegistrySearch(name: BusinessScope.name(20)), PageRequest(limit: 10), context)
        }
        let found = try #require(page.items.first)
        #expect(found.id == person)
        #expect(found.citizenIDMasked.contains("*"))
        #expect(found.phoneMasked == Masking.phone("13912345678"))
        let none = try scope.run(as: scope.reviewer) { context in
            try Registry.searchPersons(RegistrySearch(name: "100%"), PageRequest(limit: 10), context)
        }
        #expect(none.items.isEmpty, "a wildcard in the name is taken literally")

        let record = try scope.run(as: scope.reviewer) { try Registry.person(person, $0) }
        #expect(record.phone == "13912345678")
        #expect(record.enrolments.map(\.scheme) == ["110"])
        #expect(record.applications.first?.status == .approved)
        #expect(
            try scope.sql(
                "SELECT count(*) FROM shebao.audit_event WHERE action = 'person.read' AND target_id = $1",
                ["\(person)"]
            ).single().decode(0, as: Int64.self) == 1
        )
        let other = try scope.run(as: scope.otherReviewer) { context in
            try Registry.searchPersons(RegistrySearch(), PageRequest(limit: 10), context)
        }
        #expect(other.items.isEmpty, "another district's registry is not searched")
    }

    @Test func aDocumentIsTakenByItsBytesAndReadBack() throws {
        let scope = try BusinessScope()
        let person = try self.registered(scope, 21)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 32)
        let stored = try scope.run(as: scope.clerk) { context in
            try Registry.upload(png, type: "id_card_front", to: .person(person), context)
        }
        #expect(stored.contentType == "image/png")
        let document = try scope.run(as: scope.reviewer) { try Registry.document(stored.id, $0) }
        #expect(document.content == png)
        do {
            _ = try scope.run(as: scope.clerk) { context in
                try Registry.upload(Array("<script>".utf8), type: "other", to: .person(person), context)
            }
            Issue.record("a text file was taken")
        } catch let failure as BusinessFailure {
            #expect(failure.kind == .unsupportedContent)
        }
    }
}
