import ArgumentParser
import Foundation
import Outbound
import Security

/// What a run pays and its files: the comparison, the exclusions, the lines, the failures
/// across runs, the bank files, their download and the upload of the bank's answer.

/// `shebao disburse diff`.
struct DisburseDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "A run against the office's previous run of the kind: payees added, stopped, changed, carried."
    )

    @OptionGroup var target: RunOptions

    @Option(help: "Lines shown of each group (0 to 100).")
    var sample: Int?

    func run() throws {
        try self.target.client.call("diff") { api in
            let path = query(self.target.path("/diff"), [("sample", self.sample.map(String.init))])
            self.target.client.show(try api.get(path)) { diff in
                var text = [
                    "previous run \(diff["previousRunId"]) (\(diff["previousPeriod"])), unchanged \(diff["unchangedCount"])"
                ]
                var table = TextTable("GROUP", "BENEFIT", "PERSON", "PAYEE", "PREVIOUS", "CURRENT")
                for name in ["added", "stopped", "changed", "carried"] {
                    let group = diff.object(name) ?? JSONObject([:])
                    text.append("\(name): \(group["count"]) lines, \(group["total"])")
                    for change in group.array("sample") {
                        table.append(
                            name,
                            change["benefitId"],
                            change["personId"],
                            change["payeeName"],
                            change["previous"],
                            change["current"]
                        )
                    }
                }
                return (text + [table.text]).joined(separator: "\n")
            }
        }
    }
}

/// `shebao disburse exclusions`.
struct DisburseExclusions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exclusions",
        abstract: "The benefits a run leaves out: the count for every reason, and a page of them."
    )

    @OptionGroup var target: RunOptions
    @OptionGroup var page: PageOptions

    @Option(help: "Only this reason: suspended, ended, not_started, zero_amount, already_paid, in_another_run.")
    var reason: String?

    func run() throws {
        try self.target.client.call("exclusions") { api in
            let path = query(self.target.path("/exclusions"), [("reason", self.reason)] + self.page.items)
            self.target.client.show(try api.get(path)) { report in
                let counts = report.array("counts").map { "\($0["reasonName"]) (\($0["reason"])): \($0["count"])" }
                var table = TextTable("BENEFIT", "PERSON", "REASON", "AMOUNT")
                for exclusion in report.array("items") {
                    table.append(exclusion["id"], exclusion["personId"], exclusion["reasonName"], exclusion["amount"])
                }
                return (counts + [pageText(report, table)]).joined(separator: "\n")
            }
        }
    }
}

/// The lines of a page of payments as a table; `carriedBy` for the failures.
private func linesTable(_ page: JSONObject, failures: Bool = false) -> String {
    var table = TextTable(
        "LINE",
        "RUN",
        "REFERENCE",
        "PAYEE",
        "BANK",
        "CARD",
        "AMOUNT",
        "STATUS",
        "CODE",
        failures ? "CARRIED BY" : "CARRIED FROM"
    )
    for line in page.array("items") {
        table.append(
            line["id"],
            line["runId"],
            line["reference"],
            line["payeeName"],
            line["bankCode"],
            line["cardNumberMasked"],
            line["amount"],
            line["statusName"],
            line["failureCode"],
            failures ? line["carriedBy"] : line["carriedFrom"]
        )
    }
    return pageText(page, table)
}

/// `shebao disburse lines`.
struct DisburseLines: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lines",
        abstract: "A run's payments, card numbers masked."
    )

    @OptionGroup var target: RunOptions
    @OptionGroup var page: PageOptions

    @Option(help: "Only this status: pending, paid, failed, cancelled.")
    var status: String?

    func run() throws {
        try self.target.client.call("lines") { api in
            let path = query(self.target.path("/lines"), [("status", self.status)] + self.page.items)
            self.target.client.show(try api.get(path)) { linesTable($0) }
        }
    }
}

/// `shebao disburse failures`.
struct DisburseFailures: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failures",
        abstract: "Payments the bank failed, in your offices, with the later line that carries each."
    )

    @OptionGroup var options: ClientOptions
    @OptionGroup var page: PageOptions

    @Option(help: "Only this kind of benefit.")
    var kind: String?

    func run() throws {
        try self.options.call("failures") { api in
            let path = query("/api/v1/disbursement-failures", [("kind", self.kind)] + self.page.items)
            self.options.show(try api.get(path)) { linesTable($0, failures: true) }
        }
    }
}

/// `shebao disburse files`.
struct DisburseFiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "A run's bank files: the payment files of its export, then the return files uploaded."
    )

    @OptionGroup var target: RunOptions

    func run() throws {
        try self.target.client.call("files") { api in
            self.target.client.show(try api.get(self.target.path("/files"))) { list in
                var table = TextTable("FILE", "KIND", "FORMAT", "BATCH", "NAME", "BYTES", "LINES", "TOTAL", "IMPORT")
                for file in list.array("items") {
                    table.append(
                        file["id"],
                        file["kind"],
                        file["format"],
                        file["batchNumber"],
                        file["fileName"],
                        file["byteCount"],
                        file["lineCount"],
                        file["total"],
                        file["importStatus"]
                    )
                }
                return table.text
            }
        }
    }
}

/// `shebao disburse download`.
struct DisburseDownload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Save a bank file of a run, byte for byte (the download is audited)."
    )

    @OptionGroup var target: RunOptions

    @Option(help: "The file (`files` lists them).")
    var file: Int64

    @Option(help: "Where to write it.")
    var output: String

    func run() throws {
        try self.target.client.call("download") { api in
            let content = try api.get(self.target.path("/files/\(self.file)")).body
            guard FileManager.default.createFile(atPath: self.output, contents: Data(content)) else {
                throw Failure("cannot write \(self.output)")
            }
            print("\(self.output): \(content.count) bytes, sha256 \(Hex.encode(SHA256.hash(content)))")
        }
    }
}

/// `shebao disburse import`.
struct DisburseImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Upload the bank's return file for an exported run; the scheduler imports it (officers)."
    )

    @OptionGroup var target: RunOptions

    @Option(help: "The return file as the bank sent it.")
    var file: String

    func run() throws {
        try self.target.client.call("import") { api in
            guard let content = FileManager.default.contents(atPath: self.file) else {
                throw Failure("cannot read \(self.file)")
            }
            let name = URL(fileURLWithPath: self.file).lastPathComponent
            let answer = try api.post(
                query(self.target.path("/returns"), [("fileName", name)]),
                body: Array(content),
                contentType: name.lowercased().hasSuffix(".xml") ? "application/xml" : "text/plain"
            )
            self.target.client.show(answer) { file in
                "\(answer.status == 201 ? "uploaded" : "uploaded before"): file \(file["id"]) \(file["fileName"]) "
                    + "(\(file["format"]), \(file["lineCount"]) lines, \(file["total"])), import \(file["importStatus"])"
            }
        }
    }
}
