import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An XML document read whole into its elements, for the readers to walk by ISO 20022 element
/// names. Elements outside the document's namespace are kept but never found.
struct XMLTree {
    /// One element: its local name, its attributes, its text (for an element without children)
    /// and its children's indices, in document order.
    struct Element {
        var name: String
        var isInNamespace: Bool
        var attributes: [String: String]
        var text: String
        var children: [Int]
    }

    /// Every element, the root first.
    let elements: [Element]

    /// The root element's index.
    let root = 0

    /// Parses `bytes` with Foundation's XMLParser (libxml2), namespaces processed, external
    /// entities not resolved; the prolog was checked by ``XMLProlog`` to declare no DTD.
    ///
    /// - Throws: ``BankFileError`` (malformedLine) when the document is not well-formed, and
    ///   (malformedHeader) when its root is not `Document` of `namespace`.
    static func parse(_ bytes: [UInt8], namespace: Namespace) throws(BankFileError) -> XMLTree {
        // From a stream, which XMLParser feeds to libxml2 a chunk at a time: given the whole
        // Data at once, libxml2 2.9 (Debian 12) stops a document of more than 10,000,000 bytes
        // with "Huge input lookup" (XML_MAX_LOOKUP_LIMIT without XML_PARSE_HUGE), and a batch of
        // 50,000 lines is larger than that in every XML format.
        let parser = XMLParser(stream: InputStream(data: Data(bytes)))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let builder = TreeBuilder(namespace: namespace.uri)
        parser.delegate = builder
        // swift-corelibs-foundation's parse() can return true after a fatal error (a tag left
        // open at the end, a mismatched end tag): the error reported to the delegate, the
        // parser's error and the elements left open are checked as well.
        let isParsed = parser.parse()
        guard isParsed, parser.parserError == nil, builder.errorLine == nil, builder.open.isEmpty,
            !builder.elements.isEmpty
        else {
            let line = builder.errorLine ?? parser.lineNumber
            throw BankFileError(
                .malformedLine,
                .file,
                zh: "XML 文档格式不正确（约第 \(line) 行），文件可能不完整",
                en: "the XML document is not well-formed (near line \(line)); the file may be cut short"
            )
        }
        guard let root = builder.elements.first, root.isInNamespace, root.name == "Document" else {
            throw BankFileError(
                .malformedHeader,
                .file,
                zh: "根元素不是 \(namespace.uri) 的 Document",
                en: "the root element is not the Document of \(namespace.uri)"
            )
        }
        return XMLTree(elements: builder.elements)
    }

    /// The children of `parent` named `name`, in order.
    func children(_ parent: Int, _ name: String) -> [Int] {
        self.elements[parent].children.filter { self.elements[$0].isInNamespace && self.elements[$0].name == name }
    }

    /// The element at the end of `path` below `parent`, taking the first child of each name,
    /// or nil.
    func find(_ parent: Int, _ path: String...) -> Int? {
        self.find(parent, path)
    }

    /// The element at the end of `path` below `parent`, or nil.
    func find(_ parent: Int, _ path: [String]) -> Int? {
        var current = parent
        for name in path {
            guard
                let next = self.elements[current].children.first(where: {
                    self.elements[$0].isInNamespace && self.elements[$0].name == name
                })
            else { return nil }
            current = next
        }
        return current
    }

    /// The text of the element at `path` below `parent`, without the white space around it; nil
    /// when there is no such element.
    func text(_ parent: Int, _ path: String...) -> String? {
        self.find(parent, path).map { self.elements[$0].text.trimmingXMLSpace() }
    }

    /// The value of an attribute of an element.
    func attribute(_ element: Int, _ name: String) -> String? {
        self.elements[element].attributes[name]
    }
}

extension String {
    /// Without the XML white space (space, tab, CR, LF) at either end.
    func trimmingXMLSpace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }
}

/// XMLParser's delegate, building the elements as the parser reports them.
///
/// It lives on the stack of ``XMLTree/parse(_:namespace:)`` and is used by the parser on that
/// thread only.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    let namespace: String
    var elements: [XMLTree.Element] = []
    var open: [Int] = []
    /// The line of the first error the parser reported, if it reported one.
    var errorLine: Int?

    init(namespace: String) {
        self.namespace = namespace
    }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let index = self.elements.count
        self.elements.append(
            XMLTree.Element(
                name: elementName,
                isInNamespace: namespaceURI == self.namespace,
                attributes: attributeDict,
                text: "",
                children: []
            )
        )
        if let parent = self.open.last {
            // ISO 20022 has no mixed content: what a parent held before its first child was
            // white space between tags.
            self.elements[parent].text = ""
            self.elements[parent].children.append(index)
        }
        self.open.append(index)
    }

    func parser(
        _ parser: XMLParser,
        didEndElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?
    ) {
        _ = self.open.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard let current = self.open.last, self.elements[current].children.isEmpty else { return }
        self.elements[current].text += string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if self.errorLine == nil { self.errorLine = parser.lineNumber }
    }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: any Error) {
        if self.errorLine == nil { self.errorLine = parser.lineNumber }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
    }
}
