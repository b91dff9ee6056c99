public import Domain
public import Foundation
import Postgres

/// A disbursement run (发放批次) as the officers see it: one office's payments of one benefit
/// kind for one period, its status and its control totals.
public struct DisbursementRun: Sendable, Equatable {
    /// Where the run came from.
    public enum Origin: String, Sendable, CaseIterable {
        /// An officer through the API.
        case api
        /// An officer through `shebao disburse`.
        case command
        /// The office's disbursement schedule.
        case schedule
    }

    public var id: Int64
    public var officeID: Int64
    public var kind: BenefitKind
    public var period: Period
    /// The day the bank credits the payees.
    public var valueDate: CalendarDate
    public var status: DisbursementRunStatus
    public var origin: Origin
    public var createdBy: Int64?
    public var approvedBy: Int64?
    public var cancelledBy: Int64?
    public var cancelReason: String?
    /// The control totals, frozen when it is computed.
    public var lineCount: Int
    public var totalFen: Int64
    /// Benefits of the office and kind left out, each with its reason.
    public var excludedCount: Int
    /// Lines failed at the bank in earlier runs, carried in.
    public var carriedCount: Int
    public var carriedFen: Int64
    /// Lines the bank's answers settled so far.
    public var paidCount: Int
    public var paidFen: Int64
    public var failedCount: Int
    public var failedFen: Int64
    /// Bumped by every change of status: an `If-Match` names it.
    public var version: Int
    public var createdAt: Date
    public var computedAt: Date?
    public var approvedAt: Date?
    public var exportedAt: Date?
    public var reconciledAt: Date?
    public var cancelledAt: Date?
}

/// The scheduler's work on a run, as its progress shows.
public struct DisbursementTask: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case compute
        case export
        case `import`

        /// The task in words, in `language`.
        public func name(_ language: Language) -> String {
            let names: (zh: String, en: String) =
                switch self {
                case .compute: ("计算", "computation")
                case .export: ("银行文件生成", "export")
                case .import: ("回盘文件导入", "return-file import")
                }
            return language == .en ? names.en : names.zh
        }
    }

    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for a scheduler, or leased to one working on it.
        case pending
        case done
        /// Given up after its attempts ran out: an administrator re-drives it.
        case failed
        /// Its run was cancelled.
        case cancelled
    }

    public var id: Int64
    public var runID: Int64
    public var kind: Kind
    public var status: Status
    /// The step it is at (`payees`, `carried`, `totals`; `batches`, `files`; `lines`).
    public var stage: String?
    /// Units done of `total` (benefits, batches, lines).
    public var done: Int64
    public var total: Int64?
    /// Times a scheduler claimed it.
    public var attempts: Int
    public var lastError: String?
    /// The return file an import reads.
    public var returnFileID: Int64?
    public var createdAt: Date
    public var startedAt: Date?
    public var progressAt: Date?
    public var finishedAt: Date?
    public var leaseExpiresAt: Date?
    /// A pending task whose lease ran out without a successor yet, or one that failed: an
    /// administrator can re-drive it from its checkpoint.
    public var isStalled: Bool

    /// Units per second since it started, while it runs or when it finished.
    public var rate: Double? {
        guard let start = self.startedAt, let last = self.finishedAt ?? self.progressAt else { return nil }
        let seconds = last.timeIntervalSince(start)
        return seconds > 0 ? Double(self.done) / seconds : nil
    }
}

/// A run with its tasks: what watching it shows.
public struct DisbursementRunDetail: Sendable, Equatable {
    public var run: DisbursementRun
    public var tasks: [DisbursementTask]

    /// The task in hand (the last one not done), if any.
    public var current: DisbursementTask? {
        self.tasks.last { $0.status == .pending || $0.status == .failed }
    }

    /// Whether a task of the run is stalled.
    public var isStalled: Bool { self.tasks.contains { $0.isStalled } }
}

/// What a list of runs is filtered by; nil is "any".
public struct DisbursementRunFilter: Sendable, Equatable {
    public var status: DisbursementRunStatus?
    public var kind: BenefitKind?
    public var period: Period?

    public init(status: DisbursementRunStatus? = nil, kind: BenefitKind? = nil, period: Period? = nil) {
        self.status = status
        self.kind = kind
        self.period = period
    }
}

/// One line of a run: an attempt to pay an obligation, with the payee as the run froze it.
public struct PaymentLineRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// In the run, not yet answered by the bank.
        case pending
        case paid
        /// Failed at the bank: carried into a later run.
        case failed
        /// A line of a cancelled run.
        case cancelled
    }

    public var id: Int64
    public var runID: Int64
    public var benefitID: Int64
    public var personID: Int64
    public var period: Period
    public var payeeName: String
    public var bankCode: String
    /// Masked: the first six and the last four digits.
    public var cardNumber: String
    public var amountFen: Int64
    /// The failed line of an earlier run this one carries in.
    public var carriedFrom: Int64?
    public var status: Status
    public var failureCode: String?
    public var settledAt: Date?
    /// The reference the bank files carry (`P000000012345`).
    public var reference: String { PaymentReference.make(self.id) }
}

/// The reference of a payment in the bank files: `P` and the line's id in 12 digits.
public enum PaymentReference {
    public static func make(_ id: Int64) -> String {
        let digits = String(id)
        return "P" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// The line id `reference` names, or nil when it is not a reference of this system.
    public static func lineID(_ reference: String) -> Int64? {
        guard reference.count == 13, reference.first == "P" else { return nil }
        let digits = reference.dropFirst()
        guard digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int64(digits)
    }
}

extension Character {
    var isASCIIDigit: Bool { self.isASCII && self.isNumber }
}

/// Why a benefit of the run's office and kind is not in it.
public struct RunExclusion: Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        case suspended
        case ended
        case notStarted = "not_started"
        case zeroAmount = "zero_amount"
        /// The period is paid already, by an earlier run.
        case alreadyPaid = "already_paid"
        /// The period's line is live in another run.
        case inAnotherRun = "in_another_run"

        /// The reason in words, in `language`.
        public func name(_ language: Language) -> String {
            let names: (zh: String, en: String) =
                switch self {
                case .suspended: ("待遇已暂停", "the benefit is suspended")
                case .ended: ("待遇已终止", "the benefit has ended")
                case .notStarted: ("尚未到待遇起始期", "the benefit starts in a later period")
                case .zeroAmount: ("月发放额为零", "the monthly amount is zero")
                case .alreadyPaid: ("该期已发放", "the period is paid already")
                case .inAnotherRun: ("该期已在其他发放批次中", "the period is in another run")
                }
            return language == .en ? names.en : names.zh
        }
    }

    public var benefitID: Int64
    public var personID: Int64
    public var reason: Reason
    public var amountFen: Int64
}

/// The exclusion report: counts by reason, and a page of the benefits left out.
public struct RunExclusionReport: Sendable, Equatable {
    public var counts: [RunExclusion.Reason: Int]
    public var page: [RunExclusion]
    public var nextCursor: Int64?
}

/// What the approver compares: the run against the office's previous run of the kind.
public struct RunDiff: Sendable, Equatable {
    /// A group of lines: how many and their sum.
    public struct Group: Sendable, Equatable {
        public var count: Int
        public var totalFen: Int64
        /// Up to the sample size of them, in benefit order.
        public var sample: [Change]
    }

    /// One benefit's line now and in the previous run.
    public struct Change: Sendable, Equatable {
        public var benefitID: Int64
        public var personID: Int64
        public var payeeName: String
        public var previousFen: Int64?
        public var currentFen: Int64?
    }

    /// The run compared with, if there was one.
    public var previousRunID: Int64?
    public var previousPeriod: Period?
    /// Payees in this run who were not in the previous one.
    public var added: Group
    /// Payees of the previous run not in this one.
    public var stopped: Group
    /// Payees in both whose amount changed; the sum is of the differences.
    public var changed: Group
    /// Lines failed in earlier runs, carried in.
    public var carried: Group
    /// Payees in both with the same amount.
    public var unchangedCount: Int
}

/// A bank file of a run: a payment file of a batch, or a return file uploaded.
public struct BankFileRecord: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case payment
        case `return`
    }

    public var id: Int64
    public var runID: Int64
    public var batchNumber: String?
    public var kind: Kind
    public var format: String
    public var fileName: String
    public var byteCount: Int
    /// Hex, lower case.
    public var sha256: String
    public var lineCount: Int
    public var totalFen: Int64
    public var createdAt: Date
    /// For a return file: where its import is.
    public var importStatus: DisbursementTask.Status?
}

/// A line the bank failed, wherever it is now.
public struct FailedPayment: Sendable, Equatable {
    public var line: PaymentLineRecord
    /// The line of a later run that carries it, if one does.
    public var carriedBy: Int64?
}

/// A return-file line that was not applied.
public struct QuarantinedLine: Sendable, Equatable {
    public var fileID: Int64
    public var lineNumber: Int
    public var reference: String
    public var amountFen: Int64?
    public var paid: Bool
    public var reasonCode: String?
    /// `unknown_reference`, `amount_mismatch`, `conflicting_answer`.
    public var quarantineReason: String
}
