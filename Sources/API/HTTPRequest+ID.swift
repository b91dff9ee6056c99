public import HTTPServer

extension HTTPRequest {
    /// The route's `:id` as a positive number: decimal digits only, no sign or spaces; nil for
    /// anything else, which the routes answer as "not found".
    public var idParameter: Int64? {
        guard let text = self.parameters["id"],
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let id = Int64(text), id > 0
        else { return nil }
        return id
    }
}
