import Testing

@testable import Scheduler

@Suite struct MessageTemplateTests {
    @Test func placeholdersAreFilledFromThePayloadAndAMissingOneIsAnError() throws {
        let values = try MessageTemplate.values(ofPayload: #"{"code": "123456", "minutes": 5, "nested": {"a": 1}}"#)
        #expect(values == ["code": "123456", "minutes": "5"])
        #expect(try MessageTemplate.render("验证码 {code}，{minutes} 分钟", values: values) == "验证码 123456，5 分钟")
        #expect(throws: MessageTemplate.RenderError.self) { try MessageTemplate.render("{reasons}", values: values) }
        #expect(throws: MessageTemplate.RenderError.self) { try MessageTemplate.render("{code", values: values) }
        #expect(throws: MessageTemplate.RenderError.self) { try MessageTemplate.values(ofPayload: "[1]") }
    }

    @Test func failPointsAreParsedFromTheirVariable() {
        #expect(
            FailPoints.parse("outbox.after_claim:sleep=1500,outbox.after_deliver:exit,bad")
                == ["outbox.after_claim": .sleep(milliseconds: 1500), "outbox.after_deliver": .exit]
        )
    }
}
