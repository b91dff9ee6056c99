import Business
import Domain
import HTTP1
import HTTPServer

/// The bank files of a run: the payment files its export wrote, downloaded byte for byte
/// (audited by the business), and the bank's return files, uploaded raw and imported by the
/// scheduler; the return lines that could not be applied.
extension DisbursementRoutes {
    /// The largest return file taken: 128 MiB, room for a million lines in any of the formats.
    /// At the server's default body timeout (`SHEBAO_HTTP_BODY_TIMEOUT_SECONDS`, 60 s), a file
    /// this large needs a client sending more than 2.2 MB/s.
    public static let maxReturnFileBytes = 128 * 1024 * 1024

    static func registerFiles(on api: inout APIRouter, service: BusinessService) {
        let run = OpenAPI.Parameter.id("The run.")
        api.business(
            Self.operation(
                .get,
                Self.base + "/{id}/files",
                id: "listDisbursementFiles",
                summary: "银行文件列表 / List a run's bank files",
                description: """
                    The payment files of the run's export in batch order, then the return files as uploaded, each \
                    with its size, SHA-256 and control totals (and a return file's import status).
                    """,
                roles: Self.readers,
                parameters: [run],
                responses: [200: OpenAPI.Reply.json("BankFileList", "The files.")]
            ),
            service: service,
            action: "disbursement.files"
        ) { call, input in
            let files = try DisbursementRuns.files(input.integer(required: "id"), call.context)
            return .json(
                DisbursementJSON.items(files) { file, writer in
                    DisbursementJSON.write(file, call.language, into: &writer)
                }
            )
        }

        api.business(
            Self.operation(
                .get,
                Self.base + "/{id}/files/{fileId}",
                id: "downloadDisbursementFile",
                summary: "下载银行文件 / Download a bank file",
                description: """
                    The file's bytes as stored: a fixed-width file as `text/plain; charset=utf-8`, an ISO 20022 \
                    one as `application/xml`, as an attachment with its name; the ETag is its SHA-256. The \
                    download is audited.
                    """,
                roles: Self.readers,
                parameters: [run, .path("fileId", OpenAPI.Schema.id(), "The file.")],
                responses: [
                    200: OpenAPI.Reply.adding(
                        ["ETag", "Content-Disposition"],
                        to: OpenAPI.Reply.media(
                            ["text/plain", "application/xml"],
                            ["type": "string", "format": "binary", "description": "The file's bytes."],
                            "The file."
                        )
                    )
                ]
            ),
            service: service,
            action: "disbursement.download"
        ) { call, input in
            let (record, content) = try DisbursementRuns.download(
                input.integer(required: "id"),
                file: input.integer(required: "fileId"),
                call.context
            )
            let type = Self.fileFormats.first { $0.format == record.format }?.mediaType ?? "application/octet-stream"
            return HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", type), ("ETag", "\"\(record.sha256)\""),
                    ("Content-Disposition", Self.attachment(record.fileName)),
                    ("Cache-Control", "private, no-store"), ("X-Content-Type-Options", "nosniff"),
                ],
                body: content
            )
        }

        api.business(
            Self.operation(
                .post,
                Self.base + "/{id}/returns",
                id: "uploadDisbursementReturn",
                summary: "导入回盘文件 / Upload a bank return file",
                description: """
                    The bank's answer for an exported run, checked whole before anything is kept (every line \
                    well-formed, the trailer equal to the lines, the batch one of the run's: a 422 naming the \
                    line otherwise), stored and queued for import (follow its `import` task). The same file again \
                    is the same upload: 200 with its record, nothing imported twice. A run not exported is a 409.
                    """,
                roles: Self.officers,
                parameters: [
                    run,
                    .query(
                        "fileName",
                        OpenAPI.Schema.string("The file's name, as the bank sent it.", minLength: 1, maxLength: 200),
                        "The file's name, as the bank sent it.",
                        required: true
                    ),
                ],
                body: .file(
                    mediaTypes: ["text/plain", "application/xml", "application/octet-stream"],
                    description: """
                        The return file's bytes as the bank sent it: fixed-width, or ISO 20022 pain.002 or camt.054 \
                        XML, recognised by its content whatever the Content-Type says.
                        """
                ),
                responses: [
                    201: OpenAPI.Reply.json("BankFile", "Stored, its import queued.", headers: ["Location"]),
                    200: OpenAPI.Reply.json("BankFile", "The same file was uploaded before: its record."),
                ],
                errors: [409, 422],
                maxBodyBytes: Self.maxReturnFileBytes,
                isIdempotent: false
            ),
            service: service,
            action: "disbursement.return_upload",
            // The business audits a new file; the same file again changes nothing and is no event
            // (nor needs an Idempotency-Key: the file's digest makes it idempotent by itself).
            changesState: false
        ) { call, input in
            let id = input.integer(required: "id")
            guard let name = input.string("fileName") else {
                preconditionFailure("the file name is a required parameter")
            }
            let (record, isNew) = try DisbursementRuns.uploadReturn(
                id,
                DisbursementRuns.Upload(fileName: name, content: call.request.body),
                call.context
            )
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
            if isNew {
                headers.append(("Location", "\(Self.base)/\(id)/files/\(record.id)"))
            }
            return HTTPResponse(
                status: isNew ? 201 : 200,
                headers: headers,
                body: DisbursementJSON.file(record, call.language)
            )
        }

        api.business(
            Self.operation(
                .get,
                Self.base + "/{id}/quarantine",
                id: "listDisbursementQuarantine",
                summary: "回盘异常明细 / List a run's quarantined return lines",
                description: """
                    The return-file lines that were not applied, by file and line: no payment of the run has the \
                    reference, the amount differs, or the payment had another answer already. The first `limit`.
                    """,
                roles: Self.readers,
                parameters: [run, .limit(default: 100, maximum: 1000)],
                responses: [200: OpenAPI.Reply.json("QuarantinedLineList", "The lines.")]
            ),
            service: service,
            action: "disbursement.quarantine"
        ) { call, input in
            let lines = try DisbursementRuns.quarantine(
                input.integer(required: "id"),
                PageRequest(limit: Int(input.integer(required: "limit"))),
                call.context
            )
            return .json(
                DisbursementJSON.items(lines) { line, writer in
                    DisbursementJSON.write(line, call.language, into: &writer)
                }
            )
        }
    }

    /// `Content-Disposition: attachment` naming `fileName` (RFC 6266): `filename` in printable
    /// ASCII (any other character, a quote and a backslash as `_`), and `filename*` with every
    /// character, percent-encoded UTF-8 (RFC 8187 §3.2), so that no name can break the field.
    static func attachment(_ fileName: String) -> String {
        let fallback = String(
            fileName.unicodeScalars.map { scalar -> Character in
                (0x20..<0x7F).contains(scalar.value) && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
            }
        )
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(PercentEncoding.headerParameter(fileName))"
    }
}
