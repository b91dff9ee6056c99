import API
import ArgumentParser
import Business
import Demo
import Foundation
import Postgres

/// `shebao admin …`: administration from the command line.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administration: operators, demo and scale data.",
        subcommands: [CreateOperatorCommand.self, OperatorChangeCommand.self, SeedDemoCommand.self]
    )
}

/// `shebao admin seed-demo`: the demo province, its offices, operators for every role, and
/// persons, employers, enrolments, a year of contributions and basic pensions; `--persons` and
/// `--benefits` scale it up.
struct SeedDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Load demo data (or scale data with --persons) into a migrated database with no offices yet.",
        discussion: """
            Connects with MIGRATION_DATABASE_URL (or DATABASE_URL) as the schema owner or a superuser. \
            A database that already has offices is left as it is.
            """
    )

    @Option(help: "Database URL (default: MIGRATION_DATABASE_URL, then DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Insured persons to create.")
    var persons = 2_000

    @Option(help: "Offices in all, the province and its 13 cities included (at least 20).")
    var offices = 30

    @Option(
        help: """
            Active basic pensions, one a person, at most --persons (default: a tenth of the persons). Persons of \
            retirement age are taken first; a few suspended, ended and later ones come beside them while such \
            persons are left.
            """
    )
    var benefits: Int?

    @Flag(help: "Show no progress bar.")
    var quiet = false

    func validate() throws {
        guard self.persons >= 1 && self.persons <= 8_000_000 else {
            throw ValidationError("--persons must be between 1 and 8,000,000")
        }
        guard self.offices >= 20 && self.offices <= 10_000 else {
            throw ValidationError("--offices must be between 20 and 10,000")
        }
        if let benefits = self.benefits, !(0...self.persons).contains(benefits) {
            throw ValidationError(
                "--benefits must be between 0 and --persons (\(self.persons)): a person has one basic pension; "
                    + "ask for more persons"
            )
        }
    }

    func run() throws {
        do {
            let summary = try self.seed()
            if summary.seeded {
                print(
                    "seeded: \(summary.offices) offices, \(summary.operators) operators, \(summary.employers) employers, "
                        + "\(summary.persons) persons, \(summary.enrolments) enrolments, \(summary.dues) contribution lines, "
                        + "\(summary.benefits) benefits, \(summary.schedules) disbursement schedules"
                )
            } else {
                print("the database already has offices: nothing seeded")
            }
        } catch {
            printError("shebao admin seed-demo: \(describe(error))")
            throw ExitCode.failure
        }
    }

    private func seed() throws -> DemoData.Summary {
        var options = DemoData.Options()
        options.persons = self.persons
        options.offices = self.offices
        options.benefits = self.benefits
        let bar = ProgressBar(isEnabled: !self.quiet && isatty(STDERR_FILENO) == 1)
        let connection = try ownerConnection(self.databaseURL)
        defer { connection.close() }
        let summary = try DemoData(options: options) { stage, done, total in bar.show(stage, done, total) }
            .load(on: connection)
        if summary.seeded {
            _ = try ApplicationChecks.recordMissing(on: connection)
        }
        bar.finish()
        return summary
    }
}

/// A one-line progress bar on standard error, redrawn in place.
final class ProgressBar {
    private let isEnabled: Bool
    private let started = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now - .seconds(1)

    init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    func show(_ stage: String, _ done: Int, _ total: Int) {
        guard self.isEnabled else { return }
        let now = ContinuousClock.now
        guard done == total || now - self.lastDrawn >= .milliseconds(100) else { return }
        self.lastDrawn = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = (now - self.started).components.seconds
        let line =
            "\r\(stage.padding(toLength: 14, withPad: " ", startingAt: 0)) ["
            + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + "] \(String(format: "%5.1f", fraction * 100))%  \(done)/\(total)  \(elapsed)s"
        FileHandle.standardError.write(Data(line.utf8))
        if done == total {
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }

    func finish() {
        guard self.isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
