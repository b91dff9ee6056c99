public import Business
public import HTTPServer

// A voucher's content as the API shows it.

extension VoucherContent {
    /// The content as the API shows it: a JSON object with the field names as keys, in
    /// declaration order, absent values as `null`. `JSONDecoder` reads it back into an equal value.
    /// - Parameter writer: the writer to append the object to, where a value may go.
    public func json(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("number")
        writer.string(self.number)
        writer.key("businessType")
        writer.string(self.businessType)
        writer.key("businessNameZh")
        writer.string(self.businessNameZh)
        writer.key("businessNameEn")
        writer.string(self.businessNameEn)
        writer.key("applicationId")
        writer.number(self.applicationId)
        writer.key("personName")
        Self.write(self.personName, into: &writer)
        writer.key("personCitizenIdMasked")
        Self.write(self.personCitizenIdMasked, into: &writer)
        writer.key("employerName")
        Self.write(self.employerName, into: &writer)
        writer.key("employerCreditCodeMasked")
        Self.write(self.employerCreditCodeMasked, into: &writer)
        for (key, value) in [
            ("officeCode", self.officeCode), ("officeName", self.officeName), ("makerName", self.makerName),
            ("makerUsername", self.makerUsername), ("reviewerName", self.reviewerName),
            ("reviewerUsername", self.reviewerUsername), ("submittedAt", self.submittedAt),
            ("issuedAt", self.issuedAt), ("result", self.result),
        ] {
            writer.key(key)
            writer.string(value)
        }
        writer.key("details")
        writer.beginArray()
        for detail in self.details {
            writer.beginObject()
            writer.key("labelZh")
            writer.string(detail.labelZh)
            writer.key("labelEn")
            writer.string(detail.labelEn)
            writer.key("value")
            writer.string(detail.value)
            writer.endObject()
        }
        writer.endArray()
        writer.key("timeLimitWorkingDays")
        if let days = self.timeLimitWorkingDays { writer.number(days) } else { writer.null() }
        writer.endObject()
    }

    /// ``json(into:)`` on its own: the bytes of the JSON object.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        self.json(into: &writer)
        return writer.bytes
    }

    fileprivate static func write(_ value: String?, into writer: inout JSONWriter) {
        if let value { writer.string(value) } else { writer.null() }
    }
}
