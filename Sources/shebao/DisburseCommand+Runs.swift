import ArgumentParser
import Foundation

/// The runs: list, create, show (and watch), and the steps: approve, cancel, export, re-drive.

/// The run a command is about, and the client's options.
struct RunOptions: ParsableArguments {
    @OptionGroup var client: ClientOptions

    @Argument(help: "The run.")
    var id: Int64

    /// The run's path, or that of `rest` under it.
    func path(_ rest: String = "") -> String {
        "/api/v1/disbursement-runs/\(self.id)" + rest
    }

    /// POSTs `json` (or nothing) to `rest` under the run, expecting its `version` when given,
    /// and prints the run as the answer shows it.
    func step(_ command: String, _ rest: String, json: [String: Any]? = nil, version: Int? = nil) throws {
        try self.client.call(command) { api in
            let answer =
                try json.map { try api.post(self.path(rest), json: $0, ifMatch: version) } ?? api.post(self.path(rest))
            self.client.show(answer, runText)
        }
    }
}

/// A run's detail as lines: its figures, then its tasks.
func runText(_ run: JSONObject) -> String {
    var lines = [
        "run \(run["id"])  \(run["kindName"])  \(run["period"])  \(run["statusName"]) (\(run["status"]))",
        "value date \(run["valueDate"])  lines \(run["lineCount"])  total \(run["total"])  excluded "
            + "\(run["excludedCount"])  carried \(run["carriedCount"]) (\(run["carried"]))",
        "paid \(run["paidCount"]) (\(run["paid"]))  failed \(run["failedCount"]) (\(run["failed"]))  version "
            + "\(run["version"])  origin \(run["origin"])  created by \(run["createdBy"])  approved by "
            + "\(run["approvedBy"])",
    ]
    if run["cancelReason"] != "-" {
        lines.append("cancelled: \(run["cancelReason"])")
    }
    let tasks = run.array("tasks")
    if !tasks.isEmpty {
        var table = TextTable("TASK", "KIND", "STATUS", "STAGE", "DONE/TOTAL", "RATE/S", "ATTEMPTS", "STALLED", "ERROR")
        for task in tasks {
            table.append(
                task["id"],
                task["kind"],
                task["status"],
                task["stage"],
                "\(task["done"])/\(task["total"])",
                task["rate"],
                task["attempts"],
                task.bool("stalled") ? "yes" : "no",
                task["lastError"]
            )
        }
        lines.append(table.text)
    }
    return lines.joined(separator: "\n")
}

/// `shebao disburse list`.
struct DisburseList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The runs of your offices, newest first."
    )

    @OptionGroup var options: ClientOptions
    @OptionGroup var page: PageOptions

    @Option(help: "Only this status: computing, computed, approved, exported, reconciled, cancelled.")
    var status: String?

    @Option(help: "Only this kind of benefit (basic_pension …).")
    var kind: String?

    @Option(help: "Only this period (YYYYMM).")
    var period: Int?

    func run() throws {
        try self.options.call("list") { api in
            let path = query(
                "/api/v1/disbursement-runs",
                [("status", self.status), ("kind", self.kind), ("period", self.period.map(String.init))]
                    + self.page.items
            )
            self.options.show(try api.get(path)) { list in
                var table = TextTable("ID", "KIND", "PERIOD", "STATUS", "LINES", "TOTAL", "VALUE DATE", "CREATED")
                for run in list.array("items") {
                    table.append(
                        run["id"],
                        run["kindName"],
                        run["period"],
                        run["statusName"],
                        run["lineCount"],
                        run["total"],
                        run["valueDate"],
                        run["createdAt"]
                    )
                }
                return pageText(list, table)
            }
        }
    }
}

/// `shebao disburse create`.
struct DisburseCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a run for your office; the scheduler computes it (watch it with `show --watch`)."
    )

    @OptionGroup var options: ClientOptions

    @Option(help: "The kind of benefit: basic_pension, unemployment_benefit, disability_allowance, …")
    var kind: String

    @Option(help: "The period paid (YYYYMM; default the current one).")
    var period: Int?

    @Option(help: "The day the bank credits the payees (YYYY-MM-DD; default the office's scheduled day).")
    var valueDate: String?

    func run() throws {
        try self.options.call("create") { api in
            var body: [String: Any] = ["kind": self.kind, "origin": "command"]
            body["period"] = self.period
            body["valueDate"] = self.valueDate
            self.options.show(try api.post("/api/v1/disbursement-runs", json: body), runText)
        }
    }
}

/// `shebao disburse show`.
struct DisburseShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "A run with its tasks; --watch follows its computation or export until its status changes."
    )

    @OptionGroup var target: RunOptions

    @Flag(help: "Poll while a task of the run is under way, printing its stage, units done and rate.")
    var watch = false

    @Option(help: "Seconds between two polls.")
    var interval: Double = 2

    func validate() throws {
        guard self.interval >= 0.1 else { throw ValidationError("--interval is at least 0.1 seconds") }
    }

    func run() throws {
        try self.target.client.call("show") { api in
            let first = try api.get(self.target.path())
            self.target.client.show(first, runText)
            guard self.watch else { return }
            let status = JSONObject(first.object)["status"]
            var shown = ""
            while true {
                let run = JSONObject(try api.get(self.target.path()).object)
                if let progress = run.object("progress") {
                    let line =
                        "\(run["status"]): \(progress["kind"]) \(progress["stage"]) "
                        + "\(progress["done"])/\(progress["total"]) (\(progress["rate"])/s)"
                    if line != shown { print(line) }
                    shown = line
                    if progress.bool("stalled") {
                        printError("task \(progress["taskId"]) is stalled: an administrator can re-drive it")
                        throw ExitCode.failure
                    }
                }
                // Watching ends with the status's change, or when nothing is under way.
                if run["status"] != status || run.object("progress") == nil {
                    print("status: \(run["statusName"]) (\(run["status"]))")
                    return
                }
                Thread.sleep(forTimeInterval: self.interval)
            }
        }
    }
}

/// `shebao disburse approve`.
struct DisburseApprove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a computed run (approvers; never the run's creator).",
        discussion: "The code is your second factor's, a new one: not the one you logged in with."
    )

    @OptionGroup var target: RunOptions

    @Option(help: "The current code of your second factor.")
    var code: String

    @Option(help: "The version you checked (`show` prints it): refused if the run changed since.")
    var version: Int?

    func run() throws {
        try self.target.step("approve", "/approve", json: ["code": self.code], version: self.version)
    }
}

/// `shebao disburse cancel`.
struct DisburseCancel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a run before it is exported (officers)."
    )

    @OptionGroup var target: RunOptions

    @Option(help: "Why, for the record.")
    var reason: String

    @Option(help: "The version you checked: refused if the run changed since.")
    var version: Int?

    func run() throws {
        try self.target.step("cancel", "/cancel", json: ["reason": self.reason], version: self.version)
    }
}

/// `shebao disburse export`.
struct DisburseExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Queue the export of an approved run: the scheduler writes its bank files (officers)."
    )

    @OptionGroup var target: RunOptions

    func run() throws {
        try self.target.step("export", "/export")
    }
}

/// `shebao disburse redrive`.
struct DisburseRedrive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Re-drive a stalled or failed task of a run from its checkpoint (administrators)."
    )

    @OptionGroup var target: RunOptions

    @Option(help: "The task (`show` lists them).")
    var task: Int64

    func run() throws {
        try self.target.step("redrive", "/tasks/\(self.task)/redrive")
    }
}
