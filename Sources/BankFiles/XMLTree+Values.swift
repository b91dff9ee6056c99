extension XMLTree {
    /// The text at `path` below `parent`, or the error of a missing `field` of `kind` at `place`.
    func required(
        _ parent: Int,
        _ path: [String],
        _ field: BankField,
        _ kind: BankFileError.Kind,
        _ place: Place
    ) throws(BankFileError) -> String {
        guard let element = self.find(parent, path) else { throw .missing(field, kind, place) }
        return self.elements[element].text.trimmingXMLSpace()
    }

    /// An amount element (`<InstdAmt Ccy="CNY">12.34</InstdAmt>`) in fen.
    ///
    /// - Throws: ``BankFileError`` (invalidField) for a currency other than CNY or a text that
    ///   is not a decimal of at most two decimals (more only when they are zeros).
    func amount(_ element: Int, _ place: Place) throws(BankFileError) -> Int64 {
        guard self.attribute(element, "Ccy") == "CNY" else { throw .invalid(.currency, place) }
        guard let fen = Self.fen(self.elements[element].text) else { throw .invalid(.amount, place) }
        return fen
    }

    /// The fen of an xs:decimal written in yuan (`12`, `12.3`, `12.34`, `12.340`), or nil for
    /// anything else (a sign, an exponent, a third decimal that is not 0) or more than `Int64`.
    static func fen(_ text: String) -> Int64? {
        let bytes = Array(text.trimmingXMLSpace().utf8)
        let point = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
        let fraction = bytes.dropFirst(point + 1)
        guard point > 0, point <= 17, let yuan = ASCII.decimal(bytes[..<point]),
            point == bytes.count || !fraction.isEmpty,
            fraction.allSatisfy(ASCII.isDigit), fraction.dropFirst(2).allSatisfy({ $0 == ASCII.zero })
        else { return nil }
        // The fraction's digits were checked just above.
        let cents = fraction.prefix(2)
        let centsValue = cents.isEmpty ? 0 : ASCII.decimal(cents)! * (cents.count == 1 ? 10 : 1)
        let (scaled, overflow) = yuan.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        let (fen, overflowAdding) = scaled.addingReportingOverflow(centsValue)
        return overflowAdding ? nil : fen
    }

    /// The reason code of an ISO 20022 reason choice (`Rsn/Cd`, else `Rsn/Prtry`) below
    /// `parent`, or nil.
    func reasonCode(_ parent: Int) -> String? {
        self.text(parent, "Rsn", "Cd") ?? self.text(parent, "Rsn", "Prtry")
    }

    /// The day of an ISO date-time's first ten characters (`2026-12-16T09:30:00+08:00`), or nil.
    func date(_ parent: Int, _ path: String...) -> BankDate? {
        guard let text = self.find(parent, path).map({ self.elements[$0].text.trimmingXMLSpace() }) else {
            return nil
        }
        return BankDate(iso: text.prefix(10))
    }
}

extension XMLWriter {
    /// A reason code as an ISO 20022 reason choice: `Cd` for a code of up to four characters
    /// (ExternalStatusReason1Code and ExternalReturnReason1Code are 1–4), `Prtry` for a
    /// longer one.
    mutating func reason(_ code: String) {
        self.open("Rsn")
        if code.utf8.count <= 4 { self.element("Cd", code) } else { self.element("Prtry", code) }
        self.close("Rsn")
    }

    /// The ISO date-time of midnight starting `date`: the simulated bank's answers carry no
    /// clock time, so that they are deterministic.
    static func midnight(_ date: BankDate) -> String { date.iso + "T00:00:00" }
}
